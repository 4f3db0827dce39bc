//! Partner groups at scale, measured over HTTP against the real server.
//!
//! `cargo bench --bench groups` uses the same seeded database as `--bench list` (seeding it on
//! first use; `BENCH_DATABASE_URL` picks PostgreSQL) and times:
//! 1. `changePartnerGroups` adding the 100,000 most recently joined partners (selected by a
//!    `dateJoined` filter) to a new group, and removing them again;
//! 2. previewing a 50,000-row bulk-edit CSV file (`bulkEditPartnerGroups` without `apply`);
//! 3. the REST API's page of 1,000 members of a group of 20,000 (made by `changePartnerGroups`).
//!
//! `BENCH_RUNS` (default 30) applies to 3; 1 and 2 run `BENCH_WRITE_RUNS` times (default 5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write;
use std::time::Instant;

use chrono::Utc;
use common::{env_number, joined_since, report, timed, Bench};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

const CHANGE: &str = "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) {
  matchedCount addedCount removedCount userErrors { message } } }";

const BULK_EDIT: &str =
    "mutation($c: ID!, $file: Upload!) { bulkEditPartnerGroups(campaignId: $c, file: $file) {
  rowCount errorCount addedCount removedCount
  rows { row partnerId partnerName joins { groupId name } leaves { groupId name } errors }
  userErrors { message } } }";

async fn bulk_change(bench: &Bench, runs: usize) {
    let since = joined_since(bench, 100_000).await;
    let c = bench.campaign.to_string();
    let name = format!("bench {}", Utc::now().timestamp_millis());
    let created = bench
        .run(
            "mutation($i: CreatePartnerGroupInput!) { createPartnerGroup(input: $i) { group { groupId } } }",
            json!({ "i": { "campaignId": c, "name": name } }),
        )
        .await;
    let group = created["createPartnerGroup"]["group"]["groupId"].to_string();
    // The selection is "joined since": the same 100,000 partners every run.
    let selection = json!({ "filter": { "dateJoined": { "from": since } } });
    let (mut adds, mut removes) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let add = json!({ "i": { "campaignId": c, "selection": selection, "add": [group] } });
        let (took, data) = timed(bench.run(CHANGE, add)).await;
        assert_eq!(data["changePartnerGroups"]["userErrors"], json!([]));
        println!(
            "   added {} of {} matched",
            data["changePartnerGroups"]["addedCount"], data["changePartnerGroups"]["matchedCount"]
        );
        adds.push(took);
        let remove = json!({ "i": { "campaignId": c, "selection": selection, "remove": [group] } });
        let (took, data) = timed(bench.run(CHANGE, remove)).await;
        assert_eq!(data["changePartnerGroups"]["userErrors"], json!([]));
        removes.push(took);
    }
    report(
        "1a. add 100,000 partners selected by a filter to a group",
        adds,
    );
    report("1b. remove them again", removes);
}

async fn preview(bench: &Bench, runs: usize) {
    let db = &bench.db;
    let partners: Vec<i64> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT partner_id FROM campaign_partners WHERE campaign_id = {} ORDER BY partner_id LIMIT 50000",
                bench.campaign
            ),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect();
    let groups: Vec<i64> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT id FROM partner_groups WHERE campaign_id = {} ORDER BY id LIMIT 3",
                bench.campaign
            ),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect();
    let mut csv = String::from("Partner Id,Add To,Remove From,Remove All\n");
    for (i, p) in partners.iter().enumerate() {
        match i % 3 {
            0 => writeln!(csv, "{p},\"{}, {}\",,", groups[0], groups[1]),
            1 => writeln!(csv, "{p},,{},", groups[2]),
            _ => writeln!(csv, "{p},{},,YES", groups[1]),
        }
        .unwrap();
    }
    let mut times = Vec::new();
    for _ in 0..runs {
        let operations = json!({ "query": BULK_EDIT, "variables": { "c": bench.campaign.to_string(), "file": null } });
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.file"] }).to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(csv.clone().into_bytes()).file_name("bulk.csv"),
            );
        let start = Instant::now();
        let body: Value = bench
            .http()
            .post(format!("{}/graphql", bench.base))
            .header("Authorization", bench.auth())
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        times.push(start.elapsed());
        let payload = &body["data"]["bulkEditPartnerGroups"];
        assert_eq!(payload["rowCount"], 50_000, "{body}");
        assert_eq!(payload["errorCount"], 0);
    }
    report(
        "2. preview a 50,000-row bulk-edit file (every row returned)",
        times,
    );
}

/// A new group holding the campaign's `size` most recently joined partners; returns its id.
async fn group_of(bench: &Bench, size: i64) -> String {
    let since = joined_since(bench, size).await;
    let c = bench.campaign.to_string();
    let name = format!("bench {size} {}", Utc::now().timestamp_millis());
    let created = bench
        .run(
            "mutation($i: CreatePartnerGroupInput!) { createPartnerGroup(input: $i) { group { groupId } } }",
            json!({ "i": { "campaignId": c, "name": name } }),
        )
        .await;
    let group = created["createPartnerGroup"]["group"]["groupId"].to_string();
    let selection = json!({ "filter": { "dateJoined": { "from": since } } });
    let add = json!({ "i": { "campaignId": c, "selection": selection, "add": [group] } });
    let data = bench.run(CHANGE, add).await;
    println!(
        "   group {group}: {} members",
        data["changePartnerGroups"]["addedCount"]
    );
    group
}

async fn rest_page(bench: &Bench) {
    let group = group_of(bench, 20_000).await;
    if bench.backend == "PostgreSQL" {
        // Flush earlier runs' writes now, so a background checkpoint does not land in the
        // timed loop (it did once: 55–65 ms instead of 11 ms).
        bench.db.execute_unprepared("CHECKPOINT").await.unwrap();
    }
    let url = format!(
        "{}/Advertisers/{}/Campaigns/{}/MediaPartnerGroups/{group}?PageSize=1000&Page=10",
        bench.base, bench.sid, bench.campaign
    );
    let get = || async {
        let response = bench
            .http()
            .get(&url)
            .basic_auth(&bench.sid, Some(&bench.token))
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.bytes().await.unwrap().len()
    };
    for _ in 0..3 {
        get().await;
    }
    let mut times = Vec::new();
    for _ in 0..bench.runs {
        let start = Instant::now();
        get().await;
        times.push(start.elapsed());
    }
    report("3. REST: page 10 of 1,000 members of a 20,000 group", times);
}

#[tokio::main]
async fn main() {
    let bench = Bench::start().await;
    let write_runs = env_number("BENCH_WRITE_RUNS", 5);
    rest_page(&bench).await;
    bulk_change(&bench, write_runs).await;
    preview(&bench, write_runs).await;
}
