//! Action trackers: the kinds of event a campaign tracks (an online sale, a lead, an app
//! install), which a partner's client cost exceptions name. Names are unique per campaign.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    SqlErr,
};

use crate::auth::{AuthContext, Permission};
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::campaigns;
use crate::service::validation::{Checker, UserError};

use entity::action_tracker as tracker;

/// The longest tracker name.
pub const MAX_NAME_CHARS: usize = 200;

/// The action trackers of a campaign of the caller's account, by name (none for another
/// account's campaign).
pub async fn list(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<tracker::Model>> {
    Ok(tracker::Entity::find()
        .filter(tracker::Column::AccountId.eq(auth.account_id))
        .filter(tracker::Column::CampaignId.eq(campaign_id))
        .order_by_asc(tracker::Column::Name)
        .order_by_asc(tracker::Column::Id)
        .all(db)
        .await?)
}

/// The ids among `ids` that are not action trackers of the campaign (another account's or
/// campaign's alike).
pub async fn unknown(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ids: &[i64],
) -> AppResult<Vec<i64>> {
    let known: Vec<i64> = tracker::Entity::find()
        .filter(tracker::Column::AccountId.eq(auth.account_id))
        .filter(tracker::Column::CampaignId.eq(campaign_id))
        .filter(tracker::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    Ok(ids
        .iter()
        .copied()
        .filter(|id| !known.contains(id))
        .collect())
}

/// Adds an action tracker to a campaign of the caller's account (`EDIT_PARTNERS`).
pub async fn create(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    name: &str,
    now: DateTime<Utc>,
) -> AppResult<Result<tracker::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    let name = check.required_text("name", name, MAX_NAME_CHARS);
    if !campaigns::check_exists(db, auth, campaign_id, &mut check).await? {
        return Ok(Err(check.finish().err().unwrap_or_default()));
    }
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let inserted = tracker::ActiveModel {
        account_id: Set(auth.account_id),
        campaign_id: Set(campaign_id),
        name: Set(name.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(model) => Ok(Ok(model)),
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            let mut check = Checker::default();
            check.push(
                "name",
                UserErrorCode::Conflict,
                format!("the campaign already has an action tracker named {name:?}"),
            );
            Ok(Err(check.finish().err().unwrap_or_default()))
        }
        Err(err) => Err(err.into()),
    }
}
