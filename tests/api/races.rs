//! Concurrent group writes, run many rounds (most on PostgreSQL, where they really overlap):
//! a group deleted while partners are added to it keeps no memberships and both callers hear
//! the truth; identical changes at once each report what they changed and log it once; changes
//! that lock in opposite orders never answer `INTERNAL`.

use partnergraph::service::accounts::NewAccount;
use serde_json::{json, Value};
use tokio::task::JoinSet;

use crate::group_changes::error_codes;
use crate::group_file::upload_as;
use crate::groups::{create_group, partner_ids};
use crate::rest_support::Rest;
use crate::support::{backend_tests, Backend, TestApp};

const CHANGE: &str = "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) {
  matchedCount affectedCount addedCount removedCount userErrors { field code message } } }";
const DELETE: &str = "mutation($i: DeletePartnerGroupInput!) { deletePartnerGroup(input: $i) {
  group { groupId } userErrors { field code message } } }";
const UPDATE: &str = "mutation($i: UpdatePartnerGroupInput!) { updatePartnerGroup(input: $i) {
  group { groupId } userErrors { field code message } } }";

/// A GraphQL client that can move into a spawned task, so requests really run in parallel.
#[derive(Clone)]
pub struct Client {
    url: String,
    authorization: String,
    http: reqwest::Client,
}

impl Client {
    pub fn new(app: &TestApp, account: &NewAccount) -> Self {
        Self::with_authorization(app, TestApp::header_of(account))
    }

    /// A client sending this `Authorization` header (another user of an account).
    pub fn with_authorization(app: &TestApp, authorization: String) -> Self {
        Client {
            url: format!("{}/graphql", app.base_url),
            authorization,
            http: reqwest::Client::new(),
        }
    }

    /// The whole response (HTTP status and body) of an operation.
    pub async fn send(&self, query: &str, variables: Value) -> (u16, Value) {
        let response = self
            .http
            .post(&self.url)
            .header("Authorization", &self.authorization)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    /// The payload of a mutation that must not fail with a top-level error.
    pub async fn payload(&self, query: &str, variables: Value, field: &str) -> Value {
        let (status, body) = self.send(query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "a top-level error: {body}");
        body["data"][field].clone()
    }
}

/// How many rounds a race runs: many where writers really overlap, a few on SQLite (whose
/// writers queue for one lock) to keep the suite quick.
pub fn rounds(app: &TestApp, postgres: usize) -> usize {
    match app.backend() {
        Backend::Postgres => postgres,
        Backend::Sqlite => 5,
    }
}

/// Runs every future in its own task and returns their outputs in order.
pub async fn all<T: Send + 'static>(
    tasks: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>>,
) -> Vec<T> {
    let mut set = JoinSet::new();
    for (i, task) in tasks.into_iter().enumerate() {
        set.spawn(async move { (i, task.await) });
    }
    let mut out: Vec<(usize, T)> = Vec::new();
    while let Some(done) = set.join_next().await {
        out.push(done.unwrap());
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, t)| t).collect()
}

fn count(payload: &Value, field: &str) -> i64 {
    payload[field].as_i64().unwrap()
}

/// Activity entries of group changes whose details name `group` under `key` ("add"/"remove").
async fn logged(app: &TestApp, key: &str, group: i64) -> i64 {
    app.count_rows(&format!(
        "activity_log WHERE action = 'PARTNER_GROUPS_CHANGED' AND details LIKE '%\"{key}\":[{group}]%'"
    ))
    .await
}

async fn orphans(app: &TestApp) -> i64 {
    app.count_rows("partner_group_members WHERE group_id NOT IN (SELECT id FROM partner_groups)")
        .await
}

async fn partner_count(app: &TestApp, acme: &NewAccount, campaign: i64) -> i64 {
    let data = app
        .data_as(
            acme,
            "query($c: ID!) { partners(campaignId: $c) { totalCount } }",
            json!({ "c": campaign.to_string() }),
        )
        .await;
    data["partners"]["totalCount"].as_i64().unwrap()
}

fn add_all(campaign: i64, group: i64) -> Value {
    json!({ "i": { "campaignId": campaign.to_string(), "selection": { "filter": {} }, "add": [group.to_string()] } })
}

fn remove_all(campaign: i64, group: i64) -> Value {
    json!({ "i": { "campaignId": campaign.to_string(), "selection": { "filter": {} }, "remove": [group.to_string()] } })
}

