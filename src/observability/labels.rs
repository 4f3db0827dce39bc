//! Label values chosen by clients (GraphQL operation names) or by code the metrics do not
//! control (error codes), kept to a bounded set: a value must look right and be among the
//! first `max_values` seen since start; anything else is counted as `other`.

use std::collections::HashSet;
use std::sync::Mutex;

/// The label value of everything that does not fit.
pub const OTHER: &str = "other";

/// A bounded set of label values.
pub struct BoundedLabels {
    max_values: usize,
    max_len: usize,
    accepts: fn(&str) -> bool,
    seen: Mutex<HashSet<String>>,
}

impl BoundedLabels {
    /// At most `max_values` distinct values of at most `max_len` bytes that `accepts` takes.
    pub fn new(max_values: usize, max_len: usize, accepts: fn(&str) -> bool) -> Self {
        BoundedLabels {
            max_values,
            max_len,
            accepts,
            seen: Mutex::new(HashSet::new()),
        }
    }

    /// `value` itself when it fits, else [`OTHER`].
    pub fn label(&self, value: &str) -> String {
        if value.is_empty() || value.len() > self.max_len || !(self.accepts)(value) {
            return OTHER.to_owned();
        }
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains(value) {
            return value.to_owned();
        }
        if seen.len() >= self.max_values {
            return OTHER.to_owned();
        }
        seen.insert(value.to_owned());
        value.to_owned()
    }
}

/// A GraphQL name: `[_A-Za-z][_0-9A-Za-z]*`.
pub fn is_graphql_name(value: &str) -> bool {
    let mut chars = value.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// An error code: `[A-Z_]+`.
pub fn is_error_code(value: &str) -> bool {
    value.chars().all(|c| c == '_' || c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_past_the_cap_or_malformed_become_other() {
        let labels = BoundedLabels::new(2, 8, is_graphql_name);
        assert_eq!(labels.label("First"), "First");
        assert_eq!(labels.label("Second"), "Second");
        assert_eq!(labels.label("Third"), OTHER, "a third name is over the cap");
        assert_eq!(labels.label("First"), "First", "names seen stay themselves");
        assert_eq!(labels.label("MuchTooLongName"), OTHER);
        assert_eq!(labels.label("1abc"), OTHER);
        assert_eq!(labels.label("a b"), OTHER);
        assert_eq!(labels.label(""), OTHER);
    }

    #[test]
    fn error_codes_are_upper_snake_case() {
        assert!(is_error_code("QUERY_TOO_EXPENSIVE"));
        assert!(!is_error_code("not a code"));
    }
}
