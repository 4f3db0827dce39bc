//! Reading a GraphQL request from HTTP: `GET` with the parameters in the query string, `POST`
//! with an `application/json` body (one operation; batches are refused) or a
//! `multipart/form-data` body (the GraphQL multipart request, for uploads). Anything else is a
//! `BAD_REQUEST` with the HTTP status that names the problem (400, 413, 415), in JSON.

use std::collections::HashMap;
use std::io::{Seek, Write};

use async_graphql::parser::types::{BaseType, DocumentOperations, Type};
use async_graphql::{Request, UploadValue, Variables};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

use crate::error::AppError;
use crate::graphql::limits::document::check_text;
use crate::graphql::limits::Limits;
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
    limits: &Limits,
) -> Result<Request, AppError> {
    if method == Method::GET {
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
    match (essence.as_str(), charset.as_deref()) {
        ("application/json", None | Some("utf-8")) => {
            let bytes = read_limited(body, MAX_JSON_BODY).await?;
            json(&bytes)
        }
        ("multipart/form-data", _) => multipart(content_type, body, limits).await,
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
            "variables" | "extensions" => serde_json::from_str(&value).map_err(|_| {
                AppError::bad_request(format!("`{name}` is not JSON: give a JSON object"))
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

/// The largest `map` part of a multipart request.
const MAX_MAP_PART: u64 = 64 * 1024;
/// The most variables one file may fill (each holds a handle on the file while it runs).
const MAX_FILE_PATHS: usize = 10;

/// A GraphQL multipart request: the `operations` part (one operation, at most as large as a
/// JSON body and read as one), the `map` part, and at most one file. Each part is bounded as it
/// is read, so no part is held whole past its bound.
async fn multipart(
    content_type: &str,
    body: Body,
    query_limits: &Limits,
) -> Result<Request, AppError> {
    let malformed = || {
        AppError::bad_request(
            "the body is not a GraphQL multipart request (operations, map, files)",
        )
    };
    let boundary = multer::parse_boundary(content_type).map_err(|_| malformed())?;
    let stream = Limited::new(body, MAX_MULTIPART_BODY).into_data_stream();
    let limits = multer::SizeLimit::new()
        .whole_stream(MAX_MULTIPART_BODY as u64)
        .for_field("operations", MAX_JSON_BODY as u64)
        .for_field("map", MAX_MAP_PART)
        .per_field((MAX_FILE_BYTES + 1024 * 1024) as u64);
    let mut parts = multer::Multipart::with_constraints(
        stream,
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let (mut request, mut map, mut file) = (None, None, None);
    while let Some(mut part) = parts.next_field().await.map_err(multipart_error)? {
        match part.name() {
            Some("operations") => {
                let bytes = part.bytes().await.map_err(multipart_error)?;
                request = Some(json(&bytes)?);
            }
            Some("map") => {
                let bytes = part.bytes().await.map_err(multipart_error)?;
                let parsed: HashMap<String, Vec<String>> =
                    serde_json::from_slice(&bytes).map_err(|_| {
                        AppError::bad_request(
                            "the multipart request's `map` is not a JSON object of lists of paths",
                        )
                    })?;
                map = Some(parsed);
            }
            Some(name) if part.file_name().is_some() => {
                if file.is_some() {
                    return Err(AppError::bad_request(
                        "the multipart request has more than one file: send one at a time",
                    ));
                }
                let name = name.to_owned();
                let filename = part.file_name().unwrap_or_default().to_owned();
                let content_type = part.content_type().map(ToString::to_string);
                let mut content = tempfile::tempfile().map_err(stored)?;
                while let Some(chunk) = part.chunk().await.map_err(multipart_error)? {
                    content.write_all(&chunk).map_err(stored)?;
                }
                content.rewind().map_err(stored)?;
                file = Some((
                    name,
                    UploadValue {
                        filename,
                        content_type,
                        content,
                    },
                ));
            }
            // Parts that are neither are skipped, as the multipart request specification allows.
            _ => {}
        }
    }
    let mut request = request
        .ok_or_else(|| AppError::bad_request("the multipart request has no `operations` part"))?;
    let mut map =
        map.ok_or_else(|| AppError::bad_request("the multipart request has no `map` part"))?;
    let mismatch =
        || AppError::bad_request("the multipart request's `map` does not match its files");
    if let Some((name, upload)) = file {
        let paths = map.remove(&name).ok_or_else(mismatch)?;
        let declared = declared_variables(&request, query_limits)?;
        if paths.len() > MAX_FILE_PATHS {
            return Err(AppError::bad_request(format!(
                "the multipart request's `map` names {} variables for one file; at most {MAX_FILE_PATHS} are accepted",
                paths.len()
            )));
        }
        for path in paths {
            check_upload_path(&mut request, &declared, &path)?;
            let upload = UploadValue {
                filename: upload.filename.clone(),
                content_type: upload.content_type.clone(),
                content: upload.content.try_clone().map_err(stored)?,
            };
            request.set_upload(&path, upload);
        }
    }
    if !map.is_empty() {
        return Err(mismatch());
    }
    Ok(request)
}

/// The variables the request's operation declares, with their types. An upload needs the
/// query text (not only a persisted query's hash), so that where its file goes can be checked.
fn declared_variables(
    request: &Request,
    limits: &Limits,
) -> Result<HashMap<String, Type>, AppError> {
    let unreadable = |detail: &str| {
        AppError::bad_request(format!(
            "the multipart request's `operations` must carry the query text of the operation its file is for: {detail}"
        ))
    };
    if request.query.is_empty() {
        return Err(unreadable("it has none"));
    }
    // Bounded before it is parsed, as every query is: the parser recurses on nesting.
    check_text(&request.query, limits)?;
    let document = async_graphql::parser::parse_query(&request.query)
        .map_err(|_| unreadable("it does not parse"))?;
    let operation = match (&document.operations, request.operation_name.as_deref()) {
        (DocumentOperations::Single(operation), _) => Some(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next()
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    let operation = operation.ok_or_else(|| unreadable("name the operation (`operationName`)"))?;
    Ok(operation
        .node
        .variable_definitions
        .iter()
        .map(|v| (v.node.name.node.to_string(), v.node.var_type.node.clone()))
        .collect())
}

/// A file may only fill a variable declared `Upload` (or an item of a list of them) that the
/// request gives as `null` (or leaves out): in any other variable it would be read as the text
/// `#__graphql_file__:0`, and a path naming no variable would leave the file unused.
fn check_upload_path(
    request: &mut Request,
    declared: &HashMap<String, Type>,
    path: &str,
) -> Result<(), AppError> {
    let refused = || {
        let shown: String = path.chars().take(100).collect();
        AppError::bad_request(format!(
            "the multipart request's `map` names {shown:?}: a file may only fill a variable (or an item of a list variable) of type Upload that `variables` gives as null"
        ))
    };
    let mut parts = path
        .strip_prefix("variables.")
        .ok_or_else(refused)?
        .split('.');
    let name = parts.next().unwrap_or_default();
    let mut ty = declared.get(name).ok_or_else(refused)?;
    let name = async_graphql::Name::new(name);
    // A file variable left out of `variables` is taken as given as null.
    if !request.variables.contains_key(&name) && path.matches('.').count() == 1 {
        request
            .variables
            .insert(name.clone(), async_graphql::Value::Null);
    }
    let mut value = request.variables.get(&name).ok_or_else(refused)?;
    for part in parts {
        let index: usize = part.parse().map_err(|_| refused())?;
        match (&ty.base, value) {
            (BaseType::List(item), async_graphql::Value::List(values)) => {
                ty = item;
                value = values.get(index).ok_or_else(refused)?;
            }
            _ => return Err(refused()),
        }
    }
    match (&ty.base, value) {
        (BaseType::Named(named), async_graphql::Value::Null) if named.as_str() == "Upload" => {
            Ok(())
        }
        _ => Err(refused()),
    }
}

/// A server-side failure to keep an upload in a temporary file (a full disk, say).
fn stored(err: std::io::Error) -> AppError {
    AppError::internal(format!("storing an upload in a temporary file: {err}"))
}

fn multipart_error(err: multer::Error) -> AppError {
    match err {
        multer::Error::FieldSizeExceeded { field_name, limit } => status(
            413,
            format!(
                "the multipart part {:?} is larger than {limit} bytes",
                field_name.unwrap_or_default()
            ),
        ),
        multer::Error::StreamSizeExceeded { .. } => too_large(MAX_MULTIPART_BODY),
        multer::Error::StreamReadFailed(err) if err.is::<LengthLimitError>() => {
            too_large(MAX_MULTIPART_BODY)
        }
        _ => AppError::bad_request(
            "the body is not a GraphQL multipart request (operations, map, files)",
        ),
    }
}
