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
    async fn unknown_misplaced_or_repeated_directives_are_refused(app) {
        let before = app.statements();
        for query in ["{ __typename @foo }", "{ __typename @skip(if: false) @skip(if: true) }", "query @include(if: true) { __typename }"] {
            let (status, body) = app.graphql(query, json!({})).await;
            assert_eq!(crate::first_error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{query}: {status} {body}");
            assert!(body.get("data").is_none_or(Value::is_null), "{body}");
        }
        assert!(app.statements() - before < 10, "nothing ran");
        let (_, body) = app.graphql("{ a: __typename @skip(if: true) b: __typename @include(if: true) }", json!({})).await;
        assert_eq!(body["data"], json!({ "b": "Query" }), "{body}");
    }

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

    async fn the_cost_charges_every_selection_the_executor_runs(app) {
        let c = app.campaign_id();
        let requested = |body: &Value| body["extensions"]["cost"]["requested"].as_u64().unwrap();
        // One field twice under one response key runs twice: charged twice (1 + 100 each).
        let page = format!("partners(campaignId: \"{c}\", first: 100) {{ nodes {{ id }} }}");
        let (_, body) = app.graphql(&format!("{{ {page} {page} }}"), json!({})).await;
        assert_eq!(requested(&body), 2 * 101, "{body}");
        // A hundred copies under one key are over the limit, though one copy costs 501.
        let big = "partners(first: 500) { nodes { id } }";
        let copies: String = (0..100).map(|_| format!(" {big}")).collect();
        let query = format!("{{ campaign(id: \"{c}\") {{{copies} }} }}");
        let body = refused(&app, &query, json!({}), "QUERY_TOO_EXPENSIVE", "cost").await;
        assert_eq!(requested(&body), 1 + 100 * 501, "{body}");
        // Two fragments selecting one key with different page sizes: each charged its own.
        let query = format!("{{ ... on Query {{ partners(campaignId: \"{c}\", first: 1) {{ nodes {{ id }} }} }}
            ... on Query {{ partners(campaignId: \"{c}\", first: 500) {{ nodes {{ id }} }} }} }}");
        let (_, body) = app.graphql(&query, json!({})).await;
        assert_eq!(requested(&body), 2 + 501, "{body}");
        // A fragment spread twice runs twice.
        let query = format!("{{ ...P ...P }} fragment P on Query {{ {page} }}");
        let (_, body) = app.graphql(&query, json!({})).await;
        assert_eq!(requested(&body), 2 * 101, "{body}");
        // A search costs 200; each further term of the filter 10 more.
        let query = format!("{{ partners(campaignId: \"{c}\", first: 0, filter: {{ or: [{{ search: \"a\" }}, {{ search: \"b\" }}] }}) {{ nodes {{ id }} }} }}");
        let (_, body) = app.graphql(&query, json!({})).await;
        assert_eq!(requested(&body), 200 + 10 + 1, "{body}");
        // A campaign's groups have no page size: charged as a hundred, each with its members,
        // through the campaign and at the root alike.
        let members = "partnerGroups { members(first: 500) { nodes { id } } }";
        let query = format!("{{ campaign(id: \"{c}\") {{ {members} }} }}");
        let body = refused(&app, &query, json!({}), "QUERY_TOO_EXPENSIVE", "cost").await;
        assert_eq!(requested(&body), 1 + 100 * (1 + 1 + 500), "{body}");
        let query = format!("{{ {} }}", members.replace("partnerGroups", &format!("partnerGroups(campaignId: \"{c}\")")));
        let body = refused(&app, &query, json!({}), "QUERY_TOO_EXPENSIVE", "cost").await;
        assert_eq!(requested(&body), 100 * (1 + 1 + 500), "{body}");
        // A mutation is a write (200), a search in its selection a search (200, 10 per further
        // term): twenty aliased bulk changes over a search cost enough for the heavy lane.
        let change = format!("changePartnerGroups(input: {{ campaignId: \"{c}\", dryRun: true, add: [\"1\"],
            selection: {{ filter: {{ or: [{{ search: \"a\" }}, {{ search: \"e\" }}] }} }} }}) {{ matchedCount }}");
        let (_, body) = app.graphql(&format!("mutation {{ {change} }}"), json!({})).await;
        assert_eq!(requested(&body), 200 + 210 + 1, "{body}");
        let many: String = (0..20).map(|i| format!(" m{i}: {change}")).collect();
        let (_, body) = app.graphql(&format!("mutation {{{many} }}"), json!({})).await;
        assert_eq!(requested(&body), 20 * 411, "{body}");
        assert!(requested(&body) >= 5_000, "the heavy lane's cost");
    }

    async fn a_long_chain_of_fragment_spreads_is_refused_and_the_server_lives(app) {
        let mut chain = String::from("{ ...F0 }");
        // 2,000 spreads deep: the stack overflowed at 1,200 before the bound.
        for i in 0..2_000 {
            chain.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        chain.push_str(" fragment F2000 on Query { __typename }");
        refused(&app, &chain, json!({}), "VALIDATION", "deep once its fragments are spread in").await;
        // 63 fragments, each nesting 30 inline fragments around the next spread: every
        // fragment within the text's nesting limit, 1,900 deep in all (it overflowed the stack).
        let mut deep = String::from("{ ...F0 }");
        for i in 0..63 {
            let (open, close) = ("... { ".repeat(30), "} ".repeat(30));
            deep.push_str(&format!(" fragment F{i} on Query {{ {open}...F{} {close}}}", i + 1));
        }
        deep.push_str(" fragment F63 on Query { __typename }");
        refused(&app, &deep, json!({}), "VALIDATION", "deep once its fragments are spread in").await;
        // Fragments of nothing but spreads, each spreading the next twice, ending in an
        // undefined one: 2^60 spreads and no field (the cost walk spun on it forever).
        let mut wide = String::from("{ ...F0 }");
        for i in 0..60 {
            wide.push_str(&format!(" fragment F{i} on Query {{ ...F{n} ...F{n} }}", n = i + 1));
        }
        wide.push_str(" fragment F60 on Query { ...Missing }");
        refused(&app, &wide, json!({}), "VALIDATION", "spreads fragments").await;
        // A chain within the limit runs.
        let mut chain = String::from("{ ...F0 }");
        for i in 0..10 {
            chain.push_str(&format!(" fragment F{i} on Query {{ ...F{} }}", i + 1));
        }
        chain.push_str(" fragment F10 on Query { __typename }");
        assert_eq!(app.data(&chain, json!({})).await["__typename"], "Query");
    }

    async fn variable_defaults_apply_to_skip_and_include(app) {
        let query = "query($hide: Boolean = true, $show: Boolean = false) {
            viewer { user { name @skip(if: $hide) id @include(if: $show) role } } }";
        let (status, body) = app.graphql(query, json!({})).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(body["data"]["viewer"]["user"], json!({ "role": "ADMINISTRATOR" }), "{body}");
        // A variable given in the request wins over its default.
        let (_, body) = app.graphql(query, json!({ "hide": false })).await;
        assert_eq!(body["data"]["viewer"]["user"]["name"], "Account Administrator", "{body}");
    }

    async fn malformed_dates_in_variables_are_request_errors(app) {
        let c = app.campaign_id();
        let query = format!("query($from: DateTime) {{ partners(campaignId: \"{c}\", filter: {{ dateJoined: {{ from: $from }} }}) {{ totalCount }} }}");
        refused(&app, &query, json!({ "from": "yesterday" }), "VALIDATION", "DateTime").await;
        // A default is checked as a given value is.
        let defaulted = query.replace("$from: DateTime)", "$from: DateTime = \"garbage\")");
        refused(&app, &defaulted, json!({}), "VALIDATION", "DateTime").await;
        let data = app.data(&query, json!({ "from": "2026-01-01T00:00:00Z" })).await;
        assert_eq!(data["partners"]["totalCount"], 0);
    }
}
