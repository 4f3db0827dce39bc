//! Compiles a `PartnerFilter` into one SQL condition over `campaign_partners` (with `IN`
//! subqueries for groups, contracts, profile attributes and custom fields). Every subquery is
//! restricted to the listed campaign, so ids of another account's groups, templates, users or
//! fields can only ever match nothing; group ids are checked against the campaign beforehand
//! (`ListQuery::campaign_groups`) and others dropped, with the same effect.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{
    Condition, Expr, ExprTrait, Func, IntoColumnRef, Query, SelectStatement, SimpleExpr,
};
use sea_orm::DbBackend;

use super::filter::{CustomFieldCondition, CustomFieldFilter, PartnerFilter, Range};
use super::listing::size_rank;
use super::search_sql;
use super::terms::Terms;
use crate::domain::{attribute, ContractRecordStatus, ContractStage, ContractStatus, TermsUpdate};

use entity::{
    campaign_partner as cp, custom_field_answer as cfa, custom_field_answer_option as cfao,
    partner_attribute as pa, partner_contract as pc, partner_group_member as pgm,
};

/// What compiling needs besides the filter.
#[derive(Clone, Debug)]
pub struct FilterContext {
    /// The database dialect (search differs).
    pub backend: DbBackend,
    /// "Now", for recently expired and upcoming terms.
    pub now: DateTime<Utc>,
    /// The campaign listed (subqueries are restricted to it).
    pub campaign_id: i64,
    /// The filter's group ids that are groups of the campaign (see `ListQuery::campaign_groups`).
    pub campaign_groups: BTreeSet<i64>,
    /// The filter's custom field ids that are deleted fields (see `ListQuery::deleted_fields`).
    pub deleted_fields: BTreeSet<i64>,
    /// A page query for a common search term on SQLite: walk the sort order (see
    /// `search_sql::page_in_sort_order`).
    pub search_in_sort_order: bool,
}

fn col(c: cp::Column) -> Expr {
    Expr::col((cp::Entity, c))
}

fn strings<T: Copy>(values: &[T], name: impl Fn(T) -> &'static str) -> Vec<String> {
    values.iter().map(|v| name(*v).to_owned()).collect()
}

fn range<T, C>(cond: &mut Terms, column: C, r: &Range<T>)
where
    T: Clone + Into<sea_orm::Value>,
    C: IntoColumnRef + Clone,
{
    if let Some(min) = &r.min {
        cond.push(Expr::col(column.clone()).gte(min.clone()));
    }
    if let Some(max) = &r.max {
        cond.push(Expr::col(column).lte(max.clone()));
    }
}

/// `cp.partner_id IN (SELECT <table>.partner_id FROM <table> WHERE <table>.campaign_id = <campaign> AND ...)`.
/// Uncorrelated on purpose: both planners can drive the query from the (usually small) set the
/// subquery's index yields instead of probing every row of the campaign.
fn partners_in<E, C>(
    table: E,
    campaign: C,
    partner: C,
    cx: &FilterContext,
    extra: impl FnOnce(&mut SelectStatement),
) -> SimpleExpr
where
    E: sea_orm::sea_query::IntoTableRef + Copy + sea_orm::sea_query::IntoIden,
    C: sea_orm::sea_query::IntoIden,
{
    let mut q = Query::select()
        .column((table, partner))
        .from(table)
        .and_where(Expr::col((table, campaign)).eq(cx.campaign_id))
        .to_owned();
    extra(&mut q);
    col(cp::Column::PartnerId).in_subquery(q)
}

fn contracts_where(cx: &FilterContext, extra: impl FnOnce(&mut SelectStatement)) -> SimpleExpr {
    partners_in(
        pc::Entity,
        pc::Column::CampaignId,
        pc::Column::PartnerId,
        cx,
        extra,
    )
}

fn contract_status(status: ContractRecordStatus) -> Expr {
    Expr::col((pc::Entity, pc::Column::Status)).eq(status.as_str())
}

fn attribute(kind: &str, values: Vec<String>) -> SimpleExpr {
    // Profile attributes are the partner's own: not per campaign.
    let q = Query::select()
        .column((pa::Entity, pa::Column::PartnerId))
        .from(pa::Entity)
        .and_where(Expr::col((pa::Entity, pa::Column::Kind)).eq(kind))
        .and_where(Expr::col((pa::Entity, pa::Column::Value)).is_in(values))
        .to_owned();
    col(cp::Column::PartnerId).in_subquery(q)
}

fn answer(
    field_id: i64,
    cx: &FilterContext,
    extra: impl FnOnce(&mut SelectStatement),
) -> SimpleExpr {
    partners_in(
        cfa::Entity,
        cfa::Column::CampaignId,
        cfa::Column::PartnerId,
        cx,
        |q| {
            q.and_where(Expr::col((cfa::Entity, cfa::Column::FieldId)).eq(field_id));
            extra(q);
        },
    )
}

