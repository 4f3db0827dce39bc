//! A variable the request leaves out is absent where it stands (GraphQL specification,
//! CoerceArgumentValues and input object coercion), not `null`: an input that tells "omitted
//! keeps" from "null clears" keeps the value when its variable is not sent, clears it when the
//! variable is sent as `null`; a variable's default still applies.

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::custom_fields::{create_field, CREATE};
use crate::rest_support::create_partners;
use crate::support::{backend_tests, TestApp};

const UPDATE_FIELD: &str = "mutation($f: ID!, $name: String, $description: String) {
  updateCustomField(input: { fieldId: $f, name: $name, description: $description }) {
    customField { name description } userErrors { field code } } }";
const RELATIONSHIP: &str = "mutation($c: ID!, $ids: [ID!], $stage: RelationshipStage, $source: ProspectingSource) {
  updatePartnerRelationship(input: { campaignId: $c, selection: { ids: $ids }, stage: $stage, prospectingSource: $source }) {
    matchedCount affectedCount userErrors { field code } } }";
const PARTNER: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { relationshipStage prospectingSource } }";

async fn partner(app: &TestApp, id: i64) -> Value {
    app.data(
        PARTNER,
        json!({ "c": app.campaign_id().to_string(), "p": id.to_string() }),
    )
    .await["partner"]
        .clone()
}

backend_tests! {
    async fn a_declaration_the_validator_refuses_is_refused_sent_or_not(app) {
        for query in ["query Q($a: Undefined) { __typename }", "query Q($a: Partner) { __typename }", "query Q($a: String) { __typename }"] {
            for variables in [json!({}), json!({ "a": null })] {
                let (_, body) = app.graphql(query, variables.clone()).await;
                assert_eq!(crate::first_error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{query} {variables}: {body}");
            }
        }
    }

    async fn a_variable_left_out_keeps_the_value_and_one_sent_as_null_clears_it(app) {
        let made = app.data(CREATE, json!({ "i": { "campaignId": app.campaign_id().to_string(), "name": "Plan",
            "description": "How will you promote us?", "displayType": "PARAGRAPH" } })).await;
        let field = made["createCustomField"]["customField"]["customFieldId"].to_string();
        let entries = app.count_rows("activity_log").await;

        // `$description` declared, not sent: the description stays.
        let renamed = app.data(UPDATE_FIELD, json!({ "f": field, "name": "Promotion plan" })).await;
        assert_eq!(renamed["updateCustomField"]["customField"], json!({ "name": "Promotion plan", "description": "How will you promote us?" }), "{renamed}");
        // Neither sent: nothing to change, as the literal input without them says.
        let nothing = app.data(UPDATE_FIELD, json!({ "f": field })).await;
        assert_eq!(nothing["updateCustomField"]["userErrors"][0]["code"], "REQUIRED", "{nothing}");
        // Sent as null: cleared.
        let cleared = app.data(UPDATE_FIELD, json!({ "f": field, "description": null })).await;
        assert_eq!(cleared["updateCustomField"]["customField"]["description"], Value::Null, "{cleared}");
        assert_eq!(app.count_rows("activity_log").await, entries + 2, "a rename and a clearing");

        let p = create_partners(&app, &["Alpha", "Beta"]).await;
        app.db.execute_unprepared(&format!(
            "UPDATE campaign_partners SET relationship_stage = 'NEW', prospecting_source = 'MARKETPLACE' WHERE partner_id IN ({}, {})", p[0], p[1]
        )).await.unwrap();
        let c = app.campaign_id().to_string();
        let ids: Vec<String> = p.iter().map(i64::to_string).collect();
        let moved = app.data(RELATIONSHIP, json!({ "c": c, "ids": ids, "stage": "OUTREACH" })).await;
        assert_eq!(moved["updatePartnerRelationship"]["affectedCount"], 2, "{moved}");
        assert_eq!(partner(&app, p[0]).await, json!({ "relationshipStage": "OUTREACH", "prospectingSource": "MARKETPLACE" }));
        let details = app.texts("SELECT details FROM activity_log WHERE action = 'RELATIONSHIP_CHANGED' ORDER BY id DESC LIMIT 1").await;
        let details: Value = serde_json::from_str(details[0].as_deref().unwrap()).unwrap();
        assert!(details["input"].get("prospectingSource").is_none_or(Value::is_null), "{details}");
        assert_eq!(details["after"]["prospectingSource"], "MARKETPLACE", "{details}");
        let cleared = app.data(RELATIONSHIP, json!({ "c": c, "ids": [ids[0]], "source": null })).await;
        assert_eq!(cleared["updatePartnerRelationship"]["affectedCount"], 1, "{cleared}");
        assert_eq!(partner(&app, p[0]).await, json!({ "relationshipStage": "OUTREACH", "prospectingSource": null }));
        assert_eq!(partner(&app, p[1]).await["prospectingSource"], "MARKETPLACE");
    }

    async fn a_default_still_applies_and_another_operation_changes_nothing(app) {
        let (field, _) = create_field(&app, "Plan", "PARAGRAPH", &[]).await;
        // A declared default is the value, given or not.
        let defaulted = app.data("mutation($f: ID!, $description: String = \"From the default\") {
            updateCustomField(input: { fieldId: $f, description: $description }) { customField { description } } }",
            json!({ "f": field.to_string() })).await;
        assert_eq!(defaulted["updateCustomField"]["customField"]["description"], "From the default", "{defaulted}");
        // Variables belong to their operation: one that is not run, declaring the same name with
        // a default, does not make the running one's left-out variable null.
        let (status, body) = app.graphql_named("
            mutation Rename($f: ID!, $name: String, $description: String) {
              updateCustomField(input: { fieldId: $f, name: $name, description: $description }) { customField { name description } } }
            mutation Describe($f: ID!, $description: String = \"\") {
              updateCustomField(input: { fieldId: $f, description: $description }) { customField { description } } }",
            "Rename", json!({ "f": field.to_string(), "name": "Plan B" })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["updateCustomField"]["customField"], json!({ "name": "Plan B", "description": "From the default" }), "{body}");
    }
}
