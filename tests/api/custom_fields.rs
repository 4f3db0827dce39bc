//! Managing custom fields through GraphQL: fields created, renamed, reordered and deleted,
//! options added, renamed, reordered and removed, each with one campaign activity entry; the
//! bounds and conflicts as user errors that write nothing; deleted fields gone from every
//! reader (GraphQL, REST) while filters naming them match nothing instead of failing.

use serde_json::{json, Value};

use crate::rest_support::Rest;
use crate::support::{backend_tests, TestApp};

pub const CREATE: &str = "mutation($i: CreateCustomFieldInput!) { createCustomField(input: $i) {
  customField { customFieldId name description displayType required position options { optionId label } }
  userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdateCustomFieldInput!) { updateCustomField(input: $i) {
  customField { customFieldId name description required } userErrors { field code message } } }";
const REORDER: &str = "mutation($i: ReorderCustomFieldsInput!) { reorderCustomFields(input: $i) {
  customFields { customFieldId position } userErrors { field code message } } }";
pub const DELETE: &str = "mutation($i: DeleteCustomFieldInput!) { deleteCustomField(input: $i) {
  deletedCustomFieldId userErrors { field code message } } }";
const ADD: &str = "mutation($i: AddCustomFieldOptionInput!) { addCustomFieldOption(input: $i) {
  option { optionId label } customField { options { label } } userErrors { field code message } } }";
const RENAME: &str =
    "mutation($i: RenameCustomFieldOptionInput!) { renameCustomFieldOption(input: $i) {
  option { optionId label } userErrors { field code message } } }";
const REORDER_OPTIONS: &str =
    "mutation($i: ReorderCustomFieldOptionsInput!) { reorderCustomFieldOptions(input: $i) {
  customField { options { optionId label } } userErrors { field code message } } }";
pub const REMOVE: &str =
    "mutation($i: RemoveCustomFieldOptionInput!) { removeCustomFieldOption(input: $i) {
  removedOptionId customField { options { label } } userErrors { field code message } } }";
const FIELDS: &str = "query($c: ID!) { campaign(id: $c) { customFields {
  id customFieldId name description displayType position options { optionId label } } } }";

/// The payload of the only mutation of `data`.
pub fn payload(data: &Value) -> Value {
    data.as_object().unwrap().values().next().unwrap().clone()
}

