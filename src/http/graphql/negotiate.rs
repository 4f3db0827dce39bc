//! Content negotiation of the GraphQL-over-HTTP specification: which media type a response is
//! written in (`application/graphql-response+json` when the client asks for it,
//! `application/json` when it asks for that, sends no `Accept`, or accepts anything), and
//! whether a browser asked for the playground page.

use axum::http::{header, HeaderMap};

/// The media type of a GraphQL response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: request errors answer with a 4xx status.
    GraphqlResponse,
    /// `application/json`: every well-formed GraphQL request answers 200.
    Json,
}

impl Media {
    /// The `Content-Type` of a response in this media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// The media type to answer in, from the `Accept` header; `None` when the client accepts
/// neither JSON type (answered with 406).
pub fn accept(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
    else {
        return Some(Media::Json);
    };
    // (quality, explicitly named) per media type.
    let mut graphql: Option<(f32, bool)> = None;
    let mut json: Option<(f32, bool)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let better = |slot: &mut Option<(f32, bool)>, named: bool| {
            if slot.is_none_or(|(q, n)| (quality, named) > (q, n)) {
                *slot = Some((quality, named));
            }
        };
        match essence.as_str() {
            "application/graphql-response+json" => better(&mut graphql, true),
            "application/json" => better(&mut json, true),
            "*/*" | "application/*" => better(&mut json, false),
            _ => {}
        }
    }
    let graphql = graphql.filter(|(q, _)| *q > 0.0);
    let json = json.filter(|(q, _)| *q > 0.0);
    match (graphql, json) {
        (Some((g, _)), Some((j, _))) if j > g => Some(Media::Json),
        (Some(_), _) => Some(Media::GraphqlResponse),
        (None, Some(_)) => Some(Media::Json),
        (None, None) => None,
    }
}

/// Whether a GET comes from a browser wanting a page (the playground) rather than JSON.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Whether the request is a page's script (`fetch`, XHR): browsers mark those with
/// `Sec-Fetch-Mode` (`cors`, `same-origin`, `no-cors`), and answer a 401 with a Basic challenge
/// by a login prompt of their own instead of letting the page show the error (a headless
/// playground would hang on it). Other clients, and a browser opening the URL itself
/// (`navigate`), get the challenge.
pub fn from_page_script(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-mode")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|mode| !mode.eq_ignore_ascii_case("navigate"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, value.parse().expect("a header value"));
        headers
    }

    #[test]
    fn json_is_the_default_and_the_answer_to_anything() {
        assert_eq!(accept(&HeaderMap::new()), Some(Media::Json));
        assert_eq!(accept(&with_accept("*/*")), Some(Media::Json));
        assert_eq!(accept(&with_accept("application/json")), Some(Media::Json));
    }

    #[test]
    fn graphql_response_json_when_asked_for_it() {
        let both = "application/graphql-response+json, application/json;q=0.9";
        assert_eq!(accept(&with_accept(both)), Some(Media::GraphqlResponse));
        let plain = "application/graphql-response+json";
        assert_eq!(accept(&with_accept(plain)), Some(Media::GraphqlResponse));
        let json_first = "application/graphql-response+json;q=0.5, application/json";
        assert_eq!(accept(&with_accept(json_first)), Some(Media::Json));
    }

    #[test]
    fn nothing_acceptable_is_none() {
        assert_eq!(accept(&with_accept("text/plain")), None);
        assert_eq!(accept(&with_accept("application/json;q=0")), None);
    }
}
