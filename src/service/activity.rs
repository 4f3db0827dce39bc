//! The activity log: who did what to which partner, and when — written by every change, read
//! per partner (`Partner.activity`) or per campaign (`Campaign.activity`), newest first.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::auth::AuthContext;
use crate::error::{AppError, AppResult};
use crate::service::campaigns;
use crate::service::paging::{
    check_window, newest_first_cursor, older_than, read_newest_first_cursor, Page, PageRequest,
};
use crate::service::partners::PartnerKey;

use entity::activity_log as log;

/// Appends one entry for the caller's action at `now` (the time the action wrote), optionally
/// about one partner.
pub async fn record(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    partner: Option<PartnerKey>,
    action: &str,
    details: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    entity::activity_log::ActiveModel {
        account_id: Set(auth.account_id),
        campaign_id: Set(partner.map(|k| k.campaign_id)),
        partner_id: Set(partner.map(|k| k.partner_id)),
        user_id: Set(Some(auth.user_id)),
        action: Set(action.to_owned()),
        details: Set(details.map(|d| d.to_string())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Appends one entry for the caller's action on a campaign itself (no partner), at `now`: it
/// shows in the campaign's feed.
pub async fn record_for_campaign(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    action: &str,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    entity::activity_log::ActiveModel {
        account_id: Set(auth.account_id),
        campaign_id: Set(Some(campaign_id)),
        partner_id: Set(None),
        user_id: Set(Some(auth.user_id)),
        action: Set(action.to_owned()),
        details: Set(Some(details.to_string())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Which activity entries of a campaign.
#[derive(Clone, Debug, Default)]
pub struct ActivityFilter {
    /// One partner's (every partner's of the campaign when `None`).
    pub partner_id: Option<i64>,
    /// Of these actions (any when empty).
    pub actions: Vec<String>,
    /// Made at or after.
    pub since: Option<DateTime<Utc>>,
    /// Made before.
    pub until: Option<DateTime<Utc>>,
}

/// The most actions one filter may name, and the longest action name.
const MAX_ACTIONS: usize = 50;
const MAX_ACTION_CHARS: usize = 64;

/// The cursor of an entry in a newest-first feed.
pub fn cursor_of(entry: &log::Model) -> String {
    newest_first_cursor("a", entry.created_at, entry.id)
}

/// A page of the activity of a campaign of the caller's account (another account's is
/// `NOT_FOUND`), or of one partner in it, newest first (forward paging only): one statement on
/// `ix_activity_log_partner` or `ix_activity_log_campaign_created`.
pub async fn page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    filter: &ActivityFilter,
    request: &PageRequest,
) -> AppResult<Page<log::Model>> {
    if request.backward {
        return Err(AppError::Validation(
            "the activity log pages forward only: use `first` and `after`".into(),
        ));
    }
    if filter.actions.len() > MAX_ACTIONS
        || filter
            .actions
            .iter()
            .any(|a| a.chars().count() > MAX_ACTION_CHARS)
    {
        return Err(AppError::Validation(format!(
            "at most {MAX_ACTIONS} actions of at most {MAX_ACTION_CHARS} characters"
        )));
    }
    // No action has a control character (PostgreSQL takes no NUL as a parameter at all).
    if filter
        .actions
        .iter()
        .any(|a| a.chars().any(char::is_control))
    {
        return Err(AppError::Validation(
            "an action has no control characters (NUL, line breaks, ...)".into(),
        ));
    }
    campaigns::get(db, auth, campaign_id).await?;
    let mut q = log::Entity::find()
        .filter(log::Column::AccountId.eq(auth.account_id))
        .filter(log::Column::CampaignId.eq(campaign_id));
    if let Some(partner) = filter.partner_id {
        q = q.filter(log::Column::PartnerId.eq(partner));
    }
    if !filter.actions.is_empty() {
        q = q.filter(log::Column::Action.is_in(filter.actions.iter().map(String::as_str)));
    }
    check_window(filter.since, filter.until)?;
    if let Some(since) = filter.since {
        q = q.filter(log::Column::CreatedAt.gte(since));
    }
    if let Some(until) = filter.until {
        q = q.filter(log::Column::CreatedAt.lt(until));
    }
    if let Some(after) = &request.after {
        let cursor = read_newest_first_cursor("a", after)?;
        q = q.filter(older_than(log::Column::CreatedAt, log::Column::Id, cursor));
    }
    let rows = q
        .order_by(log::Column::CreatedAt, Order::Desc)
        .order_by(log::Column::Id, Order::Desc)
        .limit(request.limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_probe(rows, request))
}
