//! Reading a campaign's facet columns into memory: one position per partner (in partner id
//! order) with its relationship row id, a small code per position for each dimension held on
//! the relationship row, and a list of positions per value for the dimensions a partner can
//! have several of.

use std::collections::HashMap;
use std::hash::Hash;

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult, TryGetable};

use super::bitset::Bitset;
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

/// A dimension with one value per partner: a code per position into `values`.
#[derive(Debug, Default)]
pub struct Single<T> {
    /// The code of each position's value.
    pub codes: Vec<u16>,
    /// The distinct values (`None`: no value), by code.
    pub values: Vec<Option<T>>,
    lookup: HashMap<Option<T>, u16>,
}

impl<T: Eq + Hash + Clone> Single<T> {
    /// Appends the next position's value; `false` when there are too many distinct values.
    fn push(&mut self, value: Option<T>) -> bool {
        let code = match self.lookup.get(&value) {
            Some(code) => *code,
            None => {
                let Ok(code) = u16::try_from(self.values.len()) else {
                    return false;
                };
                self.values.push(value.clone());
                self.lookup.insert(value, code);
                code
            }
        };
        self.codes.push(code);
        true
    }

    /// The slots of the value-to-code map (for the memory estimate).
    pub fn lookup_capacity(&self) -> usize {
        self.lookup.capacity()
    }

    /// For each code, whether `wanted` accepts its value.
    pub fn accepting(&self, wanted: impl Fn(Option<&T>) -> bool) -> Vec<bool> {
        self.values.iter().map(|v| wanted(v.as_ref())).collect()
    }
}

/// A dimension a partner can have any number of values of: the positions of each value.
#[derive(Debug, Default)]
pub struct Multi<T> {
    /// Each value with its positions (ascending, no repeats).
    pub members: HashMap<T, Vec<u32>>,
}

impl<T: Eq + Hash + Clone> Multi<T> {
    fn push(&mut self, value: T, position: u32) {
        self.members.entry(value).or_default().push(position);
    }

    fn finish(&mut self) {
        for positions in self.members.values_mut() {
            positions.sort_unstable();
            positions.dedup();
        }
    }

    /// The positions with any of `values`.
    pub fn with_any(&self, values: &[T], len: usize) -> Bitset {
        let mut rows = Bitset::empty(len);
        for positions in values.iter().filter_map(|v| self.members.get(v)) {
            for p in positions {
                rows.insert(*p);
            }
        }
        rows
    }

    /// The positions with at least one value.
    pub fn with_some(&self, len: usize) -> Bitset {
        let mut rows = Bitset::empty(len);
        for p in self.members.values().flatten() {
            rows.insert(*p);
        }
        rows
    }
}

/// The facet columns of one campaign's partners, as of one list version.
#[derive(Debug, Default)]
pub struct CampaignIndex {
    /// The account the campaign belongs to.
    pub account_id: i64,
    /// The campaign's list version the index was read at.
    pub version: i64,
    /// Number of partners (positions).
    pub len: usize,
    /// The relationship row (`campaign_partners.id`) of each position.
    pub rows: Vec<i64>,
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
    /// Business models of the partner's profile.
    pub business_models: Multi<String>,
}

fn get<T: TryGetable>(row: &QueryResult, i: usize) -> AppResult<T> {
    Ok(row.try_get_by_index::<T>(i)?)
}

/// The relationship rows of partners after `after`, in partner id order.
fn relationships(auth: &AuthContext, campaign_id: i64, after: i64) -> SelectStatement {
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
        .from(cp::Entity)
        .and_where(col(cp::Column::AccountId).eq(auth.account_id))
        .and_where(col(cp::Column::CampaignId).eq(campaign_id))
        .and_where(col(cp::Column::PartnerId).gt(after))
        .order_by((cp::Entity, cp::Column::PartnerId), Order::Asc)
        .limit(CHUNK)
        .to_owned()
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
        for row in &rows {
            ix.rows.push(get(row, 1)?);
            let fits = ix.country.push(get(row, 2)?)
                && ix.contract_status.push(get(row, 3)?)
                && ix.relationship_type.push(get(row, 4)?)
                && ix.relationship_stage.push(get(row, 5)?)
                && ix.prospecting_source.push(get(row, 6)?)
                && ix.size_rank.push(get(row, 7)?)
                && ix.assigned_user.push(get(row, 8)?);
            if !fits {
                return Ok(None);
            }
        }
        let first = ix.len;
        ix.len += rows.len();
        let done = (rows.len() as u64) < CHUNK;
        after = get(last, 0)?;
        related(db, auth, campaign_id, &partners, first, &mut ix).await?;
        if done {
            break;
        }
    }
    ix.groups.finish();
    ix.templates.finish();
    ix.business_models.finish();
    Ok(Some(ix))
}

/// Reads the memberships, active contracts and business models of `partners` (ascending ids,
/// at positions from `first`).
async fn related(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    partners: &[i64],
    first: usize,
    ix: &mut CampaignIndex,
) -> AppResult<()> {
    let (Some(lo), Some(hi)) = (partners.first().copied(), partners.last().copied()) else {
        return Ok(());
    };
    let position = |partner: i64| {
        partners
            .binary_search(&partner)
            .ok()
            .map(|i| (first + i) as u32)
    };
    let members = Query::select()
        .columns([
            (pgm::Entity, pgm::Column::PartnerId),
            (pgm::Entity, pgm::Column::GroupId),
        ])
        .from(pgm::Entity)
        .and_where(Expr::col((pgm::Entity, pgm::Column::AccountId)).eq(auth.account_id))
        .and_where(Expr::col((pgm::Entity, pgm::Column::CampaignId)).eq(campaign_id))
        .and_where(Expr::col((pgm::Entity, pgm::Column::PartnerId)).between(lo, hi))
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
        .and_where(
            Expr::col((pc::Entity, pc::Column::Status)).eq(ContractRecordStatus::Active.as_str()),
        )
        .and_where(Expr::col((pc::Entity, pc::Column::TemplateId)).is_not_null())
        .and_where(Expr::col((pc::Entity, pc::Column::PartnerId)).between(lo, hi))
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
        .and_where(Expr::col((pa::Entity, pa::Column::PartnerId)).between(lo, hi))
        .and_where(Expr::col((pa::Entity, pa::Column::Kind)).eq(attribute::BUSINESS_MODEL))
        .to_owned();
    for row in db.query_all(&models).await? {
        if let Some(p) = position(get(&row, 0)?) {
            ix.business_models.push(get(&row, 1)?, p);
        }
    }
    Ok(())
}
