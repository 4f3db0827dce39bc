//! What every benchmark shares: a seeded database (reused when it already holds data), the
//! server started on it at a random port, and a timing client.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use partnergraph::config::DatabaseConfig;
use partnergraph::seed::{generate, SeedOptions};
use partnergraph::service::accounts;
use partnergraph::startup;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{json, Value};

/// The server binary's allocator (`src/main.rs`), so the benches measure what it runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A running server over the benchmark database, as its first account.
pub struct Bench {
    /// The database.
    pub db: DatabaseConnection,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The account's SID.
    pub sid: String,
    /// A fresh token of the account's administrator.
    pub token: String,
    /// The account's first campaign.
    pub campaign: i64,
    /// The server's statement counter (it can also keep the statements it counts).
    #[allow(dead_code)]
    pub statements: partnergraph::db::StatementCounter,
    /// The database's URL.
    #[allow(dead_code)]
    pub url: String,
    /// Partners in that campaign.
    pub in_campaign: i64,
    /// `SQLite` or `PostgreSQL`.
    pub backend: &'static str,
    /// Timed runs per measurement.
    pub runs: usize,
    /// The account and its administrator (to issue more credentials).
    pub account: i64,
    pub user: i64,
    http: reqwest::Client,
}

/// Reads an environment variable as a number.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The first column of the first row of `sql`, as an integer.
pub async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

impl Bench {
    /// Opens (seeding on first use) `BENCH_DATABASE_URL` or the default SQLite file with
    /// `BENCH_PARTNERS` partners, and starts the server on it with the rate limits off.
    pub async fn start() -> Bench {
        // Benchmarks measure the server, not the rate limits.
        let api = partnergraph::config::ApiConfig {
            graphql_cost_budget: 0,
            rest_rate_limit: 0,
            ..Default::default()
        };
        Self::start_with(api, 1_000_000).await
    }

    /// [`Bench::start`] with the API settings `api` and `default_partners` unless
    /// `BENCH_PARTNERS` says otherwise.
    pub async fn start_with(
        api: partnergraph::config::ApiConfig,
        default_partners: usize,
    ) -> Bench {
        Self::start_accounts(api, 1, default_partners).await
    }

