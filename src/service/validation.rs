//! Input checks that produce `userErrors`: every problem of an input is reported at once.

use crate::domain::country::{parse_country, parse_subdivision};
use crate::domain::text::{forbidden_char, forbidden_char_message, Lines};
use crate::domain::UserErrorCode;

/// One problem with a mutation input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserError {
    /// Path of the offending input field, e.g. `["input", "email"]`.
    pub field: Vec<String>,
    /// Machine-readable reason.
    pub code: UserErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

/// Collects the problems of one input.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    errors: Vec<UserError>,
}

impl Checker {
    /// Records a problem with `field` (a path below `input`).
    pub fn push(&mut self, field: &str, code: UserErrorCode, message: impl Into<String>) {
        self.errors.push(UserError {
            field: vec!["input".to_owned(), field.to_owned()],
            code,
            message: message.into(),
        });
    }

    /// Records a problem already located (a nested input's).
    pub fn push_error(&mut self, error: UserError) {
        self.errors.push(error);
    }

    /// A required, non-blank, single-line text of at most `max` characters, trimmed.
    pub fn required_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if crate::domain::text::is_blank(value) {
            self.push(
                field,
                UserErrorCode::Required,
                format!("{field} is required"),
            );
        } else {
            self.text(field, value, max, Lines::Single);
        }
        value.to_owned()
    }

    /// An optional single-line text, trimmed, blank treated as absent.
    pub fn optional_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        self.optional_lines(field, value, max, Lines::Single)
    }

    /// An optional text that may span lines (tabs and line breaks allowed), trimmed, blank
    /// treated as absent.
    pub fn optional_multiline_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        self.optional_lines(field, value, max, Lines::Multi)
    }

    fn optional_lines(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
        lines: Lines,
    ) -> Option<String> {
        let value = value
            .map(str::trim)
            .filter(|v| !crate::domain::text::is_blank(v))?;
        self.text(field, value, max, lines);
        Some(value.to_owned())
    }

    /// At most `max` characters, none that the text may not hold (see `domain::text`).
    fn text(&mut self, field: &str, value: &str, max: usize, lines: Lines) {
        if value.chars().count() > max {
            self.push(
                field,
                UserErrorCode::TooLong,
                format!("{field} is longer than {max} characters"),
            );
        }
        if let Some(c) = forbidden_char(value, lines) {
            self.push(
                field,
                UserErrorCode::Invalid,
                format!("{field} {}", forbidden_char_message(c)),
            );
        }
    }

    /// A list of at most `max` ids; reported as `TOO_LONG`. Returns whether it is within.
    pub fn max_ids(&mut self, field: &str, len: usize, max: usize) -> bool {
        if len > max {
            self.push(field, UserErrorCode::TooLong, too_many_ids(field, len, max));
            return false;
        }
        true
    }

    /// An e-mail address: one `@`, a local part, a dotted domain, no spaces.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let value = self.required_text(field, value, 254);
        if !value.is_empty() && forbidden_char(&value, Lines::Single).is_none() && !is_email(&value)
        {
            self.push(
                field,
                UserErrorCode::Invalid,
                format!("{value:?} is not an e-mail address"),
            );
        }
        value.to_ascii_lowercase()
    }

    /// An optional http(s) URL with a host.
    pub fn url(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = self.optional_text(field, value, 2048)?;
        if forbidden_char(&value, Lines::Single).is_none() && !is_http_url(&value) {
            self.push(
                field,
                UserErrorCode::Invalid,
                format!("{value:?} is not an http(s) URL"),
            );
        }
        Some(value)
    }

    /// An ISO 3166-1 alpha-2 country code.
    pub fn country(&mut self, field: &str, value: &str) -> String {
        match parse_country(value) {
            Ok(code) => code,
            Err(err) => {
                self.push(field, UserErrorCode::Invalid, err.public_message());
                value.to_owned()
            }
        }
    }

    /// An optional ISO 3166-2 subdivision that must lie in `country`.
    pub fn subdivision(
        &mut self,
        field: &str,
        value: Option<&str>,
        country: &str,
    ) -> Option<String> {
        let value = value
            .map(str::trim)
            .filter(|v| !crate::domain::text::is_blank(v))?;
        match parse_subdivision(value) {
            Ok(code) if code.starts_with(&format!("{country}-")) => Some(code),
            Ok(code) => {
                self.push(
                    field,
                    UserErrorCode::Invalid,
                    format!("{code} is not a subdivision of {country}"),
                );
                None
            }
            Err(err) => {
                self.push(field, UserErrorCode::Invalid, err.public_message());
                None
            }
        }
    }

    /// An optional ISO 4217 currency code (three letters, case-insensitive), upper-cased.
    pub fn currency(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = value
            .map(str::trim)
            .filter(|v| !crate::domain::text::is_blank(v))?;
        let code = value.to_ascii_uppercase();
        // Money only: not the special codes (XXX, XTS, gold and the like), funds or codes
        // another has replaced.
        let money = iso_currency::Currency::from_code(&code)
            .is_some_and(|c| !c.is_special() && !c.is_fund() && c.is_superseded().is_none());
        if value.len() == 3 && money {
            Some(code)
        } else {
            self.push(
                field,
                UserErrorCode::Invalid,
                format!("{value:?} is not a currency code"),
            );
            None
        }
    }

    /// Whether no problem with `field` was found so far (so its value may go to a query).
    pub fn is_ok(&self, field: &str) -> bool {
        !self
            .errors
            .iter()
            .any(|e| e.field.get(1).map(String::as_str) == Some(field))
    }

    /// The problems found, if any.
    pub fn finish(self) -> Result<(), Vec<UserError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

