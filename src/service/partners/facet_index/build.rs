//! Reading a campaign's facet columns into memory: one position per partner (in partner id
//! order) with its relationship row id, a small code per position for each dimension held on
//! the relationship row, and a list of positions per value for the dimensions a partner can
//! have several of.

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult, TryGetable};

use super::dimension::{Multi, Single};
use crate::auth::AuthContext;
use crate::domain::{attribute, ContractRecordStatus};
use crate::error::AppResult;

use entity::{
    campaign_partner as cp, partner_attribute as pa, partner_contract as pc,
    partner_group_member as pgm,
};

/// Relationship rows read per statement (and partners whose memberships, contracts and
/// attributes are read per statement).
const CHUNK: u64 = 50_000;

/// The facet columns of one campaign's partners, as of one list version.
#[derive(Clone, Debug, Default)]
pub struct CampaignIndex {
    /// The account the campaign belongs to.
    pub account_id: i64,
    /// The campaign's list version the index was read at.
    pub version: i64,
    /// Number of partners (positions).
    pub len: usize,
    /// The relationship row (`campaign_partners.id`) of each position.
    pub rows: Vec<i64>,
    /// The partner of each position: ascending up to `sorted`, then partners that joined after
    /// the index was read (in `joined`).
    pub partners: Vec<i64>,
    /// Positions up to here hold ascending partner ids.
    pub sorted: usize,
    /// The positions of partners added since the index was read.
    pub joined: HashMap<i64, u32>,
    /// Country code.
    pub country: Single<String>,
    /// Partnership state.
    pub contract_status: Single<String>,
    /// Direct or marketplace.
    pub relationship_type: Single<String>,
    /// Relationship stage.
    pub relationship_stage: Single<String>,
    /// Prospecting source.
    pub prospecting_source: Single<String>,
    /// Size rank.
    pub size_rank: Single<i64>,
    /// Assigned account user.
    pub assigned_user: Single<i64>,
    /// Groups of the campaign the partner is a member of.
    pub groups: Multi<i64>,
    /// Templates of the partner's active contracts.
    pub templates: Multi<i64>,
    /// The date each position's partner joined, as a sort key ([`sort_date`]): with the
    /// partner ids, what a page in date-joined or partner id order is picked by
    /// (`super::page`).
    pub date_joined: Vec<i64>,
    /// Business models of the partner's profile.
    pub business_models: Multi<String>,
}

fn get<T: TryGetable>(row: &QueryResult, i: usize) -> AppResult<T> {
    Ok(row.try_get_by_index::<T>(i)?)
}

/// The relationship rows of partners after `after`, in partner id order.
fn relationships(auth: &AuthContext, campaign_id: i64, after: i64) -> SelectStatement {
    let mut q = facet_columns(auth, campaign_id);
    q.and_where(Expr::col((cp::Entity, cp::Column::PartnerId)).gt(after))
        .order_by((cp::Entity, cp::Column::PartnerId), Order::Asc)
        .limit(CHUNK);
    q
}

/// The facet columns of the campaign's relationship rows, as [`Facets::of`] reads them.
pub(super) fn facet_columns(auth: &AuthContext, campaign_id: i64) -> SelectStatement {
    let col = |c: cp::Column| Expr::col((cp::Entity, c));
    Query::select()
        .expr(col(cp::Column::PartnerId))
        .expr(col(cp::Column::Id))
        .expr(col(cp::Column::Country))
        .expr(col(cp::Column::ContractStatus))
        .expr(col(cp::Column::RelationshipType))
        .expr(col(cp::Column::RelationshipStage))
        .expr(col(cp::Column::ProspectingSource))
        // A smallint: widened so both backends read it as a 64-bit integer.
        .expr(col(cp::Column::SizeRank).cast_as(Alias::new("BIGINT")))
        .expr(col(cp::Column::AssignedUserId))
        .expr(col(cp::Column::DateJoined))
        .from(cp::Entity)
        .and_where(col(cp::Column::AccountId).eq(auth.account_id))
        .and_where(col(cp::Column::CampaignId).eq(campaign_id))
        .to_owned()
}

