//! The REST rate limit per credential (the product's requests per hour) and its headers:
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (UTC epoch seconds at
//! which the bucket is full again) on every authenticated response, a 429 in the product's
//! envelope with `Retry-After` once the bucket is empty.
//!
//! The limit is taken where the caller is authenticated ([`super::caller`]); this middleware
//! hands that place a slot to report the caller's standing in, and writes the headers.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::graphql::limits::rate::Allowance;

/// Where the caller's standing is left for the response's headers.
#[derive(Clone, Default)]
pub struct RateSlot(Arc<Mutex<Option<Allowance>>>);

impl RateSlot {
    /// Leaves the caller's standing.
    pub fn set(&self, allowance: Allowance) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(allowance);
        }
    }

    fn take(&self) -> Option<Allowance> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// Runs the request with a [`RateSlot`] and writes the rate headers it was given.
pub async fn headers(mut request: Request, next: Next) -> Response {
    let slot = RateSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    if let Some(allowance) = slot.take() {
        write(response.headers_mut(), &allowance);
    }
    response
}

fn write(headers: &mut HeaderMap, allowance: &Allowance) {
    let reset = chrono::Utc::now().timestamp().max(0) as u64 + allowance.full_in;
    headers.insert("x-ratelimit-limit", HeaderValue::from(allowance.limit));
    headers.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(allowance.remaining),
    );
    headers.insert("x-ratelimit-reset", HeaderValue::from(reset));
}
