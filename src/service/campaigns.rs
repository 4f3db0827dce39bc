//! Campaigns (programs) of the caller's account.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::auth::AuthContext;
use crate::error::{AppError, AppResult};

use entity::campaign;

/// The campaigns of the caller's account, by id.
pub async fn list(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
) -> AppResult<Vec<campaign::Model>> {
    Ok(campaign::Entity::find()
        .filter(campaign::Column::AccountId.eq(auth.account_id))
        .order_by_asc(campaign::Column::Id)
        .all(db)
        .await?)
}

/// A page of the caller's account's campaigns by id (`size` after `offset`), and how many it
/// has in all.
pub async fn page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    offset: u64,
    size: u64,
) -> AppResult<(Vec<campaign::Model>, u64)> {
    let mine = campaign::Entity::find().filter(campaign::Column::AccountId.eq(auth.account_id));
    let total = mine.clone().count(db).await?;
    if offset >= total {
        return Ok((Vec::new(), total));
    }
    let rows = mine
        .order_by_asc(campaign::Column::Id)
        .offset(offset)
        .limit(size)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// One campaign of the caller's account; another account's campaign is `NOT_FOUND`.
pub async fn get(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<campaign::Model> {
    find(db, auth, campaign_id)
        .await?
        .ok_or_else(|| AppError::not_found("campaign", campaign_id))
}

/// One campaign of the caller's account, if it exists.
pub async fn find(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Option<campaign::Model>> {
    Ok(campaign::Entity::find_by_id(campaign_id)
        .filter(campaign::Column::AccountId.eq(auth.account_id))
        .one(db)
        .await?)
}

/// Reports on `check` (field `campaignId`, `NOT_FOUND`) when the caller's account has no such
/// campaign; returns whether it exists.
pub async fn check_exists(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    check: &mut crate::service::validation::Checker,
) -> AppResult<bool> {
    let exists = find(db, auth, campaign_id).await?.is_some();
    if !exists {
        check.push(
            "campaignId",
            crate::domain::UserErrorCode::NotFound,
            format!("campaign {campaign_id} not found"),
        );
    }
    Ok(exists)
}
