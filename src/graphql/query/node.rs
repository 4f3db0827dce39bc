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
    /// The object with this global id. An id that does not exist in the caller's account
    /// (including another account's) answers null with a `NOT_FOUND` error.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let global = GlobalId::decode(&id)?;
        match nodes::resolve(db(ctx)?, auth(ctx)?, global).await? {
            Some(record) => Ok(Some(record.into())),
            None => Err(AppError::NotFound(format!("no node with id {}", id.as_str())).into()),
        }
    }

    /// The objects with these global ids, in order (at most 100; one database statement per
    /// kind of object asked for). Ids that do not exist in the caller's account answer null,
    /// each with a `NOT_FOUND` error.
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
        for (record, id) in found.iter().zip(&ids) {
            if record.is_none() {
                let err: async_graphql::Error =
                    AppError::NotFound(format!("no node with id {}", id.as_str())).into();
                ctx.add_error(err.into_server_error(ctx.item.pos));
            }
        }
        Ok(found.into_iter().map(|r| r.map(Node::from)).collect())
    }
}
