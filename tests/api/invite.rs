//! "Invite to my campaign": partners of one campaign join another as prospects with a proposed
//! contract; those already there are skipped and counted; dry runs and refusals write nothing.

use serde_json::{json, Value};

use crate::support::{backend_tests, TestApp};
use partnergraph::service::accounts::NewAccount;

const INVITE: &str = "mutation($i: InvitePartnersInput!) { invitePartners(input: $i) {
  matchedCount affectedCount invitedCount alreadyInCampaignCount emailTakenCount dryRun
  userErrors { field code message } } }";

async fn ids(app: &TestApp, sql: &str) -> Vec<i64> {
    app.texts(sql)
        .await
        .into_iter()
        .map(|v| v.unwrap().parse().unwrap())
        .collect()
}

async fn invite(app: &TestApp, account: &NewAccount, input: Value) -> Value {
    app.data_as(account, INVITE, json!({ "i": input })).await["invitePartners"].clone()
}

fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

backend_tests! {
    async fn partners_join_another_campaign_as_prospects_with_a_proposal(app) {
        let brand = app.seed_account(60, 77).await;
        let (a, b) = (brand.campaign_ids[0], brand.campaign_ids[1]);
        let only_a = ids(&app, &format!(
            "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {a} AND partner_id NOT IN \
             (SELECT partner_id FROM campaign_partners WHERE campaign_id = {b}) AND (email IS NULL OR email NOT IN \
             (SELECT email FROM campaign_partners WHERE campaign_id = {b} AND email IS NOT NULL)) ORDER BY partner_id LIMIT 3"
        )).await;
        let both = ids(&app, &format!(
            "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {a} AND partner_id IN \
             (SELECT partner_id FROM campaign_partners WHERE campaign_id = {b}) ORDER BY partner_id LIMIT 1"
        )).await;
        assert_eq!((only_a.len(), both.len()), (3, 1), "the seed gives both kinds");
        let template = ids(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM contract_templates WHERE campaign_id = {b}")).await[0];
        let wrong = ids(&app, &format!("SELECT CAST(MIN(id) AS TEXT) FROM contract_templates WHERE campaign_id = {a}")).await[0];
        let selected: Vec<String> = only_a.iter().chain(&both).map(i64::to_string).collect();
        let input = |extra: Value| {
            let mut i = json!({ "campaignId": a.to_string(), "selection": { "ids": selected },
                "targetCampaignId": b.to_string(), "templateId": template.to_string() });
            i.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            i
        };
        let in_b = format!("campaign_partners WHERE campaign_id = {b}");
        let (rows_b, contracts) = (app.count_rows(&in_b).await, app.count_rows("partner_contracts").await);

        let dry = invite(&app, &brand, input(json!({ "dryRun": true }))).await;
        assert_eq!((dry["matchedCount"].as_i64(), dry["invitedCount"].as_i64(), dry["alreadyInCampaignCount"].as_i64()),
            (Some(4), Some(3), Some(1)), "{dry}");
        assert_eq!((app.count_rows(&in_b).await, app.count_rows("partner_contracts").await), (rows_b, contracts), "a dry run writes nothing");

        let version = |c: i64| { let app = &app; async move {
            ids(app, &format!("SELECT CAST(COALESCE(MAX(version), 0) AS TEXT) FROM campaign_list_versions WHERE campaign_id = {c}")).await[0]
        } };
        let (version_a, version_b) = (version(a).await, version(b).await);
        let done = invite(&app, &brand, input(json!({}))).await;
        assert_eq!((done["invitedCount"].as_i64(), done["affectedCount"].as_i64(), &done["userErrors"]), (Some(3), Some(3), &json!([])), "{done}");
        assert_eq!(app.count_rows(&in_b).await, rows_b + 3);
        // The source campaign is not written: no version, nothing logged. The other campaign's
        // new rows are logged by the triggers.
        assert_eq!(version(a).await, version_a, "nothing of the source campaign changed");
        let logged_b = ids(&app, &format!("SELECT DISTINCT CAST(partner_id AS TEXT) FROM campaign_list_changes \
            WHERE campaign_id = {b} AND version > {version_b}")).await;
        assert!(version(b).await > version_b && only_a.iter().all(|p| logged_b.contains(p)), "{logged_b:?}");
        assert_eq!(app.count_rows("change_log_pauses").await, 0, "no pause outlives its action");
        for p in &only_a {
            let partner = app.data_as(&brand, "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
                relationshipStage pendingContracts { status template { templateId } } } }",
                json!({ "c": b.to_string(), "p": p.to_string() })).await["partner"].clone();
            assert_eq!(partner["relationshipStage"], "OUTREACH", "{partner}");
            assert_eq!(partner["pendingContracts"][0]["template"]["templateId"].as_i64(), Some(template), "{partner}");
        }
        let listed = app.data_as(&brand, "query($c: ID!) { partners(campaignId: $c, filter: { relationshipStages: [OUTREACH] }) { nodes { partnerId } } }",
            json!({ "c": b.to_string() })).await;
        let listed: Vec<i64> = listed["partners"]["nodes"].as_array().unwrap().iter().map(|n| n["partnerId"].as_i64().unwrap()).collect();
        assert!(only_a.iter().all(|p| listed.contains(p)), "the other campaign's list shows them at once: {listed:?}");
        let logged = ids(&app, &format!("SELECT CAST(COUNT(*) AS TEXT) FROM activity_log WHERE campaign_id = {a} AND action = 'PARTNER_INVITED'")).await;
        assert_eq!(logged, [3]);

        // The partner accepts: the proposal is its first contract, and it has joined.
        let accepted = crate::contract_support::answer(&app, &brand, json!({ "campaignId": b.to_string(),
            "selection": { "ids": [only_a[0].to_string()] }, "accept": true })).await;
        assert_eq!(crate::contract_support::counts(&accepted), (1, 1, vec![]), "{accepted}");
        assert_eq!(crate::contract_support::current_template(&app, b, only_a[0]).await, Some(template));
        assert_eq!(crate::contract_support::standing_of(&app, b, only_a[0]).await, ("ACTIVE".to_owned(), "JOINED".to_owned()));
        let joined = app.texts(&format!("SELECT CAST(date_joined AS TEXT) FROM campaign_partners WHERE campaign_id = {b} AND partner_id = {}", only_a[0])).await;
        assert!(joined[0].is_some(), "it joined now");

        // Again: everyone is there now — a user error, nothing written.
        let again = invite(&app, &brand, input(json!({}))).await;
        assert_eq!(codes(&again), ["CONFLICT"], "{again}");
        assert_eq!(app.count_rows(&in_b).await, rows_b + 3);
        let same = invite(&app, &brand, input(json!({ "targetCampaignId": a.to_string() }))).await;
        assert_eq!(codes(&same), ["INVALID"]);
        let wrong_template = invite(&app, &brand, input(json!({ "templateId": wrong.to_string() }))).await;
        assert_eq!(codes(&wrong_template), ["WRONG_CAMPAIGN"]);
        let foreign = invite(&app, &brand, input(json!({ "targetCampaignId": app.campaign_id().to_string() }))).await;
        assert_eq!(codes(&foreign), ["NOT_FOUND"], "another account's campaign");
        assert_eq!(app.count_rows(&format!("campaign_partners WHERE campaign_id = {}", app.campaign_id())).await, 0);
    }
}
