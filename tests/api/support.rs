//! `TestApp`: the real server on a fresh database at a random port, spoken to over HTTP.
//! `backend_tests!` generates every test once for SQLite and once for PostgreSQL (the latter
//! only runs when `TEST_DATABASE_URL` names a PostgreSQL server it may create databases on).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use partnergraph::config::{ApiConfig, DatabaseConfig, ServingConfig};
use partnergraph::db::scratch::ScratchDatabase;
use partnergraph::db::StatementCounter;
use partnergraph::service::accounts::{self, NewAccount};
use partnergraph::startup::{self, DemoCredentials};
use rand::distr::{Alphanumeric, SampleString};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{json, Value};

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A second server process on a test app's database.
pub struct SecondServer {
    /// Its address.
    pub url: String,
    /// How often its facet indexes were read whole or patched.
    pub usage: partnergraph::service::partners::facet_index::IndexUsage,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl SecondServer {
    /// POSTs a GraphQL operation as `account`; returns the `data` (errors fail the test).
    pub async fn data_as(&self, account: &NewAccount, query: &str, variables: Value) -> Value {
        let body: Value = reqwest::Client::new()
            .post(format!("{}/graphql", self.url))
            .header("Authorization", TestApp::header_of(account))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }
}

/// A running server with one account of its own.
pub struct TestApp {
    pub base_url: String,
    pub db: DatabaseConnection,
    /// The server's heavy lane (its own pool for expensive GraphQL requests), when it has one.
    pub heavy_db: Option<DatabaseConnection>,
    pub account: NewAccount,
    /// The demo account's credential, when this start created the demo account.
    pub demo: Option<DemoCredentials>,
    /// The demo account's playground credential of this start (the page carries it).
    pub playground: Option<DemoCredentials>,
    db_url: String,
    statements: StatementCounter,
    /// How often the server's facet indexes were read whole or patched.
    pub facet_usage: partnergraph::service::partners::facet_index::IndexUsage,
    /// The server's export runner (how its exports ended).
    pub exports: std::sync::Arc<partnergraph::service::export::stream::ExportRunner>,
    client: reqwest::Client,
    sqlite_file: Option<std::path::PathBuf>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    config: (DatabaseConfig, ServingConfig, ApiConfig),
    demo_mode: bool,
    /// Dropped last, after the server was told to stop (fields drop after [`Drop::drop`]).
    _postgres: Option<ScratchDatabase>,
}

fn random_suffix() -> String {
    Alphanumeric
        .sample_string(&mut rand::rng(), 12)
        .to_ascii_lowercase()
}

/// A fresh PostgreSQL database on the server `admin_url` names, dropped when the value is.
pub async fn fresh_postgres(admin_url: &str) -> ScratchDatabase {
    ScratchDatabase::create(admin_url, "pg_test")
        .await
        .expect("create a test database on TEST_DATABASE_URL's server")
}

impl TestApp {
    /// Starts a server on `backend`, or `None` for PostgreSQL when `TEST_DATABASE_URL` is unset.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, false).await
    }

    /// Like `spawn`, optionally letting the server create the demo account on its empty database.
    pub async fn spawn_with(backend: Backend, demo: bool) -> Option<TestApp> {
        Self::spawn_configured(backend, demo, |_| {}).await
    }

    /// [`TestApp::spawn_with`], with the server's database configuration adjusted by `configure`.
    pub async fn spawn_configured(
        backend: Backend,
        demo: bool,
        configure: impl FnOnce(&mut DatabaseConfig),
    ) -> Option<TestApp> {
        Self::spawn_full(backend, demo, |db, _, _| configure(db)).await
    }

