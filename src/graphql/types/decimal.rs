//! `Decimal`: an exact decimal number written as a string, for money and rates (payouts).

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

/// Digits before the point a `Decimal` may have: below 10^11 adjacent doubles lie less than
/// 0.0001 apart, so the nearest double to every such number reads back its 4 decimals (at 12
/// digits, `"999999999999.0003"` would read back `.0002`).
const MAX_WHOLE_DIGITS: usize = 11;
/// Digits after the point a `Decimal` may have.
pub const MAX_FRACTION_DIGITS: usize = 4;

/// An exact decimal number. Within [`MAX_WHOLE_DIGITS`] and [`MAX_FRACTION_DIGITS`] digits an
/// `f64` holds every such number closely enough that [`Decimal`]'s text reads back the digits
/// written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decimal(pub f64);

/// An exact decimal number as a string in the XML Schema `decimal` form without exponent: an
/// optional `-`, 1 to 11 digits, and optionally `.` and 1 to 4 digits (`"7.5"`, `"1250"`,
/// `"0.0125"`). Answers are always strings, without trailing zeros; inputs may also be a JSON
/// number (`7.5`), within the same bounds, but a number is read as JSON and GraphQL read numbers,
/// a double of 15 to 17 significant digits (`12.00009999999999999` arrives as `12.0001`): send
/// a string when every digit matters, as a string's are checked as written. Money amounts and
/// rates.
#[Scalar(
    name = "Decimal",
    specified_by_url = "https://www.w3.org/TR/xmlschema11-2/#decimal"
)]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = match &value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Err(InputValueError::expected_type(value)),
        };
        read(&text).map(Decimal).ok_or_else(|| {
            let shown: String = text.chars().take(30).collect();
            InputValueError::custom(format!(
                "{shown:?} is not a decimal number with at most {MAX_WHOLE_DIGITS} digits before \
                 the point and {MAX_FRACTION_DIGITS} after it (e.g. \"7.5\")"
            ))
        })
    }

    /// Checked when the document is validated, as the other scalars.
    fn is_valid(value: &Value) -> bool {
        <Self as ScalarType>::parse(value.clone()).is_ok()
    }

    fn to_value(&self) -> Value {
        Value::String(text(self.0))
    }
}

/// The number `text` writes, when it is in `Decimal`'s form.
fn read(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let fits = (1..=MAX_WHOLE_DIGITS).contains(&whole.len())
        && fraction.len() <= MAX_FRACTION_DIGITS
        && !(fraction.is_empty() && digits.contains('.'))
        && all_digits(whole)
        && all_digits(fraction);
    fits.then(|| text.parse().ok()).flatten()
}

/// The shortest text of `value` with at most [`MAX_FRACTION_DIGITS`] decimals (`7.5`, `10`).
pub fn text(value: f64) -> String {
    let fixed = format!("{value:.MAX_FRACTION_DIGITS$}");
    let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
    match trimmed {
        "-0" | "" => "0".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_read_and_write_the_digits_given() {
        for (given, shown) in [
            ("7.5", "7.5"),
            ("10", "10"),
            ("0.0125", "0.0125"),
            ("99999999999.9999", "99999999999.9999"),
            ("99999999999.0003", "99999999999.0003"),
            ("68719476735.0001", "68719476735.0001"),
            ("0.1", "0.1"),
            ("12.3400", "12.34"),
            ("-3", "-3"),
            ("0", "0"),
            ("-0.0", "0"),
        ] {
            let value = read(given).unwrap_or(f64::NAN);
            assert_eq!(text(value), shown, "{given}");
        }
        for refused in [
            "",
            "-",
            ".5",
            "5.",
            "1.23456",
            "1e3",
            "1E3",
            "+1",
            " 1",
            "1 ",
            "0x10",
            "NaN",
            "inf",
            "1,5",
            "1234567890123",
            "1.2.3",
            "١٢",
        ] {
            assert_eq!(read(refused), None, "{refused:?}");
        }
        let parse = |v: Value| <Decimal as ScalarType>::parse(v).ok();
        assert_eq!(parse(Value::from(7.5)), Some(Decimal(7.5)));
        assert_eq!(parse(Value::from(25)), Some(Decimal(25.0)));
        assert_eq!(parse(Value::from(1e300)), None, "a number in exponent form");
        assert_eq!(parse(Value::Boolean(true)), None);
    }
}