/// One relationship row's facet values (a row of [`facet_columns`]).
pub(super) struct Facets {
    pub partner: i64,
    pub row: i64,
    country: Option<String>,
    contract_status: Option<String>,
    relationship_type: Option<String>,
    relationship_stage: Option<String>,
    prospecting_source: Option<String>,
    size_rank: Option<i64>,
    assigned_user: Option<i64>,
    date_joined: i64,
}

/// A date as the index sorts it: nanoseconds since the epoch, a missing date as the smallest
/// value (both databases sort missing values first ascending). Dates outside 1677–2262 (which
/// no partner joins at) take the nearest end.
pub(super) fn sort_date(date: Option<chrono::DateTime<chrono::Utc>>) -> i64 {
    match date {
        None => i64::MIN,
        Some(d) => d.timestamp_nanos_opt().unwrap_or(if d.timestamp() > 0 {
            i64::MAX
        } else {
            i64::MIN + 1
        }),
    }
}

impl Facets {
    pub(super) fn of(row: &QueryResult) -> AppResult<Self> {
        Ok(Facets {
            partner: get(row, 0)?,
            row: get(row, 1)?,
            country: get(row, 2)?,
            contract_status: get(row, 3)?,
            relationship_type: get(row, 4)?,
            relationship_stage: get(row, 5)?,
            prospecting_source: get(row, 6)?,
            size_rank: get(row, 7)?,
            assigned_user: get(row, 8)?,
            date_joined: sort_date(get(row, 9)?),
        })
    }

    /// Appends them as the next position; `false` when a dimension ran out of codes.
    pub(super) fn push(self, ix: &mut CampaignIndex) -> bool {
        ix.partners.push(self.partner);
        ix.rows.push(self.row);
        ix.date_joined.push(self.date_joined);
        ix.len += 1;
        ix.country.push(self.country)
            && ix.contract_status.push(self.contract_status)
            && ix.relationship_type.push(self.relationship_type)
            && ix.relationship_stage.push(self.relationship_stage)
            && ix.prospecting_source.push(self.prospecting_source)
            && ix.size_rank.push(self.size_rank)
            && ix.assigned_user.push(self.assigned_user)
    }

    /// Sets them at `position`; `false` when a dimension ran out of codes.
    pub(super) fn set(self, ix: &mut CampaignIndex, position: usize) -> bool {
        if let Some(row) = ix.rows.get_mut(position) {
            *row = self.row;
        }
        if let Some(date) = ix.date_joined.get_mut(position) {
            *date = self.date_joined;
        }
        ix.country.set(position, self.country)
            && ix.contract_status.set(position, self.contract_status)
            && ix.relationship_type.set(position, self.relationship_type)
            && ix.relationship_stage.set(position, self.relationship_stage)
            && ix.prospecting_source.set(position, self.prospecting_source)
            && ix.size_rank.set(position, self.size_rank)
            && ix.assigned_user.set(position, self.assigned_user)
    }
}

/// Reads the index of a campaign of the caller's account; `None` when a dimension has more
/// distinct values than the index can code (the list then counts in SQL).
pub async fn build(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    version: i64,
) -> AppResult<Option<CampaignIndex>> {
    let mut ix = CampaignIndex {
        account_id: auth.account_id,
        version,
        ..Default::default()
    };
    let mut after = i64::MIN;
    loop {
        let rows = db
            .query_all(&relationships(auth, campaign_id, after))
            .await?;
        let Some(last) = rows.last() else { break };
        let partners: Vec<i64> = rows.iter().map(|r| get(r, 0)).collect::<AppResult<_>>()?;
        let first = ix.len;
        for row in &rows {
            if !Facets::of(row)?.push(&mut ix) {
                return Ok(None);
            }
        }
        let done = (rows.len() as u64) < CHUNK;
        after = get(last, 0)?;
        let (Some(lo), Some(hi)) = (partners.first().copied(), partners.last().copied()) else {
            break;
        };
        let position = |partner: i64| {
            partners
                .binary_search(&partner)
                .ok()
                .map(|i| (first + i) as u32)
        };
        related(
            db,
            auth,
            campaign_id,
            Partners::Range(lo, hi),
            position,
            &mut ix,
        )
        .await?;
        if done {
            break;
        }
    }
    ix.groups.finish();
    ix.templates.finish();
    ix.business_models.finish();
    ix.sorted = ix.len;
    Ok(Some(ix))
}

