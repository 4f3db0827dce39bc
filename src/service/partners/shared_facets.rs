//! Facets counted together. The small fixed-domain dimensions held on the relationship row
//! (contract status, relationship type and stage, prospecting source, size) that have no
//! condition of their own in the filter are all counted under the same rows, the whole filter:
//! one `GROUP BY` over their combinations (at most 4 × 2 × 5 × 6 × 6 rows) replaces one scan
//! each, and each facet is then summed from the combinations.

use std::collections::{BTreeMap, HashMap};

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, QueryResult};

use super::facets::{none_label, size_name, FacetBucket};
use super::filter::FacetDimension;
use super::query::list_condition;
use super::ListQuery;
use crate::auth::AuthContext;
use crate::error::AppResult;

use entity::campaign_partner as cp;

/// The relationship-row column of a dimension that can be counted with others.
fn column(dimension: FacetDimension) -> Option<cp::Column> {
    match dimension {
        FacetDimension::ContractStatus => Some(cp::Column::ContractStatus),
        FacetDimension::RelationshipType => Some(cp::Column::RelationshipType),
        FacetDimension::RelationshipStage => Some(cp::Column::RelationshipStage),
        FacetDimension::ProspectingSource => Some(cp::Column::ProspectingSource),
        FacetDimension::Size => Some(cp::Column::SizeRank),
        _ => None,
    }
}

/// Which of the `selected` facets to count together: those with a column here and no condition
/// of their own in the filter. Empty when fewer than two qualify (nothing to share).
pub fn counted_together(query: &ListQuery, selected: &[FacetDimension]) -> Vec<FacetDimension> {
    let mut together: Vec<FacetDimension> = selected
        .iter()
        .copied()
        .filter(|d| column(*d).is_some() && query.filter.without(*d) == query.filter)
        .collect();
    together.dedup();
    if together.len() < 2 {
        together.clear();
    }
    together
}

/// A value as the facet shows it, and the key it sorts by among equal counts.
type Keyed = (Option<i64>, Option<String>);

fn value_of(row: &QueryResult, alias: &str, dimension: FacetDimension) -> AppResult<Keyed> {
    Ok(if dimension == FacetDimension::Size {
        let rank = row.try_get::<Option<i64>>("", alias)?;
        (rank, rank.and_then(size_name))
    } else {
        (None, row.try_get::<Option<String>>("", alias)?)
    })
}

/// The counts of each of `dimensions` (from [`counted_together`]) under the query's filter,
/// in one statement; each facet largest first, as [`super::facets::facet`] orders them.
pub async fn count_together(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    query: &ListQuery,
    dimensions: &[FacetDimension],
) -> AppResult<HashMap<FacetDimension, Vec<FacetBucket>>> {
    let columns: Vec<(FacetDimension, cp::Column)> = dimensions
        .iter()
        .filter_map(|d| column(*d).map(|c| (*d, c)))
        .collect();
    let mut q = Query::select();
    q.from(cp::Entity)
        .cond_where(list_condition(db, auth, query, &query.filter));
    for (i, (dimension, col)) in columns.iter().enumerate() {
        let expr = Expr::col((cp::Entity, *col));
        // The size rank is a smallint: widened so both backends read it as a 64-bit integer.
        let expr = if *dimension == FacetDimension::Size {
            expr.cast_as(Alias::new("BIGINT"))
        } else {
            expr
        };
        q.expr_as(expr, Alias::new(format!("v{i}")))
            .group_by_col((cp::Entity, *col));
    }
    q.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
    let rows = db.query_all(&q).await?;
    let mut tallies: Vec<BTreeMap<Keyed, i64>> = vec![BTreeMap::new(); columns.len()];
    for row in &rows {
        let n = row.try_get::<i64>("", "n")?;
        for (i, (dimension, _)) in columns.iter().enumerate() {
            *tallies[i]
                .entry(value_of(row, &format!("v{i}"), *dimension)?)
                .or_default() += n;
        }
    }
    Ok(columns
        .iter()
        .map(|(dimension, _)| *dimension)
        .zip(tallies)
        .map(|(dimension, tally)| {
            let mut buckets: Vec<FacetBucket> = tally
                .into_iter()
                .map(|((_, value), count)| FacetBucket {
                    label: value.clone().unwrap_or_else(none_label),
                    value,
                    count,
                })
                .collect();
            // Stable: equal counts keep the value order of the map.
            buckets.sort_by_key(|b| std::cmp::Reverse(b.count));
            (dimension, buckets)
        })
        .collect())
}