    /// [`Bench::start_with`] over `BENCH_ACCOUNTS` (else `default_accounts`) accounts of as
    /// many partners each (a database of its own on SQLite when more than one).
    pub async fn start_accounts(
        api: partnergraph::config::ApiConfig,
        default_accounts: usize,
        default_partners: usize,
    ) -> Bench {
        let accounts = env_number("BENCH_ACCOUNTS", default_accounts);
        let partners = env_number("BENCH_PARTNERS", default_partners);
        let runs = env_number("BENCH_RUNS", 30);
        let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
            std::fs::create_dir_all("target/bench").unwrap();
            match accounts {
                1 => format!("sqlite://target/bench/partners-{partners}.db?mode=rwc"),
                n => format!("sqlite://target/bench/accounts-{n}x{partners}.db?mode=rwc"),
            }
        });
        let mut config = DatabaseConfig::for_url(url.clone());
        config.facet_index_max_bytes =
            env_number("FACET_INDEX_MAX_BYTES", config.facet_index_max_bytes);
        config.facet_index_page_rows = std::env::var("FACET_INDEX_PAGE_ROWS")
            .ok()
            .and_then(|v| v.parse().ok());
        // The serving settings are the defaults, except what a variant of a bench names.
        let serving = partnergraph::config::ServingConfig {
            db_heavy_connections: env_number(
                "DB_HEAVY_CONNECTIONS",
                partnergraph::config::DEFAULT_DB_HEAVY_CONNECTIONS as usize,
            ) as u32,
            db_statement_timeout_ms: env_number(
                "DB_STATEMENT_TIMEOUT_MS",
                partnergraph::config::DEFAULT_DB_STATEMENT_TIMEOUT_MS as usize,
            ) as u64,
            request_timeout_ms: env_number(
                "REQUEST_TIMEOUT_MS",
                partnergraph::config::DEFAULT_REQUEST_TIMEOUT_MS as usize,
            ) as u64,
            export_page_rows: env_number(
                "EXPORT_PAGE_ROWS",
                partnergraph::service::export::stream::DEFAULT_PAGE_ROWS as usize,
            ) as u64,
            ..Default::default()
        };
        let (state, _) = startup::build_state_with(&config, &serving, &api, false)
            .await
            .unwrap();
        let db = state.db.clone();
        let statements = state.statements.clone();
        if scalar(&db, "SELECT COUNT(*) FROM accounts").await == 0 {
            // Seeding runs statements longer than the server's statement timeout: through a
            // pool of its own, as `partnergraph seed` does.
            let (db, _) = partnergraph::db::connect(&config).await.unwrap();
            let start = Instant::now();
            let options = SeedOptions {
                accounts,
                partners,
                seed: 42,
                progress: true,
            };
            generate(&db, &options).await.unwrap();
            println!(
                "seeded {accounts} account(s) of {partners} partners in {:.1}s",
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(startup::serve_on(listener, state, std::future::pending()));
        let backend = if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        println!("{backend}: campaign {campaign} with {in_campaign} partners");
        Bench {
            db,
            base: format!("http://{addr}"),
            sid,
            token,
            campaign,
            in_campaign,
            backend,
            runs,
            account,
            user,
            http: reqwest::Client::new(),
            statements,
            url,
        }
    }

    /// The `Authorization` header of a new credential of another account's administrator, and
    /// that account's first campaign.
    pub async fn account_credential(&self, account: i64) -> (String, i64) {
        let q = |sql: String| {
            let db = &self.db;
            async move {
                db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let sid: String = q(format!("SELECT sid FROM accounts WHERE id = {account}"))
            .await
            .try_get_by_index(0)
            .unwrap();
        let user = scalar(
            &self.db,
            &format!("SELECT MIN(id) FROM account_users WHERE account_id = {account}"),
        )
        .await;
        let campaign = scalar(
            &self.db,
            &format!("SELECT MIN(id) FROM campaigns WHERE account_id = {account}"),
        )
        .await;
        let token = accounts::issue_credential(&self.db, account, user, "bench")
            .await
            .unwrap();
        let header = format!("Basic {}", STANDARD.encode(format!("{sid}:{token}")));
        (header, campaign)
    }

    /// A new credential of the account's administrator, as an `Authorization` header.
    pub async fn new_credential(&self, label: &str) -> String {
        let token = accounts::issue_credential(&self.db, self.account, self.user, label)
            .await
            .unwrap();
        format!("Basic {}", STANDARD.encode(format!("{}:{token}", self.sid)))
    }

    /// The `Authorization` header of the account.
    pub fn auth(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.sid, self.token))
        )
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Runs a GraphQL operation that must succeed; returns `data`.
    pub async fn run(&self, query: &str, variables: Value) -> Value {
        self.run_as(&self.auth(), query, variables).await
    }

    /// [`Bench::run`] with another `Authorization` header (another account's).
    pub async fn run_as(&self, auth: &str, query: &str, variables: Value) -> Value {
        let body: Value = self
            .http
            .post(format!("{}/graphql", self.base))
            .header("Authorization", auth)
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

    /// The server's Prometheus metrics, as text.
    pub async fn metrics(&self) -> String {
        self.http
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Times a GraphQL operation: three warm-up runs, then `runs` timed runs.
    pub async fn time(&self, name: &str, query: &str, variables: Value) {
        for _ in 0..3 {
            self.run(query, variables.clone()).await;
        }
        let mut times = Vec::with_capacity(self.runs);
        for _ in 0..self.runs {
            let start = Instant::now();
            self.run(query, variables.clone()).await;
            times.push(start.elapsed());
        }
        report(name, times);
    }
}

/// Prints the median and 95th percentile of `times`.
pub fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let runs = times.len();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<58} median {:>8.1} ms   p95 {:>8.1} ms   ({runs} runs)",
        ms(times[runs / 2]),
        ms(times[(runs * 95 / 100).min(runs - 1)])
    );
}

