//! Reading the contract history: a partner's or a whole campaign's changes, newest first,
//! filterable by action and date, in keyset pages (the product's Contracts → Changes).

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
};

use crate::auth::AuthContext;
use crate::domain::ContractAction;
use crate::error::{AppError, AppResult};
use crate::service::campaigns;
use crate::service::paging::{
    check_window, newest_first_cursor, older_than, read_newest_first_cursor, Page, PageRequest,
};

use entity::contract_history as ch;

/// Which history entries.
#[derive(Clone, Debug, Default)]
pub struct HistoryFilter {
    /// One partner's (all the campaign's when `None`).
    pub partner_id: Option<i64>,
    /// Of these actions (any when empty).
    pub actions: Vec<ContractAction>,
    /// Made at or after.
    pub since: Option<DateTime<Utc>>,
    /// Made before.
    pub until: Option<DateTime<Utc>>,
}

/// The most actions one filter may name.
const MAX_ACTIONS: usize = 50;

/// The cursor of an entry: when it was made and its id.
pub fn cursor_of(entry: &ch::Model) -> String {
    newest_first_cursor("h", entry.created_at, entry.id)
}

fn read_cursor(text: &str) -> AppResult<(DateTime<Utc>, i64)> {
    read_newest_first_cursor("h", text)
}

/// A page of a campaign's history (of the caller's account; another is `NOT_FOUND`), newest
/// first. Only forward paging (`first`, `after`).
pub async fn page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    filter: &HistoryFilter,
    request: &PageRequest,
) -> AppResult<Page<ch::Model>> {
    if request.backward {
        return Err(AppError::Validation(
            "the contract history pages forward only: use `first` and `after`".into(),
        ));
    }
    if filter.actions.len() > MAX_ACTIONS {
        return Err(AppError::Validation(format!(
            "at most {MAX_ACTIONS} actions"
        )));
    }
    campaigns::get(db, auth, campaign_id).await?;
    let mut q = ch::Entity::find()
        .filter(ch::Column::AccountId.eq(auth.account_id))
        .filter(ch::Column::CampaignId.eq(campaign_id));
    if let Some(partner) = filter.partner_id {
        q = q.filter(ch::Column::PartnerId.eq(partner));
    }
    if !filter.actions.is_empty() {
        q = q.filter(ch::Column::Action.is_in(filter.actions.iter().map(|a| a.as_str())));
    }
    check_window(filter.since, filter.until)?;
    if let Some(since) = filter.since {
        q = q.filter(ch::Column::CreatedAt.gte(since));
    }
    if let Some(until) = filter.until {
        q = q.filter(ch::Column::CreatedAt.lt(until));
    }
    if let Some(after) = &request.after {
        let cursor = read_cursor(after)?;
        q = q.filter(older_than(ch::Column::CreatedAt, ch::Column::Id, cursor));
    }
    let rows = q
        .order_by(ch::Column::CreatedAt, Order::Desc)
        .order_by(ch::Column::Id, Order::Desc)
        .limit(request.limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_probe(rows, request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_forgeries_are_refused() {
        let at = DateTime::from_timestamp_micros(1_767_225_600_123_456).unwrap_or_default();
        let entry = ch::Model {
            id: 42,
            account_id: 1,
            campaign_id: 1,
            partner_id: 1,
            contract_id: None,
            action: "SWITCHED".into(),
            template_id: None,
            effective_date: None,
            comment: None,
            user_id: None,
            created_at: at,
            non_compliant: false,
        };
        assert_eq!(read_cursor(&cursor_of(&entry)).ok(), Some((at, 42)));
        assert!(read_cursor("bm9wZQ").is_err());
        assert!(read_cursor("!!").is_err());
    }
}
