//! Relay paging arguments, checked once: page size limits; cursors are read by the list's order.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::IdenStatic;

use crate::error::{AppError, AppResult};

/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 500;
/// The page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// A checked page request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows to return (without the extra probe row).
    pub limit: u64,
    /// Only rows after this cursor (decoded by the list's order).
    pub after: Option<String>,
    /// Only rows before this cursor.
    pub before: Option<String>,
    /// `last`/`before` paging: read from the end, then reverse.
    pub backward: bool,
}

impl PageRequest {
    /// Checks Relay arguments: `first` and `last` exclude each other, sizes are 0..=`MAX_PAGE_SIZE`,
    /// cursors must be ones this server issued.
    pub fn from_relay(
        first: Option<i32>,
        after: Option<&str>,
        last: Option<i32>,
        before: Option<&str>,
    ) -> AppResult<Self> {
        let size = |name: &str, n: i32| -> AppResult<u64> {
            if n < 0 || n as u64 > MAX_PAGE_SIZE {
                Err(AppError::Validation(format!(
                    "`{name}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"
                )))
            } else {
                Ok(n as u64)
            }
        };
        let (limit, backward) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(AppError::Validation(
                    "give either `first` or `last`, not both".into(),
                ))
            }
            (Some(n), None) => (size("first", n)?, false),
            (None, Some(n)) => (size("last", n)?, true),
            (None, None) => (DEFAULT_PAGE_SIZE, before.is_some() && after.is_none()),
        };
        Ok(PageRequest {
            limit,
            after: after.map(str::to_owned),
            before: before.map(str::to_owned),
            backward,
        })
    }
}

/// The cursor of a row in a newest-first list (when it was made, then its id): `tag` tells the
/// lists apart, so one list's cursor is refused by another. The time is the row's as read, to
/// the nanosecond: SQLite keeps nanoseconds, and a cursor cut to microseconds fell between the
/// rows of one bulk action (they share one time) and skipped the rest of them.
pub fn newest_first_cursor(tag: &str, at: DateTime<Utc>, id: i64) -> String {
    let nanos = at
        .timestamp_nanos_opt()
        .unwrap_or_else(|| at.timestamp_micros().saturating_mul(1_000));
    URL_SAFE_NO_PAD.encode(format!("{tag}:{nanos}:{id}"))
}

/// The earliest and latest times a filter may name: PostgreSQL refuses years before 4713 BC,
/// SQLite compares dates as text, so only years 1 to 9999 are taken (`VALIDATION` otherwise).
pub fn check_time(name: &str, at: Option<DateTime<Utc>>) -> AppResult<()> {
    use chrono::Datelike;
    match at {
        Some(at) if !(1..=9999).contains(&at.year()) => Err(AppError::Validation(format!(
            "`{name}` must lie between the years 1 and 9999"
        ))),
        _ => Ok(()),
    }
}

/// Checks a `since` / `until` window: both times as [`check_time`] takes them, and `since`
/// not after `until` (a window that ends before it starts is a mistake, as an inverted range
/// of the list's filters is, not an empty page).
pub fn check_window(since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> AppResult<()> {
    check_time("since", since)?;
    check_time("until", until)?;
    match (since, until) {
        (Some(since), Some(until)) if since > until => Err(AppError::Validation(
            "`since` must not be after `until`".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// The `VALIDATION` error of a cursor that is not one: it quotes the cursor's first 40
/// characters at most (a client's garbage is not echoed back whole).
pub fn malformed_cursor(text: &str) -> AppError {
    AppError::Validation(format!("malformed cursor: {}", crate::error::quoted(text)))
}

/// Reads a [`newest_first_cursor`] of the list `tag`; anything else is a `VALIDATION` error.
pub fn read_newest_first_cursor(tag: &str, text: &str) -> AppResult<(DateTime<Utc>, i64)> {
    let malformed = || malformed_cursor(text);
    let bytes = URL_SAFE_NO_PAD
        .decode(text.get(..100).unwrap_or(text))
        .map_err(|_| malformed())?;
    let decoded = String::from_utf8(bytes).map_err(|_| malformed())?;
    let mut parts = decoded.splitn(3, ':');
    let (Some(found), Some(nanos), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed());
    };
    if found != tag {
        return Err(malformed());
    }
    let nanos: i64 = nanos.parse().map_err(|_| malformed())?;
    let id: i64 = id.parse().map_err(|_| malformed())?;
    Ok((DateTime::from_timestamp_nanos(nanos), id))
}

/// The rows after the cursor `(at, id)` of a newest-first list over `time` and `id`.
pub fn older_than(
    time: impl IdenStatic,
    id_column: impl IdenStatic,
    (at, id): (DateTime<Utc>, i64),
) -> SimpleExpr {
    Expr::col(time)
        .lt(at)
        .or(Expr::col(time).eq(at).and(Expr::col(id_column).lt(id)))
}

/// One page of rows and whether more exist beyond it.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The rows, in the requested order.
    pub items: Vec<T>,
    /// More rows follow the last one.
    pub has_next_page: bool,
    /// More rows precede the first one.
    pub has_previous_page: bool,
}

impl<T> Page<T> {
    /// Builds a page from rows read with `limit + 1` (the extra row only says "there is more").
    /// Rows of a backward read arrive last-first and are put back in order.
    pub fn from_probe(mut rows: Vec<T>, request: &PageRequest) -> Self {
        let more = rows.len() as u64 > request.limit;
        rows.truncate(request.limit as usize);
        if request.backward {
            rows.reverse();
            Page {
                items: rows,
                has_next_page: request.before.is_some(),
                has_previous_page: more,
            }
        } else {
            Page {
                items: rows,
                has_next_page: more,
                has_previous_page: request.after.is_some(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_cursor_is_quoted_short() {
        let message = |text: &str| match malformed_cursor(text) {
            AppError::Validation(m) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(message("abc"), r#"malformed cursor: "abc""#);
        let long = "é".repeat(5_000);
        let quoted = message(&long);
        assert!(quoted.chars().count() < 100, "{quoted}");
        assert!(quoted.ends_with("… (5000 characters)"), "{quoted}");
        assert!(read_newest_first_cursor("a", &long).is_err_and(|e| format!("{e:?}").len() < 200));
    }

    #[test]
    fn first_and_last_together_are_rejected() {
        assert!(PageRequest::from_relay(Some(1), None, Some(1), None).is_err());
    }

    #[test]
    fn page_sizes_are_capped() {
        assert!(PageRequest::from_relay(Some(501), None, None, None).is_err());
        assert!(PageRequest::from_relay(Some(-1), None, None, None).is_err());
        let ok = PageRequest::from_relay(Some(500), None, None, None);
        assert_eq!(ok.map(|r| r.limit).ok(), Some(500));
    }

    #[test]
    fn backward_pages_are_reordered() {
        let request = PageRequest {
            limit: 2,
            after: None,
            before: Some("c".into()),
            backward: true,
        };
        let page = Page::from_probe(vec![9, 8, 7], &request);
        assert_eq!(page.items, vec![8, 9]);
        assert!(page.has_previous_page);
        assert!(page.has_next_page);
    }
}