fn chosen_option(field_id: i64, options: Vec<i64>, cx: &FilterContext) -> SimpleExpr {
    partners_in(
        cfao::Entity,
        cfao::Column::CampaignId,
        cfao::Column::PartnerId,
        cx,
        |q| {
            q.and_where(Expr::col((cfao::Entity, cfao::Column::FieldId)).eq(field_id))
                .and_where(Expr::col((cfao::Entity, cfao::Column::OptionId)).is_in(options));
        },
    )
}

fn custom_field(f: &CustomFieldFilter, cx: &FilterContext) -> Condition {
    let id = f.field_id;
    let mut c = Terms::default();
    if cx.deleted_fields.contains(&id) {
        // A deleted field has no answers: any condition on it matches no one.
        c.push(Expr::cust("1 = 0"));
        return c.all();
    }
    match &f.condition {
        CustomFieldCondition::AnyOf(options) => c.push(chosen_option(id, options.clone(), cx)),
        CustomFieldCondition::AllOf(options) => {
            for option in options {
                c.push(chosen_option(id, vec![*option], cx));
            }
        }
        CustomFieldCondition::Contains(text) => {
            // The answer's text folded by the server as the term is (SQLite's `lower()` folds
            // ASCII only).
            let folded = Expr::col((cfa::Entity, cfa::Column::TextFolded));
            let like = search_sql::contains(folded, text);
            c.push(answer(id, cx, |q| {
                q.and_where(like);
            }));
        }
        CustomFieldCondition::Number(r) => {
            let mut inner = Terms::default();
            range(&mut inner, (cfa::Entity, cfa::Column::NumberValue), r);
            c.push(answer(id, cx, |q| {
                q.cond_where(inner.all());
            }));
        }
        CustomFieldCondition::Date(r) => {
            let mut inner = Terms::default();
            range(&mut inner, (cfa::Entity, cfa::Column::DateValue), r);
            c.push(answer(id, cx, |q| {
                q.cond_where(inner.all());
            }));
        }
        CustomFieldCondition::HasAnswer(true) => c.push(answer(id, cx, |_| {})),
        CustomFieldCondition::HasAnswer(false) => c.push(answer(id, cx, |_| {}).not()),
    }
    c.all()
}

fn terms_update(update: TermsUpdate, f: &PartnerFilter, cx: &FilterContext) -> SimpleExpr {
    let end = || Expr::col((pc::Entity, pc::Column::EndDate));
    match update {
        TermsUpdate::PendingProposal => contracts_where(cx, |q| {
            q.and_where(contract_status(ContractRecordStatus::Pending));
        }),
        TermsUpdate::RecentlyExpired => {
            let since = cx.now - Duration::days(f.recently_expired_days);
            contracts_where(cx, |q| {
                q.and_where(contract_status(ContractRecordStatus::Expired))
                    .and_where(end().gte(since))
                    .and_where(end().lte(cx.now));
            })
        }
        TermsUpdate::UpcomingSwitch => contracts_where(cx, |q| {
            q.and_where(contract_status(ContractRecordStatus::Upcoming));
        }),
        // The current contract (active or suspended) ends later: a scheduled expiry, or a
        // temporary contract's own end.
        TermsUpdate::UpcomingExpiry => contracts_where(cx, |q| {
            let expires = Expr::col((pc::Entity, pc::Column::ExpiresAt));
            q.and_where(
                Expr::col((pc::Entity, pc::Column::Status))
                    .is_in(ContractRecordStatus::CURRENT)
                    .and(expires.gt(cx.now).or(end().gt(cx.now))),
            );
        }),
    }
}

