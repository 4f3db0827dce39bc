//! NUL and other control characters wherever text enters: mutation inputs (user errors),
//! saved-view and group names, the REST form (400 in the product's envelope). Was: INTERNAL on
//! PostgreSQL for a name, description or e-mail holding NUL, and a 500 for REST `Name=%00`.

use serde_json::{json, Value};

use crate::bounds_support::{assert_alive, assert_user_error};
use crate::rest_support::Rest;
use crate::support::{backend_tests, TestApp};

const CREATE_PARTNER: &str = "mutation($i: CreatePartnerInput!) { createPartner(input: $i) {
  partner { partnerId description } userErrors { field code message } } }";
const CREATE_GROUP: &str =
    "mutation($i: CreatePartnerGroupInput!) { createPartnerGroup(input: $i) {
  group { id name } userErrors { field code message } } }";
const UPDATE_GROUP: &str =
    "mutation($i: UpdatePartnerGroupInput!) { updatePartnerGroup(input: $i) {
  group { name } userErrors { field code message } } }";
const SAVE_VIEW: &str = "mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) {
  view { id } userErrors { field code message } } }";

fn partner(app: &TestApp, field: &str, value: &str) -> Value {
    let mut input = json!({ "campaignId": app.campaign_id().to_string(), "name": "Trail Gear",
        "email": "hello@trailgear.example", "country": "US" });
    input[field] = json!(value);
    input
}

backend_tests! {
    async fn partner_texts_with_control_characters_are_user_errors(app) {
        for (field, value) in [
            ("name", "Trail\0Gear"), ("email", "hello\0@trailgear.example"),
            ("description", "nul \0 inside"), ("phone", "555\u{7}0100"),
            ("websiteUrl", "https://trail\0gear.example"), ("name", "Two\nLines"),
        ] {
            let payload = app.data(CREATE_PARTNER, json!({ "i": partner(&app, field, value) })).await["createPartner"].clone();
            assert!(payload["partner"].is_null(), "{field}: {payload}");
            assert_user_error(&payload, &["input", field], "INVALID", "must not contain control characters");
        }
        assert_eq!(app.count_rows("partners").await, 0, "nothing written");
        // Line breaks and tabs are fine where text spans lines.
        let input = partner(&app, "description", "First line\r\nsecond\tline");
        let payload = app.data(CREATE_PARTNER, json!({ "i": input })).await["createPartner"].clone();
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        assert_eq!(payload["partner"]["description"], "First line\r\nsecond\tline");
        assert_alive(&app).await;
    }

    async fn group_and_view_names_with_control_characters_are_user_errors(app) {
        let c = app.campaign_id().to_string();
        let payload = app.data(CREATE_GROUP, json!({ "i": { "campaignId": c, "name": "VIP\0" } })).await["createPartnerGroup"].clone();
        assert_user_error(&payload, &["input", "name"], "INVALID", "U+0000");
        let created = app.data(CREATE_GROUP, json!({ "i": { "campaignId": c, "name": "VIP" } })).await["createPartnerGroup"].clone();
        let id = created["group"]["id"].clone();
        let payload = app.data(UPDATE_GROUP, json!({ "i": { "id": id, "name": "V\u{1b}[1mIP" } })).await["updatePartnerGroup"].clone();
        assert_user_error(&payload, &["input", "name"], "INVALID", "U+001B");
        // Line breaks by another name, and noncharacters.
        for (name, code) in [("x\u{2029}y", "U+2029"), ("a\u{2028}b", "U+2028"), ("VIP\u{FFFE}", "U+FFFE")] {
            let payload = app.data(CREATE_GROUP, json!({ "i": { "campaignId": c, "name": name } })).await["createPartnerGroup"].clone();
            assert_user_error(&payload, &["input", "name"], "INVALID", code);
        }
        // Nothing to see is blank: a required name.
        let payload = app.data(CREATE_GROUP, json!({ "i": { "campaignId": c, "name": " \u{200B} " } })).await["createPartnerGroup"].clone();
        assert_user_error(&payload, &["input", "name"], "REQUIRED", "required");
        assert_eq!(app.count_rows("partner_groups").await, 1);
        let view = json!({ "campaignId": c, "name": "US\0 only", "columns": ["partner"] });
        let payload = app.data(SAVE_VIEW, json!({ "i": view })).await["savePartnerView"].clone();
        assert_user_error(&payload, &["input", "name"], "INVALID", "U+0000");
        assert_eq!(app.count_rows("partner_views").await, 0);
        assert_alive(&app).await;
    }

    async fn rest_names_with_nul_are_400_in_the_envelope(app) {
        let rest = Rest::new(&app);
        let c = app.campaign_id();
        let answer = rest.post(&rest.groups(c), &[("Name", "VIP\0")]).await;
        assert_eq!(answer.status, 400, "{}", answer.text);
        let body = answer.json();
        assert_eq!(body["Status"], "ERROR");
        assert_eq!(body["Errors"][0]["Field"], "Name", "{body}");
        assert!(body["Errors"][0]["Message"].as_str().unwrap().contains("control characters"), "{body}");
        let group = rest.create_group(c, "VIP", &[]).await;
        let answer = rest.put(&rest.group(c, group), &[("Name", "\0")]).await;
        assert_eq!(answer.status, 400, "{}", answer.text);
        assert_eq!(answer.json()["Errors"][0]["Field"], "Name");
        let answer = rest.post(&rest.groups(c), &[("Name", "a\u{2028}b")]).await;
        assert_eq!(answer.status, 400, "{}", answer.text);
        assert!(answer.json()["Errors"][0]["Message"].as_str().unwrap().contains("U+2028"), "{}", answer.text);
        assert_eq!(app.count_rows("partner_groups").await, 1);
        assert_alive(&app).await;
    }
}
