//! A request's budget, decided before it runs: its cost against the limit (refused with
//! `QUERY_TOO_EXPENSIVE` and the computed cost), the shape limits (depth, fields, aliases, root
//! fields, size, nesting) as `VALIDATION`, `extensions.cost` on every answer, and the crash
//! cases of the issue, after each of which the server still answers.

use serde_json::{json, Value};

use crate::first_error_code;
use crate::support::{backend_tests, TestApp};

/// The server still answers a normal query.
async fn still_answers(app: &TestApp) {
    let data = app.data("{ viewer { user { name } } }", json!({})).await;
    assert_eq!(data["viewer"]["user"]["name"], "Account Administrator");
}

/// Sends `query` (and `variables`), expects a refusal with `code` whose message mentions
/// `needle`, and that the server answers afterwards.
async fn refused(app: &TestApp, query: &str, variables: Value, code: &str, needle: &str) -> Value {
    let (status, body) = app.graphql(query, variables).await;
    assert!(status == 200 || status == 400, "{status}: {body}");
    assert_eq!(first_error_code(&body), code, "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{message}");
    assert!(body.get("data").is_none(), "nothing ran: {body}");
    still_answers(app).await;
    body
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

backend_tests! {
    async fn every_answer_reports_its_cost(app) {
        let c = app.campaign_id();
        let query = format!("{{ partners(campaignId: \"{c}\", first: 20) {{ totalCount nodes {{ name groups {{ name }} }} }} }}");
        let (_, body) = app.graphql(&query, json!({})).await;
        let cost = &body["extensions"]["cost"];
        // 1 connection + 20 × (1 partner + 5 groups) + totalCount's 200.
        assert_eq!(cost["requested"], 1 + 20 * 6 + 200, "{body}");
        // Nothing in the campaign: the connection and totalCount only.
        assert_eq!(cost["actual"], 1 + 200, "{body}");
        assert_eq!(cost["limit"], 50_000);
        // A refused request reports what it would have cost.
        let (_, body) = app.graphql("{ viewer {", json!({})).await;
        assert_eq!(body["extensions"]["cost"]["requested"], 0, "{body}");
    }

    async fn a_query_over_the_cost_limit_never_runs(app) {
        let c = app.campaign_id();
        let before = app.statements();
        let query = format!("{{ partners(campaignId: \"{c}\", first: 500) {{ nodes {{ groups {{
            members(first: 500) {{ nodes {{ name }} }} }} }} }} }}");
        let body = refused(&app, &query, json!({}), "QUERY_TOO_EXPENSIVE", "at most 50000").await;
        let cost = body["errors"][0]["extensions"]["cost"].as_u64().unwrap();
        assert!(cost > 1_000_000, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["limit"], 50_000);
        assert_eq!(body["extensions"]["cost"]["requested"], cost);
        // Only the still-answers check touched the database (authentication and its query).
        assert!(app.statements() - before < 10, "the refused query ran no SQL");
        // Two hundred aliases of a search with totalCount and every facet.
        let one = format!("partners(campaignId: \"{c}\", filter: {{ search: \"co\" }}) {{ totalCount facets {{
            countries {{ value count }} groups {{ value count }} contractStatuses {{ value count }}
            contractTemplates {{ value count }} relationshipTypes {{ value count }} sizes {{ value count }}
            relationshipStages {{ value count }} businessModels {{ value count }} assignedTo {{ value count }}
            prospectingSources {{ value count }} }} }}");
        let many: String = (0..10).map(|i| format!(" a{i}: {one}")).collect();
        refused(&app, &format!("{{{many} }}"), json!({}), "QUERY_TOO_EXPENSIVE", "cost").await;
    }

    async fn shape_limits_refuse_before_anything_runs(app) {
        let aliases: String = (0..51).map(|i| format!(" a{i}: __typename")).collect();
        refused(&app, &format!("{{{aliases} }}"), json!({}), "VALIDATION", "51 aliased fields").await;
        let roots: String = (0..21).map(|_| " viewer { user { name } }").collect();
        refused(&app, &format!("{{{roots} }}"), json!({}), "VALIDATION", "21 root fields").await;
        let deep = nested("viewer { account { campaigns { partnerGroups { ", "name", " } } } }", 5);
        refused(&app, &format!("{{ {deep} }}"), json!({}), "VALIDATION", "deep").await;
        let fields: String = (0..2001).map(|_| " __typename").collect();
        refused(&app, &format!("{{{fields} }}"), json!({}), "VALIDATION", "2001 fields").await;
        // Fragments spread twice into fragments: 2^30 fields once expanded.
        let mut bomb = String::from("{ ...F0 }");
        for i in 0..30 {
            bomb.push_str(&format!(" fragment F{i} on Query {{ ...F{n} ...F{n} }}", n = i + 1));
        }
        bomb.push_str(" fragment F30 on Query { __typename }");
        refused(&app, &bomb, json!({}), "VALIDATION", "fields").await;
        let long = format!("{{ __typename }} # {}", "x".repeat(100_001));
        refused(&app, &long, json!({}), "VALIDATION", "bytes").await;
    }

    async fn the_crash_cases_of_the_issue_are_refused_and_the_server_lives(app) {
        let c = app.campaign_id();
        // and/or nested 250 deep, not 460 deep, a list literal 1,500 deep.
        let and = nested("{and: [", "{countries: [\"US\"]}", "]}", 250);
        let query = format!("{{ partners(campaignId: \"{c}\", filter: {and}) {{ totalCount }} }}");
        refused(&app, &query, json!({}), "VALIDATION", "nest").await;
        let not = nested("{not: ", "{countries: [\"US\"]}", "}", 460);
        let query = format!("{{ partners(campaignId: \"{c}\", filter: {not}) {{ totalCount }} }}");
        refused(&app, &query, json!({}), "VALIDATION", "nest").await;
        let list = nested("[", "\"US\"", "]", 1_500);
        let query = format!("{{ partners(campaignId: \"{c}\", filter: {{countries: {list}}}) {{ totalCount }} }}");
        refused(&app, &query, json!({}), "VALIDATION", "nest").await;
        // Variables nested past the limit.
        let mut deep = json!({ "countries": ["US"] });
        for _ in 0..40 {
            deep = json!({ "and": [deep] });
        }
        let query = "query($f: PartnerFilter) { partners(campaignId: \"1\", filter: $f) { totalCount } }";
        refused(&app, query, json!({ "f": deep }), "VALIDATION", "variables").await;
    }
}
