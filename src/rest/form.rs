//! `application/x-www-form-urlencoded` and `multipart/form-data` request bodies: read strictly
//! (UTF-8, each field once, bounded), as the product's v14 API takes them.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};

use super::envelope::RestError;
use super::params::id_list;
use crate::error::quoted;

/// The longest name of a client's field a message quotes back, in characters.
const SHOWN_CHARS: usize = 40;

/// The fields of an `application/x-www-form-urlencoded` body (`+` a space, `%XX` a byte), in
/// the order sent. Names and values must be UTF-8 once decoded: a value is never stored with
/// bytes replaced (the form extractor decoded `caf%E9` as `caf\u{FFFD}`), a 400 names the field.
fn decode_form(body: &[u8]) -> Result<Vec<(String, String)>, RestError> {
    let decode = |raw: &[u8]| {
        let spaced: Vec<u8> = raw
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        percent_encoding::percent_decode(&spaced)
            .decode_utf8()
            .map(|text| text.into_owned())
            .ok()
    };
    let mut pairs = Vec::new();
    for piece in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        if pairs.len() == MAX_FORM_FIELDS {
            return Err(RestError::new(
                StatusCode::BAD_REQUEST,
                format!("the request body is not a valid form: more than {MAX_FORM_FIELDS} fields"),
            ));
        }
        let (name, value) = match piece.iter().position(|b| *b == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &b""[..]),
        };
        let name = decode(name).ok_or_else(|| {
            RestError::new(
                StatusCode::BAD_REQUEST,
                "the request body is not a valid form: a field name is not UTF-8 text",
            )
        })?;
        let value = decode(value).ok_or_else(|| not_utf8(&name))?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// 400 naming the first of `fields` (all the pairs' names when `None`) that `pairs` (a form or
/// query string) has more than once: which value counts would be a guess (the product's lists
/// go comma separated in one field). One pass over the pairs, whatever their number.
pub(super) fn once_each(
    pairs: &[(String, String)],
    fields: Option<&[&str]>,
) -> Result<(), RestError> {
    let mut seen = std::collections::HashSet::new();
    for (name, _) in pairs {
        let checked = fields.is_none_or(|fields| fields.contains(&name.as_str()));
        if checked && !seen.insert(name.as_str()) {
            let shown = short(name);
            return Err(RestError::bad_parameter(
                &shown,
                format!("{shown} is given more than once: send it once (a list comma separated)"),
            ));
        }
    }
    Ok(())
}

/// 413 for a body declared larger than `limit` bytes, before any of it is read.
fn declared_within(request: &Request, limit: u64) -> Result<(), RestError> {
    if crate::http::declared_length::exceeds(request.headers(), limit) {
        return Err(RestError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {limit} bytes"),
        ));
    }
    Ok(())
}

/// The 400 of a field whose value is not UTF-8 text.
fn not_utf8(field: &str) -> RestError {
    not_text_in(field, encoding_rs::UTF_8)
}

fn not_text_in(field: &str, encoding: &'static encoding_rs::Encoding) -> RestError {
    let field = short(field);
    RestError::bad_parameter(&field, format!("{field} is not {} text", encoding.name()))
}

/// A client's field name as an error names it: its first [`SHOWN_CHARS`] characters.
fn short(name: &str) -> String {
    name.chars().take(SHOWN_CHARS).collect()
}

/// The fields of a form body, in the order sent.
#[derive(Debug, Default)]
pub struct FormBody {
    pairs: Vec<(String, String)>,
}

/// The largest `multipart/form-data` body, and the largest field in it: a note is at most
/// 10,000 characters (40 KB of UTF-8).
const MAX_MULTIPART_BODY: u64 = 256 * 1024;
/// The largest form body: axum's default body limit, which reads it.
const MAX_FORM_BODY: u64 = 2 * 1024 * 1024;
const MAX_MULTIPART_FIELD: u64 = 64 * 1024;
/// The most fields a multipart form may have.
const MAX_MULTIPART_FIELDS: usize = 50;
/// The most fields a URL-encoded form may have (the API's forms have a handful).
const MAX_FORM_FIELDS: usize = MAX_MULTIPART_FIELDS;

