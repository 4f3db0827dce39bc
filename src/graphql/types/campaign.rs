//! `Campaign`: a brand's program, with its groups, contract templates and custom fields.

use crate::domain::{ContractAction, UpcomingChangeKind};
use crate::graphql::types::contract_history::{self, ContractChangeConnection};
use crate::graphql::types::upcoming_changes::{self, UpcomingContractChangeConnection};
use async_graphql::{Context, Object, ID};

use super::action_tracker::ActionTracker;
use super::activity::{self, ActivityArgs, ActivityConnection};
use super::connection::{ListArgs, PartnerConnection};
use super::contract::ContractTemplate;
use super::custom_field::CustomField;
use super::group::PartnerGroup;
use crate::domain::GlobalId;
use crate::graphql::context::{auth, db};
use crate::graphql::inputs::partner_filter::{PartnerFilterInput, PartnerOrder};
use crate::graphql::types::scalars::DateTime;
use crate::service::{action_trackers, catalog};

use entity::campaign;

/// A brand's program: partners join it, and groups, contracts and custom fields belong to it.
pub struct Campaign(pub campaign::Model);

/// A brand's program: partners join it, and groups, contracts and custom fields belong to it.
#[Object]
impl Campaign {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::Campaign(self.0.id).encode())
    }

    /// Numeric id of the campaign (the product's `CampaignId`).
    async fn campaign_id(&self) -> i64 {
        self.0.id
    }

    /// The campaign's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Whether the campaign is running, paused or over.
    async fn state(&self) -> async_graphql::Result<crate::domain::CampaignState> {
        Ok(crate::domain::CampaignState::from_stored(&self.0.state)?)
    }

    /// The campaign's currency (ISO 4217).
    async fn currency(&self) -> &str {
        &self.0.currency
    }

    /// When the campaign was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// The campaign's partners (the same list as the top-level `partners` query).
    // Each argument is a GraphQL argument of the field.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which partners (all when omitted).")] filter: Option<PartnerFilterInput>,
        #[graphql(
            desc = "Sort keys, most significant first (partner id ascending when omitted; the partner id always breaks ties)."
        )]
        order_by: Option<Vec<PartnerOrder>>,
        #[graphql(desc = "Page size, reading forwards (0 to 500).")] first: Option<i32>,
        #[graphql(desc = "Read after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, reading backwards (0 to 500).")] last: Option<i32>,
        #[graphql(desc = "Read before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<PartnerConnection> {
        PartnerConnection::load(
            ctx,
            self.0.id,
            ListArgs {
                filter,
                order_by,
                first,
                after,
                last,
                before,
            },
        )
        .await
    }

    /// The campaign's partner groups, by name.
    async fn partner_groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PartnerGroup>> {
        let list = catalog::groups(db(ctx)?, auth(ctx)?, self.0.id).await?;
        Ok(list.into_iter().map(PartnerGroup).collect())
    }

    /// The changes of every partner's contract in the campaign, newest first (the product's
    /// Contracts → Changes, the recent ones); the imminent ones are `upcomingContractChanges`.
    async fn contract_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these actions (any when omitted; at most 50).")] actions: Option<
            Vec<ContractAction>,
        >,
        #[graphql(desc = "Only changes made at or after this time.")] since: Option<DateTime>,
        #[graphql(desc = "Only changes made before this time.")] until: Option<DateTime>,
        #[graphql(desc = "Page size (0 to 500; 50 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Read after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<ContractChangeConnection> {
        let filter = contract_history::filter(None, actions, since, until);
        contract_history::load(ctx, self.0.id, filter, first, after).await
    }

    /// The campaign's imminent contract changes, soonest first (the product's Contracts →
    /// Changes, the imminent ones): scheduled switches, proposals awaiting the partner's answer,
    /// scheduled expiries and temporary contracts' ends. A change is listed until it applies or
    /// is withdrawn; its history is `contractHistory`.
    async fn upcoming_contract_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these kinds (any when omitted; at most 10).")] kinds: Option<
            Vec<UpcomingChangeKind>,
        >,
        #[graphql(
            desc = "Only changes taking effect at or before this time (\"the next 7 days\")."
        )]
        until: Option<DateTime>,
        #[graphql(desc = "Page size (0 to 500; 50 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Read after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<UpcomingContractChangeConnection> {
        upcoming_changes::load(ctx, self.0.id, kinds, until, first, after).await
    }

    /// The campaign's activity feed: every change to any of its partners, newest first.
    async fn activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these actions (any when omitted; at most 50).")] actions: Option<
            Vec<String>,
        >,
        #[graphql(desc = "Only entries made at or after this time.")] since: Option<DateTime>,
        #[graphql(desc = "Only entries made before this time.")] until: Option<DateTime>,
        #[graphql(desc = "Page size (0 to 500; 50 when omitted).")] first: Option<i32>,
        #[graphql(desc = "Read after this cursor.")] after: Option<String>,
    ) -> async_graphql::Result<ActivityConnection> {
        let args = ActivityArgs {
            actions,
            since,
            until,
            first,
            after,
        };
        activity::load(ctx, self.0.id, None, args).await
    }

    /// The campaign's contract templates (terms).
    async fn contract_templates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ContractTemplate>> {
        let list = catalog::contract_templates(db(ctx)?, auth(ctx)?, self.0.id).await?;
        Ok(list.into_iter().map(ContractTemplate).collect())
    }

    /// The campaign's action trackers (the kinds of event it tracks), by name.
    async fn action_trackers(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ActionTracker>> {
        let list = action_trackers::list(db(ctx)?, auth(ctx)?, self.0.id).await?;
        Ok(list.into_iter().map(ActionTracker).collect())
    }

    /// The campaign's custom fields, in display order.
    async fn custom_fields(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CustomField>> {
        let list = catalog::custom_fields(db(ctx)?, auth(ctx)?, self.0.id).await?;
        Ok(list.into_iter().map(CustomField).collect())
    }
}
