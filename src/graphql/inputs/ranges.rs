//! Range inputs: inclusive, either end optional.

use async_graphql::InputObject;
use chrono::Utc;

use crate::graphql::types::scalars::{Date, DateTime};
use crate::service::partners::filter::Range;

/// A range of instants (inclusive).
#[derive(InputObject, Clone, Debug, Default)]
pub struct DateTimeRange {
    /// Earliest instant matched.
    pub from: Option<DateTime>,
    /// Latest instant matched.
    pub to: Option<DateTime>,
}

/// A range of calendar dates (inclusive).
#[derive(InputObject, Clone, Debug, Default)]
pub struct DateRange {
    /// Earliest date matched.
    pub from: Option<Date>,
    /// Latest date matched.
    pub to: Option<Date>,
}

// GraphQL's `Int` is 32 bits: so are the bounds, also when a saved view's filter is read from
// JSON (an `i64` here once let a view keep a bound that `partners(filter:)` then refused).
/// A range of whole numbers (inclusive).
#[derive(InputObject, Clone, Debug, Default)]
pub struct IntRange {
    /// Smallest value matched.
    pub min: Option<i32>,
    /// Largest value matched.
    pub max: Option<i32>,
}

/// A range of numbers (inclusive).
#[derive(InputObject, Clone, Debug, Default)]
pub struct FloatRange {
    /// Smallest value matched.
    pub min: Option<f64>,
    /// Largest value matched.
    pub max: Option<f64>,
}

impl From<Option<DateTimeRange>> for Range<chrono::DateTime<Utc>> {
    fn from(r: Option<DateTimeRange>) -> Self {
        let r = r.unwrap_or_default();
        Range {
            min: r.from.map(|t| t.0),
            max: r.to.map(|t| t.0),
        }
    }
}

impl From<DateRange> for Range<chrono::NaiveDate> {
    fn from(r: DateRange) -> Self {
        Range {
            min: r.from.map(|d| d.0),
            max: r.to.map(|d| d.0),
        }
    }
}

impl From<Option<IntRange>> for Range<i64> {
    fn from(r: Option<IntRange>) -> Self {
        let r = r.unwrap_or_default();
        Range {
            min: r.min.map(i64::from),
            max: r.max.map(i64::from),
        }
    }
}

impl From<Option<IntRange>> for Range<i32> {
    fn from(r: Option<IntRange>) -> Self {
        let r = r.unwrap_or_default();
        Range {
            min: r.min,
            max: r.max,
        }
    }
}

impl From<FloatRange> for Range<f64> {
    fn from(r: FloatRange) -> Self {
        Range {
            min: r.min,
            max: r.max,
        }
    }
}