impl FormBody {
    /// Reads the body: `application/x-www-form-urlencoded` or `multipart/form-data` (text
    /// fields; a file part is refused). Anything else is a 400 saying so.
    pub async fn read(mut request: Request) -> Result<Self, RestError> {
        crate::http::content_coding::check(request.headers())
            .map_err(|message| RestError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, message))?;
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if content_type
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
        {
            declared_within(&request, MAX_MULTIPART_BODY)?;
            return Self::read_multipart(&content_type, request).await;
        }
        // Media types are case-insensitive (RFC 9110); the form extractor compares them as
        // written, so hand it the type in lower case.
        let lowered = content_type.to_ascii_lowercase();
        if lowered != content_type {
            if let Ok(value) = header::HeaderValue::from_str(&lowered) {
                request.headers_mut().insert(header::CONTENT_TYPE, value);
            }
        }
        let essence = lowered.split(';').next().unwrap_or_default().trim();
        if essence != "application/x-www-form-urlencoded" {
            return Err(RestError::new(
                StatusCode::BAD_REQUEST,
                "the request body must be application/x-www-form-urlencoded or multipart/form-data",
            ));
        }
        declared_within(&request, MAX_FORM_BODY)?;
        match Bytes::from_request(request, &()).await {
            Ok(body) => {
                let pairs = decode_form(&body)?;
                once_each(&pairs, None)?;
                Ok(FormBody { pairs })
            }
            Err(rejection) => {
                let status = match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
                    _ => StatusCode::BAD_REQUEST,
                };
                Err(RestError::new(
                    status,
                    format!(
                        "the request body is not a valid form: {}",
                        rejection.body_text()
                    ),
                ))
            }
        }
    }

    /// A `multipart/form-data` body of text fields, each bounded as it is read.
    async fn read_multipart(content_type: &str, request: Request) -> Result<Self, RestError> {
        let malformed = |detail: String| {
            RestError::new(
                StatusCode::BAD_REQUEST,
                format!("the request body is not a valid multipart form: {detail}"),
            )
        };
        let boundary =
            multer::parse_boundary(content_type).map_err(|e| malformed(e.to_string()))?;
        let limits = multer::SizeLimit::new()
            .whole_stream(MAX_MULTIPART_BODY)
            .per_field(MAX_MULTIPART_FIELD);
        let stream = request.into_body().into_data_stream();
        let mut parts = multer::Multipart::with_constraints(
            stream,
            boundary,
            multer::Constraints::new().size_limit(limits),
        );
        let too_large = |e: &multer::Error| {
            matches!(
                e,
                multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. }
            )
        };
        let fail = |e: multer::Error| {
            if too_large(&e) {
                RestError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "the multipart form is larger than {MAX_MULTIPART_BODY} bytes, or a field than {MAX_MULTIPART_FIELD}"
                    ),
                )
            } else {
                malformed(e.to_string())
            }
        };
        let mut pairs = Vec::new();
        while let Some(part) = parts.next_field().await.map_err(fail)? {
            if pairs.len() == MAX_MULTIPART_FIELDS {
                return Err(malformed(format!(
                    "more than {MAX_MULTIPART_FIELDS} fields"
                )));
            }
            let name = part.name().unwrap_or_default().to_owned();
            if part.file_name().is_some() {
                let name = short(&name);
                return Err(RestError::bad_parameter(
                    &name,
                    format!("{name} must be a text field, not a file"),
                ));
            }
            // A part is read strictly in the charset it declares (UTF-8 when it declares none):
            // bytes that are not text in it, or a charset no one knows, are refused, never
            // replaced. A leading byte-order mark is dropped.
            let charset = part
                .content_type()
                .and_then(|mime| mime.get_param("charset"))
                .map(|charset| charset.as_str().to_owned());
            let encoding = match &charset {
                None => encoding_rs::UTF_8,
                Some(label) => {
                    encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
                        let name = short(&name);
                        RestError::bad_parameter(
                            &name,
                            format!("{name} declares a charset no one knows: {}", quoted(label)),
                        )
                    })?
                }
            };
            let bytes = part.bytes().await.map_err(fail)?;
            let text = encoding
                .decode_without_bom_handling_and_without_replacement(&bytes)
                .ok_or_else(|| not_text_in(&name, encoding))?;
            let value = text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_owned();
            pairs.push((name, value));
        }
        once_each(&pairs, None)?;
        Ok(FormBody { pairs })
    }

    /// The first value of a field, if the field was sent (possibly blank).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == field)
            .map(|(_, value)| value.as_str())
    }

    /// A comma-separated id list field (absent means none).
    pub fn ids(&self, field: &str) -> Result<Vec<i64>, RestError> {
        id_list(field, self.get(field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_decode_strictly() {
        let pairs = decode_form(b"Name=caf%C3%A9+bar&Empty=&Flag&&MediaPartners=1%2C2").ok();
        assert_eq!(
            pairs,
            Some(vec![
                ("Name".to_owned(), "café bar".to_owned()),
                ("Empty".to_owned(), String::new()),
                ("Flag".to_owned(), String::new()),
                ("MediaPartners".to_owned(), "1,2".to_owned()),
            ])
        );
        for bad in [
            &b"Content=caf%E9"[..],
            b"Content=caf\xe9",
            b"Name=%FF%FE",
            b"%FF=1",
        ] {
            let err = decode_form(bad).err();
            assert_eq!(
                err.map(|e| e.status()),
                Some(StatusCode::BAD_REQUEST),
                "{bad:?}"
            );
        }
        // A literal U+FFFD sent as such is text like any other.
        assert_eq!(
            decode_form("Name=%EF%BF%BD".as_bytes()).ok(),
            Some(vec![("Name".to_owned(), "\u{FFFD}".to_owned())])
        );
    }

    #[test]
    fn a_bad_field_name_is_named_shortened() {
        let name = "n".repeat(100_000);
        let err = decode_form(format!("{name}=%FF").as_bytes())
            .err()
            .map(|e| format!("{e:?}"));
        assert!(err.is_some_and(|e| e.len() < 1_000 && e.contains("is not UTF-8 text")));
    }
}
