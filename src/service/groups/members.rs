//! The members of groups as the REST API lists them: partner id and name, by partner id, a
//! page of one group or the first few of many.
//!
//! Memberships are scoped to the caller through their group (`group_id IN` the account's
//! groups) rather than through `account_id`, so counting and paging read the primary key
//! `(group_id, partner_id)` alone; names are joined for the rows returned only.

use std::collections::HashMap;

use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, Order, Query, SelectStatement, SimpleExpr, UnionType,
};
use sea_orm::ConnectionTrait;

use crate::auth::AuthContext;
use crate::error::AppResult;

use entity::{partner, partner_group, partner_group_member as pgm};

/// A member of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The partner's id.
    pub partner_id: i64,
    /// The partner's display name.
    pub name: String,
}

/// `group_id IN (the caller's groups among group_ids)`.
pub(super) fn callers_groups(auth: &AuthContext, group_ids: &[i64]) -> SimpleExpr {
    let mut own = Query::select();
    own.column(partner_group::Column::Id)
        .from(partner_group::Entity)
        .and_where(Expr::col(partner_group::Column::Id).is_in(group_ids.iter().copied()))
        .and_where(Expr::col(partner_group::Column::AccountId).eq(auth.account_id));
    Expr::col((pgm::Entity, pgm::Column::GroupId)).in_subquery(own)
}

/// Names for the memberships `rows` selects (`group_id`, `partner_id`), in group and partner order.
async fn named(db: &impl ConnectionTrait, rows: SelectStatement) -> AppResult<Vec<(i64, Member)>> {
    let page = Alias::new("page");
    let mut q = Query::select();
    q.column((page.clone(), pgm::Column::GroupId))
        .column((page.clone(), pgm::Column::PartnerId))
        .column((partner::Entity, partner::Column::Name))
        .from_subquery(rows, page.clone())
        .inner_join(
            partner::Entity,
            Expr::col((partner::Entity, partner::Column::Id))
                .equals((page.clone(), pgm::Column::PartnerId)),
        )
        .order_by((page.clone(), pgm::Column::GroupId), Order::Asc)
        .order_by((page, pgm::Column::PartnerId), Order::Asc);
    let rows = db.query_all(&q).await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "group_id")?,
                Member {
                    partner_id: row.try_get("", "partner_id")?,
                    name: row.try_get("", "name")?,
                },
            ))
        })
        .collect()
}

fn memberships(auth: &AuthContext, group_ids: &[i64]) -> SelectStatement {
    let mut q = Query::select();
    q.column((pgm::Entity, pgm::Column::GroupId))
        .column((pgm::Entity, pgm::Column::PartnerId))
        .from(pgm::Entity)
        .and_where(callers_groups(auth, group_ids))
        .order_by((pgm::Entity, pgm::Column::GroupId), Order::Asc)
        .order_by((pgm::Entity, pgm::Column::PartnerId), Order::Asc);
    q
}

/// One page of a group's members, by partner id; another account's group has no members here.
pub async fn members_page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group_id: i64,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<Member>> {
    let mut rows = memberships(auth, &[group_id]);
    rows.offset(offset).limit(limit);
    Ok(named(db, rows).await?.into_iter().map(|(_, m)| m).collect())
}

/// Groups whose first members one statement reads (one `UNION ALL` branch each; SQLite
/// allows 500 branches).
const GROUPS_PER_STATEMENT: usize = 100;

/// The first `limit` members (by partner id) of each of these groups: one statement per 100
/// groups, each group read by its primary key up to `limit` rows, however large it is.
pub async fn first_members(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group_ids: &[i64],
    limit: u64,
) -> AppResult<HashMap<i64, Vec<Member>>> {
    let mut out: HashMap<i64, Vec<Member>> = HashMap::new();
    for chunk in group_ids.chunks(GROUPS_PER_STATEMENT) {
        let mut branches = chunk.iter().enumerate().map(|(i, group)| {
            let mut first = memberships(auth, &[*group]);
            first.limit(limit);
            // Wrapped: a branch of a UNION may not carry its own ORDER BY and LIMIT on SQLite.
            let mut branch = Query::select();
            branch
                .column(Asterisk)
                .from_subquery(first, Alias::new(format!("g{i}")));
            branch
        });
        let Some(mut rows) = branches.next() else {
            continue;
        };
        for branch in branches {
            rows.union(UnionType::All, branch);
        }
        for (group, member) in named(db, rows).await? {
            out.entry(group).or_default().push(member);
        }
    }
    Ok(out)
}