/// The seeded group of `campaign` whose member count is closest to `size` (groups the groups
/// bench made are left out).
pub async fn group_near(db: &DatabaseConnection, campaign: i64, size: i64) -> i64 {
    scalar(
        db,
        &format!(
            "SELECT group_id FROM partner_group_members WHERE campaign_id = {campaign} \
             AND group_id NOT IN (SELECT id FROM partner_groups WHERE name LIKE 'bench %') \
             GROUP BY group_id ORDER BY ABS(COUNT(*) - {size}), group_id LIMIT 1"
        ),
    )
    .await
}

/// Request 1 of the list and throughput benches: a filtered first page of 50 with 15 columns
/// (groups, contracts, assigned user and the two custom fields `$cf`, written into the text by
/// [`request_1`]) and `totalCount`.
pub const REQUEST_1: &str = "query($c: ID!, $f: PartnerFilter, $o: [PartnerOrder!], $after: String) {
  partners(campaignId: $c, filter: $f, orderBy: $o, first: 50, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { partnerId name country size email dateJoined relationshipType relationshipStage socialReach
      mozDomainAuthority groups { name } contracts { name status } assignedTo { name }
      customFields(ids: $cf) { text number date options { label } } } } }";

/// Request 1 for the bench's campaign: its text (with the campaign's first two custom fields)
/// and its variables (country US, a group of about `group_size` members, contract status
/// ACTIVE, newest first).
#[allow(dead_code)]
pub async fn request_1(bench: &Bench, group_size: i64) -> (String, Value) {
    let (db, campaign) = (&bench.db, bench.campaign);
    let group = group_near(db, campaign, group_size).await;
    let fields: Vec<String> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT id FROM custom_fields WHERE campaign_id = {campaign} ORDER BY position LIMIT 2"),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap().to_string())
        .collect();
    let query = REQUEST_1.replace("$cf", &serde_json::to_string(&fields).unwrap());
    let vars = json!({
        "c": campaign.to_string(),
        "f": { "countries": ["US"], "groupIds": [group.to_string()], "contractStatuses": ["ACTIVE"] },
        "o": [{ "field": "DATE_JOINED", "direction": "DESC" }],
    });
    (query, vars)
}

/// The list bench's request 2 (and the soak's): a search, a page of 50.
/// Request 1 of the soak bench: the list bench's filtered wide page of 50 with
/// `totalCount` (without its custom field columns).
#[allow(dead_code)]
pub const WIDE: &str = "query($c: ID!, $f: PartnerFilter) {
  partners(campaignId: $c, filter: $f, first: 50, orderBy: [{ field: DATE_JOINED, direction: DESC }]) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { partnerId name country size email dateJoined relationshipType relationshipStage socialReach
      groups { name } contracts { name status } assignedTo { name } } } }";

pub const SEARCH: &str =
    "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 50) {
  nodes { partnerId name websiteUrl country } } }";

/// The list bench's request 3 (and the soak's): a page reached through cursors.
pub const CURSOR_PAGE: &str =
    "query($c: ID!, $after: String) { partners(campaignId: $c, first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { partnerId name country dateJoined } } }";

/// The `date_joined` of the campaign's `nth` most recently joined partner: "joined since" it
/// selects the campaign's `nth` newest partners, as "Select all" under a date filter sends it.
pub async fn joined_since(bench: &Bench, nth: i64) -> chrono::DateTime<chrono::Utc> {
    let db = &bench.db;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT date_joined FROM campaign_partners WHERE campaign_id = {} AND date_joined IS NOT NULL \
                 ORDER BY date_joined DESC LIMIT 1 OFFSET {}",
                bench.campaign,
                nth - 1
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

/// How long `f` takes, and what it returns.
pub async fn timed<T, F: std::future::Future<Output = T>>(f: F) -> (Duration, T) {
    let start = Instant::now();
    let value = f.await;
    (start.elapsed(), value)
}
