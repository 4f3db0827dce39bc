//! `node(id:)` and `nodes(ids:)`: fetch anything by its global id.

use async_graphql::{Context, Object, ID};

use crate::domain::GlobalId;
use crate::error::AppError;
use crate::graphql::context::{auth, db};
use crate::graphql::types::node::Node;
use crate::service::nodes;

/// The most ids one `nodes` call may ask for.
const MAX_NODES: usize = 100;

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

    /// The objects with these global ids, in order (at most 100); null for each id the caller's
    /// account has no object for. A malformed id is a `VALIDATION` error.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::Validation(format!(
                "at most {MAX_NODES} ids per call, got {}",
                ids.len()
            ))
            .into());
        }
        let parsed = ids
            .iter()
            .map(|id| GlobalId::decode(id))
            .collect::<Result<Vec<_>, _>>()?;
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        let mut out = Vec::with_capacity(parsed.len());
        for global in parsed {
            let found = nodes::resolve(db, auth, global).await?;
            out.push(found.map(Node::from));
        }
        Ok(out)
    }
}