/// Which partners [`related`] reads.
pub(super) enum Partners<'a> {
    /// Ids from..to (a chunk of the campaign, in order).
    Range(i64, i64),
    /// These ids.
    Ids(&'a [i64]),
}

impl Partners<'_> {
    fn condition(&self, column: Expr) -> sea_orm::sea_query::SimpleExpr {
        match self {
            Partners::Range(lo, hi) => column.between(*lo, *hi),
            Partners::Ids(ids) => column.is_in(ids.iter().copied()),
        }
    }
}

/// Reads the memberships, active contracts and business models of `partners`, each at the
/// position `position` gives it (partners without one are skipped).
pub(super) async fn related(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    partners: Partners<'_>,
    position: impl Fn(i64) -> Option<u32>,
    ix: &mut CampaignIndex,
) -> AppResult<()> {
    let members = Query::select()
        .columns([
            (pgm::Entity, pgm::Column::PartnerId),
            (pgm::Entity, pgm::Column::GroupId),
        ])
        .from(pgm::Entity)
        .and_where(Expr::col((pgm::Entity, pgm::Column::AccountId)).eq(auth.account_id))
        .and_where(Expr::col((pgm::Entity, pgm::Column::CampaignId)).eq(campaign_id))
        .and_where(partners.condition(Expr::col((pgm::Entity, pgm::Column::PartnerId))))
        .to_owned();
    for row in db.query_all(&members).await? {
        if let Some(p) = position(get(&row, 0)?) {
            ix.groups.push(get(&row, 1)?, p);
        }
    }
    let contracts = Query::select()
        .columns([
            (pc::Entity, pc::Column::PartnerId),
            (pc::Entity, pc::Column::TemplateId),
        ])
        .from(pc::Entity)
        .and_where(Expr::col((pc::Entity, pc::Column::AccountId)).eq(auth.account_id))
        .and_where(Expr::col((pc::Entity, pc::Column::CampaignId)).eq(campaign_id))
        .and_where(Expr::col((pc::Entity, pc::Column::Status)).is_in(ContractRecordStatus::CURRENT))
        .and_where(Expr::col((pc::Entity, pc::Column::TemplateId)).is_not_null())
        .and_where(partners.condition(Expr::col((pc::Entity, pc::Column::PartnerId))))
        .to_owned();
    for row in db.query_all(&contracts).await? {
        if let Some(p) = position(get(&row, 0)?) {
            ix.templates.push(get(&row, 1)?, p);
        }
    }
    // Profile attributes are the partner's own; partners of other campaigns in the id range
    // are read and dropped.
    let models = Query::select()
        .columns([
            (pa::Entity, pa::Column::PartnerId),
            (pa::Entity, pa::Column::Value),
        ])
        .from(pa::Entity)
        .and_where(partners.condition(Expr::col((pa::Entity, pa::Column::PartnerId))))
        .and_where(Expr::col((pa::Entity, pa::Column::Kind)).eq(attribute::BUSINESS_MODEL))
        .to_owned();
    for row in db.query_all(&models).await? {
        if let Some(p) = position(get(&row, 0)?) {
            ix.business_models.push(get(&row, 1)?, p);
        }
    }
    Ok(())
}
