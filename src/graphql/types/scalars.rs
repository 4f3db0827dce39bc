//! The custom scalars of the API, each with its own description and `@specifiedBy` URL (the
//! library's built-in `DateTime`, `JSON` and `Upload` are wrapped so the schema says what ours
//! accept and return).

use std::borrow::Cow;

use async_graphql::registry::{MetaType, MetaTypeId, Registry};
use async_graphql::{
    InputType, InputValueError, InputValueResult, Scalar, ScalarType, Upload, Value,
};
use chrono::{Datelike, NaiveDate, Utc};

use crate::domain::text::is_full_date;

/// A calendar date, ISO 8601 (`2026-11-21`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date in the ISO 8601 extended format `YYYY-MM-DD` (`2026-11-21`; RFC 3339
/// `full-date`), without a time or a time zone, in the years 1 to 9999 (as `DateTime`).
#[Scalar(
    name = "Date",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            // Exactly `YYYY-MM-DD`: chrono alone also takes `+2027-01-01`, `2027-1-1` and a
            // leading space.
            // Year 0 is a date to chrono, not to RFC 3339's readers, and not to `DateTime`.
            Value::String(s) if is_full_date(s) && !s.starts_with("0000") => {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map(Date)
                    .map_err(|_| {
                        InputValueError::custom(format!("{s:?} is not a date (YYYY-MM-DD)"))
                    })
            }
            Value::String(s) => Err(InputValueError::custom(format!(
                "{s:?} is not a date (YYYY-MM-DD)"
            ))),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// A value written into the document is checked as the validator reads it, so a document
    /// with a date that is none is refused before any of it runs (a mutation beside it
    /// included), as a variable's is.
    fn is_valid(value: &Value) -> bool {
        <Self as ScalarType>::parse(value.clone()).is_ok()
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An instant, RFC 3339 (`2026-11-21T14:30:00+00:00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// An instant as an RFC 3339 date-time string. Answers are in UTC
/// (`2026-11-21T14:30:00+00:00`); inputs may carry any offset (`2026-11-21T09:30:00-05:00`,
/// `2026-11-21T14:30:00Z`) and mean the same instant, which must lie in the years 1 to 9999 at
/// UTC.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            // RFC 3339 has four-digit years only (chrono also takes a sign and more digits, as
            // `+10000-01-01T00:00:00Z`), and what is compared is the instant at UTC: it must
            // lie in the years 1 to 9999 there, where both databases compare instants in order
            // (SQLite compares their text).
            Value::String(s) if is_full_date(s.get(..10).unwrap_or_default()) => {
                match s.parse::<chrono::DateTime<Utc>>() {
                    Ok(at) if (1..=9999).contains(&at.year()) => Ok(DateTime(at)),
                    Ok(_) => Err(InputValueError::custom(format!(
                        "{s:?} is out of range: instants lie between the years 1 and 9999 at UTC"
                    ))),
                    Err(_) => Err(not_a_date_time(s)),
                }
            }
            Value::String(s) => Err(not_a_date_time(s)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    /// As [`Date`]'s: checked when the document is validated.
    fn is_valid(value: &Value) -> bool {
        <Self as ScalarType>::parse(value.clone()).is_ok()
    }

    /// As stored: the server writes instants to the microsecond on both databases
    /// ([`crate::clock::wall_now`]), and an answer must compare equal to the row it came from
    /// (a `dateJoined` range ending at a partner's own answered date finds that partner).
    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}

fn not_a_date_time(s: &str) -> InputValueError<DateTime> {
    InputValueError::custom(format!(
        "{s:?} is not an RFC 3339 date-time (e.g. 2026-11-21T14:30:00Z)"
    ))
}

impl From<chrono::DateTime<Utc>> for DateTime {
    fn from(t: chrono::DateTime<Utc>) -> Self {
        DateTime(t)
    }
}

/// Any JSON value (object, array, string, number, boolean or null), RFC 8259.
#[derive(Clone, Debug, PartialEq)]
pub struct Json(pub serde_json::Value);

/// Any JSON value (RFC 8259), written inline as a GraphQL value or passed as a variable; used
/// where the shape is another type's, e.g. a saved view's filter (a `PartnerFilter` as JSON).
#[Scalar(
    name = "JSON",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc8259"
)]
impl ScalarType for Json {
    fn parse(value: Value) -> InputValueResult<Self> {
        value
            .into_json()
            .map(Json)
            .map_err(|err| InputValueError::custom(format!("not a JSON value: {err}")))
    }

    /// As [`Date`]'s: checked when the document is validated.
    fn is_valid(value: &Value) -> bool {
        <Self as ScalarType>::parse(value.clone()).is_ok()
    }

    fn to_value(&self) -> Value {
        Value::from_json(self.0.clone()).unwrap_or(Value::Null)
    }
}

/// A file sent with the GraphQL multipart request (`Upload`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileUpload(pub Upload);

/// The description of `Upload`.
const UPLOAD_DESCRIPTION: &str = "A file sent with the request as a part of a `multipart/form-data`
body, following the GraphQL multipart request specification: the operation's variable is
`null` in `operations`, and `map` names the part that fills it.";

/// The specification of `Upload`.
const UPLOAD_SPEC: &str = "https://github.com/jaydenseric/graphql-multipart-request-spec";

impl InputType for FileUpload {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed("Upload")
    }

    fn create_type_info(registry: &mut Registry) -> String {
        registry.create_input_type::<Self, _>(MetaTypeId::Scalar, |_| MetaType::Scalar {
            name: Self::type_name().to_string(),
            description: Some(UPLOAD_DESCRIPTION.to_owned()),
            is_valid: Some(std::sync::Arc::new(|value| {
                matches!(value, Value::String(_))
            })),
            visible: None,
            inaccessible: false,
            tags: Vec::new(),
            specified_by_url: Some(UPLOAD_SPEC.to_owned()),
            directive_invocations: Vec::new(),
            requires_scopes: Vec::new(),
        })
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        <Upload as InputType>::parse(value)
            .map(FileUpload)
            .map_err(InputValueError::propagate)
    }

    fn to_value(&self) -> Value {
        Value::Null
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_exactly_yyyy_mm_dd() {
        let parse = |s: &str| <Date as ScalarType>::parse(Value::String(s.to_owned())).ok();
        assert_eq!(
            parse("2027-01-31").map(|d| d.0),
            NaiveDate::from_ymd_opt(2027, 1, 31)
        );
        for bad in [
            "+2027-01-01",
            "2027-1-1",
            " 2027-01-01",
            "2027-01-01 ",
            "2027-02-30",
            "02027-01-01",
            "２０２７-01-01",
            "0000-01-01",
            "0000-12-31",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        for edge in ["0001-01-01", "9999-12-31"] {
            assert!(parse(edge).is_some(), "{edge}");
        }
    }

    #[test]
    fn a_date_time_is_an_rfc_3339_instant_of_the_years_1_to_9999_at_utc() {
        let parse = |s: &str| <DateTime as ScalarType>::parse(Value::String(s.to_owned())).ok();
        assert!(parse("2026-11-21T14:30:00Z").is_some());
        assert!(parse("9999-12-31T23:59:59Z").is_some());
        assert!(parse("0001-01-01T00:00:00Z").is_some());
        assert_eq!(
            parse("2026-11-21T14:30:00+02:00").map(|t| t.0.to_rfc3339()),
            Some("2026-11-21T12:30:00+00:00".to_owned())
        );
        for bad in [
            "+10000-01-01T00:00:00Z",
            "+2026-11-21T14:30:00Z",
            "-0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59-00:01",
            "0000-01-01T00:00:00Z",
            "0001-01-01T00:00:00+00:01",
            "2026-11-21",
            "",
            "ß",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn values_in_the_document_are_checked_as_the_validator_reads_them() {
        let text = |s: &str| Value::String(s.to_owned());
        assert!(<Date as ScalarType>::is_valid(&text("2028-02-29")));
        assert!(!<Date as ScalarType>::is_valid(&text("2027-02-29")));
        assert!(!<Date as ScalarType>::is_valid(&Value::from(20270101)));
        assert!(<DateTime as ScalarType>::is_valid(&text(
            "2026-11-21T14:30:00Z"
        )));
        assert!(!<DateTime as ScalarType>::is_valid(&text(
            "2026-13-01T00:00:00Z"
        )));
        assert!(<Json as ScalarType>::is_valid(&Value::from(1)));
    }
}
