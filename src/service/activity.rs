//! The activity log: who did what to which partner, and when.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::auth::AuthContext;
use crate::error::AppResult;
use crate::service::partners::PartnerKey;

/// Appends one entry for the caller's action, optionally about one partner.
pub async fn record(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    partner: Option<PartnerKey>,
    action: &str,
    details: Option<serde_json::Value>,
) -> AppResult<()> {
    entity::activity_log::ActiveModel {
        account_id: Set(auth.account_id),
        campaign_id: Set(partner.map(|k| k.campaign_id)),
        partner_id: Set(partner.map(|k| k.partner_id)),
        user_id: Set(Some(auth.user_id)),
        action: Set(action.to_owned()),
        details: Set(details.map(|d| d.to_string())),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
