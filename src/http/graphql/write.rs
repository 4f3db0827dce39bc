//! Writing GraphQL responses over HTTP: the negotiated media type, the status code the
//! GraphQL-over-HTTP specification asks for (request errors are 400 under
//! `application/graphql-response+json` and 200 under `application/json`; failures of the
//! transport, credentials, rate or capacity carry their own status under both), no `data` entry
//! when the request never ran, and the headers that go with a status (`Retry-After`, `Allow`).

use async_graphql::ServerError;
use async_graphql_value::ConstValue;
use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::negotiate::Media;
use crate::error::AppError;
use crate::graphql::limits::server_error;

/// The body of a GraphQL response.
#[derive(Serialize)]
struct Body_<'a> {
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a ConstValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extensions: Option<&'a serde_json::Value>,
}

fn respond(
    media: Media,
    status: StatusCode,
    errors: &[ServerError],
    data: Option<&ConstValue>,
    extensions: Option<&serde_json::Value>,
) -> Response {
    let body = Body_ {
        errors,
        data,
        extensions,
    };
    let bytes = match serde_json::to_vec(&body) {
        Ok(bytes) => bytes,
        Err(err) => {
            tracing::error!(error = %err, "cannot serialize a GraphQL response");
            br#"{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}"#
                .to_vec()
        }
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    response
}

/// An executed operation: 200 with its data, errors and extensions — unless nothing came
/// back because the database was unavailable or too slow for every field, which answers that
/// status (503 or 504, with `Retry-After`) so that clients and balancers can retry.
pub fn executed(
    media: Media,
    data: &ConstValue,
    errors: &[ServerError],
    extensions: Option<&serde_json::Value>,
) -> Response {
    let retryable = |e: &ServerError| match e.extensions.as_ref().and_then(|x| x.get("code")) {
        Some(ConstValue::String(code)) => match code.as_str() {
            "UNAVAILABLE" => Some(StatusCode::SERVICE_UNAVAILABLE),
            "TIMEOUT" => Some(StatusCode::GATEWAY_TIMEOUT),
            _ => None,
        },
        _ => None,
    };
    let status = match (data, errors.first().and_then(retryable)) {
        (ConstValue::Null, Some(status)) if errors.iter().all(|e| retryable(e).is_some()) => status,
        _ => StatusCode::OK,
    };
    let mut response = respond(media, status, errors, Some(data), extensions);
    if status != StatusCode::OK {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(1));
    }
    response
}

/// A GraphQL request error (parse, validation, variables, cost, persisted query): no data; 400
/// under `application/graphql-response+json`, 200 under `application/json`.
pub fn request_errors(
    media: Media,
    errors: &[ServerError],
    extensions: Option<&serde_json::Value>,
) -> Response {
    let status = match media {
        Media::GraphqlResponse => StatusCode::BAD_REQUEST,
        Media::Json => StatusCode::OK,
    };
    respond(media, status, errors, None, extensions)
}

/// A failure before or around execution that has an HTTP status of its own (a malformed
/// request, credentials, rate, capacity, time): that status under both media types.
pub fn failure(media: Media, err: AppError, extensions: Option<&serde_json::Value>) -> Response {
    let status =
        StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let retry_after = err.retry_after();
    let mut response = respond(media, status, &[server_error(err)], None, extensions);
    let headers = response.headers_mut();
    if let Some(seconds) = retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    // `WWW-Authenticate` on a 401 is the caller's to add: not for a page's script
    // (`negotiate::from_page_script`).
    if status == StatusCode::METHOD_NOT_ALLOWED {
        headers.insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    response
}
