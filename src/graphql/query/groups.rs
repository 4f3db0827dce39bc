//! `partnerGroups(campaignId:)` and `partnerGroup(id:)`.

use async_graphql::{Context, Object, ID};

use crate::graphql::context::{auth, db};
use crate::graphql::ids;
use crate::graphql::types::group::PartnerGroup;
use crate::service::groups;

/// Queries over partner groups.
#[derive(Default)]
pub struct GroupQuery;

/// Queries over partner groups.
#[Object]
impl GroupQuery {
    /// The partner groups of a campaign, by name, each with its member count.
    async fn partner_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Numeric campaign id or global id.")] campaign_id: ID,
    ) -> async_graphql::Result<Vec<PartnerGroup>> {
        let campaign_id = ids::campaign_id(&campaign_id)?;
        let list = groups::list(db(ctx)?, auth(ctx)?, campaign_id).await?;
        PartnerGroup::with_counts(ctx, list).await
    }

    /// One partner group; null when the caller's account has no such group.
    async fn partner_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Numeric group id or global id.")] id: ID,
    ) -> async_graphql::Result<Option<PartnerGroup>> {
        let group_id = ids::group_id(&id)?;
        let found = groups::find(db(ctx)?, auth(ctx)?, group_id).await?;
        Ok(found.map(PartnerGroup))
    }
}
