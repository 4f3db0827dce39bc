//! The My Partners list at scale, measured over HTTP against the real server.
//!
//! `cargo bench --bench list` seeds a database with one account of `BENCH_PARTNERS` partners
//! (default 1,000,000; reused when the database already holds data), starts the server on a
//! random port, and times four requests (median and 95th percentile of `BENCH_RUNS` runs after
//! warm-up). `BENCH_DATABASE_URL` picks the database (default: a SQLite file under
//! `target/bench/`; a `postgres://` URL for PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{env_number, group_near, report, Bench, CURSOR_PAGE, SEARCH};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const WIDE: &str = "query($c: ID!, $f: PartnerFilter, $o: [PartnerOrder!], $after: String) {
  partners(campaignId: $c, filter: $f, orderBy: $o, first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { partnerId name country size email dateJoined relationshipType relationshipStage socialReach
      mozDomainAuthority groups { name } contracts { name status } assignedTo { name }
      customFields(ids: $cf) { text number date options { label } } } } }";

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
    let group = group_near(db, campaign, 20_000).await;
    let fields: Vec<i64> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT id FROM custom_fields WHERE campaign_id = {campaign} ORDER BY position LIMIT 2"),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect();
    let client = &bench;
    // The server reads its facet index in the background (a million partners): wait for it.
    index_ready(client, json!({ "c": campaign.to_string(), "f": {} })).await;

    let c = campaign.to_string();
    let cf: Vec<String> = fields.iter().map(i64::to_string).collect();
    let wide = WIDE.replace("$cf", &serde_json::to_string(&cf).unwrap());
    let filter = json!({ "countries": ["US"], "groupIds": [group.to_string()], "contractStatuses": ["ACTIVE"] });
    let order = json!([{ "field": "DATE_JOINED", "direction": "DESC" }]);
    client
        .time(
            "1. filtered first page of 50, 15 columns, totalCount",
            &wide,
            json!({ "c": c, "f": filter, "o": order }),
        )
        .await;
    // The same page under a group about three times as large: about 12,000 matches, read by
    // the facet index's row ids on SQLite and by the filter on PostgreSQL (their default
    // `FACET_INDEX_PAGE_ROWS`: 30,000 and 10,000).
    let large = group_near(db, campaign, 45_000).await;
    let filter = json!({ "countries": ["US"], "groupIds": [large.to_string()], "contractStatuses": ["ACTIVE"] });
    client
        .time(
            "1b. the same with a group of ~45,000 members",
            &wide,
            json!({ "c": c, "f": filter, "o": order }),
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
    // The same request right after a write: counted in SQL while the facet index is read again
    // in the background; and how long until the index is back.
    let touch = format!(
        "UPDATE campaign_partners SET relationship_stage = relationship_stage \
         WHERE id = (SELECT MIN(id) FROM campaign_partners WHERE campaign_id = {campaign})"
    );
    let facets = json!({ "c": c, "f": { "countries": ["US"] } });
    let (mut times, mut rebuilds) = (Vec::new(), Vec::new());
    for _ in 0..env_number("BENCH_COLD_RUNS", 5) {
        db.execute_unprepared(&touch).await.unwrap();
        let start = Instant::now();
        client.run(FACETS, facets.clone()).await;
        times.push(start.elapsed());
        index_ready(client, facets.clone()).await;
        rebuilds.push(start.elapsed());
    }
    report("5. all facets under a country filter, after a write", times);
    report("   ... until the facet index is read again", rebuilds);
}
