//! Responses completed as the GraphQL specification says: every requested key present in query
//! order, a failed field `null`, and a `null` in a non-null position propagated to the nearest
//! nullable parent (to `data` itself at the root).

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::support::{backend_tests, TestApp};

/// A seeded account whose first partner's stored relationship stage the API does not know, so
/// that its non-null `relationshipStage` fails; returns (account, campaign, partner).
async fn corrupt_partner(app: &TestApp) -> (partnergraph::service::accounts::NewAccount, i64, i64) {
    let acme = app.seed_account(3, 92).await;
    let campaign = acme.campaign_ids[0];
    let data = app
        .data_as(
            &acme,
            "query($c: ID!) { partners(campaignId: $c, first: 1) { nodes { partnerId } } }",
            json!({ "c": campaign.to_string() }),
        )
        .await;
    let partner = data["partners"]["nodes"][0]["partnerId"].as_i64().unwrap();
    app.db
        .execute_unprepared(&format!(
            "UPDATE campaign_partners SET relationship_stage = 'ABANDONED' \
             WHERE campaign_id = {campaign} AND partner_id = {partner}"
        ))
        .await
        .unwrap();
    (acme, campaign, partner)
}

async fn post_as(
    app: &TestApp,
    acme: &partnergraph::service::accounts::NewAccount,
    query: &str,
    vars: Value,
) -> (u16, Value, String) {
    let response = app
        .request(
            reqwest::Method::POST,
            "/graphql",
            &[
                ("Authorization", &TestApp::header_of(acme)),
                ("Content-Type", "application/json"),
            ],
            json!({ "query": query, "variables": vars }).to_string(),
        )
        .await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap(), text)
}

backend_tests! {
    async fn a_failed_non_null_field_nulls_its_nearest_nullable_parent(app) {
        let (acme, campaign, partner) = corrupt_partner(&app).await;
        let query = "query($c: ID!, $p: ID!) { viewer { user { name } }
            partner(campaignId: $c, id: $p) { name relationshipStage } }";
        let vars = json!({ "c": campaign.to_string(), "p": partner.to_string() });
        let (status, body, _) = post_as(&app, &acme, query, vars).await;
        assert_eq!(status, 200);
        // `partner` is nullable: it becomes null, and its sibling `viewer` stays.
        assert_eq!(body["data"], json!({ "viewer": { "user": { "name": "Account Administrator" } }, "partner": null }), "{body}");
        assert_eq!(body["errors"][0]["path"], json!(["partner", "relationshipStage"]));
        assert_eq!(body["errors"].as_array().unwrap().len(), 1, "the error is reported once: {body}");
    }

    async fn a_null_that_reaches_the_root_makes_data_null(app) {
        let (acme, campaign, _) = corrupt_partner(&app).await;
        // nodes: [Partner!]!, partners: PartnerConnection!: nothing nullable up to the root.
        let query = "query($c: ID!) { viewer { user { name } }
            partners(campaignId: $c, first: 5) { totalCount nodes { partnerId relationshipStage } } }";
        let (status, body, text) = post_as(&app, &acme, query, json!({ "c": campaign.to_string() })).await;
        assert_eq!(status, 200);
        assert!(text.contains("\"data\":null"), "data is present and null: {text}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "INTERNAL");
        let path = body["errors"][0]["path"].as_array().unwrap();
        assert_eq!(path[0], "partners", "{body}");
        assert_eq!(path.last().unwrap(), "relationshipStage", "{body}");
    }

    async fn nullable_lookups_answer_null_and_failed_nullable_fields_become_null(app) {
        let query = r#"{ viewer { user { name } } campaign(id: "999999") { name }
            partner(campaignId: "1", id: "not-an-id") { name } }"#;
        let (status, body) = app.graphql(query, json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"], json!({
            "viewer": { "user": { "name": "Account Administrator" } },
            "campaign": null,
            "partner": null,
        }), "{body}");
        assert_eq!(body["errors"][0]["path"], json!(["partner"]));
        assert_eq!(body["errors"][0]["extensions"]["code"], "VALIDATION");
    }

    async fn an_object_whose_fields_are_all_skipped_is_an_empty_object(app) {
        let campaign = app.campaign_id().to_string();
        // Skipped by a variable, a literal, at the root, through a fragment that does not apply:
        // the object is there with no keys, never `null` (which in a non-null position nulled
        // `data` without an error).
        let cases = [
            ("query($n: Boolean!) { viewer { user @skip(if: $n) { name } } }", json!({ "viewer": {} })),
            ("{ viewer { user @include(if: false) { name } } }", json!({ "viewer": {} })),
            ("{ viewer @skip(if: true) { user { name } } }", json!({})),
            ("query($n: Boolean!) { a: __typename @include(if: $n) viewer @skip(if: $n) { user { name } } }", json!({ "a": "Query" })),
            ("query($n: Boolean!) { viewer @skip(if: $n) { user { name } } }", json!({})),
            ("{ viewer { ... on Viewer @skip(if: true) { user { name } } } }", json!({ "viewer": {} })),
            ("query($c: ID!) { campaign(id: $c) { name @skip(if: true) } missing: campaign(id: \"999999\") { name @skip(if: true) } }",
                json!({ "campaign": {}, "missing": null })),
        ];
        for (query, data) in cases {
            let (status, body) = app.graphql(query, json!({ "n": true, "c": campaign })).await;
            assert_eq!((status, &body["data"], body.get("errors")), (200, &data, None), "{query}: {body}");
        }
        // With the fields included, as ever; the hidden field never shows.
        let (_, body) = app.graphql("query($n: Boolean!) { viewer { user @include(if: $n) { name } } }", json!({ "n": true })).await;
        assert_eq!(body["data"], json!({ "viewer": { "user": { "name": "Account Administrator" } } }), "{body}");
    }

    async fn response_keys_come_in_query_order(app) {
        let campaign = app.campaign_id();
        let query = format!(r#"{{ zeta: viewer {{ user {{ role name }} account {{ name }} }}
            alpha: campaign(id: "{campaign}") {{ name campaignId }}
            __typename
            mid: campaigns {{ name }} }}"#);
        let (_, _, text) = post_as(&app, &app.account, &query, json!({})).await;
        let at = |key: &str| text.find(key).unwrap_or_else(|| panic!("{key} in {text}"));
        assert!(at("\"zeta\"") < at("\"alpha\"") && at("\"alpha\"") < at("\"__typename\""), "{text}");
        assert!(at("\"__typename\"") < at("\"mid\""), "{text}");
        assert!(at("\"role\"") < at("\"name\":\"Account"), "{text}");
        assert!(at("\"name\":\"Acme US\"") < at("\"campaignId\""), "{text}");
    }
}
