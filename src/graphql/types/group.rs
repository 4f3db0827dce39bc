//! `PartnerGroup`: a named set of partners of a campaign, with its member count and members.

use async_graphql::{Context, Object, ID};

use super::connection::{ListArgs, PartnerConnection};
use crate::domain::GlobalId;
use crate::graphql::context::loader;
use crate::graphql::inputs::partner_filter::{PartnerFilterInput, PartnerOrder};
use crate::graphql::loaders::{to_gql, MemberCountOf};
use crate::graphql::types::scalars::DateTime;
use crate::service::groups::GroupInfo;
use crate::service::partners::filter::PartnerFilter;

use entity::partner_group;

/// A named set of a campaign's partners, used to organise them and target terms.
pub struct PartnerGroup(pub partner_group::Model);

impl PartnerGroup {
    /// Wraps groups read with their member counts, handing the counts to the request's loader
    /// so `memberCount` costs no further statement.
    pub async fn with_counts(
        ctx: &Context<'_>,
        groups: Vec<GroupInfo>,
    ) -> async_graphql::Result<Vec<PartnerGroup>> {
        loader(ctx)?
            .feed_many(
                groups
                    .iter()
                    .map(|g| (MemberCountOf(g.group.id), g.member_count)),
            )
            .await;
        Ok(groups.into_iter().map(|g| PartnerGroup(g.group)).collect())
    }
}

/// A named set of a campaign's partners, used to organise them and target terms.
#[Object]
impl PartnerGroup {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::PartnerGroup(self.0.id).encode())
    }

    /// Numeric id of the group (the REST API's `Id`, and the id a bulk-edit file names).
    async fn group_id(&self) -> i64 {
        self.0.id
    }

    /// Numeric id of the group's campaign.
    async fn campaign_id(&self) -> i64 {
        self.0.campaign_id
    }

    /// The group's name (visible to the account only, never to partners).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// How many partners are in the group.
    async fn member_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let count = loader(ctx)?
            .load_one(MemberCountOf(self.0.id))
            .await
            .map_err(to_gql)?;
        Ok(count.unwrap_or(0))
    }

    /// The group's partners: the same filter, sort, paging, `totalCount` and facets as
    /// `partners`, within the group.
    // Each argument is a GraphQL argument of the field.
    #[allow(clippy::too_many_arguments)]
    async fn members(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which members (all when omitted).")] filter: Option<PartnerFilterInput>,
        #[graphql(
            desc = "Sort keys, most significant first (partner id ascending when omitted; the partner id always breaks ties)."
        )]
        order_by: Option<Vec<PartnerOrder>>,
        #[graphql(desc = "Page size, reading forwards (0 to 500).")] first: Option<i32>,
        #[graphql(desc = "Read after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, reading backwards (0 to 500).")] last: Option<i32>,
        #[graphql(desc = "Read before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<PartnerConnection> {
        let within = PartnerFilter {
            group_ids: vec![self.0.id],
            ..PartnerFilter::all()
        };
        let args = ListArgs {
            filter,
            order_by,
            first,
            after,
            last,
            before,
        };
        PartnerConnection::load_within(ctx, self.0.campaign_id, args, within).await
    }

    /// When the group was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When the group was last renamed or its members changed through it.
    async fn updated_at(&self) -> DateTime {
        self.0.updated_at.into()
    }
}
