//! Relay paging of `partners`: forwards, backwards, limits, cursors.

use serde_json::{json, Value};

use crate::first_error_code;
use crate::support::{backend_tests, TestApp};
use partnergraph::service::accounts::NewAccount;

const PAGE: &str = "query($c: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  partners(campaignId: $c, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { partnerId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}";

async fn page(app: &TestApp, account: &NewAccount, vars: Value) -> (Vec<i64>, Value) {
    let mut vars = vars;
    vars["c"] = json!(account.campaign_ids[0].to_string());
    let data = app.data_as(account, PAGE, vars).await;
    let conn = &data["partners"];
    let ids = conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["partnerId"].as_i64().unwrap())
        .collect();
    (ids, conn["pageInfo"].clone())
}

async fn total(app: &TestApp, account: &NewAccount) -> i64 {
    let data = app
        .data_as(
            account,
            "query($c: ID!) { partners(campaignId: $c, first: 0) { totalCount } }",
            json!({ "c": account.campaign_ids[0].to_string() }),
        )
        .await;
    data["partners"]["totalCount"].as_i64().unwrap()
}

backend_tests! {
    async fn forward_paging_visits_every_partner_once_in_order(app) {
        let acme = app.seed_account(120, 11).await;
        let expected = total(&app, &acme).await;
        assert_eq!(expected, 120);
        let (mut seen, mut after, mut pages) = (Vec::new(), Value::Null, 0);
        loop {
            let (ids, info) = page(&app, &acme, json!({ "first": 50, "after": after })).await;
            pages += 1;
            assert_eq!(info["hasPreviousPage"], pages > 1);
            seen.extend(ids);
            if info["hasNextPage"] == false {
                break;
            }
            after = info["endCursor"].clone();
        }
        assert_eq!(pages, 3);
        assert_eq!(seen.len() as i64, expected);
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, seen, "ascending partner ids without repeats");
    }

    async fn backward_paging_reads_the_same_list_from_the_end(app) {
        let acme = app.seed_account(70, 12).await;
        let (forward, _) = page(&app, &acme, json!({ "first": 500 })).await;
        let (last, info) = page(&app, &acme, json!({ "last": 30 })).await;
        assert_eq!(last, forward[40..].to_vec());
        assert_eq!(info["hasPreviousPage"], true);
        assert_eq!(info["hasNextPage"], false);
        let (middle, info) = page(&app, &acme, json!({ "last": 30, "before": info["startCursor"] })).await;
        assert_eq!(middle, forward[10..40].to_vec());
        assert_eq!(info["hasNextPage"], true);
        let (first, info) = page(&app, &acme, json!({ "last": 30, "before": info["startCursor"] })).await;
        assert_eq!(first, forward[..10].to_vec());
        assert_eq!(info["hasPreviousPage"], false);
    }

    async fn edge_cursors_resume_exactly_after_their_row(app) {
        let acme = app.seed_account(25, 13).await;
        let data = app
            .data_as(&acme, PAGE, json!({ "c": acme.campaign_ids[0].to_string(), "first": 10 }))
            .await;
        let edges = data["partners"]["edges"].as_array().unwrap().clone();
        let (next, _) = page(&app, &acme, json!({ "first": 3, "after": edges[4]["cursor"] })).await;
        let expected: Vec<i64> = edges[5..8].iter().map(|e| e["node"]["partnerId"].as_i64().unwrap()).collect();
        assert_eq!(next, expected);
    }

    async fn bad_paging_arguments_are_validation_errors(app) {
        let campaign = app.campaign_id().to_string();
        for (vars, needle) in [
            (json!({ "first": 501 }), "first"),
            (json!({ "first": -1 }), "first"),
            (json!({ "last": 10000 }), "last"),
            (json!({ "first": 5, "last": 5 }), "not both"),
            (json!({ "first": 5, "after": "garbage" }), "cursor"),
            (json!({ "last": 5, "before": "UGFydG5lcjox" }), "cursor"),
        ] {
            let mut vars = vars;
            vars["c"] = json!(campaign);
            let (status, body) = app.graphql(PAGE, vars.clone()).await;
            assert_eq!(status, 200);
            assert_eq!(first_error_code(&body), "VALIDATION", "{vars}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(message.contains(needle), "{message} should mention {needle}");
        }
        let (_, body) = app.graphql(PAGE, json!({ "c": "not-an-id" })).await;
        assert_eq!(first_error_code(&body), "VALIDATION");
    }

    async fn total_count_counts_the_campaign_only(app) {
        let acme = app.seed_account(40, 14).await;
        assert_eq!(total(&app, &acme).await, 40);
        let second = app
            .data_as(&acme, "query($c: ID!) { partners(campaignId: $c) { totalCount } }",
                json!({ "c": acme.campaign_ids[1].to_string() }))
            .await;
        let n = second["partners"]["totalCount"].as_i64().unwrap();
        assert!(n > 0 && n < 40, "the second campaign holds a share of the partners, got {n}");
    }
}
