//! HTTP: the router, GraphQL endpoint, playground and health check.

mod graphql;
pub mod playground;

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;

use tower_http::limit::RequestBodyLimitLayer;

use crate::db::StatementCounter;
use crate::graphql::AppSchema;

pub use graphql::error_response;

/// The largest GraphQL request body: a bulk-edit file at its limit plus the multipart envelope.
pub const MAX_GRAPHQL_BODY: usize = crate::service::group_file::parse::MAX_FILE_BYTES + 1024 * 1024;

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
}

/// The router of the whole server.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(graphql::get_graphql)
                .post(graphql::execute)
                // Uploads are spooled to disk as they arrive: stop them at the file limit.
                .layer(RequestBodyLimitLayer::new(MAX_GRAPHQL_BODY)),
        )
        .route("/healthz", get(healthz))
        .merge(playground::routes())
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
