//! `contractTemplates(campaignId:)`.

use async_graphql::{Context, Object, ID};

use crate::graphql::context::{auth, db};
use crate::graphql::ids;
use crate::graphql::types::contract::ContractTemplate;
use crate::service::contracts::templates;

/// Queries about contracts.
#[derive(Default)]
pub struct ContractQuery;

/// Queries about contracts.
#[Object]
impl ContractQuery {
    /// The contract templates (terms) of a campaign of the caller's account, oldest first.
    async fn contract_templates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign (numeric or global id).")] campaign_id: ID,
    ) -> async_graphql::Result<Vec<ContractTemplate>> {
        let campaign_id = ids::campaign_id(&campaign_id)?;
        let list = templates::list(db(ctx)?, auth(ctx)?, campaign_id).await?;
        Ok(list.into_iter().map(ContractTemplate).collect())
    }
}
