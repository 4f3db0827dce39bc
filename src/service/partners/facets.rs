//! Facet counts for the filter bar: for one dimension, each value with the number of partners
//! matching the current filter without that dimension's own condition ("Country: US (1,204)").

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};

use super::filter::FacetDimension;
use super::listing::size_of_rank;
use super::query::list_condition;
use super::ListQuery;
use crate::auth::AuthContext;
use crate::domain::{attribute, ContractRecordStatus};
use crate::error::AppResult;

use entity::{
    account_user, campaign_partner as cp, contract_template, partner_attribute as pa,
    partner_contract as pc, partner_group, partner_group_member as pgm,
};

/// One value of a facet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetBucket {
    /// The value to filter by (an enum name, country code or numeric id); `None` for "none"
    /// (no country, no group, unassigned, ...).
    pub value: Option<String>,
    /// What to show: the name of a group, template or user; the value itself otherwise.
    pub label: String,
    /// Partners with this value under the other filters.
    pub count: i64,
}

fn text(row: &QueryResult, name: &str) -> AppResult<Option<String>> {
    Ok(row.try_get::<Option<String>>("", name)?)
}

fn number(row: &QueryResult, name: &str) -> AppResult<Option<i64>> {
    Ok(row.try_get::<Option<i64>>("", name)?)
}

fn cp_col(c: cp::Column) -> Expr {
    Expr::col((cp::Entity, c))
}

fn joins_relationship<E: sea_orm::sea_query::IntoIden + Copy, C: sea_orm::sea_query::IntoIden>(
    table: E,
    campaign: C,
    partner: C,
) -> sea_orm::sea_query::Condition {
    sea_orm::sea_query::Condition::all()
        .add(Expr::col((table, campaign)).equals((cp::Entity, cp::Column::CampaignId)))
        .add(Expr::col((table, partner)).equals((cp::Entity, cp::Column::PartnerId)))
}

