//! Tenants never meet: every root field and mutation of the schema, and every REST route, called
//! by one account with another account's ids (numeric and global, of every kind) answers as for
//! ids that do not exist. No answer shows anything of the other account, and nothing of it
//! changes. The fields and mutations are read from `schema.graphql`, so a new one is walked too
//! (the test fails if one was not called).

mod calls;

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::support::{backend_tests, TestApp};
use partnergraph::service::accounts::NewAccount;

/// The other account: its ids, and text of its data that must never show to the caller.
pub struct Victim {
    pub account: NewAccount,
    /// Numeric and global ids of every kind, and the campaign each belongs to.
    pub ids: Vec<String>,
    pub campaigns: Vec<String>,
    pub groups: Vec<String>,
    pub partners: Vec<String>,
    /// Numeric ids of its notes.
    pub notes: Vec<String>,
    /// Names, e-mails, note texts and the SID of the account.
    pub secrets: Vec<String>,
}

const VICTIM_DATA: &str = "query($c: ID!) {
  viewer { account { id accountId name accountSid users { id userId name email } } }
  campaigns { id campaignId name
    partnerGroups { id groupId name }
    contractTemplates { id templateId name }
    customFields { id customFieldId name options { optionId label } } }
  partners(campaignId: $c, first: 500) { nodes { id partnerId name email websiteUrl
    contracts { id contractId name } mediaProperties { id mediaPropertyId name }
    notes(first: 5) { nodes { noteId body } } } }
  partnerViews(campaignId: $c) { id viewId name } }";

/// Everything of the victim's account as the victim sees it (compared before and after).
const VICTIM_SNAPSHOT: &str = "query($c: ID!) {
  campaigns { campaignId name partnerGroups { groupId name memberCount }
    customFields { customFieldId name description position options { optionId label } }
    partners(first: 500) { totalCount nodes { partnerId name email relationshipStage
      groups { groupId } contracts { contractId status } assignedTo { userId }
      notes(first: 5) { nodes { noteId body type updatedAt } } } } }
  partnerViews(campaignId: $c) { viewId name columns filter } }";

async fn victim(app: &TestApp) -> Victim {
    let account = app.seed_account(12, 4242).await;
    let c = account.campaign_ids[0].to_string();
    app.data_as(
        &account,
        "mutation($c: ID!) { savePartnerView(input: { campaignId: $c, name: \"Victim view\", columns: [\"name\"] }) { userErrors { code } } }",
        json!({ "c": c }),
    )
    .await;
    let data = app.data_as(&account, VICTIM_DATA, json!({ "c": c })).await;
    let mut ids = BTreeSet::new();
    let mut secrets = BTreeSet::new();
    collect(&data, &mut ids, &mut secrets);
    let pick = |list: &Value, keys: [&str; 2]| -> Vec<String> {
        list.as_array()
            .into_iter()
            .flatten()
            .flat_map(|v| keys.map(|k| v[k].to_string().trim_matches('"').to_owned()))
            .collect()
    };
    let campaigns = pick(&data["campaigns"], ["id", "campaignId"]);
    let groups = data["campaigns"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| pick(&c["partnerGroups"], ["id", "groupId"]))
        .collect();
    let partners = pick(&data["partners"]["nodes"], ["id", "partnerId"]);
    let notes: Vec<String> = data["partners"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["notes"]["nodes"].as_array().cloned().unwrap_or_default())
        .map(|n| n["noteId"].to_string())
        .collect();
    assert!(!notes.is_empty(), "the victim has notes to probe with");
    secrets.insert(account.account_sid.clone());
    // Text the caller's own data has too (a default user name, say) is no secret.
    let own = app
        .data(VICTIM_DATA, json!({ "c": app.campaign_id().to_string() }))
        .await;
    let (mut own_ids, mut own_text) = (BTreeSet::new(), BTreeSet::new());
    collect(&own, &mut own_ids, &mut own_text);
    secrets.retain(|s| !own_text.contains(s));
    Victim {
        account,
        ids: ids.into_iter().collect(),
        campaigns,
        groups,
        partners,
        notes,
        secrets: secrets.into_iter().filter(|s| s.len() >= 6).collect(),
    }
}

/// Every id (keys `id` and `…Id`) and every name, e-mail and label in `value`.
fn collect(value: &Value, ids: &mut BTreeSet<String>, secrets: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::Number(n) if key.ends_with("Id") => {
                        ids.insert(n.to_string());
                    }
                    Value::String(s) if key == "id" => {
                        ids.insert(s.clone());
                    }
                    Value::String(s)
                        if ["name", "email", "label", "websiteUrl", "accountSid", "body"]
                            .contains(&key.as_str()) =>
                    {
                        secrets.insert(s.clone());
                    }
                    _ => collect(v, ids, secrets),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, ids, secrets)),
        _ => {}
    }
}

async fn snapshot(app: &TestApp, victim: &Victim) -> Value {
    let c = victim.account.campaign_ids[0].to_string();
    let mut data = app
        .data_as(&victim.account, VICTIM_SNAPSHOT, json!({ "c": c }))
        .await;
    // The partners' custom field answers, read in SQL (through GraphQL they cost too much for
    // one request): their count, options and latest change.
    let account = victim.account.account_id;
    data["answers"] = json!(
        app.texts(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) || ' ' || CAST(MAX(updated_at) AS TEXT) FROM custom_field_answers WHERE account_id = {account} \
             UNION ALL SELECT CAST(COUNT(*) AS TEXT) FROM custom_field_answer_options WHERE account_id = {account}"
        ))
        .await
    );
    data
}

/// Fails when `answer` shows any of the victim's secrets.
pub fn assert_no_leak(victim: &Victim, answer: &str, what: &str) {
    if let Some(secret) = victim.secrets.iter().find(|s| answer.contains(s.as_str())) {
        panic!("{what} showed the other account's {secret:?}:\n{answer}");
    }
}

backend_tests! {
    async fn another_accounts_ids_behave_as_unknown_everywhere(app) {
        let victim = victim(&app).await;
        assert!(victim.partners.len() >= 12 && !victim.groups.is_empty(), "the victim has data");
        let before = snapshot(&app, &victim).await;
        let called = calls::every_graphql_field(&app, &victim).await;
        let expected = calls::schema_root_fields();
        let missing: Vec<&String> = expected.iter().filter(|f| !called.contains(*f)).collect();
        assert!(missing.is_empty(), "root fields never called: {missing:?}");
        calls::every_rest_route(&app, &victim).await;
        calls::bulk_edit_upload(&app, &victim).await;
        assert_eq!(snapshot(&app, &victim).await, before, "the other account's data changed");
        // The caller's own account still works.
        let (status, _) = app.graphql("{ viewer { user { name } } }", json!({})).await;
        assert_eq!(status, 200);
    }
}
