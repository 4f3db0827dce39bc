//! Id lists of mutations and REST bodies: at most 10,000 partner ids (100 groups, 1,000 custom
//! fields), refused with `TOO_LONG` (REST: 400 naming the parameter) before any id is read; a
//! list at the limit is written in statements within both databases' parameter limits.

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::bounds_support::{assert_alive, assert_user_error};
use crate::rest_support::{join, Rest};
use crate::support::{backend_tests, TestApp};

const CREATE: &str = "mutation($i: CreatePartnerGroupInput!) { createPartnerGroup(input: $i) {
  group { id groupId memberCount } userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdatePartnerGroupInput!) { updatePartnerGroup(input: $i) {
  group { memberCount } userErrors { field code message } } }";
const CHANGE: &str = "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) {
  matchedCount addedCount userErrors { field code message } } }";

fn strings(ids: impl IntoIterator<Item = i64>) -> Vec<String> {
    ids.into_iter().map(|i| i.to_string()).collect()
}

async fn partner_ids(app: &TestApp, campaign: i64) -> Vec<i64> {
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT partner_id FROM campaign_partners WHERE campaign_id = {campaign} ORDER BY partner_id"),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get::<i64>("", "partner_id").unwrap())
        .collect()
}

backend_tests! {
    async fn id_lists_over_their_bounds_are_user_errors(app) {
        let c = app.campaign_id().to_string();
        let over = strings(1..=10_001);
        let payload = app.data(CREATE, json!({ "i": { "campaignId": c, "name": "Big", "partnerIds": over } })).await["createPartnerGroup"].clone();
        assert_user_error(&payload, &["input", "partnerIds"], "TOO_LONG", "partnerIds has 10001 ids; at most 10000");
        let group = app.data(CREATE, json!({ "i": { "campaignId": c, "name": "Big" } })).await["createPartnerGroup"]["group"]["id"].clone();
        for field in ["addPartnerIds", "removePartnerIds"] {
            let payload = app.data(UPDATE, json!({ "i": { "id": group, field: over } })).await["updatePartnerGroup"].clone();
            assert_user_error(&payload, &["input", field], "TOO_LONG", "at most 10000");
        }
        let change = |selection: Value, add: Value| {
            let (app, c) = (&app, c.clone());
            async move {
                app.data(CHANGE, json!({ "i": { "campaignId": c, "selection": selection, "add": add } })).await["changePartnerGroups"].clone()
            }
        };
        let payload = change(json!({ "ids": over }), json!([group])).await;
        assert_user_error(&payload, &["input", "selection", "ids"], "TOO_LONG", "ids has 10001 ids");
        let payload = change(json!({ "filter": {}, "exceptIds": over }), json!([group])).await;
        assert_user_error(&payload, &["input", "selection", "exceptIds"], "TOO_LONG", "exceptIds has 10001 ids");
        let payload = change(json!({ "ids": ["1"] }), json!(strings(1..=101))).await;
        assert_user_error(&payload, &["input", "add"], "TOO_LONG", "add has 101 ids; at most 100");
        assert_eq!(app.count_rows("partner_group_members").await, 0);
        let acme = app.seed_account(3, 132).await;
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)),
            "query($c: ID!, $ids: [ID!]) { partners(campaignId: $c) { nodes { customFields(ids: $ids) { text } } } }",
            json!({ "c": acme.campaign_ids[0].to_string(), "ids": strings(1..=1_001) })).await;
        crate::bounds_support::assert_refused(&body, "at most 1000");
        assert_alive(&app).await;
    }

    async fn rest_id_lists_over_their_bounds_are_400(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let over = join(&(1..=10_001).collect::<Vec<i64>>());
        let answer = rest.post(&rest.groups(c), &[("Name", "Big"), ("MediaPartners", &over)]).await;
        assert_eq!(answer.status, 400, "{}", answer.text);
        assert_eq!(answer.json()["Errors"][0]["Field"], "MediaPartners");
        assert!(answer.json()["Message"].as_str().unwrap().contains("at most 10000"), "{}", answer.text);
        let group = rest.create_group(c, "Big", &[]).await;
        for field in ["MediaPartnersAdd", "MediaPartnersRemove"] {
            let answer = rest.put(&rest.group(c, group), &[(field, over.as_str())]).await;
            assert_eq!(answer.status, 400, "{}", answer.text);
            assert_eq!(answer.json()["Errors"][0]["Field"], field);
        }
        assert_alive(&app).await;
    }

    async fn ten_thousand_ids_are_written_within_the_parameter_limits(app) {
        let acme = app.seed_account(10_050, 131).await;
        let c = acme.campaign_ids[0];
        let ids = partner_ids(&app, c).await;
        assert!(ids.len() >= 10_000, "{} partners", ids.len());
        let chosen = &ids[..10_000];
        let payload = app.data_as(&acme, CREATE, json!({ "i": { "campaignId": c.to_string(), "name": "Ten thousand",
            "partnerIds": strings(chosen.iter().copied()) } })).await["createPartnerGroup"].clone();
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        assert_eq!(payload["group"]["memberCount"], 10_000);
        let rest = Rest::as_account(&app, &acme);
        let group = payload["group"]["groupId"].as_i64().unwrap();
        let answer = rest.put(&rest.group(c, group), &[("MediaPartnersRemove", &join(chosen))]).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let input = json!({ "campaignId": c.to_string(), "add": [group.to_string()], "dryRun": true,
            "selection": { "filter": {}, "exceptIds": strings(chosen.iter().copied()) } });
        let payload = app.data_as(&acme, CHANGE, json!({ "i": input })).await["changePartnerGroups"].clone();
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        assert_eq!(payload["matchedCount"], ids.len() as i64 - 10_000);
    }
}