/// Counts of one dimension under `query`'s filter minus that dimension, largest first.
pub async fn facet(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    query: &ListQuery,
    dimension: FacetDimension,
) -> AppResult<Vec<FacetBucket>> {
    let filter = query.filter.without(dimension);
    let mut q = Query::select();
    q.from(cp::Entity)
        .cond_where(list_condition(db, auth, query, &filter));
    // Joined dimensions (groups, templates, business models) can repeat a partner; the others
    // have exactly one row per partner, where a plain COUNT is much cheaper.
    let joined = matches!(
        dimension,
        FacetDimension::Group | FacetDimension::ContractTemplate | FacetDimension::BusinessModel
    );
    let count = if joined {
        Func::count_distinct(cp_col(cp::Column::PartnerId))
    } else {
        Func::count(cp_col(cp::Column::PartnerId))
    };
    let n = Alias::new("n");
    let (value, label) = (Alias::new("v"), Alias::new("l"));
    let numeric = match dimension {
        FacetDimension::Country => plain(&mut q, cp::Column::Country, &value),
        FacetDimension::ContractStatus => plain(&mut q, cp::Column::ContractStatus, &value),
        FacetDimension::RelationshipType => plain(&mut q, cp::Column::RelationshipType, &value),
        FacetDimension::RelationshipStage => plain(&mut q, cp::Column::RelationshipStage, &value),
        FacetDimension::ProspectingSource => plain(&mut q, cp::Column::ProspectingSource, &value),
        FacetDimension::Size => {
            // A smallint: widened so both backends read it as a 64-bit integer.
            q.expr_as(
                cp_col(cp::Column::SizeRank).cast_as(Alias::new("BIGINT")),
                value.clone(),
            )
            .group_by_col((cp::Entity, cp::Column::SizeRank));
            true
        }
        FacetDimension::BusinessModel => {
            q.join(
                JoinType::InnerJoin,
                pa::Entity,
                Expr::col((pa::Entity, pa::Column::PartnerId))
                    .equals((cp::Entity, cp::Column::PartnerId))
                    .and(Expr::col((pa::Entity, pa::Column::Kind)).eq(attribute::BUSINESS_MODEL)),
            )
            .expr_as(Expr::col((pa::Entity, pa::Column::Value)), value.clone())
            .group_by_col((pa::Entity, pa::Column::Value));
            false
        }
        FacetDimension::Group => {
            q.join(
                JoinType::LeftJoin,
                pgm::Entity,
                joins_relationship(pgm::Entity, pgm::Column::CampaignId, pgm::Column::PartnerId),
            )
            .join(
                JoinType::LeftJoin,
                partner_group::Entity,
                Expr::col((partner_group::Entity, partner_group::Column::Id))
                    .equals((pgm::Entity, pgm::Column::GroupId)),
            );
            labelled(
                &mut q,
                (pgm::Entity, pgm::Column::GroupId),
                (partner_group::Entity, partner_group::Column::Name),
                &value,
                &label,
            );
            true
        }
        FacetDimension::ContractTemplate => {
            q.join(
                JoinType::InnerJoin,
                pc::Entity,
                joins_relationship(pc::Entity, pc::Column::CampaignId, pc::Column::PartnerId).add(
                    Expr::col((pc::Entity, pc::Column::Status))
                        .is_in(ContractRecordStatus::CURRENT),
                ),
            )
            .join(
                JoinType::InnerJoin,
                contract_template::Entity,
                Expr::col((contract_template::Entity, contract_template::Column::Id))
                    .equals((pc::Entity, pc::Column::TemplateId)),
            );
            labelled(
                &mut q,
                (pc::Entity, pc::Column::TemplateId),
                (contract_template::Entity, contract_template::Column::Name),
                &value,
                &label,
            );
            true
        }
        FacetDimension::AssignedTo => {
            q.join(
                JoinType::LeftJoin,
                account_user::Entity,
                Expr::col((account_user::Entity, account_user::Column::Id))
                    .equals((cp::Entity, cp::Column::AssignedUserId)),
            );
            labelled(
                &mut q,
                (cp::Entity, cp::Column::AssignedUserId),
                (account_user::Entity, account_user::Column::Name),
                &value,
                &label,
            );
            true
        }
    };
    q.expr_as(count, n.clone())
        .order_by(n, Order::Desc)
        .order_by(value.clone(), Order::Asc);
    let rows = db.query_all(&q).await?;
    let has_label = matches!(
        dimension,
        FacetDimension::Group | FacetDimension::ContractTemplate | FacetDimension::AssignedTo
    );
    rows.iter()
        .map(|row| {
            let value = if numeric {
                number(row, "v")?.map(|v| v.to_string())
            } else {
                text(row, "v")?
            };
            let value = match (dimension, value) {
                (FacetDimension::Size, Some(rank)) => rank.parse::<i64>().ok().and_then(size_name),
                (_, v) => v,
            };
            let label = if has_label {
                text(row, "l")?
            } else {
                value.clone()
            };
            Ok(FacetBucket {
                label: label.unwrap_or_else(none_label),
                value,
                count: row.try_get::<i64>("", "n")?,
            })
        })
        .collect()
}

/// The facet value of a size rank: the size's name.
pub(super) fn size_name(rank: i64) -> Option<String> {
    i16::try_from(rank)
        .ok()
        .and_then(size_of_rank)
        .map(|s| s.as_str().to_owned())
}

/// The label of a bucket without a value (no country, no group, unassigned, ...).
pub(super) fn none_label() -> String {
    "(none)".to_owned()
}

fn plain(q: &mut SelectStatement, column: cp::Column, value: &Alias) -> bool {
    q.expr_as(cp_col(column), value.clone())
        .group_by_col((cp::Entity, column));
    false
}

fn labelled<A, B>(q: &mut SelectStatement, id: A, name: B, value: &Alias, label: &Alias)
where
    A: sea_orm::sea_query::IntoColumnRef + Clone,
    B: sea_orm::sea_query::IntoColumnRef + Clone,
{
    q.expr_as(Expr::col(id.clone()), value.clone())
        .expr_as(Expr::col(name.clone()), label.clone())
        .group_by_col(id)
        .group_by_col(name);
}
