//! What every resolver reads from the request context: the database, the caller, the loaders.

use async_graphql::dataloader::{DataLoader, HashMapCache};
use async_graphql::Context;
use sea_orm::DatabaseConnection;

use crate::auth::AuthContext;
use crate::graphql::loaders::Loaders;
use crate::service::partners::facet_index::FacetIndexes;

/// The database pool of the request.
pub fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

/// The authenticated caller of the request.
pub fn auth<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a AuthContext> {
    ctx.data::<AuthContext>()
}

/// The request's DataLoader (built per request, so it carries the caller's account).
pub fn loader<'a>(
    ctx: &Context<'a>,
) -> async_graphql::Result<&'a DataLoader<Loaders, HashMapCache>> {
    ctx.data::<DataLoader<Loaders, HashMapCache>>()
}

/// The server's facet indexes (shared by every request).
pub fn facet_indexes<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a FacetIndexes> {
    ctx.data::<FacetIndexes>()
}

/// The server's clock, for a service that reads the time itself (the bulk engine, once it
/// holds the campaign's write lock).
pub fn clock(ctx: &Context<'_>) -> async_graphql::Result<crate::clock::Clock> {
    Ok(ctx.data::<crate::clock::Clock>()?.clone())
}

/// The server's clock: what "now" is for contract dates and bulk actions.
pub fn now(ctx: &Context<'_>) -> async_graphql::Result<chrono::DateTime<chrono::Utc>> {
    Ok(ctx.data::<crate::clock::Clock>()?.now())
}