    /// A server whose clock stands at `at` until the test moves it (with the clock returned);
    /// `None` for PostgreSQL when `TEST_DATABASE_URL` is unset.
    pub async fn spawn_clocked(
        backend: Backend,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<(TestApp, partnergraph::clock::Clock)> {
        let clock = partnergraph::clock::Clock::fixed(at);
        let moved = clock.clone();
        let app =
            Self::spawn_serving(backend, false, move |_, serving| serving.clock = moved).await?;
        Some((app, clock))
    }

    /// [`TestApp::spawn_with`], with the database and serving settings (timeouts, metrics)
    /// adjusted by `configure`.
    pub async fn spawn_serving(
        backend: Backend,
        demo: bool,
        configure: impl FnOnce(&mut DatabaseConfig, &mut ServingConfig),
    ) -> Option<TestApp> {
        Self::spawn_full(backend, demo, |db, serving, _| configure(db, serving)).await
    }

    /// A server whose API settings (limits, rate limits, CORS) are adjusted by `configure`;
    /// without it, tests run with the rate limits off.
    pub async fn spawn_with_api(
        backend: Backend,
        configure: impl FnOnce(&mut ApiConfig),
    ) -> Option<TestApp> {
        Self::spawn_full(backend, false, |_, _, api| configure(api)).await
    }

    /// The most general constructor: database, serving and API settings adjusted.
    pub async fn spawn_full(
        backend: Backend,
        demo: bool,
        configure: impl FnOnce(&mut DatabaseConfig, &mut ServingConfig, &mut ApiConfig),
    ) -> Option<TestApp> {
        let (url, sqlite_file, postgres) = match backend {
            Backend::Sqlite => {
                let path =
                    std::env::temp_dir().join(format!("partnergraph-test-{}.db", random_suffix()));
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    Some(path),
                    None,
                )
            }
            Backend::Postgres => {
                let admin = std::env::var("TEST_DATABASE_URL")
                    .ok()
                    .filter(|u| u.starts_with("postgres"))?;
                let database = fresh_postgres(&admin).await;
                (database.url.clone(), None, Some(database))
            }
        };
        let mut config = DatabaseConfig::for_url(url.clone());
        config.db_max_connections = 5;
        let mut serving = ServingConfig::default();
        let mut api = ApiConfig {
            graphql_cost_budget: 0,
            rest_rate_limit: 0,
            ..ApiConfig::default()
        };
        configure(&mut config, &mut serving, &mut api);
        let (mut state, created) = startup::build_state_with(&config, &serving, &api, demo)
            .await
            .expect("build app");
        let db = state.db.clone();
        let heavy_db = state.heavy_db.clone();
        let statements = state.statements.clone();
        let facet_usage = state.facet_index_usage.clone();
        let exports = state.exports.clone();
        let account = accounts::create_account(&db, "Acme Outdoors", &["Acme US", "Acme EU"])
            .await
            .expect("create test account");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let playground = startup::open_playground(&mut state, addr)
            .await
            .expect("open the playground");
        let base_url = format!("http://{addr}");
        let (shutdown, server) = serve(listener, state);
        Some(TestApp {
            base_url,
            db,
            heavy_db,
            account,
            demo: created,
            playground,
            db_url: url,
            statements,
            facet_usage,
            exports,
            client: reqwest::Client::new(),
            sqlite_file,
            shutdown: Some(shutdown),
            server: Some(server),
            config: (config, serving, api),
            demo_mode: demo,
            _postgres: postgres,
        })
    }

