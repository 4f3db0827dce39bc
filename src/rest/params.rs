//! Request parameters on the wire: numeric ids (path segments and comma-separated lists); the
//! bodies are read in [`super::form`].

use super::envelope::RestError;
use crate::domain::limits::MAX_PARTNER_IDS;
use crate::error::quoted;
use crate::service::validation::too_many_ids;

/// The optional suffix the product accepts on the last path segment.
const JSON_SUFFIX: &str = ".json";

/// Strips the `.json` suffix of a last path segment (`12.json` → `12`).
pub fn strip_json(segment: &str) -> &str {
    segment.strip_suffix(JSON_SUFFIX).unwrap_or(segment)
}

/// A positive numeric id; `None` for anything else (signs, blanks, letters, overflow).
fn numeric_id(raw: &str) -> Option<i64> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse::<i64>().ok().filter(|id| *id > 0)
}

/// A path segment that must be a numeric id; 400 naming the parameter otherwise.
pub fn path_id(field: &str, raw: &str) -> Result<i64, RestError> {
    numeric_id(raw).ok_or_else(|| {
        RestError::bad_parameter(
            field,
            format!("{field} must be a numeric id, not {}", quoted(raw)),
        )
    })
}

/// A comma-separated list of at most [`MAX_PARTNER_IDS`] partner ids (blank entries are
/// skipped); 400 naming the parameter and the limit, or the first entry that is not an id.
pub fn id_list(field: &str, value: Option<&str>) -> Result<Vec<i64>, RestError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let entries = value.split(',').filter(|e| !e.trim().is_empty()).count();
    if entries > MAX_PARTNER_IDS {
        return Err(RestError::bad_parameter(
            field,
            too_many_ids(field, entries, MAX_PARTNER_IDS),
        ));
    }
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            numeric_id(entry).ok_or_else(|| {
                RestError::bad_parameter(
                    field,
                    format!(
                        "{field} must be comma-separated partner ids; {} is not one",
                        quoted(entry)
                    ),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    #[test]
    fn ids_are_positive_integers() {
        assert_eq!(numeric_id("12"), Some(12));
        assert_eq!(numeric_id("0"), None);
        assert_eq!(numeric_id("-3"), None);
        assert_eq!(numeric_id("+3"), None);
        assert_eq!(numeric_id("1e3"), None);
        assert_eq!(numeric_id("99999999999999999999"), None);
        assert_eq!(strip_json("12.json"), "12");
    }

    #[test]
    fn id_lists_skip_blanks_and_name_the_bad_entry() {
        assert_eq!(
            id_list("MediaPartners", Some("12, 34,,")).ok(),
            Some(vec![12, 34])
        );
        assert_eq!(id_list("MediaPartners", None).ok(), Some(vec![]));
        let err = id_list("MediaPartners", Some("1,abc")).err();
        assert_eq!(err.map(|e| e.status()), Some(StatusCode::BAD_REQUEST));
        let most = vec!["7"; MAX_PARTNER_IDS].join(",");
        assert_eq!(
            id_list("MediaPartners", Some(&most))
                .map(|ids| ids.len())
                .ok(),
            Some(MAX_PARTNER_IDS)
        );
        let over = format!("{most},8");
        assert!(id_list("MediaPartners", Some(&over)).is_err());
    }

    #[test]
    fn a_bad_value_is_quoted_back_shortened() {
        let not_an_id = path_id("GroupId", &"\\".repeat(100_000))
            .err()
            .map(|e| format!("{e:?}"));
        assert!(not_an_id.is_some_and(|e| e.len() < 1_000));
        let not_an_id = path_id("GroupId", &"é".repeat(30_000))
            .err()
            .map(|e| format!("{e:?}"));
        assert!(not_an_id.is_some_and(|e| e.len() < 1_000));
    }
}
