//! `viewer`, `campaigns`, `campaign(id:)`: who is calling and what it owns.

use async_graphql::{Context, Object, ID};

use crate::graphql::context::{auth, db};
use crate::graphql::ids;
use crate::graphql::types::account::Viewer;
use crate::graphql::types::campaign::Campaign;
use crate::service::{accounts, campaigns};

/// Queries about the caller and its account.
#[derive(Default)]
pub struct ViewerQuery;

/// Queries about the caller and its account.
#[Object]
impl ViewerQuery {
    /// The caller: the user its credentials belong to, and that user's account.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        Ok(Viewer {
            user: accounts::find_user(db, auth, auth.user_id).await?,
            account: accounts::current_account(db, auth).await?,
        })
    }

    /// The campaigns (programs) of the caller's account.
    async fn campaigns(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Campaign>> {
        let list = campaigns::list(db(ctx)?, auth(ctx)?).await?;
        Ok(list.into_iter().map(Campaign).collect())
    }

    /// One campaign of the caller's account; null for any other id.
    async fn campaign(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Numeric campaign id or global id.")] id: ID,
    ) -> async_graphql::Result<Option<Campaign>> {
        let id = ids::campaign_id(&id)?;
        let found = campaigns::find(db(ctx)?, auth(ctx)?, id).await?;
        Ok(found.map(Campaign))
    }
}
