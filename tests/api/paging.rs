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
        // Written into the document past `Int`'s 32 bits: refused before anything runs (the
        // library's validator takes it, and read it only as the field ran).
        let document = format!("{{ partners(campaignId: \"{campaign}\", first: 2147483648) {{ totalCount }} }}");
        let (_, body) = app.graphql(&document, Value::Null).await;
        assert_eq!(first_error_code(&body), "VALIDATION", "{body}");
        assert!(body.get("data").is_none(), "a request error: {body}");
        assert_eq!(body["errors"][0]["message"], "partners(first): 2147483648 is not an Int (a whole number from -2147483648 to 2147483647)", "{body}");
    }

    async fn forged_cursors_with_values_no_row_holds_are_malformed(app) {
        // A NUL in a text key (PostgreSQL takes none as a parameter: it was `INTERNAL`), and
        // dates outside the years a row's date can have (the server sets them; a year 10000
        // compared differently on each database, one before 1677 missed the facet index).
        use base64::Engine;
        let sorted = "query($c: ID!, $o: [PartnerOrder!], $f: PartnerFilter, $after: String) {
          partners(campaignId: $c, orderBy: $o, filter: $f, first: 3, after: $after) { nodes { partnerId } } }";
        let forge = |doc: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(doc.to_string());
        let name = json!([{ "field": "NAME" }]);
        let joined = json!([{ "field": "DATE_JOINED", "direction": "DESC" }]);
        let joined_up = json!([{ "field": "DATE_JOINED" }]);
        for (order, cursor, filter) in [
            (&name, json!({ "o": "NAME:ASC,PARTNER_ID:ASC", "v": ["a\u{0}b"], "p": 1 }), Value::Null),
            (&joined, json!({ "o": "DATE_JOINED:DESC,PARTNER_ID:DESC", "v": ["9999-12-31T23:59:59-23:59"], "p": 1 }), Value::Null),
            (&joined_up, json!({ "o": "DATE_JOINED:ASC,PARTNER_ID:ASC", "v": ["1000-01-01T00:00:00Z"], "p": 5 }), json!({ "countries": ["US"] })),
        ] {
            let vars = json!({ "c": app.campaign_id().to_string(), "o": order, "f": filter, "after": forge(cursor.clone()) });
            let (_, body) = app.graphql(sorted, vars).await;
            assert_eq!(first_error_code(&body), "VALIDATION", "{cursor}: {body}");
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("malformed cursor"), "{body}");
        }
        // A cursor the server issued still reads.
        let vars = json!({ "c": app.campaign_id().to_string(), "o": joined });
        let first = app.data(&sorted.replace("nodes { partnerId }", "pageInfo { endCursor }"), vars.clone()).await;
        let mut vars = vars;
        vars["after"] = first["partners"]["pageInfo"]["endCursor"].clone();
        let (_, body) = app.graphql(sorted, vars).await;
        assert!(body.get("errors").is_none(), "{body}");
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
