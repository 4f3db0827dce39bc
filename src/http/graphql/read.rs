//! Reading a GraphQL request from HTTP: `GET` with the parameters in the query string, `POST`
//! with an `application/json` body (one operation; batches are refused) or a
//! `multipart/form-data` body (the GraphQL multipart request, for uploads). Anything else is a
//! `BAD_REQUEST` with the HTTP status that names the problem (400, 413, 415), in JSON.

use async_graphql::http::MultipartOptions;
use async_graphql::{ParseRequestError, Request, Variables};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method};
use futures_util::TryStreamExt;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;
use tokio_util::compat::TokioAsyncReadCompatExt;

use crate::error::AppError;
use crate::service::group_file::parse::MAX_FILE_BYTES;

/// The largest `application/json` request body.
pub const MAX_JSON_BODY: usize = 1024 * 1024;
/// The largest multipart request body: a bulk-edit file a little over its limit (so that the
/// mutation, not the transport, says the file is too large) plus the envelope.
pub const MAX_MULTIPART_BODY: usize = MAX_FILE_BYTES + 2 * 1024 * 1024;

fn status(status: u16, message: impl Into<String>) -> AppError {
    AppError::BadRequest {
        message: message.into(),
        status,
    }
}

/// Reads the GraphQL request of an HTTP request.
pub async fn request(
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: Body,
) -> Result<Request, AppError> {
    if method == Method::GET {
        return async_graphql::http::parse_query_string(query.unwrap_or_default())
            .map_err(|_| AppError::bad_request("the query string is not a GraphQL request: give `query`, and `variables` and `extensions` as JSON objects"));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| status(415, "a POST needs `Content-Type: application/json` (or multipart/form-data for a file upload)"))?;
    let mut params = content_type.split(';');
    let essence = params
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let charset = params
        .filter_map(|p| p.trim().split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, value)| value.trim().trim_matches('"').to_ascii_lowercase());
    match (essence.as_str(), charset.as_deref()) {
        ("application/json", None | Some("utf-8")) => {
            let bytes = read_limited(body, MAX_JSON_BODY).await?;
            json(&bytes)
        }
        ("multipart/form-data", _) => multipart(content_type, body).await,
        _ => Err(unsupported(content_type)),
    }
}

fn unsupported(content_type: &str) -> AppError {
    let shown: String = content_type.chars().take(100).collect();
    status(
        415,
        format!("unsupported Content-Type {shown:?}: send application/json (UTF-8), or multipart/form-data for a file upload"),
    )
}

async fn read_limited(body: Body, limit: usize) -> Result<axum::body::Bytes, AppError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<LengthLimitError>() => Err(too_large(limit)),
        Err(_) => Err(AppError::bad_request("the request body could not be read")),
    }
}

fn too_large(limit: usize) -> AppError {
    status(
        413,
        format!("the request body is larger than {limit} bytes"),
    )
}

/// One operation from a JSON body: `query`, `operationName`, `variables`, `extensions`.
fn json(bytes: &[u8]) -> Result<Request, AppError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|err| {
        AppError::bad_request(format!(
            "the body is not valid JSON (line {}, column {})",
            err.line(),
            err.column()
        ))
    })?;
    let Value::Object(mut body) = value else {
        return Err(match value {
            Value::Array(_) => AppError::bad_request(
                "batched requests are not supported: send one operation per request",
            ),
            _ => AppError::bad_request("the body must be a JSON object with a `query`"),
        });
    };
    let query = match body.remove("query") {
        Some(Value::String(query)) => query,
        None | Some(Value::Null) => String::new(),
        Some(_) => return Err(AppError::bad_request("`query` must be a string")),
    };
    let operation_name = match body.remove("operationName") {
        Some(Value::String(name)) => Some(name),
        None | Some(Value::Null) => None,
        Some(_) => {
            return Err(AppError::bad_request(
                "`operationName` must be a string or null",
            ))
        }
    };
    let variables = match body.remove("variables") {
        Some(value @ Value::Object(_)) => Variables::from_json(value),
        None | Some(Value::Null) => Variables::default(),
        Some(_) => {
            return Err(AppError::bad_request(
                "`variables` must be a JSON object or null",
            ))
        }
    };
    let extensions: std::collections::HashMap<String, async_graphql::Value> =
        match body.remove("extensions") {
            Some(Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| (k, async_graphql::Value::from_json(v).unwrap_or_default()))
                .collect(),
            None | Some(Value::Null) => Default::default(),
            Some(_) => {
                return Err(AppError::bad_request(
                    "`extensions` must be a JSON object or null",
                ))
            }
        };
    if query.is_empty() && !extensions.contains_key("persistedQuery") {
        return Err(AppError::bad_request("the request has no `query`"));
    }
    let mut request = Request::new(query).variables(variables);
    request.operation_name = operation_name;
    request.extensions = async_graphql::Extensions(extensions);
    Ok(request)
}

async fn multipart(content_type: &str, body: Body) -> Result<Request, AppError> {
    let stream = Limited::new(body, MAX_MULTIPART_BODY)
        .into_data_stream()
        .map_err(|err| {
            if err.is::<LengthLimitError>() {
                std::io::Error::new(std::io::ErrorKind::FileTooLarge, "too large")
            } else {
                std::io::Error::other("unreadable")
            }
        });
    let reader = tokio_util::io::StreamReader::new(stream).compat();
    let options = MultipartOptions::default()
        .max_file_size(MAX_FILE_BYTES + 1024 * 1024)
        .max_num_files(1);
    let batch = async_graphql::http::receive_batch_body(Some(content_type), reader, options)
        .await
        .map_err(multipart_error)?;
    batch.into_single().map_err(|_| {
        AppError::bad_request("batched requests are not supported: send one operation per request")
    })
}

fn multipart_error(err: ParseRequestError) -> AppError {
    match err {
        ParseRequestError::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge => {
            too_large(MAX_MULTIPART_BODY)
        }
        ParseRequestError::PayloadTooLarge => too_large(MAX_FILE_BYTES),
        ParseRequestError::UnsupportedBatch => AppError::bad_request(
            "batched requests are not supported: send one operation per request",
        ),
        ParseRequestError::MissingOperatorsPart => {
            AppError::bad_request("the multipart request has no `operations` part")
        }
        ParseRequestError::MissingMapPart => {
            AppError::bad_request("the multipart request has no `map` part")
        }
        ParseRequestError::InvalidFilesMap(_) | ParseRequestError::MissingFiles => {
            AppError::bad_request("the multipart request's `map` does not match its files")
        }
        _ => AppError::bad_request(
            "the body is not a GraphQL multipart request (operations, map, files)",
        ),
    }
}
