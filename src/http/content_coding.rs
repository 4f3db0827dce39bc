//! Request bodies are read as sent: no content coding (`Content-Encoding: gzip`, say) is
//! decoded. A body that names one is refused with 415, as RFC 9110 §15.5.16 says, rather than
//! read as if it were plain (a compressed form would be "missing" its fields, a compressed JSON
//! body "not valid JSON"). Every 415 names what would have been read in `Accept-Encoding:
//! identity` (RFC 9110 §15.5.16, §12.5.3), so a client can tell to send the body uncompressed.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

/// `Err` with the message of a 415 when the request names a content coding other than
/// `identity`.
pub fn check(headers: &HeaderMap) -> Result<(), String> {
    let codings: Vec<String> = headers
        .get_all(header::CONTENT_ENCODING)
        .iter()
        .flat_map(|value| value.to_str().unwrap_or("?").split(','))
        .map(|coding| coding.trim().to_ascii_lowercase())
        .filter(|coding| !coding.is_empty() && coding != "identity")
        .collect();
    if codings.is_empty() {
        return Ok(());
    }
    let shown: String = codings.join(", ").chars().take(100).collect();
    Err(format!(
        "unsupported Content-Encoding {shown:?}: send the request body uncompressed"
    ))
}

/// Adds `Accept-Encoding: identity` to a 415 (the one coding a request body may have), unless
/// it names one already.
pub async fn name_accepted(mut response: Response) -> Response {
    if response.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        response
            .headers_mut()
            .entry(header::ACCEPT_ENCODING)
            .or_insert(HeaderValue::from_static("identity"));
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                header::CONTENT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn only_identity_or_no_coding_is_read() {
        assert!(check(&with(&[])).is_ok());
        assert!(check(&with(&["identity"])).is_ok());
        assert!(check(&with(&["Identity, "])).is_ok());
        assert!(check(&with(&["gzip"])).unwrap_err().contains("\"gzip\""));
        assert!(check(&with(&["identity", "br"])).is_err());
        assert!(check(&with(&["deflate, gzip"])).is_err());
    }
}
