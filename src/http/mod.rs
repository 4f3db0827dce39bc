//! HTTP: the router, GraphQL endpoint, playground, health and readiness checks, metrics.

pub mod content_coding;
mod cors;
pub mod declared_length;
mod export;
mod graphql;
pub mod health;
mod partner_access;
pub mod playground;
pub mod timeout;

use std::sync::Arc;

use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;
use sea_orm::DatabaseConnection;

use crate::db::StatementCounter;
use crate::graphql::limits::rate::RateLimits;
use crate::graphql::AppSchema;
use crate::observability::{self, MetricsHandle};

pub use cors::layer as cors_layer;
pub use graphql::{Endpoint, MAX_JSON_BODY, MAX_MULTIPART_BODY};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The heavy lane: a pool of its own for expensive GraphQL requests (`None`: they use `db`).
    pub heavy_db: Option<DatabaseConnection>,
    /// The executable GraphQL schema.
    pub schema: AppSchema,
    /// The rendered playground page.
    pub playground: Arc<String>,
    /// Counts SQL statements (tests read it).
    pub statements: StatementCounter,
    /// The GraphQL endpoint's types, limits and persisted queries.
    pub endpoint: Arc<Endpoint>,
    /// Rate limits per credential (GraphQL cost, REST requests).
    pub rate_limits: Arc<RateLimits>,
    /// Renders `/metrics` (`None`: metrics are off).
    pub metrics: Option<MetricsHandle>,
    /// The longest a GraphQL or REST request may run.
    pub request_timeout: timeout::RequestTimeout,
    /// Origins CORS allows (empty: CORS off).
    pub cors_allowed_origins: Arc<[String]>,
    /// The server's clock (also in the schema's data).
    pub clock: crate::clock::Clock,
    /// Credentials verified moments ago (also in the schema's data, which clears it).
    pub auth_cache: Arc<crate::auth::AuthCache>,
    /// How often the facet indexes were read whole or brought up to date from the change log.
    pub facet_index_usage: crate::service::partners::facet_index::IndexUsage,
    /// Streams the exports of the partner list.
    pub exports: Arc<crate::service::export::stream::ExportRunner>,
    /// SQLite: the task copying the write-ahead log into the database file, stopped when the
    /// last copy of the state is dropped (`None` on PostgreSQL and in-memory databases).
    pub checkpointer: Option<Arc<crate::db::checkpoint::Checkpointer>>,
}

/// The router of the whole server: every response carries `x-request-id` and is counted.
pub fn router(state: AppState) -> Router {
    let limit = state.request_timeout;
    let mut router = Router::new()
        .route(
            "/graphql",
            get(graphql::graphql)
                .post(graphql::graphql)
                .fallback(graphql::method_not_allowed)
                .layer(from_fn_with_state(limit, timeout::graphql)),
        )
        .route(
            &format!("{}/{{token}}", crate::service::access_url::ACCESS_PATH),
            get(partner_access::redeem).layer(from_fn_with_state(limit, timeout::rest)),
        )
        // No request timeout: an export streams for as long as it has rows (it has a limit of
        // its own, and stops when the client goes away).
        .route(
            &format!("{}/{{token}}", crate::service::export::EXPORT_PATH),
            get(export::download),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(playground::routes())
        .merge(crate::rest::router().layer(from_fn_with_state(limit, timeout::rest)));
    if state.metrics.is_some() {
        router = router.route("/metrics", get(observability::metrics_endpoint));
    }
    router = router.layer(axum::middleware::map_response(
        crate::http::content_coding::name_accepted,
    ));
    // Origins were checked when the state was built.
    if let Ok(Some(cors)) = cors::layer(&state.cors_allowed_origins) {
        router = router.layer(cors);
    }
    observability::request_id::instrument(router.with_state(state))
}
