//! Reading partners of a campaign: filtered, sorted pages (keyset on the sort key), counts and lookups.

use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Query, SelectStatement, UnionType};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, IdenStatic, Iterable};

use super::filter::PartnerFilter;
use super::filter_sql::{condition, FilterContext};
use super::id_list::id_in;
use super::search_sql;
use super::sort;
use super::{ListQuery, PartnerKey, PartnerRecord};
use crate::auth::AuthContext;
use crate::error::AppResult;
use crate::service::paging::{Page, PageRequest};

use entity::{account_user, campaign_partner as cp, partner};

const REL: &str = "cp_";
const PROFILE: &str = "p_";
const USER: &str = "u_";

/// SELECT of every relationship and profile column (prefixed) for the caller's account, with
/// the account user assigned to the partner (a column of every list screen: joined here, it
/// costs no statement of its own).
fn select_records(auth: &AuthContext) -> SelectStatement {
    let mut q = Query::select();
    select_prefixed(&mut q, cp::Entity, REL);
    select_prefixed(&mut q, partner::Entity, PROFILE);
    select_prefixed(&mut q, account_user::Entity, USER);
    q.from(cp::Entity)
        .inner_join(
            partner::Entity,
            Expr::col((partner::Entity, partner::Column::Id))
                .equals((cp::Entity, cp::Column::PartnerId)),
        )
        .left_join(
            account_user::Entity,
            Condition::all()
                .add(
                    Expr::col((account_user::Entity, account_user::Column::Id))
                        .equals((cp::Entity, cp::Column::AssignedUserId)),
                )
                .add(
                    Expr::col((account_user::Entity, account_user::Column::AccountId))
                        .equals((cp::Entity, cp::Column::AccountId)),
                ),
        )
        .and_where(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id));
    q
}

async fn fetch(db: &impl ConnectionTrait, q: &SelectStatement) -> AppResult<Vec<PartnerRecord>> {
    let rows = db.query_all(q).await?;
    rows.iter()
        .map(|row| {
            Ok(PartnerRecord {
                relationship: cp::Model::from_query_result(row, REL)?,
                profile: partner::Model::from_query_result(row, PROFILE)?,
                // No user joined (none assigned): its id is null. A user that is there must
                // decode (`from_query_result_optional` would take an error for "none").
                assigned_user: match row.try_get::<Option<i64>>(USER, "id")? {
                    Some(_) => Some(account_user::Model::from_query_result(row, USER)?),
                    None => None,
                },
            })
        })
        .collect()
}

/// Selects every column of `entity` as `<prefix><column>` (read back with
/// `FromQueryResult::from_query_result(row, prefix)`), for statements that join several
/// entities.
pub(crate) fn select_prefixed<E: EntityTrait>(q: &mut SelectStatement, entity: E, prefix: &str) {
    for col in E::Column::iter() {
        q.expr_as(
            Expr::col((entity, col)),
            Alias::new(format!("{prefix}{}", col.as_str())),
        );
    }
}

/// The rows of a list query: the caller's account, the campaign, the filter.
pub(crate) fn list_condition(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    query: &ListQuery,
    filter: &PartnerFilter,
) -> Condition {
    condition_for(db, auth, query, filter, false)
}

/// [`list_condition`], shaped for a page query when `search_in_sort_order`.
fn condition_for(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    query: &ListQuery,
    filter: &PartnerFilter,
    search_in_sort_order: bool,
) -> Condition {
    let cx = FilterContext {
        backend: db.get_database_backend(),
        now: query.now,
        campaign_id: query.campaign_id,
        campaign_groups: query.campaign_groups.clone(),
        deleted_fields: query.deleted_fields.clone(),
        search_in_sort_order,
    };
    Condition::all()
        .add(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id))
        .add(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(query.campaign_id))
        .add(condition(filter, &cx))
}

