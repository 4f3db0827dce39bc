//! Reading a GraphQL request from HTTP: `GET` with the parameters in the query string, `POST`
//! with an `application/json` body (one operation; batches are refused) or a
//! `multipart/form-data` body (the GraphQL multipart request, for uploads). Anything else is a
//! `BAD_REQUEST` with the HTTP status that names the problem (400, 413, 415), in JSON.

use async_graphql::{Request, Variables};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

use crate::error::AppError;
use crate::graphql::limits::Limits;
use crate::service::group_file::parse::MAX_FILE_BYTES;

/// The largest `application/json` request body.
pub const MAX_JSON_BODY: usize = 1024 * 1024;
/// The largest multipart request body: a bulk-edit file a little over its limit (so that the
/// mutation, not the transport, says the file is too large) plus the envelope.
pub const MAX_MULTIPART_BODY: usize = MAX_FILE_BYTES + 2 * 1024 * 1024;

pub(super) fn status(status: u16, message: impl Into<String>) -> AppError {
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
    limits: &Limits,
) -> Result<Request, AppError> {
    // HEAD is GET without the body (axum routes it to the GET handler and drops the body).
    if method == Method::GET || method == Method::HEAD {
        return query_string(query.unwrap_or_default());
    }
    crate::http::content_coding::check(headers).map_err(|message| status(415, message))?;
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
    // A body this route reads, declared larger than it reads: refused before it is read (an
    // unsupported one is the 415 below, which says what is wrong).
    let limit = match (essence.as_str(), charset.as_deref()) {
        ("application/json", None | Some("utf-8")) => Some(MAX_JSON_BODY),
        ("multipart/form-data", _) => Some(MAX_MULTIPART_BODY),
        _ => None,
    };
    if let Some(limit) =
        limit.filter(|limit| crate::http::declared_length::exceeds(headers, *limit as u64))
    {
        return Err(too_large(limit));
    }
    match (essence.as_str(), charset.as_deref()) {
        ("application/json", None | Some("utf-8")) => {
            let bytes = read_limited(body, MAX_JSON_BODY).await?;
            json(&bytes)
        }
        ("multipart/form-data", _) => super::multipart::read(content_type, body, limits).await,
        _ => Err(unsupported(content_type)),
    }
}

/// A `GET` request's parameters (GraphQL over HTTP): `query`, `operationName`, and `variables`
/// and `extensions` as JSON text; each at most once, read as a JSON body's members would be.
/// (async-graphql's own reader expects `operation_name`, so a document of several operations
/// could not be run by name over GET.)
fn query_string(query: &str) -> Result<Request, AppError> {
    let mut body = serde_json::Map::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = match name.as_ref() {
            // An empty `operationName` is none (as forms send an empty field).
            "operationName" if value.is_empty() => continue,
            "query" | "operationName" => Value::String(value.into_owned()),
            "variables" | "extensions" => serde_json::from_str(&value).map_err(|err| {
                too_deep(&err, &format!("`{name}`")).unwrap_or_else(|| {
                    AppError::bad_request(format!("`{name}` is not JSON: give a JSON object"))
                })
            })?,
            _ => continue,
        };
        if body.insert(name.clone().into_owned(), value).is_some() {
            return Err(AppError::bad_request(format!(
                "`{name}` is given more than once"
            )));
        }
    }
    operation(body)
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

pub(super) fn too_large(limit: usize) -> AppError {
    status(
        413,
        format!("the request body is larger than {limit} bytes"),
    )
}

/// The deepest nesting of arrays and objects the JSON reader takes (serde_json's limit).
const JSON_DEPTH: usize = 128;

/// JSON deeper than the reader goes (its recursion limit: 128 arrays and objects) is refused
/// for its depth, whatever follows (the reader stops there), as a bound (`VALIDATION`), not a
/// syntax error; the variables' own bound is lower. `what` names the text.
fn too_deep(err: &serde_json::Error, what: &str) -> Option<AppError> {
    err.to_string()
        .starts_with("recursion limit exceeded")
        .then(|| {
            AppError::Validation(format!(
                "{what} nests deeper than {JSON_DEPTH} levels (line {}, column {})",
                err.line(),
                err.column()
            ))
        })
}

/// One operation from a JSON body: `query`, `operationName`, `variables`, `extensions`.
pub(super) fn json(bytes: &[u8]) -> Result<Request, AppError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|err| {
        too_deep(&err, "the body").unwrap_or_else(|| {
            AppError::bad_request(format!(
                "the body is not valid JSON (line {}, column {})",
                err.line(),
                err.column()
            ))
        })
    })?;
    let Value::Object(body) = value else {
        return Err(match value {
            Value::Array(_) => AppError::bad_request(
                "batched requests are not supported: send one operation per request",
            ),
            _ => AppError::bad_request("the body must be a JSON object with a `query`"),
        });
    };
    operation(body)
}

/// One operation from the members of a JSON body (or of a `GET` request's parameters).
fn operation(mut body: serde_json::Map<String, Value>) -> Result<Request, AppError> {
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
