//! The GraphQL endpoint: authenticate once, then execute with per-request data.

use async_graphql::parser::{parse_query, types::OperationType};
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::AppState;
use crate::auth;
use crate::error::AppError;
use crate::graphql::loaders::Loaders;

/// A GraphQL error document for failures before execution (authentication, bad transport).
pub fn error_response(err: &AppError) -> Response {
    let status =
        StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({
        "data": null,
        "errors": [{ "message": err.public_message(), "extensions": { "code": err.code() } }],
    });
    (status, Json(body)).into_response()
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

fn is_mutation(query: &str) -> bool {
    parse_query(query).is_ok_and(|doc| {
        doc.operations
            .iter()
            .any(|(_, op)| op.node.ty == OperationType::Mutation)
    })
}

/// `GET /graphql`: the playground for browsers, query execution for API clients.
pub async fn get_graphql(state: State<AppState>, request: Request) -> Response {
    if wants_html(request.headers()) {
        return super::playground::show(state).await;
    }
    let method = request.method().clone();
    let headers = request.headers().clone();
    match GraphQLRequest::<GraphQLRejection>::from_request(request, &state).await {
        Ok(graphql) => execute(state, method, headers, graphql).await,
        Err(rejection) => rejection.into_response(),
    }
}

/// `POST /graphql` (and `GET` for queries): authenticate, then run the operation.
pub async fn execute(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> Response {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let caller = match auth::authenticate(&state.db, header).await {
        Ok(caller) => caller,
        Err(err) => return error_response(&err),
    };
    let request = request.into_inner();
    if method == Method::GET && is_mutation(&request.query) {
        return error_response(&AppError::Validation(
            "mutations must be sent with POST".into(),
        ));
    }
    let loaders = Loaders::for_request(state.db.clone(), caller.clone());
    let request = request.data(state.db.clone()).data(caller).data(loaders);
    GraphQLResponse::from(state.schema.execute(request).await).into_response()
}
