//! Per-partner settings on the bulk engine: one partner or a selection, dry runs, user errors
//! that write nothing, activity entries with before and after, strict partner URLs, read-only
//! users and other accounts' partners refused; the list's filters follow at once.

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::rest_support::create_partners;
use crate::support::{backend_tests, TestApp};
use partnergraph::domain::UserRole;
use partnergraph::service::accounts::{self, NewAccount};

const PAYLOAD: &str = "matchedCount affectedCount dryRun userErrors { field code message }";
const SETTINGS: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
  relationshipStage prospectingSource
  complianceSettings { reviewFrequency auditRatePercent }
  clientCostSettings { enabled costType }
  trackingSettings { integrationType postbackUrl pixelUrl } } }";

async fn mutate(app: &TestApp, name: &str, input_type: &str, input: Value) -> Value {
    let query = format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ {PAYLOAD} }} }}");
    app.data(&query, json!({ "i": input })).await[name].clone()
}

fn input(app: &TestApp, ids: &[i64], extra: Value) -> Value {
    let mut input = json!({
        "campaignId": app.campaign_id().to_string(),
        "selection": { "ids": ids.iter().map(i64::to_string).collect::<Vec<_>>() },
    });
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    input
}

async fn settings(app: &TestApp, partner: i64) -> Value {
    app.data(
        SETTINGS,
        json!({ "c": app.campaign_id().to_string(), "p": partner.to_string() }),
    )
    .await["partner"]
        .clone()
}

