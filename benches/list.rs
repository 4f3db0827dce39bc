//! The My Partners list at scale, measured over HTTP against the real server.
//!
//! `cargo bench --bench list` seeds a database with one account of `BENCH_PARTNERS` partners
//! (default 1,000,000; reused when the database already holds data), starts the server on a
//! random port, and times four requests (median and 95th percentile of `BENCH_RUNS` runs after
//! warm-up). `BENCH_DATABASE_URL` picks the database (default: a SQLite file under
//! `target/bench/`; a `postgres://` URL for PostgreSQL).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use partnergraph::config::DatabaseConfig;
use partnergraph::seed::{generate, SeedOptions};
use partnergraph::service::accounts;
use partnergraph::startup;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

const WIDE: &str = "query($c: ID!, $f: PartnerFilter, $o: [PartnerOrder!], $after: String) {
  partners(campaignId: $c, filter: $f, orderBy: $o, first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { partnerId name country size email dateJoined relationshipType relationshipStage socialReach
      mozDomainAuthority groups { name } contracts { name status } assignedTo { name }
      customFields(ids: $cf) { text number date options { label } } } } }";

const SEARCH: &str =
    "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 50) {
  nodes { partnerId name websiteUrl country } } }";

const CURSOR_PAGE: &str =
    "query($c: ID!, $after: String) { partners(campaignId: $c, first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { partnerId name country dateJoined } } }";

const FACETS: &str = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 0) { facets {
  countries { value count } groups { value count } contractStatuses { value count } contractTemplates { value count }
  relationshipTypes { value count } sizes { value count } relationshipStages { value count }
  businessModels { value count } assignedTo { value count } prospectingSources { value count } } } }";

struct Client {
    http: reqwest::Client,
    url: String,
    auth: String,
}

impl Client {
    async fn run(&self, query: &str, variables: Value) -> Value {
        let body: Value = self
            .http
            .post(&self.url)
            .header("Authorization", &self.auth)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }

    async fn time(&self, name: &str, runs: usize, query: &str, variables: Value) {
        for _ in 0..3 {
            self.run(query, variables.clone()).await;
        }
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            self.run(query, variables.clone()).await;
            times.push(start.elapsed());
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{name:<58} median {:>8.1} ms   p95 {:>8.1} ms   ({runs} runs)",
            ms(times[runs / 2]),
            ms(times[(runs * 95 / 100).min(runs - 1)])
        );
    }
}

async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::main]
async fn main() {
    let partners: usize = std::env::var("BENCH_PARTNERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        std::fs::create_dir_all("target/bench").unwrap();
        format!("sqlite://target/bench/partners-{partners}.db?mode=rwc")
    });
    let (state, _) = startup::build_state(&DatabaseConfig::for_url(url.clone()), false)
        .await
        .unwrap();
    let db = state.db.clone();
    if scalar(&db, "SELECT COUNT(*) FROM accounts").await == 0 {
        let start = Instant::now();
        let options = SeedOptions {
            accounts: 1,
            partners,
            seed: 42,
            progress: true,
        };
        generate(&db, &options).await.unwrap();
        println!(
            "seeded {partners} partners in {:.1}s",
            start.elapsed().as_secs_f64()
        );
    }
    let account = scalar(&db, "SELECT MIN(id) FROM accounts").await;
    let user = scalar(
        &db,
        &format!("SELECT MIN(id) FROM account_users WHERE account_id = {account}"),
    )
    .await;
    let campaign = scalar(
        &db,
        &format!("SELECT MIN(id) FROM campaigns WHERE account_id = {account}"),
    )
    .await;
    let sid: String = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT sid FROM accounts WHERE id = {account}"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    let token = accounts::issue_credential(&db, account, user, "bench")
        .await
        .unwrap();
    let in_campaign = scalar(
        &db,
        &format!("SELECT COUNT(*) FROM campaign_partners WHERE campaign_id = {campaign}"),
    )
    .await;
    // A mid-sized group and two custom fields for the wide page.
    let group = scalar(
        &db,
        &format!(
            "SELECT group_id FROM partner_group_members WHERE campaign_id = {campaign} GROUP BY group_id \
             ORDER BY ABS(COUNT(*) - 20000), group_id LIMIT 1"
        ),
    )
    .await;
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

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(startup::serve_on(listener, state, std::future::pending()));
    let client = Client {
        http: reqwest::Client::new(),
        url: format!("http://{addr}/graphql"),
        auth: format!("Basic {}", STANDARD.encode(format!("{sid}:{token}"))),
    };
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("{backend}: campaign {campaign} with {in_campaign} partners");

    let c = campaign.to_string();
    let cf: Vec<String> = fields.iter().map(i64::to_string).collect();
    let wide = WIDE.replace("$cf", &serde_json::to_string(&cf).unwrap());
    let filter = json!({ "countries": ["US"], "groupIds": [group.to_string()], "contractStatuses": ["ACTIVE"] });
    let order = json!([{ "field": "DATE_JOINED", "direction": "DESC" }]);
    client
        .time(
            "1. filtered first page of 50, 15 columns, totalCount",
            runs,
            &wide,
            json!({ "c": c, "f": filter, "o": order }),
        )
        .await;
    client
        .time(
            "2. search for a name fragment",
            runs,
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
            runs,
            CURSOR_PAGE,
            json!({ "c": c, "after": after }),
        )
        .await;
    client
        .time(
            "4. all facets under a country filter",
            runs,
            FACETS,
            json!({ "c": c, "f": { "countries": ["US"] } }),
        )
        .await;
}
