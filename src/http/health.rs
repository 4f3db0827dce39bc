//! Liveness and readiness: `/healthz` says the process serves HTTP (it never touches the
//! database, so it answers at once under any load); `/readyz` says whether the database
//! answers a ping within [`READY_TIMEOUT`].

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::AppState;

/// The longest `/readyz` waits for the database (a connection and a ping).
pub const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// `GET /healthz`: 200 `{"status":"ok"}` while the process serves requests.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 `{"status":"ok","database":"ok"}` when the database answers a ping in
/// time; 503 `{"status":"unavailable","database":"unavailable"|"timeout"}` otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => {
            return (
                StatusCode::OK,
                Json(json!({ "status": "ok", "database": "ok" })),
            )
        }
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: the database does not answer");
            "unavailable"
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer in time");
            "timeout"
        }
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "unavailable", "database": database })),
    )
}
