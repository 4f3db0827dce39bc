//! CORS for browser clients on other origins (`CORS_ALLOWED_ORIGINS`; off when empty): the
//! listed origins may call the GraphQL endpoint and the REST API with their own `Authorization`
//! header, and read the rate-limit, `Retry-After` and request-id headers.

use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::AppError;

/// The layer for `origins` (`None` when the list is empty: CORS stays off). `*` allows any
/// origin.
pub fn layer(origins: &[String]) -> Result<Option<CorsLayer>, AppError> {
    let origins: Vec<&str> = origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .collect();
    if origins.is_empty() {
        return Ok(None);
    }
    let allow = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        let values = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim_end_matches('/')).map_err(|_| {
                    AppError::Validation(format!("CORS_ALLOWED_ORIGINS: {o:?} is not an origin"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        AllowOrigin::list(values)
    };
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([
                header::RETRY_AFTER,
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static("x-ratelimit-limit"),
                HeaderName::from_static("x-ratelimit-remaining"),
                HeaderName::from_static("x-ratelimit-reset"),
            ])
            .max_age(Duration::from_secs(3600)),
    ))
}