/// One page of a list query (one extra row tells whether more exist; the page is read
/// backwards from `before` for `last`, then put back in order). With `among`, the query's
/// rows are known already (the facet index's relationship row ids) and stand for its filter.
pub async fn list_page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    query: &ListQuery,
    request: &PageRequest,
    among: Option<&[i64]>,
) -> AppResult<Page<PartnerRecord>> {
    // The page's row ids first, from `campaign_partners` alone; then their full rows. Sorting
    // thousands of matches as whole relationship + profile rows cost PostgreSQL 55 ms for a
    // filtered page at a million partners, sorting ids 15 ms.
    let mut ids = Query::select();
    ids.column((cp::Entity, cp::Column::Id)).from(cp::Entity);
    query.order.join_to(&mut ids, query.campaign_id);
    match among {
        Some(rows) => {
            ids.cond_where(condition_for(db, auth, query, &PartnerFilter::all(), false))
                .and_where(among_rows(db.get_database_backend(), rows));
        }
        None => {
            let in_order = match query.filter.search.as_deref() {
                Some(term) => search_sql::page_in_sort_order(db, term).await?,
                None => false,
            };
            ids.cond_where(condition_for(db, auth, query, &query.filter, in_order));
        }
    }
    let from = match (&request.after, &request.before) {
        (Some(after), None) => Some((query.order.decode(after)?, false)),
        (None, Some(before)) => Some((query.order.decode(before)?, true)),
        (after, before) => {
            for (text, reversed) in [(after, false), (before, true)] {
                if let Some(text) = text {
                    let cursor = query.order.decode(text)?;
                    ids.cond_where(query.order.beyond(&cursor, reversed));
                }
            }
            None
        }
    };
    let segments = match &from {
        Some((cursor, reversed)) => query.order.segments(cursor, *reversed),
        None => Vec::new(),
    };
    let ids = match (segments.len(), query.order.key_column()) {
        (2, Some(key)) => segmented(ids, &segments, key, query, request),
        _ => {
            for segment in segments {
                ids.cond_where(segment);
            }
            query.order.apply(&mut ids, request.backward);
            ids.limit(request.limit + 1);
            ids
        }
    };
    let mut q = select_records(auth);
    q.and_where(Expr::col((cp::Entity, cp::Column::Id)).in_subquery(ids));
    query.order.apply_to_rows(&mut q, request.backward);
    let rows = fetch(db, &q).await?;
    Ok(Page::from_probe(rows, request))
}

/// "The relationship row is one of `rows`", the ids as one parameter ([`id_in`]).
fn among_rows(backend: DbBackend, rows: &[i64]) -> Expr {
    id_in(r#""campaign_partners"."id""#, backend, rows)
}

/// A page read from two index ranges one after the other ([`SortOrder::segments`]): the page's
/// first rows of each, in order, then the first of those (a sort of at most twice a page).
fn segmented(
    base: SelectStatement,
    segments: &[Condition],
    key: Expr,
    query: &ListQuery,
    request: &PageRequest,
) -> SelectStatement {
    let mut union: Option<SelectStatement> = None;
    for (i, segment) in segments.iter().enumerate() {
        let mut part = base.clone();
        part.expr_as(key.clone(), Alias::new(sort::KEY))
            .expr_as(query.order.tie_column(), Alias::new(sort::TIE))
            .cond_where(segment.clone());
        query.order.apply(&mut part, request.backward);
        part.limit(request.limit + 1);
        // Each part as a subquery: SQLite allows no ORDER BY or LIMIT on a compound's member.
        let mut wrapped = Query::select();
        wrapped
            .columns([
                Alias::new("id"),
                Alias::new(sort::KEY),
                Alias::new(sort::TIE),
            ])
            .from_subquery(part, Alias::new(format!("segment_{i}")));
        union = Some(match union {
            None => wrapped,
            Some(mut first) => {
                first.union(UnionType::All, wrapped);
                first
            }
        });
    }
    let mut ids = Query::select();
    ids.column(Alias::new("id"));
    if let Some(union) = union {
        ids.from_subquery(union, Alias::new("segments"));
    }
    query.order.apply_to_selected(&mut ids, request.backward);
    ids.limit(request.limit + 1);
    ids
}

/// The number of partners a list query matches.
pub async fn count(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    query: &ListQuery,
) -> AppResult<i64> {
    let mut q = Query::select();
    // COUNT(*) rather than COUNT(id): the count may then be answered from an index alone.
    q.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .from(cp::Entity)
        .cond_where(list_condition(db, auth, query, &query.filter));
    let row = db.query_one(&q).await?;
    Ok(match row {
        Some(row) => row.try_get::<i64>("", "n")?,
        None => 0,
    })
}

/// One partner of a campaign of the caller's account.
pub async fn find(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    key: PartnerKey,
) -> AppResult<Option<PartnerRecord>> {
    Ok(find_many(db, auth, &[key]).await?.into_iter().next())
}

/// Several partners by key, in one statement; keys the caller cannot see are simply absent.
pub async fn find_many(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    keys: &[PartnerKey],
) -> AppResult<Vec<PartnerRecord>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = select_records(auth);
    let campaigns: Vec<i64> = keys.iter().map(|k| k.campaign_id).collect();
    let partners: Vec<i64> = keys.iter().map(|k| k.partner_id).collect();
    q.and_where(Expr::col((cp::Entity, cp::Column::CampaignId)).is_in(campaigns))
        .and_where(Expr::col((cp::Entity, cp::Column::PartnerId)).is_in(partners));
    let wanted: std::collections::HashSet<PartnerKey> = keys.iter().copied().collect();
    let mut records = fetch(db, &q).await?;
    records.retain(|r| {
        wanted.contains(&PartnerKey {
            campaign_id: r.relationship.campaign_id,
            partner_id: r.relationship.partner_id,
        })
    });
    Ok(records)
}

