//! `GET /partner-access/{token}`: redeems a partner access URL once. A working token answers
//! `200 {"campaignId","partnerId"}` (the partner the holder may now act for) and is spent; a
//! token unknown, spent or expired answers `410 Gone` alike, so the answer tells nothing more.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::export::{error_response, private};
use super::AppState;
use crate::service::access_url;

/// Redeems the token of the path.
pub async fn redeem(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    private(
        match access_url::redeem(&state.db, &token, state.clock.now()).await {
            Ok(Some(key)) => Json(json!({
                "campaignId": key.campaign_id.to_string(),
                "partnerId": key.partner_id.to_string(),
            }))
            .into_response(),
            Ok(None) => (
                StatusCode::GONE,
                Json(json!({ "error": "this access URL is unknown, used or expired" })),
            )
                .into_response(),
            Err(err) => error_response(&err),
        },
    )
}