/// The SQL condition of `f` over `campaign_partners` rows.
pub fn condition(f: &PartnerFilter, cx: &FilterContext) -> Condition {
    let mut all = Terms::default();
    if let Some(expr) = f
        .search
        .as_deref()
        .and_then(|t| search_sql::search(cx.backend, t, cx.search_in_sort_order))
    {
        all.push(expr);
    }
    if !f.contract_statuses.is_empty() {
        all.push(
            col(cp::Column::ContractStatus)
                .is_in(strings(&f.contract_statuses, ContractStatus::as_str)),
        );
    }
    if !f.contract_stages.is_empty() {
        let mut statuses = Vec::new();
        for stage in &f.contract_stages {
            match stage {
                ContractStage::Active => {
                    statuses.extend([ContractStatus::Active, ContractStatus::Suspended])
                }
                ContractStage::Expired => statuses.push(ContractStatus::Expired),
            }
        }
        all.push(col(cp::Column::ContractStatus).is_in(strings(&statuses, ContractStatus::as_str)));
    }
    if !f.group_ids.is_empty() || f.in_no_group {
        let mut any = Terms::default();
        let groups: Vec<i64> = f
            .group_ids
            .iter()
            .copied()
            .filter(|g| cx.campaign_groups.contains(g))
            .collect();
        if !groups.is_empty() {
            // The groups are the campaign's, so their members are too: no campaign condition.
            let members = Query::select()
                .column((pgm::Entity, pgm::Column::PartnerId))
                .from(pgm::Entity)
                .and_where(Expr::col((pgm::Entity, pgm::Column::GroupId)).is_in(groups))
                .to_owned();
            any.push(col(cp::Column::PartnerId).in_subquery(members));
        } else if !f.group_ids.is_empty() {
            // Only groups of other campaigns or accounts, or none that exist: no one.
            any.push(Expr::cust("1 = 0"));
        }
        if f.in_no_group {
            any.push(
                partners_in(
                    pgm::Entity,
                    pgm::Column::CampaignId,
                    pgm::Column::PartnerId,
                    cx,
                    |_| {},
                )
                .not(),
            );
        }
        all.push(any.any());
    }
    if !f.contract_template_ids.is_empty() {
        let ids = f.contract_template_ids.clone();
        all.push(contracts_where(cx, |q| {
            // Signed to: under the contract in force, active or suspended.
            q.and_where(
                Expr::col((pc::Entity, pc::Column::Status)).is_in(ContractRecordStatus::CURRENT),
            )
            .and_where(Expr::col((pc::Entity, pc::Column::TemplateId)).is_in(ids));
        }));
    }
    if !f.terms_updates.is_empty() {
        let mut any = Terms::default();
        for update in &f.terms_updates {
            any.push(terms_update(*update, f, cx));
        }
        all.push(any.any());
    }
    if !f.relationship_types.is_empty() {
        all.push(
            col(cp::Column::RelationshipType).is_in(strings(&f.relationship_types, |v| v.as_str())),
        );
    }
    if !f.countries.is_empty() {
        all.push(col(cp::Column::Country).is_in(f.countries.clone()));
    }
    if !f.state_provinces.is_empty() {
        all.push(col(cp::Column::StateProvince).is_in(f.state_provinces.clone()));
    }
    if !f.audience_countries.is_empty() {
        all.push(attribute(
            attribute::AUDIENCE_COUNTRY,
            f.audience_countries.clone(),
        ));
    }
    if !f.promotional_areas.is_empty() {
        all.push(attribute(
            attribute::PROMOTIONAL_AREA,
            f.promotional_areas.clone(),
        ));
    }
    if !f.sizes.is_empty() {
        let ranks: Vec<i16> = f.sizes.iter().map(|s| size_rank(*s)).collect();
        all.push(col(cp::Column::SizeRank).is_in(ranks));
    }
    for cf in &f.custom_fields {
        all.push(custom_field(cf, cx));
    }
    if !f.relationship_stages.is_empty() {
        all.push(
            col(cp::Column::RelationshipStage)
                .is_in(strings(&f.relationship_stages, |v| v.as_str())),
        );
    }
    if !f.business_models.is_empty() {
        all.push(attribute(
            attribute::BUSINESS_MODEL,
            strings(&f.business_models, |v| v.as_str()),
        ));
    }
    if !f.assigned_user_ids.is_empty() || f.unassigned {
        let mut any = Terms::default();
        if !f.assigned_user_ids.is_empty() {
            any.push(col(cp::Column::AssignedUserId).is_in(f.assigned_user_ids.clone()));
        }
        if f.unassigned {
            any.push(col(cp::Column::AssignedUserId).is_null());
        }
        all.push(any.any());
    }
    if !f.prospecting_sources.is_empty() {
        all.push(
            col(cp::Column::ProspectingSource)
                .is_in(strings(&f.prospecting_sources, |v| v.as_str())),
        );
    }
    range(
        &mut all,
        (cp::Entity, cp::Column::DateJoined),
        &f.date_joined,
    );
    range(
        &mut all,
        (cp::Entity, cp::Column::MarketplaceAppliedAt),
        &f.marketplace_application_date,
    );
    range(
        &mut all,
        (cp::Entity, cp::Column::SocialReach),
        &f.social_reach,
    );
    range(
        &mut all,
        (cp::Entity, cp::Column::MozDomainAuthority),
        &f.moz_domain_authority,
    );
    for nested in &f.and {
        all.push(condition(nested, cx));
    }
    if !f.or.is_empty() {
        let mut any = Terms::default();
        for nested in &f.or {
            any.push(condition(nested, cx));
        }
        all.push(any.any());
    }
    if let Some(nested) = &f.not {
        // Every partner the nested filter does not keep: SQL's NOT of an unknown (a condition
        // on a column the partner has no value in, `size IN (...)` of a NULL size) is unknown
        // too, which would leave such partners out of both the filter and its `not`.
        let known = Func::coalesce([Expr::from(condition(nested, cx)), Expr::cust("FALSE")]);
        all.push(Expr::from(known).not());
    }
    all.all()
}
