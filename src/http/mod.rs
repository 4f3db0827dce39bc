//! HTTP: the router, GraphQL endpoint, playground and health check.

mod graphql;
pub mod playground;

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;

use crate::db::StatementCounter;
use crate::graphql::limits::rate::RateLimits;
use crate::graphql::AppSchema;

pub use graphql::{Endpoint, MAX_JSON_BODY, MAX_MULTIPART_BODY};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
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
}

/// The router of the whole server.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(graphql::playground))
        .route(
            "/graphql",
            get(graphql::graphql)
                .post(graphql::graphql)
                .fallback(graphql::method_not_allowed),
        )
        .route("/healthz", get(healthz))
        .merge(crate::rest::router())
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable" })),
            )
        }
    }
}
