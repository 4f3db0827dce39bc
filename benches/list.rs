//! The My Partners list at scale, measured over HTTP against the real server.
//!
//! `cargo bench --bench list` seeds a database with one account of `BENCH_PARTNERS` partners
//! (default 1,000,000; reused when the database already holds data), starts the server on a
//! random port, and times four requests (median and 95th percentile of `BENCH_RUNS` runs after
//! warm-up). `BENCH_DATABASE_URL` picks the database (default: a SQLite file under
//! `target/bench/`; a `postgres://` URL for PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{env_number, group_near, report, request_1, Bench, CURSOR_PAGE, SEARCH};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const FACETS: &str = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 0) { facets {
  countries { value count } groups { value count } contractStatuses { value count } contractTemplates { value count }
  relationshipTypes { value count } sizes { value count } relationshipStages { value count }
  businessModels { value count } assignedTo { value count } prospectingSources { value count } } } }";

/// Waits until the facets of `variables` come from the facet index (far below a second).
async fn index_ready(client: &Bench, variables: Value) {
    for _ in 0..600 {
        let start = Instant::now();
        client.run(FACETS, variables.clone()).await;
        if start.elapsed() < Duration::from_millis(200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the facet index was not read within a few minutes");
}

#[tokio::main]
async fn main() {
    let bench = Bench::start().await;
    let (db, campaign) = (&bench.db, bench.campaign);
    // A mid-sized group and two custom fields for the wide page.
    let (wide, request_1) = request_1(&bench, 20_000).await;
    let client = &bench;
    // The server reads its facet index in the background (a million partners): wait for it.
    index_ready(client, json!({ "c": campaign.to_string(), "f": {} })).await;

    let c = campaign.to_string();
    client
        .time(
            "1. filtered first page of 50, 15 columns, totalCount",
            &wide,
            request_1.clone(),
        )
        .await;
    // The same page under a group about three times as large: about 12,000 matches, read by
    // the facet index's row ids on SQLite and by the filter on PostgreSQL (their default
    // `FACET_INDEX_PAGE_ROWS`: 30,000 and 10,000).
    let large = group_near(db, campaign, 45_000).await;
    let mut larger = request_1;
    larger["f"]["groupIds"] = json!([large.to_string()]);
    client
        .time(
            "1b. the same with a group of ~45,000 members",
            &wide,
            larger,
        )
        .await;
    client
        .time(
            "2. search for a name fragment",
            SEARCH,
            json!({ "c": c, "f": { "search": "coupon" } }),
        )
        .await;
    let mut after = Value::Null;
    for _ in 0..199 {
        let data = client
            .run(CURSOR_PAGE, json!({ "c": c, "after": after }))
            .await;
        after = data["partners"]["pageInfo"]["endCursor"].clone();
    }
    client
        .time(
            "3. page 200 of the unfiltered list (cursor)",
            CURSOR_PAGE,
            json!({ "c": c, "after": after }),
        )
        .await;
    client
        .time(
            "4. all facets under a country filter",
            FACETS,
            json!({ "c": c, "f": { "countries": ["US"] } }),
        )
        .await;
    facets_under_writes(client, campaign).await;
}

const ASSIGN: &str = "mutation($i: AssignPartnersInput!) { assignPartners(input: $i) { affectedCount userErrors { message } } }";
const CHANGE_GROUPS: &str = "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) { affectedCount userErrors { message } } }";

/// Row 5: all facets under a country filter while relationship rows change, and how soon a
/// write shows in them; then right after a 100,000-partner bulk group change.
async fn facets_under_writes(client: &Bench, campaign: i64) {
    let db = &client.db;
    let c = campaign.to_string();
    let facets = json!({ "c": c, "f": { "countries": ["US"] } });
    let users: Vec<i64> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM account_users ORDER BY id LIMIT 2".to_owned(),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect();
    let partners: Vec<i64> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT partner_id FROM campaign_partners WHERE campaign_id = {campaign} ORDER BY partner_id LIMIT 1000"),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect();
    let assign = |partner: i64, user: i64| json!({ "i": { "campaignId": campaign.to_string(), "selection": { "ids": [partner.to_string()] }, "userId": user.to_string() } });
    // A writer: 10 assignments a second (one partner each, through the API).
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, base, auth) = (stop.clone(), client.base.clone(), client.auth());
        let (partners, users) = (partners.clone(), users.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let input = json!({ "i": { "campaignId": campaign.to_string(),
                    "selection": { "ids": [partners[n % partners.len()].to_string()] },
                    "userId": users[(n / partners.len()) % users.len()].to_string() } });
                http.post(format!("{base}/graphql"))
                    .header("Authorization", &auth)
                    .json(&json!({ "query": ASSIGN, "variables": input }))
                    .send()
                    .await
                    .unwrap();
                n += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            n
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    // For ten seconds at least, so about a hundred writes land among the requests.
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) || times.len() < client.runs {
        let one = Instant::now();
        client.run(FACETS, facets.clone()).await;
        times.push(one.elapsed());
    }
    report(
        "5. all facets under a country filter, 10 writes a second",
        times,
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let writes = writer.await.unwrap();
    println!("   ({writes} assignments during the runs)");

    // How soon one assignment shows in the facets: poll the count of the user's partners.
    let count_of = |data: &Value, user: i64| {
        data["partners"]["facets"]["assignedTo"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["value"].as_str() == Some(user.to_string().as_str()))
            .map_or(0, |b| b["count"].as_i64().unwrap())
    };
    let mut visible = Vec::new();
    for (i, partner) in partners
        .iter()
        .rev()
        .take(env_number("BENCH_COLD_RUNS", 5))
        .enumerate()
    {
        let user = users[i % users.len()];
        let unassigned = json!({ "i": { "campaignId": c, "selection": { "ids": [partner.to_string()] }, "unassign": true } });
        client.run(ASSIGN, unassigned).await;
        let before = count_of(&client.run(FACETS, json!({ "c": c, "f": {} })).await, user);
        let start = Instant::now();
        client.run(ASSIGN, assign(*partner, user)).await;
        loop {
            if count_of(&client.run(FACETS, json!({ "c": c, "f": {} })).await, user) == before + 1 {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the write never showed"
            );
        }
        visible.push(start.elapsed());
    }
    report("5b. a write (assignment) visible in the facets", visible);

    // Right after a bulk change of 100,000 partners' groups.
    let since = common::joined_since(client, 100_000).await;
    let group = group_near(db, campaign, 20_000).await;
    let mut times = Vec::new();
    let mut first = Vec::new();
    for run in 0..env_number("BENCH_COLD_RUNS", 5) {
        let change = if run % 2 == 0 { "add" } else { "remove" };
        let input = json!({ "i": { "campaignId": c, "selection": { "filter": { "dateJoined": { "from": since } } }, change: [group.to_string()] } });
        let changed = client.run(CHANGE_GROUPS, input).await;
        assert_eq!(
            changed["changePartnerGroups"]["userErrors"],
            json!([]),
            "{changed}"
        );
        let start = Instant::now();
        client.run(FACETS, facets.clone()).await;
        first.push(start.elapsed());
        times.push(start.elapsed());
        for _ in 0..9 {
            let start = Instant::now();
            client.run(FACETS, facets.clone()).await;
            times.push(start.elapsed());
        }
    }
    report(
        "5c. the same, the first request after a 100,000-partner group change",
        first,
    );
    report("   ... and the ten requests after it", times);
}
