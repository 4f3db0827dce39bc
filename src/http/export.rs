//! `GET /exports/{token}`: the download URL of an export of the partner list. The token stands
//! for the export and its caller (no credentials are sent: a browser follows the link); an
//! unknown or expired token answers `410 Gone`. The file streams as it is made: CSV from its
//! first page on, XLSX once its rows are written.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::AppState;
use crate::domain::ExportFormat;
use crate::error::AppError;
use crate::graphql::inputs::filter_shape::PartnerFilterInput;
use crate::service::export;

/// Seconds a client is told to wait when every export slot is busy.
const BUSY_RETRY_AFTER: u64 = 10;

/// An error as the bare HTTP routes answer it: the status of its code and `{"error"}`.
pub fn error_response(err: &AppError) -> Response {
    (
        StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        Json(json!({ "error": err.public_message() })),
    )
        .into_response()
}

/// Headers of a response whose URL carries a secret: never cached, never sent on as a referrer.
pub fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The download of `token`'s export; for `HEAD` (`head`), its headers only: the export is
/// checked and prepared as for `GET`, but no export slot is taken and no row is read.
async fn respond(state: &AppState, token: &str, head: bool) -> Result<Response, AppError> {
    let now = state.clock.now();
    let Some(opened) = export::open(&state.db, token, now).await? else {
        return Ok((
            StatusCode::GONE,
            Json(json!({ "error": "this export URL is unknown or expired" })),
        )
            .into_response());
    };
    let filter = PartnerFilterInput::from_json(&opened.spec.filter)?;
    let export = export::prepare(&state.db, opened, filter, now).await?;
    let content_type = match export.format {
        ExportFormat::Csv => "text/csv; charset=utf-8",
        ExportFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    let disposition = format!("attachment; filename=\"{}\"", export.file_name());
    let with_headers = |mut response: Response| -> Result<Response, AppError> {
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).map_err(AppError::internal)?,
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        Ok(response)
    };
    if head {
        return with_headers(StatusCode::OK.into_response());
    }
    let Some(permit) = state.exports.try_start() else {
        let busy = AppError::Unavailable {
            message: "as many exports as the server runs at once are running: retry shortly"
                .to_owned(),
            retry_after: BUSY_RETRY_AFTER,
        };
        let mut response = error_response(&busy);
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(BUSY_RETRY_AFTER));
        return Ok(response);
    };
    let stream = state.exports.spawn(state.db.clone(), export, permit);
    with_headers(Body::from_stream(stream).into_response())
}

/// Streams the export of the path's token (`GET`), or answers its headers (`HEAD`).
pub async fn download(
    State(state): State<AppState>,
    method: Method,
    Path(token): Path<String>,
) -> Response {
    private(
        match respond(&state, &token, method == Method::HEAD).await {
            Ok(response) => response,
            Err(err) => error_response(&err),
        },
    )
}
