//! Relations load through per-request DataLoaders: a filtered, sorted page of 100 partners with every relation
//! (read by its filter, or by the facet index's rows) costs as many SQL statements as a page of 2 (chosen so that its two partners between them
//! have every kind of relation the 100 have: a relation nobody has costs no statement at all).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::support::{backend_tests, TestApp};
use partnergraph::service::accounts::NewAccount;

const WIDE_PAGE: &str = "query($c: ID!, $n: Int!, $after: String, $f: PartnerFilter) {
  partners(campaignId: $c, first: $n, after: $after, filter: $f,
      orderBy: [{ field: DATE_JOINED, direction: DESC }]) {
    totalCount
    edges { cursor node {
      id partnerId name country size socialReach businessModels promotionalAreas audienceCountries categories
      mediaProperties { name followers } contacts { name }
      groups { name }
      contracts { name status template { name } fallbackTemplate { name } }
      assignedTo { name email }
      customFields { field { name displayType options { label } } text number date options { label } }
    } }
  }
}";

/// The kinds of relation a partner row exercises.
fn relation_kinds(node: &Value) -> BTreeSet<&'static str> {
    let non_empty = |v: &Value| v.as_array().is_some_and(|a| !a.is_empty());
    let contracts = node["contracts"].as_array().cloned().unwrap_or_default();
    let answers = node["customFields"].as_array().cloned().unwrap_or_default();
    [
        (
            "attributes",
            non_empty(&node["businessModels"]) || non_empty(&node["categories"]),
        ),
        ("media", non_empty(&node["mediaProperties"])),
        ("contacts", non_empty(&node["contacts"])),
        ("groups", non_empty(&node["groups"])),
        ("contracts", !contracts.is_empty()),
        (
            "templates",
            contracts
                .iter()
                .any(|c| !c["template"].is_null() || !c["fallbackTemplate"].is_null()),
        ),
        ("assigned", !node["assignedTo"].is_null()),
        ("answers", !answers.is_empty()),
    ]
    .into_iter()
    .filter_map(|(kind, present)| present.then_some(kind))
    .collect()
}

async fn run(
    app: &TestApp,
    account: &NewAccount,
    filter: &Value,
    n: i64,
    after: Value,
) -> (u64, Vec<Value>) {
    let before = app.statements();
    let vars =
        json!({ "c": account.campaign_ids[0].to_string(), "n": n, "after": after, "f": filter });
    let data = app.data_as(account, WIDE_PAGE, vars).await;
    let used = app.statements() - before;
    (used, data["partners"]["edges"].as_array().unwrap().clone())
}

backend_tests! {
    async fn a_page_of_100_costs_the_same_statements_as_a_page_of_2(app) {
        let acme = app.seed_account(150, 31).await;
        // Read by the filter in SQL, and by the facet index's rows (conditions on facet
        // dimensions only), with the same seeded partners in the same order.
        let filters = [
            json!({ "not": { "countries": ["AQ"] }, "or": [{ "relationshipTypes": ["DIRECT", "MARKETPLACE"] }] }),
            json!({ "relationshipTypes": ["DIRECT", "MARKETPLACE"] }),
        ];
        for filter in filters {
            // The first request under a facet filter reads the campaign's facet index (once
            // per list version): not part of a page's cost.
            run(&app, &acme, &filter, 1, Value::Null).await;
            let (large, edges) = run(&app, &acme, &filter, 100, Value::Null).await;
            assert_eq!(edges.len(), 100);
            let all: BTreeSet<&str> = edges.iter().flat_map(|e| relation_kinds(&e["node"])).collect();
            assert_eq!(all.len(), 8, "the seeded page exercises every relation: {all:?}");
            let window = (0..edges.len() - 1)
                .find(|&i| {
                    let pair: BTreeSet<&str> = relation_kinds(&edges[i]["node"]).union(&relation_kinds(&edges[i + 1]["node"])).copied().collect();
                    pair == all
                })
                .expect("two neighbours that between them have every relation");
            let after = if window == 0 { Value::Null } else { edges[window - 1]["cursor"].clone() };
            let (small, small_edges) = run(&app, &acme, &filter, 2, after).await;
            assert_eq!(small_edges.len(), 2);
            assert_eq!(small_edges[0]["node"]["id"], edges[window]["node"]["id"]);
            assert_eq!(small, large, "statements must not grow with the page size under {filter}");
            assert!(large <= 25, "a wide page should take a handful of statements, took {large}");
        }
    }

    async fn list_request_1_runs_no_authentication_statement_once_the_credential_is_cached(app) {
        let acme = app.seed_account(150, 32).await;
        let c = acme.campaign_ids[0];
        let group: i64 = app
            .texts(&format!("SELECT CAST(MIN(id) AS TEXT) FROM partner_groups WHERE campaign_id = {c}"))
            .await[0]
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        let fields: Vec<String> = app
            .texts(&format!("SELECT CAST(id AS TEXT) FROM custom_fields WHERE campaign_id = {c} ORDER BY position LIMIT 2"))
            .await
            .into_iter()
            .flatten()
            .collect();
        let vars = json!({ "c": c.to_string(), "cf": fields,
            "f": { "countries": ["US"], "groupIds": [group.to_string()], "contractStatuses": ["ACTIVE"] } });
        // Warm: the credential verified, the campaign's facet index read.
        for _ in 0..2 {
            app.data_as(&acme, REQUEST_1, vars.clone()).await;
        }
        app.statement_log().record();
        let data = app.data_as(&acme, REQUEST_1, vars.clone()).await;
        let ran = app.statement_log().take();
        assert!(data["partners"]["totalCount"].as_i64().unwrap() > 0, "{data}");
        let sql: Vec<String> = ran.iter().map(|s| s.sql.chars().take(160).collect()).collect();
        assert!(!ran.iter().any(|s| s.sql.contains("api_credentials")), "{sql:#?}");
        // Issue 13's target: one statement for the campaign, group and version checks, the page
        // (with the assigned user joined), and one per relation: contracts, groups (memberships
        // joined with their groups), answers (joined with their chosen options' labels).
        assert!(ran.len() <= 5, "{} statements: {sql:#?}", ran.len());
    }
}

/// Request 1 of the list bench (`benches/list.rs`): a filtered first page of 50 with 15 columns
/// and `totalCount`.
const REQUEST_1: &str = "query($c: ID!, $f: PartnerFilter, $cf: [ID!]) {
  partners(campaignId: $c, filter: $f, orderBy: [{ field: DATE_JOINED, direction: DESC }], first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { partnerId name country size email dateJoined relationshipType relationshipStage socialReach
      mozDomainAuthority groups { name } contracts { name status } assignedTo { name }
      customFields(ids: $cf) { text number date options { label } } } } }";
