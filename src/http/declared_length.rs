//! A body declared larger than its route reads is refused from its `Content-Length` alone,
//! before a byte of it is read: a client that sent `Expect: 100-continue` is not invited to send
//! it (hyper answers `100 Continue` only once the body is read), and none is buffered up to the
//! limit first.

use axum::http::{header, HeaderMap};

/// Whether the request declares a body of more than `limit` bytes.
pub fn exceeds(headers: &HeaderMap, limit: u64) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .is_some_and(|declared| declared > limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_a_declared_length_over_the_limit_exceeds_it() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from_str(value).expect("a header value"),
            );
            headers
        };
        assert!(exceeds(&with("99999999999"), 1024));
        assert!(exceeds(&with("1025"), 1024));
        assert!(!exceeds(&with("1024"), 1024));
        // Not a length (hyper refuses those itself): the body's own reading bounds it.
        assert!(!exceeds(&with("abc"), 1024));
        assert!(!exceeds(&HeaderMap::new(), 1024));
    }
}
