//! The GraphQL endpoint: authenticate once, then execute with per-request data.

use async_graphql::parser::{parse_query, types::OperationType};
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;

use super::AppState;
use crate::auth;
use crate::error::AppError;
use crate::graphql::loaders::Loaders;
use crate::observability::GraphqlMetrics;

/// A GraphQL error document for failures before execution (authentication, bad transport),
/// with `Retry-After` when the error is retryable.
pub fn error_response(err: &AppError) -> Response {
    let status =
        StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({
        "data": null,
        "errors": [{ "message": err.public_message(), "extensions": { "code": err.code() } }],
    });
    let mut response = (status, Json(body)).into_response();
    if let Some(seconds) = err.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
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

/// `GET /graphql` from a browser: the playground.
pub async fn playground(State(state): State<AppState>) -> Html<String> {
    Html(state.playground.as_ref().clone())
}

/// `GET /graphql`: the playground for browsers, query execution for API clients.
pub async fn get_graphql(state: State<AppState>, request: Request) -> Response {
    if wants_html(request.headers()) {
        return playground(state).await.into_response();
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
    let request = request.into_inner();
    let metrics = GraphqlMetrics::start(&request);
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let caller = match auth::authenticate(&state.db, header).await {
        Ok(caller) => caller,
        Err(err) => {
            metrics.fail(&err);
            return error_response(&err);
        }
    };
    if method == Method::GET && is_mutation(&request.query) {
        let err = AppError::Validation("mutations must be sent with POST".into());
        metrics.fail(&err);
        return error_response(&err);
    }
    let loaders = Loaders::for_request(state.db.clone(), caller.clone());
    let request = request.data(state.db.clone()).data(caller).data(loaders);
    let response = state.schema.execute(request).await;
    metrics.finish(&response);
    GraphQLResponse::from(response).into_response()
}
