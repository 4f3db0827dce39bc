//! The members of groups as the REST API lists them: partner id and name, by partner id.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::ConnectionTrait;

use crate::auth::AuthContext;
use crate::error::AppResult;

use entity::{partner, partner_group_member as pgm};

/// A member of a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The partner's id.
    pub partner_id: i64,
    /// The partner's display name.
    pub name: String,
}

fn members_select(auth: &AuthContext) -> SelectStatement {
    let mut q = Query::select();
    q.column((pgm::Entity, pgm::Column::GroupId))
        .column((pgm::Entity, pgm::Column::PartnerId))
        .column((partner::Entity, partner::Column::Name))
        .from(pgm::Entity)
        .inner_join(
            partner::Entity,
            Expr::col((partner::Entity, partner::Column::Id))
                .equals((pgm::Entity, pgm::Column::PartnerId)),
        )
        .and_where(Expr::col((pgm::Entity, pgm::Column::AccountId)).eq(auth.account_id))
        .order_by((pgm::Entity, pgm::Column::GroupId), Order::Asc)
        .order_by((pgm::Entity, pgm::Column::PartnerId), Order::Asc);
    q
}

async fn fetch(db: &impl ConnectionTrait, q: &SelectStatement) -> AppResult<Vec<(i64, Member)>> {
    let rows = db.query_all(q).await?;
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

/// One page of a group's members, by partner id (the group must be the caller's; the
/// membership rows carry the account, so another account's group simply has no members here).
pub async fn members_page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group_id: i64,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<Member>> {
    let mut q = members_select(auth);
    q.and_where(Expr::col((pgm::Entity, pgm::Column::GroupId)).eq(group_id))
        .offset(offset)
        .limit(limit);
    Ok(fetch(db, &q).await?.into_iter().map(|(_, m)| m).collect())
}

/// Every member of each of these groups, in one statement.
pub async fn members_of(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<Member>>> {
    let mut out: HashMap<i64, Vec<Member>> = HashMap::new();
    if group_ids.is_empty() {
        return Ok(out);
    }
    let mut q = members_select(auth);
    q.and_where(Expr::col((pgm::Entity, pgm::Column::GroupId)).is_in(group_ids.iter().copied()));
    for (group, member) in fetch(db, &q).await? {
        out.entry(group).or_default().push(member);
    }
    Ok(out)
}