/// `(last field of the path, code)` of each user error.
pub fn codes(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .expect("userErrors")
        .iter()
        .map(|e| {
            let field = e["field"]
                .as_array()
                .and_then(|f| f.last())
                .and_then(Value::as_str);
            (
                field.unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn one(field: &str, code: &str) -> Vec<(String, String)> {
    vec![(field.to_owned(), code.to_owned())]
}

/// Creates a field of the app's campaign; returns its id and option ids.
pub async fn create_field(
    app: &TestApp,
    name: &str,
    display: &str,
    options: &[&str],
) -> (i64, Vec<i64>) {
    let data = app
        .data(
            CREATE,
            json!({ "i": { "campaignId": app.campaign_id().to_string(), "name": name,
        "displayType": display, "options": options } }),
        )
        .await;
    let made = &data["createCustomField"];
    assert_eq!(made["userErrors"], json!([]), "{made}");
    let options = made["customField"]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["optionId"].as_i64().unwrap())
        .collect();
    (
        made["customField"]["customFieldId"].as_i64().unwrap(),
        options,
    )
}

async fn fields(app: &TestApp) -> Vec<Value> {
    app.data(FIELDS, json!({ "c": app.campaign_id().to_string() }))
        .await["campaign"]["customFields"]
        .as_array()
        .unwrap()
        .clone()
}

/// Campaign activity entries (no partner) of `action`.
pub async fn campaign_entries(app: &TestApp, action: &str) -> i64 {
    app.count_rows(&format!(
        "activity_log WHERE action = '{action}' AND campaign_id = {} AND partner_id IS NULL",
        app.campaign_id()
    ))
    .await
}

/// Rows of the custom field tables (and field tombstones), for "nothing written" checks.
pub async fn tables(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "custom_fields",
        "custom_fields WHERE deleted_at IS NOT NULL",
        "custom_field_options",
        "custom_field_answers",
        "custom_field_answer_options",
        "activity_log",
    ] {
        counts.push(app.count_rows(table).await);
    }
    counts
}

backend_tests! {
    async fn fields_are_created_renamed_reordered_and_deleted(app) {
        let c = app.campaign_id().to_string();
        let made = payload(&app.data(CREATE, json!({ "i": { "campaignId": c, "name": "Promotion Plan",
            "description": "How will you promote us?\nBe specific.", "displayType": "PARAGRAPH", "required": true } })).await);
        assert_eq!(made["userErrors"], json!([]), "{made}");
        let plan = made["customField"]["customFieldId"].as_i64().unwrap();
        assert_eq!(made["customField"]["description"], "How will you promote us?\nBe specific.");
        assert_eq!(made["customField"]["required"], true);
        let (tier, _) = create_field(&app, "Tier", "DROPDOWN", &["Gold", "Silver"]).await;
        let (reach, _) = create_field(&app, "Reach", "NUMBER", &[]).await;
        let listed = fields(&app).await;
        let ids: Vec<i64> = listed.iter().map(|f| f["customFieldId"].as_i64().unwrap()).collect();
        assert_eq!(ids, [plan, tier, reach]);
        assert_eq!(listed[1]["options"].as_array().unwrap().iter().map(|o| o["label"].clone()).collect::<Vec<_>>(), [json!("Gold"), json!("Silver")]);
        assert_eq!(campaign_entries(&app, "CUSTOM_FIELD_CREATED").await, 3);

        let renamed = payload(&app.data(UPDATE, json!({ "i": { "fieldId": plan.to_string(), "name": "Promo Plan", "description": null } })).await);
        assert_eq!(renamed["customField"], json!({ "customFieldId": plan, "name": "Promo Plan", "description": null, "required": true }), "{renamed}");
        let details = app.texts("SELECT details FROM activity_log WHERE action = 'CUSTOM_FIELD_UPDATED'").await;
        let details: Value = serde_json::from_str(details[0].as_deref().unwrap()).unwrap();
        assert_eq!((details["before"]["name"].as_str(), details["after"]["name"].as_str()), (Some("Promotion Plan"), Some("Promo Plan")));

        let reordered = payload(&app.data(REORDER, json!({ "i": { "campaignId": c, "fieldIds": [reach.to_string(), plan.to_string(), tier.to_string()] } })).await);
        assert_eq!(reordered["userErrors"], json!([]), "{reordered}");
        let order: Vec<i64> = fields(&app).await.iter().map(|f| f["customFieldId"].as_i64().unwrap()).collect();
        assert_eq!(order, [reach, plan, tier]);
        assert_eq!(campaign_entries(&app, "CUSTOM_FIELDS_REORDERED").await, 1);

        let tier_node = listed[1]["id"].as_str().unwrap().to_owned();
        let deleted = payload(&app.data(DELETE, json!({ "i": { "fieldId": tier_node } })).await);
        assert_eq!(deleted, json!({ "deletedCustomFieldId": tier, "userErrors": [] }));
        let order: Vec<i64> = fields(&app).await.iter().map(|f| f["customFieldId"].as_i64().unwrap()).collect();
        assert_eq!(order, [reach, plan], "a deleted field is gone from Campaign.customFields");
        assert_eq!(app.count_rows(&format!("custom_field_options WHERE field_id = {tier}")).await, 0);
        assert_eq!(campaign_entries(&app, "CUSTOM_FIELD_DELETED").await, 1);
        // Gone everywhere else too: the node, the columns, deleting it again.
        let node = app.data("query($id: ID!) { node(id: $id) { id } }", json!({ "id": listed[1]["id"] })).await;
        assert!(node["node"].is_null(), "{node}");
        let columns = app.data("query($c: ID!) { partnerColumns(campaignId: $c) { key } }", json!({ "c": c })).await;
        assert!(!columns.to_string().contains(&format!("customField:{tier}\"")), "{columns}");
        let again = payload(&app.data(DELETE, json!({ "i": { "fieldId": tier.to_string() } })).await);
        assert_eq!(codes(&again), one("fieldId", "NOT_FOUND"));
        // The name of a deleted field is free again.
        create_field(&app, "tier", "CHECKBOXES", &["A"]).await;

        // REST: the description and options in order, never a deleted field.
        let rest = Rest::new(&app);
        let body = rest.get(&format!("/Advertisers/{}/Campaigns/{c}/CustomFields", rest.sid)).await;
        assert_eq!(body.status, 200, "{}", body.text);
        let body = body.json();
        let rest_ids: Vec<String> = body["CustomFields"].as_array().unwrap().iter().map(|f| f["Id"].as_str().unwrap().to_owned()).collect();
        assert!(!rest_ids.contains(&tier.to_string()), "{body}");
        assert_eq!(body["TotalCount"], "3");
        let (with_text, _) = create_field(&app, "Audience", "PARAGRAPH", &[]).await;
        app.data(UPDATE, json!({ "i": { "fieldId": with_text.to_string(), "description": "Who reads you?" } })).await;
        let body = rest.get(&format!("/Advertisers/{}/Campaigns/{c}/CustomFields", rest.sid)).await.json();
        let with_text_id = with_text.to_string();
        let audience = body["CustomFields"].as_array().unwrap().iter().find(|f| f["Id"].as_str() == Some(with_text_id.as_str())).cloned().unwrap();
        assert_eq!(audience["Description"], "Who reads you?", "{audience}");
    }

    async fn field_bounds_and_conflicts_write_nothing(app) {
        let c = app.campaign_id().to_string();
        let (tier, _) = create_field(&app, "Tier", "DROPDOWN", &["Gold"]).await;
        let (plan, _) = create_field(&app, "Plan", "PARAGRAPH", &[]).await;
        let before = tables(&app).await;
        let input = |name: Value, display: &str, options: Value, extra: Value| {
            let mut i = json!({ "campaignId": c, "name": name, "displayType": display, "options": options });
            i.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            json!({ "i": i })
        };
        let many: Vec<String> = (0..201).map(|n| format!("Option {n}")).collect();
        for (vars, expected) in [
            (input(json!("  "), "NUMBER", json!([]), json!({})), one("name", "REQUIRED")),
            (input(json!("x".repeat(201)), "NUMBER", json!([]), json!({})), one("name", "TOO_LONG")),
            (input(json!("Long"), "NUMBER", json!([]), json!({ "description": "d".repeat(2001) })), one("description", "TOO_LONG")),
            (input(json!("TIER"), "NUMBER", json!([]), json!({})), one("name", "CONFLICT")),
            (input(json!("Reach"), "NUMBER", json!(["One"]), json!({})), one("options", "INVALID")),
            (input(json!("Colours"), "CHECKBOXES", json!(["Red", "red"]), json!({})), one("options", "CONFLICT")),
            (input(json!("Colours"), "CHECKBOXES", json!(many), json!({})), one("options", "TOO_LONG")),
            (input(json!("Colours"), "CHECKBOXES", json!(["x".repeat(201)]), json!({})), one("options", "TOO_LONG")),
            (json!({ "i": { "campaignId": "999999", "name": "Nowhere", "displayType": "DATE" } }), one("campaignId", "NOT_FOUND")),
        ] {
            let result = payload(&app.data(CREATE, vars).await);
            assert_eq!(codes(&result), expected, "{result}");
            assert!(result["customField"].is_null());
        }
        for (vars, expected) in [
            (json!({ "i": { "fieldId": plan.to_string(), "name": "tier" } }), one("name", "CONFLICT")),
            (json!({ "i": { "fieldId": plan.to_string(), "name": "" } }), one("name", "REQUIRED")),
            (json!({ "i": { "fieldId": plan.to_string() } }), one("name", "REQUIRED")),
            (json!({ "i": { "fieldId": "999999", "name": "Ghost" } }), one("fieldId", "NOT_FOUND")),
        ] {
            assert_eq!(codes(&payload(&app.data(UPDATE, vars).await)), expected);
        }
        for ids in [json!([tier.to_string()]), json!([tier.to_string(), plan.to_string(), plan.to_string()]),
            json!([tier.to_string(), "999999"]), json!([plan.to_string(), tier.to_string(), "999999"])] {
            let result = payload(&app.data(REORDER, json!({ "i": { "campaignId": c, "fieldIds": ids } })).await);
            assert_eq!(codes(&result), one("fieldIds", "INVALID"), "{ids}: {result}");
        }
        assert_eq!(tables(&app).await, before, "nothing written");

        // At most 100 fields in a campaign.
        for n in 2..100 {
            create_field(&app, &format!("Field {n}"), "DATE", &[]).await;
        }
        let full = payload(&app.data(CREATE, input(json!("One too many"), "DATE", json!([]), json!({}))).await);
        assert_eq!(codes(&full), one("campaignId", "CONFLICT"), "{full}");
        assert_eq!(app.count_rows("custom_fields WHERE name = 'One too many'").await, 0);
    }

    async fn options_are_added_renamed_reordered_and_removed(app) {
        let (tier, opts) = create_field(&app, "Tier", "DROPDOWN", &["Gold", "Silver"]).await;
        let (plan, _) = create_field(&app, "Plan", "PARAGRAPH", &[]).await;
        let added = payload(&app.data(ADD, json!({ "i": { "fieldId": tier.to_string(), "label": "Platinum", "position": 0 } })).await);
        assert_eq!(added["userErrors"], json!([]), "{added}");
        assert_eq!(added["customField"]["options"], json!([{ "label": "Platinum" }, { "label": "Gold" }, { "label": "Silver" }]));
        let platinum = added["option"]["optionId"].as_i64().unwrap();
        let last = payload(&app.data(ADD, json!({ "i": { "fieldId": tier.to_string(), "label": "Bronze" } })).await);
        assert_eq!(last["customField"]["options"][3]["label"], "Bronze", "{last}");
        let bronze = last["option"]["optionId"].as_i64().unwrap();
        let renamed = payload(&app.data(RENAME, json!({ "i": { "optionId": opts[1].to_string(), "label": "Argent" } })).await);
        assert_eq!(renamed["option"], json!({ "optionId": opts[1], "label": "Argent" }), "{renamed}");
        let order = json!([bronze.to_string(), opts[1].to_string(), opts[0].to_string(), platinum.to_string()]);
        let reordered = payload(&app.data(REORDER_OPTIONS, json!({ "i": { "fieldId": tier.to_string(), "optionIds": order } })).await);
        let labels: Vec<&str> = reordered["customField"]["options"].as_array().unwrap().iter().map(|o| o["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["Bronze", "Argent", "Gold", "Platinum"], "{reordered}");
        for action in ["CUSTOM_FIELD_OPTION_ADDED", "CUSTOM_FIELD_OPTION_RENAMED", "CUSTOM_FIELD_OPTIONS_REORDERED"] {
            assert!(campaign_entries(&app, action).await >= 1, "{action}");
        }

        let before = tables(&app).await;
        for (query, vars, expected) in [
            (ADD, json!({ "i": { "fieldId": tier.to_string(), "label": "gold" } }), one("label", "CONFLICT")),
            (ADD, json!({ "i": { "fieldId": tier.to_string(), "label": " " } }), one("label", "REQUIRED")),
            (ADD, json!({ "i": { "fieldId": tier.to_string(), "label": "x".repeat(201) } }), one("label", "TOO_LONG")),
            (ADD, json!({ "i": { "fieldId": plan.to_string(), "label": "Nope" } }), one("fieldId", "INVALID")),
            (ADD, json!({ "i": { "fieldId": "999999", "label": "Nope" } }), one("fieldId", "NOT_FOUND")),
            (RENAME, json!({ "i": { "optionId": opts[0].to_string(), "label": "BRONZE" } }), one("label", "CONFLICT")),
            (RENAME, json!({ "i": { "optionId": "999999", "label": "Nope" } }), one("optionId", "NOT_FOUND")),
            (REORDER_OPTIONS, json!({ "i": { "fieldId": tier.to_string(), "optionIds": [bronze.to_string()] } }), one("optionIds", "INVALID")),
            (REMOVE, json!({ "i": { "optionId": "999999" } }), one("optionId", "NOT_FOUND")),
        ] {
            let result = payload(&app.data(query, vars.clone()).await);
            assert_eq!(codes(&result), expected, "{vars}: {result}");
        }
        assert_eq!(tables(&app).await, before, "nothing written");

        let removed = payload(&app.data(REMOVE, json!({ "i": { "optionId": bronze.to_string() } })).await);
        assert_eq!(removed["removedOptionId"].as_i64(), Some(bronze), "{removed}");
        assert_eq!(removed["customField"]["options"], json!([{ "label": "Argent" }, { "label": "Gold" }, { "label": "Platinum" }]));
        assert_eq!(campaign_entries(&app, "CUSTOM_FIELD_OPTION_REMOVED").await, 1);
    }

    async fn a_change_to_what_is_already_there_writes_no_entry(app) {
        let c = app.campaign_id().to_string();
        let (plan, _) = create_field(&app, "Plan", "PARAGRAPH", &[]).await;
        let (tier, options) = create_field(&app, "Tier", "DROPDOWN", &["Gold", "Silver"]).await;
        let before = tables(&app).await;
        let same = payload(&app.data(UPDATE, json!({ "i": { "fieldId": plan.to_string(), "name": "Plan", "required": false } })).await);
        assert_eq!(same["userErrors"], json!([]), "{same}");
        assert_eq!(same["customField"]["name"], "Plan");
        let same = payload(&app.data(RENAME, json!({ "i": { "optionId": options[0].to_string(), "label": "Gold" } })).await);
        assert_eq!(same["option"]["label"], "Gold", "{same}");
        let ids: Vec<String> = fields(&app).await.iter().map(|f| f["customFieldId"].to_string()).collect();
        let same = payload(&app.data(REORDER, json!({ "i": { "campaignId": c, "fieldIds": ids } })).await);
        assert_eq!(same["userErrors"], json!([]), "{same}");
        let option_ids: Vec<String> = options.iter().map(i64::to_string).collect();
        let same = payload(&app.data(REORDER_OPTIONS, json!({ "i": { "fieldId": tier.to_string(), "optionIds": option_ids } })).await);
        assert_eq!(same["userErrors"], json!([]), "{same}");
        assert_eq!(tables(&app).await, before, "no activity entry for a change of nothing");
        // A real change still writes one.
        let renamed = payload(&app.data(RENAME, json!({ "i": { "optionId": options[0].to_string(), "label": "GOLD" } })).await);
        assert_eq!(renamed["option"]["label"], "GOLD", "{renamed}");
        assert_eq!(campaign_entries(&app, "CUSTOM_FIELD_OPTION_RENAMED").await, 1);
    }

    async fn concurrent_renames_are_timed_in_the_order_they_were_made(app) {
        // The time of a field change is read once the campaign's lock is held, so the feed's
        // newest entry is the change the field keeps.
        let (field, _) = create_field(&app, "Tier", "PARAGRAPH", &[]).await;
        for round in 0..3 {
            let renames = (1..=6).map(|i| app.graphql(UPDATE, json!({ "i": { "fieldId": field.to_string(), "name": format!("Tier {round}-{i}") } })));
            for (status, body) in futures_util::future::join_all(renames).await {
                assert_eq!((status, body.get("errors")), (200, None), "{body}");
            }
            let kept = app.texts(&format!("SELECT name FROM custom_fields WHERE id = {field}")).await;
            let newest = app.texts("SELECT details FROM activity_log WHERE action = 'CUSTOM_FIELD_UPDATED' ORDER BY created_at DESC, id DESC LIMIT 1").await;
            let newest: Value = serde_json::from_str(newest[0].as_deref().unwrap()).unwrap();
            assert_eq!(newest["after"]["name"].as_str(), kept[0].as_deref(), "round {round}: {newest}");
        }
    }

    async fn reordering_costs_the_same_statements_for_few_and_many(app) {
        // Options: 3 reversed, then 12 reversed, each one UPDATE whatever their number.
        let mut spent = Vec::new();
        for (name, count) in [("Few", 3), ("Many", 12)] {
            let labels: Vec<String> = (0..count).map(|i| format!("{name} {i}")).collect();
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            let (field, mut options) = create_field(&app, name, "DROPDOWN", &labels).await;
            options.reverse();
            let ids: Vec<String> = options.iter().map(i64::to_string).collect();
            let before = app.statements();
            let data = app.data(REORDER_OPTIONS, json!({ "i": { "fieldId": field.to_string(), "optionIds": ids } })).await;
            spent.push(app.statements() - before);
            let done = &data["reorderCustomFieldOptions"];
            assert_eq!(done["userErrors"], json!([]), "{done}");
            let got: Vec<i64> = done["customField"]["options"].as_array().unwrap().iter().map(|o| o["optionId"].as_i64().unwrap()).collect();
            assert_eq!(got, options, "the options read back in the order given");
        }
        assert_eq!(spent[0], spent[1], "reordering 3 or 12 options: the same statements");

        // Fields: every field of the campaign reversed, with 2 more fields the second time.
        let mut spent = Vec::new();
        for round in 0..2 {
            if round == 1 {
                create_field(&app, "Extra 1", "NUMBER", &[]).await;
                create_field(&app, "Extra 2", "NUMBER", &[]).await;
            }
            let mut ids: Vec<i64> = fields(&app).await.iter().map(|f| f["customFieldId"].as_i64().unwrap()).collect();
            ids.reverse();
            let sent: Vec<String> = ids.iter().map(i64::to_string).collect();
            let before = app.statements();
            let data = app.data(REORDER, json!({ "i": { "campaignId": app.campaign_id().to_string(), "fieldIds": sent } })).await;
            spent.push(app.statements() - before);
            let done = &data["reorderCustomFields"];
            assert_eq!(done["userErrors"], json!([]), "{done}");
            let answered: Vec<(i64, i64)> = done["customFields"].as_array().unwrap().iter().map(|f| (f["customFieldId"].as_i64().unwrap(), f["position"].as_i64().unwrap())).collect();
            let expected: Vec<(i64, i64)> = ids.iter().enumerate().map(|(i, id)| (*id, i as i64)).collect();
            assert_eq!(answered, expected, "the answer gives the new positions");
            let stored: Vec<(i64, i64)> = fields(&app).await.iter().map(|f| (f["customFieldId"].as_i64().unwrap(), f["position"].as_i64().unwrap())).collect();
            assert_eq!(stored, expected, "and they are stored");
        }
        assert_eq!(spent[0], spent[1], "reordering fields: the same statements for more fields");
    }
}

/// The ```graphql blocks of the README's custom fields section, one document per operation.
fn readme_examples() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("### Custom fields: the questions")
        .expect("the README's custom fields section");
    let section = &readme[start..];
    let end = section[4..].find("\n### ").map_or(section.len(), |i| i + 4);
    let mut documents: Vec<String> = Vec::new();
    let mut in_block = false;
    for line in section[..end].lines() {
        match line.trim() {
            "```graphql" => in_block = true,
            "```" => in_block = false,
            _ if in_block
                && (line.starts_with("mutation")
                    || line.starts_with('{')
                    || line.starts_with("query")) =>
            {
                documents.push(line.to_owned());
            }
            _ if in_block => documents
                .last_mut()
                .expect("an operation")
                .push_str(&format!("\n{line}")),
            _ => {}
        }
    }
    documents
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_custom_field_examples_run_against_the_schema() {
    let app = TestApp::spawn(crate::support::Backend::Sqlite)
        .await
        .expect("sqlite app");
    {
        let examples = readme_examples();
        assert!(examples.len() >= 10, "{examples:#?}");
        for document in examples {
            let (status, body) = app.graphql(&document, json!({})).await;
            assert_eq!(
                (status, body.get("errors")),
                (200, None),
                "{document}\n{body}"
            );
        }
    }
}
