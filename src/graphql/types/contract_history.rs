//! The contract history as a Relay connection: a partner's (`Partner.contractHistory`) or a
//! campaign's (`Campaign.contractHistory`, the product's Contracts → Changes), newest first.

use async_graphql::{Context, Object, SimpleObject};

use super::account::AccountUser;
use super::contract::{template_by_id, ContractTemplate};
use super::page_info::PageInfo;
use super::scalars::DateTime;
use crate::domain::ContractAction;
use crate::graphql::context::{auth, db, loader};
use crate::graphql::loaders::{to_gql, UserById};
use crate::service::contracts::history::{self, HistoryFilter};
use crate::service::paging::{Page, PageRequest};

use entity::contract_history;

/// One change of a partner's contract.
pub struct ContractChange(pub contract_history::Model);

/// One change of a partner's contract.
#[Object]
impl ContractChange {
    /// Numeric id of the entry.
    async fn change_id(&self) -> i64 {
        self.0.id
    }

    /// What happened.
    async fn action(&self) -> async_graphql::Result<ContractAction> {
        Ok(ContractAction::from_stored(&self.0.action)?)
    }

    /// Numeric id of the partner.
    async fn partner_id(&self) -> i64 {
        self.0.partner_id
    }

    /// Numeric id of the contract record the change made or changed.
    async fn contract_id(&self) -> Option<i64> {
        self.0.contract_id
    }

    /// The terms involved.
    async fn template(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ContractTemplate>> {
        template_by_id(ctx, self.0.template_id).await
    }

    /// When the change takes (or took) effect.
    async fn effective_date(&self) -> Option<DateTime> {
        self.0.effective_date.map(DateTime)
    }

    /// The comment given with the change.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    /// An expiry for non-compliance (internal: never shown to the partner).
    async fn non_compliant(&self) -> bool {
        self.0.non_compliant
    }

    /// Who made the change; null for the scheduled-change runner and for imported history.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AccountUser>> {
        let Some(id) = self.0.user_id else {
            return Ok(None);
        };
        let user = loader(ctx)?.load_one(UserById(id)).await.map_err(to_gql)?;
        Ok(user.map(AccountUser))
    }

    /// When the change was made.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}

/// A change and its cursor.
#[derive(SimpleObject)]
pub struct ContractChangeEdge {
    /// Opaque cursor (for `after`).
    pub cursor: String,
    /// The change.
    pub node: ContractChange,
}

/// A page of contract changes, newest first.
pub struct ContractChangeConnection(pub Page<contract_history::Model>);

/// A page of contract changes, newest first.
#[Object]
impl ContractChangeConnection {
    /// The changes of the page, with cursors.
    async fn edges(&self) -> Vec<ContractChangeEdge> {
        self.0
            .items
            .iter()
            .map(|c| ContractChangeEdge {
                cursor: history::cursor_of(c),
                node: ContractChange(c.clone()),
            })
            .collect()
    }

    /// The changes of the page.
    async fn nodes(&self) -> Vec<ContractChange> {
        self.0.items.iter().cloned().map(ContractChange).collect()
    }

    /// Where the page sits.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.0, history::cursor_of)
    }
}

/// The history filter of `contractHistory`'s arguments, for one partner or all (`None`).
pub fn filter(
    partner_id: Option<i64>,
    actions: Option<Vec<ContractAction>>,
    since: Option<DateTime>,
    until: Option<DateTime>,
) -> HistoryFilter {
    HistoryFilter {
        partner_id,
        actions: actions.unwrap_or_default(),
        since: since.map(|d| d.0),
        until: until.map(|d| d.0),
    }
}

/// Reads a page of history for `Partner.contractHistory` and `Campaign.contractHistory`.
pub async fn load(
    ctx: &Context<'_>,
    campaign_id: i64,
    filter: HistoryFilter,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<ContractChangeConnection> {
    let request = PageRequest::from_relay(first, after.as_deref(), None, None)?;
    let page = history::page(db(ctx)?, auth(ctx)?, campaign_id, &filter, &request).await?;
    Ok(ContractChangeConnection(page))
}