/// A unique-index violation (a concurrent writer got there first, past the check) as the user
/// error the check gives, `code` on `field`; any other error is a failure.
pub fn unique_violation(
    err: sea_orm::DbErr,
    field: &str,
    code: UserErrorCode,
    message: impl Into<String>,
) -> crate::error::AppResult<Vec<UserError>> {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            let mut check = Checker::default();
            check.push(field, code, message);
            Ok(check.finish().err().unwrap_or_default())
        }
        _ => Err(err.into()),
    }
}

/// "partnerIds has 12000 ids; at most 10000 are allowed at once".
pub fn too_many_ids(field: &str, len: usize, max: usize) -> String {
    format!("{field} has {len} ids; at most {max} are allowed at once")
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !value.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// An `http` or `https` URL of a website: a host name with a dot (or an IPv4 address), a
/// valid port if any, and no whitespace, quotes or angle brackets (what would end the URL, or
/// the attribute holding it, in text or markup). Other characters browsers take as they are
/// (a backslash, braces) are kept as given.
fn is_http_url(value: &str) -> bool {
    let unsafe_char = |c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>');
    let scheme_given = ["http://", "https://"].iter().any(|s| {
        value
            .get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    });
    if !scheme_given || value.chars().any(unsafe_char) {
        return false;
    }
    let Ok(url) = url::Url::parse(value) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(host)) => {
            host.contains('.')
                && host.split('.').all(|l| {
                    !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        }
        Some(url::Host::Ipv4(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_are_iso_4217_codes() {
        let mut check = Checker::default();
        assert_eq!(
            check.currency("currency", Some(" eur ")),
            Some("EUR".to_owned())
        );
        assert_eq!(check.currency("currency", Some("  ")), None);
        assert!(check.is_ok("currency"));
        for good in ["USD", "GBP", "JPY", "XOF", "XCD", "CHF"] {
            assert!(check.currency("currency", Some(good)).is_some(), "{good}");
        }
        for bad in ["QQQ", "dollars", "US", "ÉUR", "XXX", "XTS", "XAU", "CHE"] {
            let mut check = Checker::default();
            assert_eq!(check.currency("currency", Some(bad)), None, "{bad}");
            assert!(!check.is_ok("currency"), "{bad} passed");
        }
    }

    #[test]
    fn emails_and_urls_are_checked() {
        assert!(is_email("jane@example.com"));
        assert!(!is_email("jane@example"));
        assert!(!is_email("jane example@x.com"));
        assert!(!is_email("@x.com"));
        assert!(is_http_url("https://deals.example.com/path?q=1"));
        assert!(is_http_url("http://example.com:8080"));
        assert!(!is_http_url("ftp://example.com"));
        assert!(!is_http_url("https://no spaces.com"));
        assert!(!is_http_url("https://localhost"));
        // A port must be a port; quotes and angle brackets are no part of a URL.
        assert!(!is_http_url("http://a.b:notaport/x"));
        assert!(!is_http_url("http://a.b:99999999999/"));
        assert!(!is_http_url("https://a.b/\"><script>alert(1)</script>"));
        assert!(!is_http_url("https://exa_mple.com/"));
        assert!(is_http_url("HTTPS://Deals.Example.com/a?b=c#d"));
        assert!(is_http_url("https://déals.example.com/"));
        assert!(is_http_url("http://93.184.216.34/"));
        assert!(is_http_url("https://direct0.example/o'neil\\path"));
    }

    #[test]
    fn every_problem_is_reported() {
        let mut check = Checker::default();
        check.required_text("name", "  ", 10);
        check.email("email", "nope");
        check.country("country", "XX");
        let errors = check.finish().err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field[1].as_str()).collect();
        assert_eq!(fields, vec!["name", "email", "country"]);
    }

    #[test]
    fn control_characters_are_refused_and_line_breaks_only_where_text_spans_lines() {
        let mut check = Checker::default();
        check.required_text("name", "Trail\0Gear", 100);
        check.email("email", "jane\0@example.com");
        check.optional_text("phone", Some("555\n0100"), 40);
        check.optional_multiline_text("description", Some("two\r\nlines\tfine"), 100);
        check.optional_multiline_text("notes", Some("bell\u{7}"), 100);
        assert!(check.is_ok("description") && !check.is_ok("email"));
        let errors = check.finish().err().unwrap_or_default();
        let found: Vec<(&str, UserErrorCode)> = errors
            .iter()
            .map(|e| (e.field[1].as_str(), e.code))
            .collect();
        assert_eq!(
            found,
            vec![
                ("name", UserErrorCode::Invalid),
                ("email", UserErrorCode::Invalid),
                ("phone", UserErrorCode::Invalid),
                ("notes", UserErrorCode::Invalid),
            ]
        );
        assert!(
            errors[0].message.contains("U+0000"),
            "{}",
            errors[0].message
        );
    }
}