/// Which of these partner ids are partners of the campaign in the caller's account (one
/// statement; callers keep the list to a few thousand ids).
pub async fn existing_ids(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ids: &[i64],
) -> AppResult<std::collections::HashSet<i64>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let mut q = Query::select();
    q.column(cp::Column::PartnerId)
        .from(cp::Entity)
        .and_where(Expr::col(cp::Column::AccountId).eq(auth.account_id))
        .and_where(Expr::col(cp::Column::CampaignId).eq(campaign_id))
        .and_where(Expr::col(cp::Column::PartnerId).is_in(ids.iter().copied()));
    let rows = db.query_all(&q).await?;
    rows.iter()
        .map(|row| Ok(row.try_get::<i64>("", "partner_id")?))
        .collect()
}

/// A partner as the caller's account knows it, through its relationship with the account's
/// lowest-numbered campaign that has it (the REST API's `/MediaPartners/{PartnerId}`).
pub async fn find_in_account(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    partner_id: i64,
) -> AppResult<Option<PartnerRecord>> {
    let mut q = select_records(auth);
    q.and_where(Expr::col((cp::Entity, cp::Column::PartnerId)).eq(partner_id))
        .order_by((cp::Entity, cp::Column::CampaignId), sea_orm::Order::Asc)
        .limit(1);
    Ok(fetch(db, &q).await?.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::PostgresQueryBuilder;

    #[test]
    fn row_ids_are_one_array_parameter_on_postgres() {
        let mut q = Query::select();
        q.column((cp::Entity, cp::Column::Id))
            .from(cp::Entity)
            .and_where(Expr::col((cp::Entity, cp::Column::AccountId)).eq(7))
            .and_where(among_rows(DbBackend::Postgres, &[3, 4, 5]));
        let (sql, values) = q.build(PostgresQueryBuilder);
        assert!(
            sql.contains("ANY(CAST(string_to_array($2, ',') AS BIGINT[]))"),
            "{sql}"
        );
        assert_eq!(values.0.len(), 2);
    }

    #[test]
    fn row_ids_are_one_json_parameter_on_sqlite() {
        let mut q = Query::select();
        q.column((cp::Entity, cp::Column::Id))
            .from(cp::Entity)
            .and_where(Expr::col((cp::Entity, cp::Column::AccountId)).eq(7))
            .and_where(among_rows(DbBackend::Sqlite, &[3, 4, 5]));
        let (sql, values) = q.build(sea_orm::sea_query::SqliteQueryBuilder);
        assert!(
            sql.contains("IN (SELECT \"value\" FROM json_each(?))"),
            "{sql}"
        );
        assert_eq!(values.0.len(), 2);
        assert_eq!(values.0[1], sea_orm::Value::from("[3,4,5]".to_owned()));
    }
}