fn errors(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"]
                    .as_array()
                    .and_then(|f| f.last())
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn refused(field: &str, code: &str) -> Vec<(String, String)> {
    vec![(field.to_owned(), code.to_owned())]
}

backend_tests! {
    async fn compliance_and_client_costs_for_one_partner_or_many(app) {
        let p = create_partners(&app, &["Alpha", "Beta", "Gamma"]).await;
        let before = app.count_rows("activity_log").await;
        let dry = mutate(&app, "updateComplianceSettings", "UpdateComplianceSettingsInput",
            input(&app, &p, json!({ "reviewFrequency": "WEEKLY", "auditRate": 25, "dryRun": true }))).await;
        assert_eq!((dry["matchedCount"].as_i64(), dry["affectedCount"].as_i64(), &dry["userErrors"]), (Some(3), Some(3), &json!([])), "{dry}");
        assert_eq!(settings(&app, p[0]).await["complianceSettings"]["reviewFrequency"], Value::Null, "a dry run writes nothing");
        assert_eq!(app.count_rows("activity_log").await, before);

        let one = mutate(&app, "updateComplianceSettings", "UpdateComplianceSettingsInput",
            input(&app, &[p[0]], json!({ "reviewFrequency": "WEEKLY", "auditRate": 25 }))).await;
        assert_eq!((one["matchedCount"].as_i64(), one["affectedCount"].as_i64()), (Some(1), Some(1)), "{one}");
        assert_eq!(settings(&app, p[0]).await["complianceSettings"], json!({ "reviewFrequency": "WEEKLY", "auditRatePercent": 25 }));
        assert_eq!(settings(&app, p[1]).await["complianceSettings"]["auditRatePercent"], Value::Null);
        let entry = app.texts("SELECT details FROM activity_log WHERE action = 'COMPLIANCE_SETTINGS_CHANGED'").await;
        let entry: Value = serde_json::from_str(entry[0].as_deref().unwrap()).unwrap();
        assert_eq!(entry["before"], json!({ "reviewFrequency": null, "auditRate": null }), "{entry}");
        assert_eq!(entry["after"], json!({ "reviewFrequency": "WEEKLY", "auditRate": 25 }), "{entry}");
        // The same again changes nobody.
        let again = mutate(&app, "updateComplianceSettings", "UpdateComplianceSettingsInput",
            input(&app, &[p[0]], json!({ "auditRate": 25 }))).await;
        assert_eq!(again["affectedCount"], 0, "{again}");

        for (extra, expected) in [
            (json!({ "auditRate": 101 }), refused("auditRate", "INVALID")),
            (json!({ "auditRate": -1 }), refused("auditRate", "INVALID")),
            (json!({}), refused("reviewFrequency", "REQUIRED")),
        ] {
            let payload = mutate(&app, "updateComplianceSettings", "UpdateComplianceSettingsInput", input(&app, &p, extra)).await;
            assert_eq!(errors(&payload), expected, "{payload}");
        }

        let costs = mutate(&app, "updateClientCostSettings", "UpdateClientCostSettingsInput",
            input(&app, &p[1..], json!({ "enabled": true, "costType": "FIXED_FEE" }))).await;
        assert_eq!(costs["affectedCount"], 2, "{costs}");
        assert_eq!(settings(&app, p[2]).await["clientCostSettings"], json!({ "enabled": true, "costType": "FIXED_FEE" }));
        let entry = app.texts("SELECT details FROM activity_log WHERE action = 'CLIENT_COST_SETTINGS_CHANGED'").await;
        let entry: Value = serde_json::from_str(entry[0].as_deref().unwrap()).unwrap();
        assert_eq!(entry["before"]["enabled"], false, "{entry}");
        assert_eq!(entry["after"]["enabled"], true, "{entry}");
        assert_eq!(app.count_rows("activity_log").await, before + 3);
    }

    async fn client_cost_exceptions_name_the_campaigns_action_trackers(app) {
        let p = create_partners(&app, &["Alpha", "Beta"]).await;
        let trackers = |campaign: i64| {
            let app = &app;
            async move {
                app.data("query($c: ID!) { campaign(id: $c) { actionTrackers { actionTrackerId name } } }",
                    json!({ "c": campaign.to_string() })).await["campaign"]["actionTrackers"].clone()
            }
        };
        let listed = trackers(app.campaign_id()).await;
        let names: Vec<&str> = listed.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, vec!["App Install", "Lead", "Online Sale"], "every campaign starts with these");
        const CREATE: &str = "mutation($i: CreateActionTrackerInput!) { createActionTracker(input: $i) {
          actionTracker { actionTrackerId name } userErrors { field code } } }";
        let made = app.data(CREATE, json!({ "i": { "campaignId": app.campaign_id().to_string(), "name": "Subscription" } })).await["createActionTracker"].clone();
        assert_eq!(made["userErrors"], json!([]), "{made}");
        let subscription = made["actionTracker"]["actionTrackerId"].as_str().unwrap().to_owned();
        for (name, code) in [("Subscription", "CONFLICT"), ("  ", "REQUIRED")] {
            let refused = app.data(CREATE, json!({ "i": { "campaignId": app.campaign_id().to_string(), "name": name } })).await["createActionTracker"].clone();
            assert_eq!(refused["userErrors"][0]["code"], code, "{refused}");
        }
        let id_of = |name: &str| listed.as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["actionTrackerId"].as_str().unwrap().to_owned();
        let (sale, lead) = (id_of("Online Sale"), id_of("Lead"));

        let set = mutate(&app, "updateClientCostSettings", "UpdateClientCostSettingsInput", input(&app, &[p[0]], json!({
            "exceptions": [{ "actionTrackerId": subscription, "costType": "PERCENT_FEE" }, { "actionTrackerId": sale, "costType": "FIXED_FEE" }]
        }))).await;
        assert_eq!((set["affectedCount"].as_i64(), &set["userErrors"]), (Some(1), &json!([])), "{set}");
        const COSTS: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
          clientCostSettings { enabled costType exceptions { actionTrackerId costType } } } }";
        let read = |partner: i64| {
            let app = &app;
            async move {
                app.data(COSTS, json!({ "c": app.campaign_id().to_string(), "p": partner.to_string() })).await["partner"]["clientCostSettings"]["exceptions"].clone()
            }
        };
        let expected = json!([{ "actionTrackerId": sale, "costType": "FIXED_FEE" }, { "actionTrackerId": subscription, "costType": "PERCENT_FEE" }]);
        assert_eq!(read(p[0]).await, expected, "in tracker order");
        assert_eq!(read(p[1]).await, json!([]));
        let entry = app.texts("SELECT details FROM activity_log WHERE action = 'CLIENT_COST_SETTINGS_CHANGED'").await;
        let entry: Value = serde_json::from_str(entry[0].as_deref().unwrap()).unwrap();
        assert_eq!(entry["before"]["exceptions"], Value::Null, "{entry}");
        assert_eq!(entry["after"]["exceptions"], expected, "{entry}");

        // A tracker of the account's other campaign, of another account, twice, too many, or
        // unreadable: refused, nothing written.
        let other_campaign = trackers(app.account.campaign_ids[1]).await[0]["actionTrackerId"].as_str().unwrap().to_owned();
        let stranger = app.seed_account(3, 21).await;
        let foreign = app.data_as(&stranger, "query($c: ID!) { campaign(id: $c) { actionTrackers { actionTrackerId } } }",
            json!({ "c": stranger.campaign_ids[0].to_string() })).await["campaign"]["actionTrackers"][0]["actionTrackerId"].as_str().unwrap().to_owned();
        let many: Vec<Value> = (0..101).map(|i| json!({ "actionTrackerId": (1_000 + i).to_string(), "costType": "FIXED_FEE" })).collect();
        for (exceptions, expected) in [
            (json!([{ "actionTrackerId": other_campaign, "costType": "FIXED_FEE" }]), refused("exceptions", "NOT_FOUND")),
            (json!([{ "actionTrackerId": foreign, "costType": "FIXED_FEE" }]), refused("exceptions", "NOT_FOUND")),
            (json!([{ "actionTrackerId": lead, "costType": "FIXED_FEE" }, { "actionTrackerId": lead, "costType": "PERCENT_FEE" }]), refused("exceptions", "INVALID")),
            (json!(many), refused("exceptions", "TOO_LONG")),
            (json!([{ "actionTrackerId": "not-an-id", "costType": "FIXED_FEE" }]), refused("actionTrackerId", "INVALID")),
        ] {
            let payload = mutate(&app, "updateClientCostSettings", "UpdateClientCostSettingsInput",
                input(&app, &p, json!({ "enabled": true, "exceptions": exceptions }))).await;
            assert_eq!(errors(&payload), expected, "{payload}");
        }
        // A dry run refused for an unreadable id still says it was one.
        let dry = mutate(&app, "updateClientCostSettings", "UpdateClientCostSettingsInput",
            input(&app, &p, json!({ "exceptions": [{ "actionTrackerId": " 1", "costType": "FIXED_FEE" }], "dryRun": true }))).await;
        assert_eq!((&dry["dryRun"], errors(&dry)), (&json!(true), refused("actionTrackerId", "INVALID")), "{dry}");
        assert_eq!(read(p[0]).await, expected, "refusals write nothing");
        assert_eq!(settings(&app, p[1]).await["clientCostSettings"]["enabled"], false);

        // Over a selection: the same exceptions for both; an empty list clears them.
        let both = mutate(&app, "updateClientCostSettings", "UpdateClientCostSettingsInput", input(&app, &p, json!({
            "exceptions": [{ "actionTrackerId": lead, "costType": "PAYOUT_PLUS_FEE" }], "dryRun": true
        }))).await;
        assert_eq!((both["matchedCount"].as_i64(), both["affectedCount"].as_i64()), (Some(2), Some(2)), "{both}");
        assert_eq!(read(p[1]).await, json!([]), "a dry run writes nothing");
        let cleared = mutate(&app, "updateClientCostSettings", "UpdateClientCostSettingsInput", input(&app, &p, json!({ "exceptions": [] }))).await;
        assert_eq!(cleared["affectedCount"], 1, "only the partner that had exceptions changed: {cleared}");
        assert_eq!(read(p[0]).await, json!([]));
    }

    async fn prospects_move_between_stages_and_the_list_follows(app) {
        let p = create_partners(&app, &["Alpha", "Beta", "Gamma"]).await;
        app.db.execute_unprepared(&format!(
            "UPDATE campaign_partners SET relationship_stage = 'NEW' WHERE partner_id IN ({}, {})", p[0], p[1]
        )).await.unwrap();
        let moved = mutate(&app, "updatePartnerRelationship", "UpdatePartnerRelationshipInput",
            input(&app, &p, json!({ "stage": "OUTREACH", "prospectingSource": "MARKETPLACE" }))).await;
        assert_eq!((moved["matchedCount"].as_i64(), moved["affectedCount"].as_i64()), (Some(3), Some(3)), "{moved}");
        let first = settings(&app, p[0]).await;
        assert_eq!((first["relationshipStage"].as_str(), first["prospectingSource"].as_str()), (Some("OUTREACH"), Some("MARKETPLACE")));
        let joined = settings(&app, p[2]).await;
        assert_eq!((joined["relationshipStage"].as_str(), joined["prospectingSource"].as_str()), (Some("JOINED"), Some("MARKETPLACE")),
            "the joined partner keeps its stage but takes the source");
        let listed = app.data(
            "query($c: ID!) { partners(campaignId: $c, filter: { relationshipStages: [OUTREACH] }, orderBy: [{ field: RELATIONSHIP_STAGE, direction: ASC }]) { totalCount nodes { partnerId } } }",
            json!({ "c": app.campaign_id().to_string() }),
        ).await;
        assert_eq!(listed["partners"]["totalCount"], 2, "{listed}");
        let cleared = mutate(&app, "updatePartnerRelationship", "UpdatePartnerRelationshipInput",
            input(&app, &[p[0]], json!({ "prospectingSource": null }))).await;
        assert_eq!(cleared["affectedCount"], 1, "{cleared}");
        assert_eq!(settings(&app, p[0]).await["prospectingSource"], Value::Null);
        for stage in ["JOINED", "EXPIRED"] {
            let payload = mutate(&app, "updatePartnerRelationship", "UpdatePartnerRelationshipInput",
                input(&app, &[p[0]], json!({ "stage": stage }))).await;
            assert_eq!(errors(&payload), refused("stage", "INVALID"), "{payload}");
        }
    }

    async fn partner_urls_must_be_public_https(app) {
        let p = create_partners(&app, &["Alpha"]).await[0];
        let ok = mutate(&app, "updateTrackingSettings", "UpdateTrackingSettingsInput",
            input(&app, &[p], json!({ "integration": "POSTBACK", "postbackUrl": "https://hooks.partner.example/pb?click={clickid}" }))).await;
        assert_eq!(ok["affectedCount"], 1, "{ok}");
        assert_eq!(settings(&app, p).await["trackingSettings"], json!({
            "integrationType": "POSTBACK", "postbackUrl": "https://hooks.partner.example/pb?click={clickid}", "pixelUrl": null }));
        let long = format!("https://partner.example/{}", "a".repeat(2_100));
        for (extra, expected) in [
            (json!({ "integration": "POSTBACK", "postbackUrl": "http://hooks.partner.example/pb" }), refused("postbackUrl", "INVALID")),
            (json!({ "integration": "POSTBACK", "postbackUrl": "https://admin:pw@hooks.partner.example/pb" }), refused("postbackUrl", "INVALID")),
            (json!({ "integration": "POSTBACK", "postbackUrl": "https://169.254.169.254/latest/meta-data" }), refused("postbackUrl", "INVALID")),
            (json!({ "integration": "POSTBACK", "postbackUrl": "https://10.0.0.5/pb" }), refused("postbackUrl", "INVALID")),
            (json!({ "integration": "POSTBACK", "postbackUrl": "https://[::1]/pb" }), refused("postbackUrl", "INVALID")),
            (json!({ "integration": "POSTBACK", "postbackUrl": "https://localhost/pb" }), refused("postbackUrl", "INVALID")),
            (json!({ "integration": "POSTBACK", "postbackUrl": long }), refused("postbackUrl", "INVALID")),
            (json!({ "integration": "POSTBACK" }), refused("postbackUrl", "REQUIRED")),
            (json!({ "integration": "PIXEL" }), refused("pixelUrl", "REQUIRED")),
            (json!({ "integration": "NONE", "pixelUrl": "https://px.partner.example/p.gif" }), refused("pixelUrl", "INVALID")),
        ] {
            let payload = mutate(&app, "updateTrackingSettings", "UpdateTrackingSettingsInput", input(&app, &[p], extra.clone())).await;
            assert_eq!(errors(&payload), expected, "{extra}: {payload}");
        }
        assert_eq!(settings(&app, p).await["trackingSettings"]["integrationType"], "POSTBACK", "refusals wrote nothing");
        let none = mutate(&app, "updateTrackingSettings", "UpdateTrackingSettingsInput",
            input(&app, &[p], json!({ "integration": "NONE" }))).await;
        assert_eq!(none["affectedCount"], 1, "{none}");
        assert_eq!(settings(&app, p).await["trackingSettings"], json!({ "integrationType": "NONE", "postbackUrl": null, "pixelUrl": null }));
    }

    async fn read_only_users_and_other_accounts_partners_are_refused(app) {
        let p = create_partners(&app, &["Alpha"]).await[0];
        let user = accounts::add_user(&app.db, app.account.account_id, "Ann Analyst", "ann@acme.example", UserRole::ReadOnly).await.unwrap();
        let token = accounts::issue_credential(&app.db, app.account.account_id, user, "analyst").await.unwrap();
        let reader = NewAccount { auth_token: token, ..app.account.clone() };
        let query = format!("mutation($i: UpdateComplianceSettingsInput!) {{ updateComplianceSettings(input: $i) {{ {PAYLOAD} }} }}");
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&reader)), &query,
            json!({ "i": input(&app, &[p], json!({ "auditRate": 5 })) })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{body}");
        let other = app.seed_account(10, 21).await;
        let theirs: i64 = app.texts(&format!(
            "SELECT CAST(MIN(partner_id) AS TEXT) FROM campaign_partners WHERE account_id = {}", other.account_id
        )).await[0].as_deref().unwrap().parse().unwrap();
        let rates = format!(
            "SELECT CAST(compliance_audit_rate AS TEXT) FROM campaign_partners WHERE partner_id = {theirs} ORDER BY id"
        );
        let before = app.texts(&rates).await;
        let payload = mutate(&app, "updateComplianceSettings", "UpdateComplianceSettingsInput",
            input(&app, &[theirs], json!({ "auditRate": 5 }))).await;
        assert_eq!(payload["userErrors"][0]["code"], "NOT_FOUND", "{payload}");
        assert_eq!(app.texts(&rates).await, before, "another account's partner untouched");
        let mine = app.texts(&format!("SELECT CAST(compliance_audit_rate AS TEXT) FROM campaign_partners WHERE partner_id = {p}")).await;
        assert_eq!(mine, [None], "the read-only user's attempt wrote nothing");
    }
}
