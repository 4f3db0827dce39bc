//! `node(id:)` and `nodes(ids:)`: fetch anything by its global id.

use async_graphql::{Context, Object, ID};

use crate::domain::limits::MAX_NODE_IDS;
use crate::domain::GlobalId;
use crate::error::AppError;
use crate::graphql::context::{auth, db};
use crate::graphql::types::node::Node;
use crate::service::nodes;

/// Relay node lookups.
#[derive(Default)]
pub struct NodeQuery;

/// Relay node lookups.
#[Object]
impl NodeQuery {
    /// The object with this global id; null when the caller's account has no such object
    /// (another account's ids included). A malformed id is a `VALIDATION` error.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let global = GlobalId::decode(&id)?;
        let found = nodes::resolve(db(ctx)?, auth(ctx)?, global).await?;
        Ok(found.map(Node::from))
    }

    /// The objects with these global ids, in order (at most 100; one database statement per
    /// kind of object asked for); null for each id the caller's account has no object for. A
    /// malformed id is a `VALIDATION` error.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids (at most 100).")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODE_IDS {
            return Err(AppError::Validation(format!(
                "`ids` has {} ids; at most {MAX_NODE_IDS} are allowed per call",
                ids.len()
            ))
            .into());
        }
        let parsed = ids
            .iter()
            .map(|id| GlobalId::decode(id))
            .collect::<Result<Vec<_>, _>>()?;
        let found = nodes::resolve_many(db(ctx)?, auth(ctx)?, &parsed).await?;
        Ok(found.into_iter().map(|r| r.map(Node::from)).collect())
    }
}
