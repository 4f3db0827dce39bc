//! A campaign's imminent contract changes as a Relay connection
//! (`Campaign.upcomingContractChanges`), soonest first.

use async_graphql::{Context, Object, SimpleObject};

use super::contract::{template_by_id, ContractTemplate};
use super::page_info::PageInfo;
use super::scalars::DateTime;
use crate::domain::UpcomingChangeKind;
use crate::graphql::context::{auth, db};
use crate::service::contracts::upcoming::{self, UpcomingChange, UpcomingFilter};
use crate::service::paging::{Page, PageRequest};

/// A scheduled contract change that has not happened yet.
pub struct UpcomingContractChange(pub UpcomingChange);

/// A scheduled contract change that has not happened yet.
#[Object]
impl UpcomingContractChange {
    /// What will happen.
    async fn kind(&self) -> UpcomingChangeKind {
        self.0.kind
    }

    /// Numeric id of the partner.
    async fn partner_id(&self) -> i64 {
        self.0.partner_id
    }

    /// Numeric id of the contract record: the scheduled switch's or the proposal's, or the
    /// current contract that ends.
    async fn contract_id(&self) -> i64 {
        self.0.contract_id
    }

    /// The terms the partner works under after the change: the switch's or the proposal's, or
    /// a temporary contract's fallback; null when the partnership ends (an expiry, or a temporary
    /// contract without a fallback).
    async fn template(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ContractTemplate>> {
        template_by_id(ctx, self.0.template_id).await
    }

    /// When it takes effect (a proposal's terms: if the partner accepts by then).
    async fn effective_date(&self) -> DateTime {
        DateTime(self.0.effective)
    }
}

/// An upcoming change and its cursor.
#[derive(SimpleObject)]
pub struct UpcomingContractChangeEdge {
    /// Opaque cursor (for `after`).
    pub cursor: String,
    /// The change.
    pub node: UpcomingContractChange,
}

/// A page of upcoming contract changes, soonest first.
pub struct UpcomingContractChangeConnection(pub Page<UpcomingChange>);

/// A page of upcoming contract changes, soonest first.
#[Object]
impl UpcomingContractChangeConnection {
    /// The changes of the page, with cursors.
    async fn edges(&self) -> Vec<UpcomingContractChangeEdge> {
        self.0
            .items
            .iter()
            .map(|c| UpcomingContractChangeEdge {
                cursor: upcoming::cursor_of(c),
                node: UpcomingContractChange(c.clone()),
            })
            .collect()
    }

    /// The changes of the page.
    async fn nodes(&self) -> Vec<UpcomingContractChange> {
        self.0
            .items
            .iter()
            .cloned()
            .map(UpcomingContractChange)
            .collect()
    }

    /// Where the page sits.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.0, upcoming::cursor_of)
    }
}

/// Reads a page for `Campaign.upcomingContractChanges`.
pub async fn load(
    ctx: &Context<'_>,
    campaign_id: i64,
    kinds: Option<Vec<UpcomingChangeKind>>,
    until: Option<DateTime>,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<UpcomingContractChangeConnection> {
    let request = PageRequest::from_relay(first, after.as_deref(), None, None)?;
    let filter = UpcomingFilter {
        kinds: kinds.unwrap_or_default(),
        until: until.map(|d| d.0),
    };
    let page = upcoming::page(db(ctx)?, auth(ctx)?, campaign_id, &filter, &request).await?;
    Ok(UpcomingContractChangeConnection(page))
}
