//! The GraphQL multipart request (file uploads): the `operations` part (one operation, at most
//! as large as a JSON body and read as one), the `map` part, and at most one file, which may
//! only fill variables declared `Upload`. Each part is bounded as it is read, so no part is
//! held whole past its bound.

use std::collections::HashMap;
use std::io::{Seek, Write};

use async_graphql::parser::types::{BaseType, DocumentOperations, Type};
use async_graphql::{Request, UploadValue};
use axum::body::Body;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::read::{json, status, too_large, MAX_JSON_BODY, MAX_MULTIPART_BODY};
use crate::error::AppError;
use crate::graphql::limits::document::check_text;
use crate::graphql::limits::Limits;
use crate::service::group_file::parse::MAX_FILE_BYTES;

/// The largest `map` part of a multipart request.
const MAX_MAP_PART: u64 = 64 * 1024;
/// The most variables one file may fill (each holds a handle on the file while it runs).
const MAX_FILE_PATHS: usize = 10;

/// Reads a multipart request (see the module documentation).
pub async fn read(
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
