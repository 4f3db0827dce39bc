//! `GET /partner-access/{token}`: redeems a partner access URL once. A working token answers
//! `200 {"campaignId","partnerId"}` (the partner the holder may now act for) and is spent; a
//! token unknown, spent or expired answers `410 Gone` alike, so the answer tells nothing more.
//! `HEAD` answers the same status without spending the token: link previewers and mail
//! scanners send it before the partner opens the link.

use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::export::{error_response, private};
use super::AppState;
use crate::service::access_url;

/// Redeems the token of the path (`GET`), or tells whether it would (`HEAD`).
pub async fn redeem(
    State(state): State<AppState>,
    method: Method,
    Path(token): Path<String>,
) -> Response {
    if method == Method::HEAD {
        return private(
            match access_url::redeemable(&state.db, &token, state.clock.now()).await {
                Ok(true) => StatusCode::OK.into_response(),
                Ok(false) => StatusCode::GONE.into_response(),
                Err(err) => error_response(&err),
            },
        );
    }
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
