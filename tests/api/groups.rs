//! Partner groups in GraphQL: list with member counts, lookup, create / update / delete, the
//! `members` connection, bad input and other accounts' groups.

use partnergraph::service::accounts::NewAccount;
use serde_json::{json, Value};

use crate::first_error_code;
use crate::support::{backend_tests, TestApp};

pub const CREATE: &str = "mutation($i: CreatePartnerGroupInput!) { createPartnerGroup(input: $i) {
  group { id groupId name memberCount campaignId } userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdatePartnerGroupInput!) { updatePartnerGroup(input: $i) {
  group { groupId name memberCount } userErrors { field code message } } }";
const DELETE: &str = "mutation($i: DeletePartnerGroupInput!) { deletePartnerGroup(input: $i) {
  group { groupId name } userErrors { field code message } } }";
const GROUPS: &str =
    "query($c: ID!) { partnerGroups(campaignId: $c) { groupId name memberCount } }";
const MEMBERS: &str =
    "query($g: ID!, $f: PartnerFilter, $o: [PartnerOrder!]) { partnerGroup(id: $g) {
  members(filter: $f, orderBy: $o, first: 500) { totalCount nodes { partnerId } } } }";

/// The partner ids of a campaign (up to 500), optionally filtered, in the given order.
pub async fn partner_ids(
    app: &TestApp,
    acme: &NewAccount,
    campaign: i64,
    filter: Value,
) -> Vec<i64> {
    let data = app
        .data_as(
            acme,
            "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 500) { nodes { partnerId } } }",
            json!({ "c": campaign.to_string(), "f": filter }),
        )
        .await;
    ids_of(&data["partners"]["nodes"])
}

pub fn ids_of(nodes: &Value) -> Vec<i64> {
    nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["partnerId"].as_i64().unwrap())
        .collect()
}

/// The member ids of a group (sorted), read through `members`.
pub async fn member_ids(app: &TestApp, acme: &NewAccount, group: i64) -> Vec<i64> {
    let data = app
        .data_as(acme, MEMBERS, json!({ "g": group.to_string() }))
        .await;
    let mut ids = ids_of(&data["partnerGroup"]["members"]["nodes"]);
    ids.sort_unstable();
    ids
}

/// Takes these partners out of every group of the campaign (the seed puts partners in groups).
pub async fn clear_groups(app: &TestApp, acme: &NewAccount, campaign: i64, partners: &[i64]) {
    let ids: Vec<String> = partners.iter().map(i64::to_string).collect();
    let data = app
        .data_as(acme, "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) { userErrors { message } } }",
            json!({ "i": { "campaignId": campaign.to_string(), "selection": { "ids": ids }, "removeFromAll": true } }))
        .await;
    assert_eq!(data["changePartnerGroups"]["userErrors"], json!([]));
}

/// Creates a group as `acme` and returns its numeric id.
pub async fn create_group(
    app: &TestApp,
    acme: &NewAccount,
    campaign: i64,
    name: &str,
    partners: &[i64],
) -> i64 {
    let ids: Vec<String> = partners.iter().map(i64::to_string).collect();
    let data = app
        .data_as(
            acme,
            CREATE,
            json!({ "i": { "campaignId": campaign.to_string(), "name": name, "partnerIds": ids } }),
        )
        .await;
    let payload = &data["createPartnerGroup"];
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    payload["group"]["groupId"].as_i64().unwrap()
}