    /// Stops the server and starts it again on the same database and port, as a restart of
    /// the process would (the playground gets a new credential).
    pub async fn restart(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            tx.send(()).ok();
        }
        if let Some(server) = self.server.take() {
            server.await.ok();
        }
        let (db, serving, api) = &self.config;
        let (mut state, _) = startup::build_state_with(db, serving, api, self.demo_mode)
            .await
            .expect("build app");
        let addr = self.base_url.trim_start_matches("http://");
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind the same port again");
        let addr = listener.local_addr().expect("addr");
        self.playground = startup::open_playground(&mut state, addr)
            .await
            .expect("open the playground");
        self.statements = state.statements.clone();
        self.facet_usage = state.facet_index_usage.clone();
        self.exports = state.exports.clone();
        let (shutdown, server) = serve(listener, state);
        (self.shutdown, self.server) = (Some(shutdown), Some(server));
    }

    /// Another server process on this app's database (its own pools, caches and facet
    /// indexes), at a port of its own; it stops when dropped.
    pub async fn second_server(&self) -> SecondServer {
        let (db, serving, api) = &self.config;
        let (state, _) = startup::build_state_with(db, serving, api, false)
            .await
            .expect("build the second server");
        let usage = state.facet_index_usage.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (shutdown, _server) = serve(listener, state);
        SecondServer {
            url,
            usage,
            _shutdown: shutdown,
        }
    }

    /// The `Authorization` header of an account's credentials.
    pub fn basic(sid: &str, token: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{sid}:{token}")))
    }

    /// The database this app runs on.
    pub fn backend(&self) -> Backend {
        if self.sqlite_file.is_some() {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    /// The header of this app's own account.
    pub fn auth_header(&self) -> String {
        Self::header_of(&self.account)
    }

    /// The header of any account's credentials.
    pub fn header_of(account: &NewAccount) -> String {
        Self::basic(&account.account_sid, &account.auth_token)
    }

    /// Runs an operation as `account` that must succeed and returns its `data`.
    pub async fn data_as(&self, account: &NewAccount, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .graphql_as(Some(&Self::header_of(account)), query, variables)
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// The URL of this app's database (for running the CLI against it).
    pub fn db_url(&self) -> String {
        self.db_url.clone()
    }

    /// The first campaign of this app's account.
    pub fn campaign_id(&self) -> i64 {
        self.account.campaign_ids[0]
    }

    /// SQL statements run so far by the server.
    pub fn statements(&self) -> u64 {
        self.statements.get()
    }

    /// The server's statement counter (which can also keep the statements it counts).
    pub fn statement_log(&self) -> &StatementCounter {
        &self.statements
    }

    /// POSTs a GraphQL operation as this app's account; returns (HTTP status, body).
    pub async fn graphql(&self, query: &str, variables: Value) -> (u16, Value) {
        self.graphql_as(Some(&self.auth_header()), query, variables)
            .await
    }

    /// POSTs the operation `operation` of a document of several, as this app's account.
    pub async fn graphql_named(
        &self,
        query: &str,
        operation: &str,
        variables: Value,
    ) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .header("Authorization", self.auth_header())
            .json(&json!({ "query": query, "operationName": operation, "variables": variables }))
            .send()
            .await
            .expect("send");
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.expect("json body"))
    }

    /// POSTs a GraphQL operation with the given `Authorization` header (or none).
    pub async fn graphql_as(
        &self,
        authorization: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        let response = request.send().await.expect("send");
        let status = response.status().as_u16();
        let body = response.json::<Value>().await.expect("json body");
        (status, body)
    }

    /// Runs an operation that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let (status, body) = self.graphql(query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// A plain GET with extra headers; returns (status, body text).
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let response = self.get_response(path, headers).await;
        (
            response.status().as_u16(),
            response.text().await.expect("body"),
        )
    }

    /// Any request to `path` with `method`, headers and a body; returns the whole response.
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{}", self.base_url, path))
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("send")
    }

    /// A plain GET with extra headers; returns the whole response (headers included).
    pub async fn get_response(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(format!("{}{}", self.base_url, path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("send")
    }

    /// POSTs a GraphQL operation as this app's account with extra headers; returns the whole
    /// response.
    pub async fn graphql_response(
        &self,
        query: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .header("Authorization", self.auth_header())
            .json(&json!({ "query": query }));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("send")
    }

    /// Seeds `partners` generated partners into a second account and returns that account.
    pub async fn seed_account(&self, partners: usize, seed: u64) -> NewAccount {
        let options = partnergraph::seed::SeedOptions {
            accounts: 1,
            partners,
            seed,
            progress: false,
        };
        let mut created = partnergraph::seed::generate(&self.db, &options)
            .await
            .expect("seed");
        created.remove(0)
    }

    /// The first column of every row `sql` returns, as text.
    pub async fn texts(&self, sql: &str) -> Vec<Option<String>> {
        let backend = self.db.get_database_backend();
        self.db
            .query_all_raw(sea_orm::Statement::from_string(backend, sql.to_owned()))
            .await
            .expect("query")
            .iter()
            .map(|row| {
                row.try_get_by_index::<Option<String>>(0)
                    .expect("a text column")
            })
            .collect()
    }

    /// Counts rows of a table (for "nothing was written" checks).
    pub async fn count_rows(&self, table: &str) -> i64 {
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                backend,
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await
            .expect("count")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("n")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            tx.send(()).ok();
        }
        if let Some(path) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
            }
        }
    }
}

/// Serves `state` on `listener` until the returned sender fires.
fn serve(
    listener: tokio::net::TcpListener,
    state: partnergraph::http::AppState,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let stopped = startup::serve_on(listener, state, async {
            rx.await.ok();
        });
        stopped.await.expect("serve");
    });
    (tx, server)
}

/// POSTs a GraphQL multipart request (the upload spec): `operations`, whose variable `file`
/// is filled by the part holding `bytes` as `file_name`; returns (HTTP status, JSON body).
pub async fn post_file(
    base_url: &str,
    authorization: &str,
    operations: &Value,
    file_name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.file"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        );
    let response = reqwest::Client::new()
        .post(format!("{base_url}/graphql"))
        .header("Authorization", authorization)
        .multipart(form)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// Declares tests that take a `TestApp`, generating `sqlite::<name>` and `postgres::<name>`.
macro_rules! backend_tests {
    ($( $(#[$meta:meta])* async fn $name:ident($app:ident) $body:block )*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::support::init_logging();
                    let $app = $crate::support::TestApp::spawn($crate::support::Backend::Sqlite)
                        .await
                        .expect("sqlite app");
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$meta])*
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some($app) = $crate::support::TestApp::spawn($crate::support::Backend::Postgres).await else {
                        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
                        return;
                    };
                    $body
                }
            )*
        }
    };
}
pub(crate) use backend_tests;

/// Logs the server's SQL when `TEST_LOG` is set (e.g. `TEST_LOG=partnergraph::sql=trace`).
pub fn init_logging() {
    if let Ok(filter) = std::env::var("TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    }
}
