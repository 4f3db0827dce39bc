//! Enum fields whose column always holds a value are non-null; a stored value the API does not
//! know is corrupt data: an `INTERNAL` error (logged), never a silent null.

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::first_error_code;
use crate::support::{backend_tests, TestApp};

const PARTNER: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { name relationshipType relationshipStage size } }";

backend_tests! {
    async fn a_stored_enum_value_the_api_does_not_know_is_an_internal_error(app) {
        let acme = app.seed_account(3, 91).await;
        let campaign = acme.campaign_ids[0];
        let data = app.data_as(&acme, "query($c: ID!) { partners(campaignId: $c, first: 1) { nodes { partnerId } } }",
            json!({ "c": campaign.to_string() })).await;
        let partner = data["partners"]["nodes"][0]["partnerId"].as_i64().unwrap();
        let vars = json!({ "c": campaign.to_string(), "p": partner.to_string() });
        let found = app.data_as(&acme, PARTNER, vars.clone()).await;
        assert!(found["partner"]["relationshipStage"].is_string(), "{found}");

        app.db
            .execute_unprepared(&format!(
                "UPDATE campaign_partners SET relationship_stage = 'ABANDONED' WHERE campaign_id = {campaign} AND partner_id = {partner}"
            ))
            .await
            .unwrap();
        let (status, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), PARTNER, vars).await;
        assert_eq!(status, 200);
        assert_eq!(first_error_code(&body), "INTERNAL", "{body}");
        assert_eq!(body["errors"][0]["message"], "internal error");
        assert_eq!(body["errors"][0]["path"], json!(["partner", "relationshipStage"]));
        assert!(!body.to_string().contains("ABANDONED"), "{body}");
        // Not a silent null: the field is non-null, so no partner answers with it null.
        assert_ne!(body["data"]["partner"].get("relationshipStage"), Some(&Value::Null), "{body}");
    }
}
