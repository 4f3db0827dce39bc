//! The request id: a sane incoming `x-request-id` is kept, any other is replaced by a new
//! UUID; the id is echoed on the response and carried by the request's tracing span, so every
//! log line of the request names it. The layers also count the request (`track_http`) and
//! write one access log line per response.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::{Level, Span};

/// The header that carries the request id, both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming request id kept.
const MAX_LEN: usize = 128;

/// Whether an incoming request id may be used as is: 1 to 128 characters of letters, digits
/// and `-_.:/+=` (no spaces or quotes to confuse a log reader).
pub fn is_sane(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(b))
}

/// Drops an incoming request id that is not sane, so a new one is made.
async fn drop_insane(mut request: Request, next: Next) -> Response {
    if request.headers().get(&HEADER).is_some_and(|v| !is_sane(v)) {
        request.headers_mut().remove(&HEADER);
    }
    next.run(request).await
}

/// The span of one request: its id, method and path.
fn span<B>(request: &axum::http::Request<B>) -> Span {
    let id = request
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// Wraps the whole router: request id in, span around, id out, and the HTTP metrics.
pub fn instrument(router: Router) -> Router {
    router.layer(
        ServiceBuilder::new()
            .layer(middleware::from_fn(drop_insane))
            .layer(SetRequestIdLayer::new(HEADER, MakeRequestUuid))
            .layer(PropagateRequestIdLayer::new(HEADER))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(span)
                    .on_request(())
                    .on_response(DefaultOnResponse::new().level(Level::INFO))
                    .on_failure(()),
            )
            .layer(middleware::from_fn(super::track_http)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_of_sane_length_are_kept() {
        for kept in [
            "abc-123",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "trace:1/2+x=",
        ] {
            assert!(is_sane(&HeaderValue::from_static(kept)), "{kept}");
        }
        let long = "a".repeat(MAX_LEN + 1);
        for dropped in ["", "has space", "quote\"", "a;b", long.as_str()] {
            let value = HeaderValue::from_str(dropped).unwrap_or(HeaderValue::from_static(""));
            assert!(!is_sane(&value), "{dropped}");
        }
    }
}
