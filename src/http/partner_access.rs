//! `GET /partner-access/{token}`: redeems a partner access URL once. A working token answers
//! `200 {"campaignId","partnerId"}` (the partner the holder may now act for) and is spent; a
//! token unknown, spent or expired answers `410 Gone` alike, so the answer tells nothing more.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::AppState;
use crate::service::access_url;

/// Redeems the token of the path.
pub async fn redeem(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let mut response = match access_url::redeem(&state.db, &token, state.clock.now()).await {
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
        Err(err) => (
            StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            Json(json!({ "error": err.public_message() })),
        )
            .into_response(),
    };
    // A bearer secret in the path: never cached, never sent on as a referrer.
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
