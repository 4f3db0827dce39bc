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

    /// The objects with these global ids, in order (at most 100). Ids that do not exist in the
    /// caller's account answer null, each with a `NOT_FOUND` error.
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
        for (global, id) in parsed.into_iter().zip(&ids) {
            let found = nodes::resolve(db, auth, global).await?;
            if found.is_none() {
                let err: async_graphql::Error =
                    AppError::NotFound(format!("no node with id {}", id.as_str())).into();
                ctx.add_error(err.into_server_error(ctx.item.pos));
            }
            out.push(found.map(Node::from));
        }
        Ok(out)
    }
}
