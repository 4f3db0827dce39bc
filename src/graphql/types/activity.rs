//! The activity log as a Relay connection: a partner's (`Partner.activity`) or a campaign's
//! (`Campaign.activity`), newest first, filterable by action and time.

use async_graphql::{Context, Object, SimpleObject};

use super::account::AccountUser;
use super::page_info::PageInfo;
use super::scalars::{DateTime, Json};
use crate::graphql::context::{auth, db, loader};
use crate::graphql::loaders::{to_gql, UserById};
use crate::service::activity::{self, cursor_of, ActivityFilter};
use crate::service::paging::{Page, PageRequest};

use entity::activity_log;

/// One change to a partner: what was done, by whom, and the partner's state before and after.
pub struct ActivityEntry(pub activity_log::Model);

impl ActivityEntry {
    fn parsed(&self) -> serde_json::Value {
        self.0
            .details
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or(serde_json::Value::Null)
    }

    fn part(&self, key: &str) -> Option<Json> {
        Some(self.parsed()[key].clone())
            .filter(|v| !v.is_null())
            .map(Json)
    }
}

/// One change to a partner: what was done, by whom, and the partner's state before and after.
#[Object]
impl ActivityEntry {
    /// Numeric id of the entry.
    async fn activity_id(&self) -> i64 {
        self.0.id
    }

    /// What was done (`PARTNERS_ASSIGNED`, `PARTNER_GROUPS_CHANGED`, `CONTRACT_SWITCHED`,
    /// `NOTE_ADDED`, ...; README lists them).
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// Numeric id of the partner it concerns.
    async fn partner_id(&self) -> Option<i64> {
        self.0.partner_id
    }

    /// Who did it; null for the scheduled-change runner, imported history or a user since gone.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AccountUser>> {
        let Some(id) = self.0.user_id else {
            return Ok(None);
        };
        let user = loader(ctx)?.load_one(UserById(id)).await.map_err(to_gql)?;
        Ok(user.map(AccountUser))
    }

    /// What the action may change about the partner, before it (null when not recorded, as
    /// for a partner's creation).
    async fn before(&self) -> Option<Json> {
        self.part("before")
    }

    /// The same after it.
    async fn after(&self) -> Option<Json> {
        self.part("after")
    }

    /// Everything recorded with the entry (`before`, `after`, and what the action was asked);
    /// null when nothing was.
    async fn details(&self) -> Option<Json> {
        Some(self.parsed()).filter(|d| !d.is_null()).map(Json)
    }

    /// When it was done.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// An entry and its cursor.
#[derive(SimpleObject)]
pub struct ActivityEdge {
    /// Opaque cursor (for `after`).
    pub cursor: String,
    /// The entry.
    pub node: ActivityEntry,
}

/// A page of activity, newest first.
pub struct ActivityConnection(pub Page<activity_log::Model>);

/// A page of activity, newest first.
#[Object]
impl ActivityConnection {
    /// The entries of the page, with cursors.
    async fn edges(&self) -> Vec<ActivityEdge> {
        self.0
            .items
            .iter()
            .map(|a| ActivityEdge {
                cursor: cursor_of(a),
                node: ActivityEntry(a.clone()),
            })
            .collect()
    }

    /// The entries of the page.
    async fn nodes(&self) -> Vec<ActivityEntry> {
        self.0.items.iter().cloned().map(ActivityEntry).collect()
    }

    /// Where the page sits.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.0, cursor_of)
    }
}

/// The arguments `activity` takes, on a partner and on a campaign.
pub struct ActivityArgs {
    /// Only these actions.
    pub actions: Option<Vec<String>>,
    /// Made at or after.
    pub since: Option<DateTime>,
    /// Made before.
    pub until: Option<DateTime>,
    /// Page size.
    pub first: Option<i32>,
    /// Read after this cursor.
    pub after: Option<String>,
}

/// Reads a page of activity for `Partner.activity` (`partner_id`) and `Campaign.activity`.
pub async fn load(
    ctx: &Context<'_>,
    campaign_id: i64,
    partner_id: Option<i64>,
    args: ActivityArgs,
) -> async_graphql::Result<ActivityConnection> {
    let request = PageRequest::from_relay(args.first, args.after.as_deref(), None, None)?;
    let filter = ActivityFilter {
        partner_id,
        actions: args.actions.unwrap_or_default(),
        since: args.since.map(|d| d.0),
        until: args.until.map(|d| d.0),
    };
    let page = activity::page(db(ctx)?, auth(ctx)?, campaign_id, &filter, &request).await?;
    Ok(ActivityConnection(page))
}
