//! The request timeout (`REQUEST_TIMEOUT_MS`): a GraphQL or REST request still running when it
//! expires is dropped (its statements with it) and answered with `TIMEOUT` (HTTP 504) in the
//! API's own error shape — unless it has committed a write: then it is given
//! [`AFTER_COMMIT`] more to answer, since a `TIMEOUT` tells the client to try again what was
//! done (a bulk-edit file applied, then its answer cut off, was once reported as failed).

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::error::AppError;
use crate::rest::RestError;

/// The longest a request may run (`None`: no limit).
pub type RequestTimeout = Option<Duration>;

/// How much longer a request that has committed a write may take to answer: with the default
/// 30 s limit, 50 s in all, still under the usual 60 s of a proxy in front.
pub const AFTER_COMMIT: Duration = Duration::from_secs(20);

/// How a request ran against its time limit.
enum Ran<T> {
    /// It answered.
    Answered(T),
    /// It ran out of time before committing anything.
    TimedOut,
    /// It committed, then ran out of the time it was given after.
    TimedOutAfterCommit,
}

/// Runs `request` within `limit`, and [`AFTER_COMMIT`] more once it has committed a write.
async fn within<T>(limit: Duration, request: impl Future<Output = T>) -> Ran<T> {
    let committed = Arc::new(AtomicBool::new(false));
    let request = crate::service::write::noting_commits(committed.clone(), request);
    tokio::pin!(request);
    if let Ok(answer) = tokio::time::timeout(limit, &mut request).await {
        return Ran::Answered(answer);
    }
    if !committed.load(Ordering::Relaxed) {
        return Ran::TimedOut;
    }
    match tokio::time::timeout(AFTER_COMMIT, request).await {
        Ok(answer) => Ran::Answered(answer),
        Err(_) => Ran::TimedOutAfterCommit,
    }
}

fn timed_out(limit: Duration) -> AppError {
    tracing::warn!(limit_ms = limit.as_millis() as u64, "request timed out");
    AppError::Timeout(format!(
        "the request took longer than {} ms and was stopped",
        limit.as_millis()
    ))
}

fn timed_out_after_commit(limit: Duration) -> AppError {
    tracing::warn!(
        limit_ms = (limit + AFTER_COMMIT).as_millis() as u64,
        "request timed out after committing"
    );
    AppError::Timeout(format!(
        "the request's changes were saved, but its answer took longer than {} ms: read them back \
         instead of sending it again",
        (limit + AFTER_COMMIT).as_millis()
    ))
}

/// Where the GraphQL endpoint leaves the request's `extensions` (its cost report) as soon as it
/// knows them, for an answer the timeout writes in its stead.
#[derive(Clone, Default)]
pub struct ExtensionsSlot(Arc<Mutex<Option<serde_json::Value>>>);

impl ExtensionsSlot {
    /// Leaves the extensions a timed-out answer should carry.
    pub fn set(&self, extensions: serde_json::Value) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(extensions);
        }
    }

    fn take(&self) -> Option<serde_json::Value> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// Runs the request, or answers a GraphQL error document (with the cost report the endpoint
/// left) when it runs out of time.
pub async fn graphql(
    State(limit): State<RequestTimeout>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(limit) = limit else {
        return next.run(request).await;
    };
    let slot = ExtensionsSlot::default();
    request.extensions_mut().insert(slot.clone());
    match within(limit, next.run(request)).await {
        Ran::Answered(response) => response,
        Ran::TimedOut => graphql_error_with(&timed_out(limit), slot.take()),
        Ran::TimedOutAfterCommit => graphql_error_with(&timed_out_after_commit(limit), slot.take()),
    }
}

/// Runs the request, or answers the REST error envelope when it runs out of time.
pub async fn rest(State(limit): State<RequestTimeout>, request: Request, next: Next) -> Response {
    let Some(limit) = limit else {
        return next.run(request).await;
    };
    match within(limit, next.run(request)).await {
        Ran::Answered(response) => response,
        Ran::TimedOut => RestError::from(timed_out(limit)).into_response(),
        Ran::TimedOutAfterCommit => {
            no_retry(RestError::from(timed_out_after_commit(limit)).into_response())
        }
    }
}

/// A GraphQL error document `{"errors":[{"message","extensions":{"code"}}]}` with the error's
/// HTTP status and `Retry-After` when it has one.
pub fn graphql_error(err: &AppError) -> Response {
    graphql_error_with(err, None)
}

/// [`graphql_error`] with the document's top-level `extensions`.
fn graphql_error_with(err: &AppError, top: Option<serde_json::Value>) -> Response {
    graphql_error_with_retry(err, top, true)
}

/// An answer that says nothing of trying again: the request's changes were saved.
fn no_retry(mut response: Response) -> Response {
    response.headers_mut().remove(header::RETRY_AFTER);
    response
}

/// [`graphql_error_with`], its `retryAfter` left out unless `retry`.
fn graphql_error_with_retry(
    err: &AppError,
    top: Option<serde_json::Value>,
    retry: bool,
) -> Response {
    let status = StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::GATEWAY_TIMEOUT);
    let mut extensions = serde_json::json!({ "code": err.code() });
    if let Some(seconds) = err.retry_after().filter(|_| retry) {
        extensions["retryAfter"] = seconds.into();
    }
    let mut body = serde_json::json!({
        "errors": [{ "message": err.public_message(), "extensions": extensions }],
    });
    if let Some(top) = top {
        body["extensions"] = top;
    }
    let mut response = (status, Json(body)).into_response();
    if let Some(seconds) = err.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn slow(commit: bool) -> &'static str {
        if commit {
            crate::service::write::mark_committed();
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        "answered"
    }

    #[tokio::test]
    async fn a_request_that_committed_gets_time_to_answer() {
        let limit = Duration::from_millis(50);
        assert!(matches!(
            within(limit, slow(true)).await,
            Ran::Answered("answered")
        ));
        assert!(matches!(within(limit, slow(false)).await, Ran::TimedOut));
        // Outside a request, noting a commit is harmless.
        crate::service::write::mark_committed();
    }

    #[tokio::test]
    async fn a_request_whose_changes_were_saved_is_not_told_to_retry() {
        let limit = Duration::from_millis(50);
        let retried = graphql_error_with(&timed_out(limit), None);
        assert!(retried.headers().contains_key(header::RETRY_AFTER));
        let saved = no_retry(graphql_error_with_retry(
            &timed_out_after_commit(limit),
            None,
            false,
        ));
        assert!(!saved.headers().contains_key(header::RETRY_AFTER));
        assert_eq!(saved.status(), StatusCode::GATEWAY_TIMEOUT);
        let body = axum::body::to_bytes(saved.into_body(), 10_000)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert!(
            body["errors"][0]["extensions"].get("retryAfter").is_none(),
            "{body}"
        );
        assert!(body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("saved")));
        let rest = no_retry(RestError::from(timed_out_after_commit(limit)).into_response());
        assert!(!rest.headers().contains_key(header::RETRY_AFTER));
    }
}
