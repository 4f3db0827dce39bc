//! `partners(campaignId:)` and `partner(campaignId:, id:)`: the My Partners list.

use async_graphql::{Context, Object, ID};

use crate::graphql::context::{auth, db};
use crate::graphql::ids;
use crate::graphql::inputs::partner_filter::{PartnerFilterInput, PartnerOrder};
use crate::graphql::types::connection::{ListArgs, PartnerConnection};
use crate::graphql::types::partner::Partner;
use crate::service::partners::{self, PartnerKey};

/// Queries over a campaign's partners.
#[derive(Default)]
pub struct PartnerQuery;

/// Queries over a campaign's partners.
#[Object]
impl PartnerQuery {
    /// The partners of a campaign, as a Relay connection ordered by partner id. Page with
    /// `first`/`after` forwards or `last`/`before` backwards (at most 500 per page, 50 by default).
    // Each argument is a GraphQL argument of the field.
    #[allow(clippy::too_many_arguments)]
    async fn partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Numeric campaign id or global id.")] campaign_id: ID,
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
        let campaign_id = ids::campaign_id(&campaign_id)?;
        PartnerConnection::load(
            ctx,
            campaign_id,
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

    /// One partner of a campaign; null when the partner is not in that campaign of the caller's
    /// account (or the campaign is not the caller's).
    async fn partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Numeric campaign id or global id.")] campaign_id: ID,
        #[graphql(desc = "Numeric partner id, or the partner's global id in this campaign.")]
        id: ID,
    ) -> async_graphql::Result<Option<Partner>> {
        let campaign_id = ids::campaign_id(&campaign_id)?;
        let partner_id = ids::partner_id(&id, campaign_id)?;
        let key = PartnerKey {
            campaign_id,
            partner_id,
        };
        let found = partners::find(db(ctx)?, auth(ctx)?, key).await?;
        Ok(found.map(Partner))
    }
}
