//! `partnerColumns` and `partnerViews`: what a column picker offers and what a user saved.

use async_graphql::{Context, Object, ID};

use crate::graphql::context::{auth, db};
use crate::graphql::ids;
use crate::graphql::types::views::{PartnerColumn, PartnerView};
use crate::service::partners::columns;
use crate::service::{campaigns, views};

/// Queries of the list's columns and saved views.
#[derive(Default)]
pub struct ViewQuery;

#[Object]
impl ViewQuery {
    /// Every column of the partner list for a campaign: the built-in columns, then one per
    /// custom field of the campaign.
    async fn partner_columns(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Numeric campaign id or global id.")] campaign_id: ID,
    ) -> async_graphql::Result<Vec<PartnerColumn>> {
        let campaign_id = ids::campaign_id(&campaign_id)?;
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        campaigns::get(db, auth, campaign_id).await?;
        let columns = columns::for_campaign(db, auth, campaign_id).await?;
        Ok(columns.into_iter().map(PartnerColumn::from).collect())
    }

    /// The caller's saved views of a campaign's partner list, by name.
    async fn partner_views(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Numeric campaign id or global id.")] campaign_id: ID,
    ) -> async_graphql::Result<Vec<PartnerView>> {
        let campaign_id = ids::campaign_id(&campaign_id)?;
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        campaigns::get(db, auth, campaign_id).await?;
        Ok(views::list(db, auth, campaign_id)
            .await?
            .into_iter()
            .map(PartnerView)
            .collect())
    }
}
