//! Partner groups of a campaign: reading them with their member counts, creating, renaming and
//! deleting them, and changing memberships over any selection of partners (the bulk pattern).

mod change;
mod delete;
mod edit;
mod members;
mod names;
mod plan;

use std::collections::HashMap;

use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::Order;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::auth::AuthContext;
use crate::error::{AppError, AppResult};
use crate::service::campaigns;

use entity::{partner_group, partner_group_member as pgm};

pub use crate::service::bulk::{Selection, MAX_SELECTED_IDS};
pub use change::{
    change_partner_groups, ChangeOutcome, GroupChange, ACTIVITY_ACTION, CHANGE_PERMISSION,
    MAX_GROUPS_PER_CHANGE,
};
pub use delete::delete;
pub use edit::{create, update, GroupUpdate, NewGroup};
pub use members::{first_members, members_page, Member};
pub(crate) use plan::MembershipChange;

/// A group and how many partners are in it.
#[derive(Clone, Debug)]
pub struct GroupInfo {
    /// The group.
    pub group: partner_group::Model,
    /// Its number of members.
    pub member_count: i64,
}

/// The groups of a campaign of the caller's account, by name ignoring case, with member counts. An unknown
/// campaign (or another account's) is `NOT_FOUND`.
pub async fn list(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<GroupInfo>> {
    campaigns::get(db, auth, campaign_id).await?;
    let groups = scoped(auth, campaign_id).all(db).await?;
    with_counts(db, auth, groups).await
}

/// One page of a campaign's groups (by name) for offset paging, and the number of groups.
pub async fn page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<partner_group::Model>, u64)> {
    campaigns::get(db, auth, campaign_id).await?;
    let total = scoped(auth, campaign_id).count(db).await?;
    let groups = scoped(auth, campaign_id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((groups, total))
}

fn scoped(auth: &AuthContext, campaign_id: i64) -> sea_orm::Select<partner_group::Entity> {
    partner_group::Entity::find()
        .filter(partner_group::Column::AccountId.eq(auth.account_id))
        .filter(partner_group::Column::CampaignId.eq(campaign_id))
        .order_by(
            Func::lower(Expr::col(partner_group::Column::Name)),
            Order::Asc,
        )
        .order_by_asc(partner_group::Column::Name)
        .order_by_asc(partner_group::Column::Id)
}

async fn with_counts(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    groups: Vec<partner_group::Model>,
) -> AppResult<Vec<GroupInfo>> {
    let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
    let counts = member_counts(db, auth, &ids).await?;
    Ok(groups
        .into_iter()
        .map(|group| GroupInfo {
            member_count: counts.get(&group.id).copied().unwrap_or(0),
            group,
        })
        .collect())
}

/// A group of the caller's account, if it exists.
pub async fn find(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group_id: i64,
) -> AppResult<Option<partner_group::Model>> {
    Ok(partner_group::Entity::find_by_id(group_id)
        .filter(partner_group::Column::AccountId.eq(auth.account_id))
        .one(db)
        .await?)
}

/// A group of one campaign of the caller's account; anything else is `NOT_FOUND`.
pub async fn get_in_campaign(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    group_id: i64,
) -> AppResult<partner_group::Model> {
    campaigns::get(db, auth, campaign_id).await?;
    find(db, auth, group_id)
        .await?
        .filter(|g| g.campaign_id == campaign_id)
        .ok_or_else(|| AppError::not_found("partner group", group_id))
}

/// Groups of the caller's account by id (ids of other accounts are absent).
pub async fn find_many(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group_ids: &[i64],
) -> AppResult<HashMap<i64, partner_group::Model>> {
    if group_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(partner_group::Entity::find()
        .filter(partner_group::Column::AccountId.eq(auth.account_id))
        .filter(partner_group::Column::Id.is_in(group_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect())
}

/// The number of members of each of these groups of the caller's account (one statement, read
/// from the membership primary key).
pub async fn member_counts(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group_ids: &[i64],
) -> AppResult<HashMap<i64, i64>> {
    if group_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Query::select();
    q.column(pgm::Column::GroupId)
        .expr_as(
            Func::count(Expr::col(pgm::Column::PartnerId)),
            Alias::new("n"),
        )
        .from(pgm::Entity)
        .and_where(members::callers_groups(auth, group_ids))
        .group_by_col(pgm::Column::GroupId);
    let rows = db.query_all(&q).await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<i64>("", "group_id")?,
                row.try_get::<i64>("", "n")?,
            ))
        })
        .collect()
}
