//! The GraphQL API: schema factory, roots, types, loaders.

pub mod context;
pub mod ids;
pub mod inputs;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod prefetch;
pub mod query;
pub mod sdl_export;
pub mod shape;
pub mod types;

use async_graphql::{EmptySubscription, Schema};

use mutation::MutationRoot;
use query::QueryRoot;

use crate::clock::Clock;
use crate::service::partners::facet_index::FacetIndexes;

/// The executable schema.
pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Deepest query nesting accepted.
const MAX_DEPTH: usize = 16;
/// Most complex query accepted.
const MAX_COMPLEXITY: usize = 20_000;

/// Builds the schema with default facet indexes.
pub fn build_schema() -> AppSchema {
    build_schema_with(FacetIndexes::default(), Clock::system(), Default::default())
}

/// Builds the schema with the server-wide facet indexes, clock and cache of verified credentials;
/// per-request data (database, caller, loaders) is attached to each request.
pub fn build_schema_with(
    indexes: FacetIndexes,
    clock: Clock,
    auth_cache: std::sync::Arc<crate::auth::AuthCache>,
) -> AppSchema {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .data(indexes)
    .data(clock)
    .data(auth_cache)
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .extension(limits::answer::AnswerBudget)
    .finish()
}

/// The schema in SDL, as committed in `schema.graphql`: everything introspection answers,
/// `@specifiedBy` on the custom scalars and every directive included.
pub async fn sdl() -> String {
    sdl_export::export(&build_schema()).await
}