fn codes(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field: Vec<&str> = e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            (field.join("."), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

async fn membership_rows(app: &TestApp, group: i64) -> i64 {
    app.count_rows(&format!("partner_group_members WHERE group_id = {group}"))
        .await
}

backend_tests! {
    async fn a_group_is_created_listed_updated_and_deleted(app) {
        let acme = app.seed_account(30, 41).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let (p1, p2, p3) = (ids[0], ids[1], ids[2]);

        let data = app.data_as(&acme, CREATE, json!({ "i": {
            "campaignId": campaign.to_string(), "name": "  Top Creators ", "partnerIds": [p1.to_string(), p2.to_string(), p2.to_string()] } })).await;
        let group = &data["createPartnerGroup"]["group"];
        assert_eq!(group["name"], "Top Creators");
        assert_eq!(group["memberCount"], 2);
        assert_eq!(group["campaignId"].as_i64(), Some(campaign));
        let id = group["groupId"].as_i64().unwrap();
        let global = group["id"].as_str().unwrap().to_owned();

        let listed = app.data_as(&acme, GROUPS, json!({ "c": campaign.to_string() })).await;
        let row = listed["partnerGroups"].as_array().unwrap().iter().find(|g| g["groupId"].as_i64() == Some(id)).cloned().unwrap();
        assert_eq!(row["memberCount"], 2);
        let node = app.data_as(&acme, "query($id: ID!) { node(id: $id) { ... on PartnerGroup { groupId name memberCount } } }", json!({ "id": global })).await;
        assert_eq!(node["node"], json!({ "groupId": id, "name": "Top Creators", "memberCount": 2 }));
        assert_eq!(member_ids(&app, &acme, id).await, { let mut v = vec![p1, p2]; v.sort(); v });

        let data = app.data_as(&acme, UPDATE, json!({ "i": {
            "id": id.to_string(), "name": "Top Creators 2026", "addPartnerIds": [p3.to_string(), p2.to_string()], "removePartnerIds": [p1.to_string()] } })).await;
        let payload = &data["updatePartnerGroup"];
        assert_eq!(payload["userErrors"], json!([]));
        assert_eq!(payload["group"], json!({ "groupId": id, "name": "Top Creators 2026", "memberCount": 2 }));
        assert_eq!(member_ids(&app, &acme, id).await, { let mut v = vec![p2, p3]; v.sort(); v });

        let data = app.data_as(&acme, DELETE, json!({ "i": { "id": global } })).await;
        assert_eq!(data["deletePartnerGroup"]["group"]["name"], "Top Creators 2026");
        assert_eq!(membership_rows(&app, id).await, 0);
        let listed = app.data_as(&acme, GROUPS, json!({ "c": campaign.to_string() })).await;
        assert!(listed["partnerGroups"].as_array().unwrap().iter().all(|g| g["groupId"].as_i64() != Some(id)));
        // The partners stay.
        assert_eq!(partner_ids(&app, &acme, campaign, Value::Null).await, ids);
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), "query($g: ID!) { partnerGroup(id: $g) { name } }", json!({ "g": id.to_string() })).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert!(body["data"]["partnerGroup"].is_null(), "{body}");
    }

    async fn member_counts_match_the_memberships(app) {
        let acme = app.seed_account(60, 42).await;
        let campaign = acme.campaign_ids[0];
        // Byte order would put "Zebra" before "aardvark".
        create_group(&app, &acme, campaign, "aardvark", &[]).await;
        create_group(&app, &acme, campaign, "Zebra", &[]).await;
        let listed = app.data_as(&acme, GROUPS, json!({ "c": campaign.to_string() })).await;
        let groups = listed["partnerGroups"].as_array().unwrap();
        assert!(!groups.is_empty());
        for g in groups {
            let id = g["groupId"].as_i64().unwrap();
            assert_eq!(g["memberCount"].as_i64().unwrap(), membership_rows(&app, id).await, "{g}");
        }
        let names: Vec<String> = groups.iter().map(|g| g["name"].as_str().unwrap().to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "groups are listed by name, ignoring case");
    }

    async fn members_take_the_partner_filter_and_order(app) {
        let acme = app.seed_account(80, 43).await;
        let campaign = acme.campaign_ids[0];
        let all = partner_ids(&app, &acme, campaign, Value::Null).await;
        let chosen: Vec<i64> = all.iter().copied().step_by(2).collect();
        let group = create_group(&app, &acme, campaign, "Evens", &chosen).await;
        let size = json!({ "sizes": ["SMALL", "MEDIUM", "LARGE"] });
        let order = json!([{ "field": "NAME", "direction": "DESC" }]);
        let members = app.data_as(&acme, MEMBERS, json!({ "g": group.to_string(), "f": size, "o": order })).await;
        let members = &members["partnerGroup"]["members"];
        let expected = app.data_as(&acme,
            "query($c: ID!, $f: PartnerFilter, $o: [PartnerOrder!]) { partners(campaignId: $c, filter: $f, orderBy: $o, first: 500) { totalCount nodes { partnerId } } }",
            json!({ "c": campaign.to_string(), "f": { "and": [size, { "groupIds": [group.to_string()] }] }, "o": order })).await;
        assert_eq!(members["nodes"], expected["partners"]["nodes"]);
        assert_eq!(members["totalCount"], expected["partners"]["totalCount"]);
        assert!(members["totalCount"].as_i64().unwrap() < chosen.len() as i64);
    }

    async fn bad_group_input_is_refused_and_writes_nothing(app) {
        let acme = app.seed_account(20, 44).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        create_group(&app, &acme, campaign, "QA Coupon Sites", &[]).await;
        let groups_before = app.count_rows("partner_groups").await;
        let members_before = app.count_rows("partner_group_members").await;
        let other_campaign_partner = partner_ids(&app, &acme, acme.campaign_ids[1], Value::Null).await
            .into_iter().find(|p| !ids.contains(p));

        let cases = [
            (json!({ "campaignId": campaign.to_string(), "name": "   " }), ("input.name", "REQUIRED")),
            (json!({ "campaignId": campaign.to_string(), "name": "qa coupon SITES" }), ("input.name", "CONFLICT")),
            (json!({ "campaignId": campaign.to_string(), "name": "x".repeat(256) }), ("input.name", "TOO_LONG")),
            (json!({ "campaignId": campaign.to_string(), "name": "New", "partnerIds": [ids[0].to_string(), "999999999"] }), ("input.partnerIds", "NOT_FOUND")),
            (json!({ "campaignId": campaign.to_string(), "name": "New", "partnerIds": ["nope"] }), ("input.partnerIds", "INVALID")),
            (json!({ "campaignId": "999999", "name": "New" }), ("input.campaignId", "NOT_FOUND")),
        ];
        for (input, expected) in cases {
            let data = app.data_as(&acme, CREATE, json!({ "i": input })).await;
            let payload = &data["createPartnerGroup"];
            assert!(payload["group"].is_null());
            assert_eq!(codes(payload), vec![(expected.0.to_owned(), expected.1.to_owned())], "{input}");
        }
        if let Some(p) = other_campaign_partner {
            let data = app.data_as(&acme, CREATE, json!({ "i": { "campaignId": campaign.to_string(), "name": "New", "partnerIds": [p.to_string()] } })).await;
            assert_eq!(codes(&data["createPartnerGroup"]), vec![("input.partnerIds".to_owned(), "NOT_FOUND".to_owned())]);
        }
        let data = app.data_as(&acme, UPDATE, json!({ "i": { "id": "987654", "name": "X" } })).await;
        assert_eq!(codes(&data["updatePartnerGroup"]), vec![("input.id".to_owned(), "NOT_FOUND".to_owned())]);
        let data = app.data_as(&acme, DELETE, json!({ "i": { "id": "987654" } })).await;
        assert_eq!(codes(&data["deletePartnerGroup"]), vec![("input.id".to_owned(), "NOT_FOUND".to_owned())]);
        assert_eq!(app.count_rows("partner_groups").await, groups_before);
        assert_eq!(app.count_rows("partner_group_members").await, members_before);
    }

    async fn another_accounts_groups_are_out_of_reach(app) {
        let acme = app.seed_account(20, 45).await;
        let globex = app.seed_account(20, 46).await;
        let campaign = acme.campaign_ids[0];
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let group = create_group(&app, &acme, campaign, "Acme only", &ids[..3]).await;

        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&globex)), "query($g: ID!) { partnerGroup(id: $g) { name } }", json!({ "g": group.to_string() })).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert!(body["data"]["partnerGroup"].is_null(), "{body}");
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&globex)), GROUPS, json!({ "c": campaign.to_string() })).await;
        assert_eq!(first_error_code(&body), "NOT_FOUND");
        let data = app.data_as(&globex, UPDATE, json!({ "i": { "id": group.to_string(), "name": "Mine now" } })).await;
        assert_eq!(codes(&data["updatePartnerGroup"]), vec![("input.id".to_owned(), "NOT_FOUND".to_owned())]);
        let data = app.data_as(&globex, DELETE, json!({ "i": { "id": group.to_string() } })).await;
        assert_eq!(codes(&data["deletePartnerGroup"]), vec![("input.id".to_owned(), "NOT_FOUND".to_owned())]);
        let data = app.data_as(&globex, CREATE, json!({ "i": { "campaignId": campaign.to_string(), "name": "Intruder" } })).await;
        assert_eq!(codes(&data["createPartnerGroup"]), vec![("input.campaignId".to_owned(), "NOT_FOUND".to_owned())]);
        assert_eq!(member_ids(&app, &acme, group).await, { let mut v = ids[..3].to_vec(); v.sort(); v });
        let data = app.data_as(&acme, "query($g: ID!) { partnerGroup(id: $g) { name } }", json!({ "g": group.to_string() })).await;
        assert_eq!(data["partnerGroup"]["name"], "Acme only");
    }
}
