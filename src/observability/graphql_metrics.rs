//! Per-operation GraphQL metrics: the GraphQL handler starts a [`GraphqlMetrics`] when a
//! request arrives and finishes it with the response (or the error that stopped it before
//! execution); a request dropped unfinished (request timeout, client gone) counts as
//! `cancelled`.

use std::sync::LazyLock;
use std::time::Instant;

use ::metrics::{counter, histogram};

use super::labels::{self, BoundedLabels};
use super::{GRAPHQL_DURATION, GRAPHQL_REQUESTS};
use crate::error::AppError;

/// Operation names counted apart; later ones are `other`.
const MAX_OPERATIONS: usize = 100;
/// Longest operation name counted apart.
const MAX_OPERATION_LEN: usize = 64;
/// Error codes counted apart.
const MAX_OUTCOMES: usize = 32;

/// The operation label of requests without a name.
const ANONYMOUS: &str = "anonymous";

static OPERATIONS: LazyLock<BoundedLabels> = LazyLock::new(|| {
    BoundedLabels::new(MAX_OPERATIONS, MAX_OPERATION_LEN, labels::is_graphql_name)
});
static OUTCOMES: LazyLock<BoundedLabels> =
    LazyLock::new(|| BoundedLabels::new(MAX_OUTCOMES, 40, labels::is_error_code));

/// One GraphQL request being measured.
#[must_use = "finish it with the response"]
pub struct GraphqlMetrics {
    operation: String,
    started: Instant,
    recorded: bool,
}

impl GraphqlMetrics {
    /// Starts measuring `request`: its operation is the request's `operationName`, else the
    /// name of the document's first operation, else `anonymous`.
    pub fn start(request: &async_graphql::Request) -> Self {
        Self::start_named(request.operation_name.as_deref(), &request.query)
    }

    /// Starts measuring an operation named `operation_name` (if given) in `query`.
    pub fn start_named(operation_name: Option<&str>, query: &str) -> Self {
        let operation = match operation_name.or_else(|| first_operation_name(query)) {
            Some(name) => OPERATIONS.label(name),
            None => ANONYMOUS.to_owned(),
        };
        GraphqlMetrics {
            operation,
            started: Instant::now(),
            recorded: false,
        }
    }

    /// The operation's label.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// Records the executed operation: `ok`, or the `extensions.code` of its first error.
    pub fn finish(mut self, response: &async_graphql::Response) {
        let outcome = match response.errors.first() {
            None => "ok".to_owned(),
            Some(err) => {
                let code = err.extensions.as_ref().and_then(|e| e.get("code"));
                match code {
                    Some(async_graphql::Value::String(code)) => OUTCOMES.label(code),
                    _ => "error".to_owned(),
                }
            }
        };
        self.record(outcome);
    }

    /// Records a request refused before execution (authentication, limits...).
    pub fn fail(mut self, err: &AppError) {
        self.record(OUTCOMES.label(err.code()));
    }

    fn record(&mut self, outcome: String) {
        self.recorded = true;
        let operation = self.operation.clone();
        counter!(GRAPHQL_REQUESTS, "operation" => operation.clone(), "outcome" => outcome)
            .increment(1);
        histogram!(GRAPHQL_DURATION, "operation" => operation)
            .record(self.started.elapsed().as_secs_f64());
    }
}

impl Drop for GraphqlMetrics {
    fn drop(&mut self) {
        if !self.recorded {
            self.record("cancelled".to_owned());
        }
    }
}

/// The name of the document's first definition when it is a named operation, read without
/// parsing the document.
fn first_operation_name(query: &str) -> Option<&str> {
    let rest = skip_ignored(query);
    let rest = ["query", "mutation", "subscription"]
        .iter()
        .find_map(|keyword| rest.strip_prefix(keyword))?;
    if rest.starts_with(is_name_char) {
        return None;
    }
    let rest = skip_ignored(rest);
    let end = rest.find(|c| !is_name_char(c)).unwrap_or(rest.len());
    let name = &rest[..end];
    labels::is_graphql_name(name).then_some(name)
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// Skips what GraphQL ignores between tokens: white space, commas, a byte order mark, and
/// comments.
fn skip_ignored(mut text: &str) -> &str {
    loop {
        text = text.trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == '\u{feff}');
        match text.strip_prefix('#') {
            Some(comment) => text = comment.split_once('\n').map_or("", |(_, rest)| rest),
            None => return text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observability::labels::OTHER;

    #[test]
    fn the_first_operation_name_is_read_from_the_document() {
        assert_eq!(
            first_operation_name("query Partners { a }"),
            Some("Partners")
        );
        assert_eq!(
            first_operation_name("# list\n  mutation  Save($x: Int) { a }"),
            Some("Save")
        );
        assert_eq!(first_operation_name("query($x: Int) { a }"), None);
        assert_eq!(first_operation_name("{ a }"), None);
        assert_eq!(first_operation_name("queryX { a }"), None);
        assert_eq!(first_operation_name("fragment F on T { a }"), None);
    }

    #[test]
    fn long_operation_names_are_folded() {
        let long = "A".repeat(MAX_OPERATION_LEN + 1);
        assert_eq!(
            GraphqlMetrics::start_named(Some(&long), "").operation(),
            OTHER
        );
        assert_eq!(
            GraphqlMetrics::start_named(None, "{ a }").operation(),
            ANONYMOUS
        );
        assert_eq!(
            GraphqlMetrics::start_named(Some("not valid"), "").operation(),
            OTHER
        );
    }
}
