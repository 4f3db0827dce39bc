//! Every write of a request takes its time from the server's one clock (`Clock`), not only the
//! contract actions: a group created, renamed, given members by a file or deleted, a partner
//! created, a saved view and a note are stamped with the clock's time — moved here far from the
//! wall clock.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::groups::{create_group, partner_ids};
use crate::support::{Backend, TestApp};

const ACTIVITY: &str = "query($c: ID!) { campaign(id: $c) {
  activity(first: 50) { nodes { action createdAt } } } }";

fn at(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

async fn writes_take_the_server_clock(backend: Backend) {
    let start: DateTime<Utc> = "2031-03-04T05:06:07Z".parse().unwrap();
    let Some((app, clock)) = TestApp::spawn_clocked(backend, start).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let acme = app.seed_account(10, 31).await;
    let campaign = acme.campaign_ids[0];
    let p = partner_ids(&app, &acme, campaign, Value::Null).await;
    let c = campaign.to_string();

    let group = create_group(&app, &acme, campaign, "Clocked", &p[..1]).await;
    let created = app
        .data_as(
            &acme,
            "query($c: ID!) { partnerGroups(campaignId: $c) { groupId updatedAt } }",
            json!({ "c": c }),
        )
        .await;
    let row = created["partnerGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["groupId"].as_i64() == Some(group))
        .cloned()
        .unwrap();
    assert_eq!(at(&row["updatedAt"]), start, "{row}");

    clock.advance(Duration::hours(1));
    let renamed = app
        .data_as(
            &acme,
            "mutation($i: UpdatePartnerGroupInput!) { updatePartnerGroup(input: $i) {
               group { updatedAt } userErrors { message } } }",
            json!({ "i": { "id": group.to_string(), "name": "Clocked 2",
                           "addPartnerIds": [p[1].to_string()] } }),
        )
        .await;
    let renamed = &renamed["updatePartnerGroup"];
    assert_eq!(renamed["userErrors"], json!([]), "{renamed}");
    assert_eq!(
        at(&renamed["group"]["updatedAt"]),
        start + Duration::hours(1)
    );

    clock.advance(Duration::hours(1));
    let csv = format!(
        "Partner ID,Partner Name,Add To,Remove From,Remove All\n{},,{group},,\n",
        p[2]
    )
    .into_bytes();
    let applied =
        crate::group_file::upload_as(&app.base_url, &TestApp::header_of(&acme), campaign, csv)
            .await;
    assert_eq!(applied["applied"], true, "{applied}");

    clock.advance(Duration::hours(1));
    let deleted = app
        .data_as(
            &acme,
            "mutation($i: DeletePartnerGroupInput!) { deletePartnerGroup(input: $i) {
               userErrors { message } } }",
            json!({ "i": { "id": group.to_string() } }),
        )
        .await;
    assert_eq!(deleted["deletePartnerGroup"]["userErrors"], json!([]));

    clock.advance(Duration::hours(1));
    let made = app
        .data_as(
            &acme,
            "mutation($i: CreatePartnerInput!) { createPartner(input: $i) {
               partner { dateJoined } userErrors { message } } }",
            json!({ "i": { "campaignId": c, "name": "Clocked Partner",
                           "email": "clocked@partner.example", "country": "US" } }),
        )
        .await;
    let made = &made["createPartner"];
    assert_eq!(made["userErrors"], json!([]), "{made}");
    assert_eq!(
        at(&made["partner"]["dateJoined"]),
        start + Duration::hours(4)
    );

    clock.advance(Duration::hours(1));
    let saved = app
        .data_as(
            &acme,
            "mutation($i: SavePartnerViewInput!) { savePartnerView(input: $i) {
               view { id updatedAt } userErrors { message } } }",
            json!({ "i": { "campaignId": c, "name": "Clocked view", "columns": ["partner"] } }),
        )
        .await;
    let saved = &saved["savePartnerView"];
    assert_eq!(saved["userErrors"], json!([]), "{saved}");
    assert_eq!(at(&saved["view"]["updatedAt"]), start + Duration::hours(5));

    clock.advance(Duration::hours(1));
    let updated = app
        .data_as(
            &acme,
            "mutation($i: UpdatePartnerViewInput!) { updatePartnerView(input: $i) {
               view { updatedAt } userErrors { message } } }",
            json!({ "i": { "id": saved["view"]["id"], "name": "Clocked view 2" } }),
        )
        .await;
    let updated = &updated["updatePartnerView"];
    assert_eq!(updated["userErrors"], json!([]), "{updated}");
    assert_eq!(
        at(&updated["view"]["updatedAt"]),
        start + Duration::hours(6)
    );

    clock.advance(Duration::hours(1));
    let noted = app
        .data_as(
            &acme,
            "mutation($i: CreateNoteInput!) { createNote(input: $i) {
               note { createdAt } userErrors { message } } }",
            json!({ "i": { "campaignId": c, "partnerId": p[0].to_string(), "body": "Clocked" } }),
        )
        .await;
    let noted = &noted["createNote"];
    assert_eq!(noted["userErrors"], json!([]), "{noted}");
    assert_eq!(at(&noted["note"]["createdAt"]), start + Duration::hours(7));

    // Every entry those writes left, each at its request's time on the clock.
    let feed = app.data_as(&acme, ACTIVITY, json!({ "c": c })).await;
    let mut seen: Vec<(String, DateTime<Utc>)> = feed["campaign"]["activity"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                at(&e["createdAt"]),
            )
        })
        .filter(|(_, at)| *at >= start)
        .collect();
    seen.sort_by_key(|(action, at)| (*at, action.clone()));
    let expected: Vec<(&str, i64)> = vec![
        ("PARTNER_GROUPS_CHANGED", 0),
        ("PARTNER_GROUP_CREATED", 0),
        ("PARTNER_GROUPS_CHANGED", 1),
        ("PARTNER_GROUP_UPDATED", 1),
        ("PARTNER_GROUPS_CHANGED", 2),
        ("PARTNER_GROUPS_CHANGED", 3),
        ("PARTNER_GROUPS_CHANGED", 3),
        ("PARTNER_GROUPS_CHANGED", 3),
        ("PARTNER_GROUP_DELETED", 3),
        ("PARTNER_CREATED", 4),
        ("NOTE_ADDED", 7),
    ];
    let expected: Vec<(String, DateTime<Utc>)> = expected
        .into_iter()
        .map(|(action, hours)| (action.to_owned(), start + Duration::hours(hours)))
        .collect();
    assert_eq!(seen, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_take_the_server_clock_on_sqlite() {
    writes_take_the_server_clock(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_take_the_server_clock_on_postgres() {
    writes_take_the_server_clock(Backend::Postgres).await;
}