backend_tests! {
    async fn a_group_deleted_while_partners_join_it_keeps_no_members_and_both_answers_are_true(app) {
        let acme = app.seed_account(300, 111).await;
        let campaign = acme.campaign_ids[0];
        let partners = partner_count(&app, &acme, campaign).await;
        let client = Client::new(&app, &acme);
        let rest = Rest::as_account(&app, &acme);
        let (mut added_first, mut deleted_first) = (0, 0);
        for round in 0..rounds(&app, 40) {
            let group = create_group(&app, &acme, campaign, &format!("Doomed {round}"), &[]).await;
            let adder = client.clone();
            let add = tokio::spawn(async move {
                adder.payload(CHANGE, add_all(campaign, group), "changePartnerGroups").await
            });
            // Every other round the group goes through the REST API.
            if round % 2 == 0 {
                let payload = client.payload(DELETE, json!({ "i": { "id": group.to_string() } }), "deletePartnerGroup").await;
                assert_eq!(payload["userErrors"], json!([]), "the group existed: {payload}");
            } else {
                let answer = rest.delete(&rest.group(campaign, group)).await;
                assert_eq!((answer.status, answer.json()["Status"].clone()), (200, json!("DELETED")), "{}", answer.text);
            }
            let add = add.await.unwrap();

            assert_eq!(orphans(&app).await, 0, "round {round}: memberships of a deleted group remain");
            if add["userErrors"] == json!([]) {
                // The add came first: it added everyone, and the delete took them all out again.
                added_first += 1;
                assert_eq!((count(&add, "affectedCount"), count(&add, "addedCount")), (partners, partners), "{add}");
                assert_eq!(logged(&app, "add", group).await, partners);
                assert_eq!(logged(&app, "remove", group).await, partners, "the delete removed every member");
            } else {
                // The delete came first: the add is told the group is gone and wrote nothing.
                deleted_first += 1;
                assert_eq!(error_codes(&add), vec!["NOT_FOUND"], "{add}");
                assert_eq!(add["userErrors"][0]["field"], json!(["input", "add"]));
                assert_eq!(logged(&app, "add", group).await, 0);
                assert_eq!(logged(&app, "remove", group).await, 0);
            }
        }
        eprintln!("add first: {added_first}, delete first: {deleted_first}");
    }

    async fn identical_changes_at_once_each_report_what_they_changed(app) {
        let acme = app.seed_account(100, 112).await;
        let campaign = acme.campaign_ids[0];
        let partners = partner_count(&app, &acme, campaign).await;
        let client = Client::new(&app, &acme);
        for round in 0..rounds(&app, 25) {
            let group = create_group(&app, &acme, campaign, &format!("Popular {round}"), &[]).await;
            for (variables, key, changed) in [
                (add_all(campaign, group), "add", "addedCount"),
                (remove_all(campaign, group), "remove", "removedCount"),
            ] {
                let tasks = (0..4)
                    .map(|_| {
                        let (client, variables) = (client.clone(), variables.clone());
                        Box::pin(async move { client.payload(CHANGE, variables, "changePartnerGroups").await })
                            as std::pin::Pin<Box<dyn std::future::Future<Output = Value> + Send>>
                    })
                    .collect();
                let payloads = all(tasks).await;
                let mut reported: Vec<(i64, i64)> = payloads
                    .iter()
                    .map(|p| {
                        assert_eq!(p["userErrors"], json!([]), "{p}");
                        assert_eq!(count(p, "matchedCount"), partners);
                        (count(p, "affectedCount"), count(p, changed))
                    })
                    .collect();
                reported.sort_unstable();
                assert_eq!(reported, vec![(0, 0), (0, 0), (0, 0), (partners, partners)],
                    "round {round}, {key}: exactly one of four identical changes changes anything");
                assert_eq!(logged(&app, key, group).await, partners, "round {round}: one entry per change made");
            }
            assert_eq!(app.count_rows(&format!("partner_group_members WHERE group_id = {group}")).await, 0);
        }
    }

    async fn changes_crossing_the_same_groups_never_answer_internal(app) {
        let acme = app.seed_account(100, 113).await;
        let campaign = acme.campaign_ids[0];
        let client = Client::new(&app, &acme);
        let ids = partner_ids(&app, &acme, campaign, Value::Null).await;
        let some: Vec<String> = ids[..50].iter().map(i64::to_string).collect();
        let a = create_group(&app, &acme, campaign, "Crossing A", &[]).await;
        let b = create_group(&app, &acme, campaign, "Crossing B", &[]).await;
        let swap = |into: i64, from: i64| json!({ "i": { "campaignId": campaign.to_string(),
            "selection": { "filter": {} }, "add": [into.to_string()], "remove": [from.to_string()] } });
        let everyone_to_a = json!({ "i": { "campaignId": campaign.to_string(), "selection": { "filter": {} },
            "removeFromAll": true, "add": [a.to_string()] } });
        for round in 0..rounds(&app, 30) {
            // Each moves everyone from one group to the other: before the fix their deletes and
            // inserts crossed and PostgreSQL broke the cycle by failing one as a deadlock.
            let calls: Vec<(&str, Value, &str)> = vec![
                (CHANGE, swap(a, b), "changePartnerGroups"),
                (CHANGE, swap(b, a), "changePartnerGroups"),
                (CHANGE, everyone_to_a.clone(), "changePartnerGroups"),
                (UPDATE, json!({ "i": { "id": b.to_string(), "name": format!("Crossing B {round}"),
                    "addPartnerIds": some } }), "updatePartnerGroup"),
            ];
            let file = format!("Partner Id,Add To,Remove From\n{}",
                ids[..60].iter().map(|p| format!("{p},{a},{b}\n")).collect::<String>());
            let upload = {
                let (app_url, header) = (app.base_url.clone(), TestApp::header_of(&acme));
                tokio::spawn(async move { upload_as(&app_url, &header, campaign, file.into_bytes()).await })
            };
            let tasks = calls
                .into_iter()
                .map(|(query, variables, field)| {
                    let client = client.clone();
                    let (query, field) = (query.to_owned(), field.to_owned());
                    Box::pin(async move { (client.send(&query, variables).await, field) })
                        as std::pin::Pin<Box<dyn std::future::Future<Output = ((u16, Value), String)> + Send>>
                })
                .collect();
            for ((status, body), field) in all(tasks).await {
                assert_eq!(status, 200, "round {round}: {body}");
                assert!(body.get("errors").is_none(), "round {round}: {body}");
                assert_eq!(body["data"][&field]["userErrors"], json!([]), "round {round}: {body}");
            }
            let applied = upload.await.unwrap();
            assert_eq!(applied["applied"], true, "round {round}: {applied}");
        }
        assert_eq!(orphans(&app).await, 0);
    }
}
