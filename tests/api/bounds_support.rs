//! Helpers of the input-bound tests: nested and wide filters, GraphQL literals, and the checks
//! that a refusal is typed, names its limit and leaks nothing, and that the server still answers.

use serde_json::{json, Value};

use crate::support::TestApp;

/// `partners` with a filter variable: a page, its total and two facets.
pub const LIST: &str =
    "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 20) {
  totalCount nodes { partnerId } facets { countries { value count } sizes { value count } } } }";

/// A filter nested `depth` levels below the top with `op` (`and`, `or` or `not`).
pub fn nested(op: &str, depth: usize) -> Value {
    let mut filter = json!({ "countries": ["US"] });
    for _ in 0..depth {
        filter = if op == "not" {
            json!({ "not": filter })
        } else {
            json!({ op: [filter] })
        };
    }
    filter
}

/// A JSON value as a GraphQL literal (strings quoted, keys bare; enough for filters of
/// strings, numbers and objects).
pub fn literal(value: &Value) -> String {
    match value {
        Value::Object(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", literal(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(literal).collect();
            format!("[{}]", inner.join(", "))
        }
        other => other.to_string(),
    }
}

/// The list query with the filter written into the document (no variables).
pub fn list_literal(campaign: i64, filter: &Value) -> String {
    format!(
        "{{ partners(campaignId: \"{campaign}\", filter: {}) {{ totalCount }} }}",
        literal(filter)
    )
}

/// Asserts a message is for a client: no SQL, no Rust debug text.
pub fn assert_clean(message: &str) {
    for leak in [
        "SELECT",
        "sqlx",
        "Sqlite",
        "Postgres",
        "DbErr",
        "Error(",
        "Expression tree",
        "panicked",
        "{ ",
    ] {
        assert!(!message.contains(leak), "{leak:?} in {message:?}");
    }
}

/// Asserts the response is one `VALIDATION` error whose message contains `needle`.
pub fn assert_refused(body: &Value, needle: &str) {
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "VALIDATION", "{body}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{needle:?} not in {message:?}");
    assert_clean(message);
}

/// Asserts a payload refused its input with one user error on `field` naming `needle`.
pub fn assert_user_error(payload: &Value, field: &[&str], code: &str, needle: &str) {
    let errors = payload["userErrors"].as_array().expect("userErrors");
    let error = errors
        .iter()
        .find(|e| e["field"] == json!(field))
        .unwrap_or_else(|| panic!("no user error on {field:?}: {payload}"));
    assert_eq!(error["code"], code, "{payload}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{needle:?} not in {message:?}");
    assert_clean(message);
}

/// The server still answers: the health check and a query.
pub async fn assert_alive(app: &TestApp) {
    let (status, _) = app.get("/healthz", &[]).await;
    assert_eq!(status, 200, "health check after the request");
    let data = app
        .data("{ viewer { account { name } } }", Value::Null)
        .await;
    assert_eq!(data["viewer"]["account"]["name"], "Acme Outdoors");
}

/// Runs the list query with `filter`; returns the body (status must be 200).
pub async fn list(app: &TestApp, campaign: i64, filter: Value) -> Value {
    let (status, body) = app
        .graphql(LIST, json!({ "c": campaign.to_string(), "f": filter }))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}
