//! `partnergraph serve` as the real binary: the demo's token is printed once, at the start that
//! creates it; each start on a loopback address prints and pre-fills a new playground
//! credential; elsewhere the page carries none; no token ever reaches the log; it applies the
//! scheduled contract changes that fall due, at its start and then periodically.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;

use crate::demo::prefilled_authorization;
use crate::support::{fresh_postgres, Backend, TestApp};
use partnergraph::http::playground::PLACEHOLDER_AUTHORIZATION;

/// A running `partnergraph serve` and what it printed.
struct Server {
    child: Child,
    url: String,
    stdout: String,
    logs: mpsc::Receiver<String>,
}

/// A test that fails before `stop` leaves no server running (a `Child` is not killed when
/// dropped).
impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Server {
    /// Starts the server on `database_url` listening on `bind`; returns once it printed its banner.
    fn start(database_url: &str, bind: &str) -> Server {
        Self::start_with(database_url, bind, &[])
    }

    /// [`Server::start`] with more environment variables.
    fn start_with(database_url: &str, bind: &str, env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_partnergraph"))
            .args(["serve", "--bind", bind, "--demo", "true"])
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", "debug")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start partnergraph serve");
        let lines = |stream: Box<dyn std::io::Read + Send>| {
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            rx
        };
        let out = lines(Box::new(child.stdout.take().expect("stdout")));
        let logs = lines(Box::new(child.stderr.take().expect("stderr")));
        // The banner is printed at once, after the start-up work and before serving.
        let mut stdout = String::new();
        while let Ok(line) = out.recv_timeout(Duration::from_secs(120)) {
            stdout.push_str(&line);
            stdout.push('\n');
            if line.starts_with("  GraphQL:") {
                while let Ok(line) = out.recv_timeout(Duration::from_millis(500)) {
                    stdout.push_str(&line);
                    stdout.push('\n');
                }
                break;
            }
        }
        let url = stdout
            .lines()
            .find_map(|l| l.strip_prefix("partnergraph is listening on "))
            .unwrap_or_else(|| panic!("no banner: {stdout}"))
            .replace("0.0.0.0", "127.0.0.1");
        Server {
            child,
            url,
            stdout,
            logs,
        }
    }

    /// The Auth Tokens the banner shows, in order.
    fn tokens(&self) -> Vec<String> {
        self.stdout
            .lines()
            .filter_map(|l| l.trim().strip_prefix("Auth Token:"))
            .map(|t| t.trim().to_owned())
            .collect()
    }

    /// The playground page's pre-filled `Authorization` header.
    async fn prefilled(&self) -> String {
        let page = reqwest::get(format!("{}/", self.url))
            .await
            .expect("page")
            .text()
            .await
            .expect("text");
        prefilled_authorization(&page)
    }

    /// The status of a `viewer` query with `token` of the demo account.
    async fn status_with(&self, token: &str) -> u16 {
        let header = TestApp::basic(partnergraph::seed::DEMO_SID, token);
        reqwest::Client::new()
            .post(format!("{}/graphql", self.url))
            .header("Authorization", header)
            .json(&json!({ "query": "{ viewer { user { name } } }" }))
            .send()
            .await
            .expect("send")
            .status()
            .as_u16()
    }

    /// Stops the server and returns everything it logged.
    fn stop(mut self) -> String {
        self.child.kill().ok();
        self.child.wait().ok();
        let mut logs = String::new();
        while let Ok(line) = self.logs.recv_timeout(Duration::from_secs(5)) {
            logs.push_str(&line);
            logs.push('\n');
        }
        logs
    }
}

async fn serve_prints_each_token_once_and_never_logs_it(backend: Backend) {
    // The PostgreSQL database is dropped when `_database` is, at the end.
    let (url, sqlite_file, _database) = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!(
                "partnergraph-serve-{:016x}.db",
                rand::random::<u64>()
            ));
            (
                format!("sqlite://{}?mode=rwc", path.display()),
                Some(path),
                None,
            )
        }
        Backend::Postgres => match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if admin.starts_with("postgres") => {
                let database = fresh_postgres(&admin).await;
                (database.url.clone(), None, Some(database))
            }
            _ => {
                eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
                return;
            }
        },
    };

    let first = Server::start(&url, "127.0.0.1:0");
    assert!(
        first.stdout.contains("demo account created"),
        "{}",
        first.stdout
    );
    let [created, playground_1] = <[String; 2]>::try_from(first.tokens()).expect("two tokens");
    assert_ne!(created, playground_1);
    let header = TestApp::basic(partnergraph::seed::DEMO_SID, &playground_1);
    assert_eq!(first.prefilled().await, header);
    assert_eq!(first.status_with(&created).await, 200);
    assert_eq!(first.status_with(&playground_1).await, 200);
    let mut logs = first.stop();

    let second = Server::start(&url, "127.0.0.1:0");
    assert!(
        !second.stdout.contains("demo account created"),
        "{}",
        second.stdout
    );
    let [playground_2] = <[String; 1]>::try_from(second.tokens()).expect("one token");
    assert!(!second.stdout.contains(&created));
    let header = TestApp::basic(partnergraph::seed::DEMO_SID, &playground_2);
    assert_eq!(second.prefilled().await, header);
    assert_eq!(second.status_with(&playground_1).await, 401);
    assert_eq!(second.status_with(&playground_2).await, 200);
    assert_eq!(second.status_with(&created).await, 200);
    logs.push_str(&second.stop());

    let third = Server::start(&url, "0.0.0.0:0");
    assert!(third.tokens().is_empty(), "{}", third.stdout);
    assert!(
        third.stdout.contains("carries no credentials"),
        "{}",
        third.stdout
    );
    assert_eq!(third.prefilled().await, PLACEHOLDER_AUTHORIZATION);
    assert_eq!(third.status_with(&playground_2).await, 401);
    logs.push_str(&third.stop());

    assert!(
        logs.contains("creating the demo account"),
        "logs were read: {logs}"
    );
    for token in [&created, &playground_1, &playground_2] {
        assert!(!logs.contains(token.as_str()), "a token in the log");
    }
    if let Some(path) = sqlite_file {
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
        }
    }
}

/// A partner's contract status, as the relationship row mirrors it.
async fn status_of(app: &TestApp, campaign: i64, partner: i64) -> String {
    app.texts(&format!(
        "SELECT COALESCE(contract_status, '-') FROM campaign_partners \
         WHERE campaign_id = {campaign} AND partner_id = {partner}"
    ))
    .await[0]
        .clone()
        .unwrap_or_default()
}

/// Waits up to a minute for `partner`'s contract status to become `status`.
async fn until_status(app: &TestApp, campaign: i64, partner: i64, status: &str) -> bool {
    for _ in 0..120 {
        if status_of(app, campaign, partner).await == status {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    false
}

/// `serve` applies the scheduled changes that are due by itself: at its start, and then every
/// `CONTRACTS_APPLY_INTERVAL_SECS`. The expiries are scheduled by a test server whose clock is
/// three days behind, so by the real clock they fell due two days ago.
async fn serve_applies_due_changes_at_start_and_then_periodically(backend: Backend) {
    let at = chrono::Utc::now() - chrono::Duration::days(3);
    let Some((app, behind)) = TestApp::spawn_clocked(backend, at).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let acme = app.seed_account(20, 141).await;
    let campaign = acme.campaign_ids[0];
    let active = crate::contract_support::active_partners(&app, &acme, campaign).await;
    let expire_later = |partner: i64| {
        let on = (behind.now() + chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string();
        crate::contract_support::with(
            crate::contract_support::base(campaign, crate::contract_support::ids(&[partner])),
            json!({ "expireOn": on }),
        )
    };
    let first = crate::contract_support::expire(&app, &acme, expire_later(active[0])).await;
    assert_eq!(first["affectedCount"], 1, "{first}");
    assert_eq!(
        status_of(&app, campaign, active[0]).await,
        "ACTIVE",
        "scheduled, not applied"
    );

    let server = Server::start_with(
        &app.db_url(),
        "127.0.0.1:0",
        &[("CONTRACTS_APPLY_INTERVAL_SECS", "1")],
    );
    assert!(
        until_status(&app, campaign, active[0], "EXPIRED").await,
        "applied at the start"
    );
    // Scheduled while it runs: the next tick applies it.
    let second = crate::contract_support::expire(&app, &acme, expire_later(active[1])).await;
    assert_eq!(second["affectedCount"], 1, "{second}");
    assert!(
        until_status(&app, campaign, active[1], "EXPIRED").await,
        "applied by a later tick"
    );
    let logs = server.stop();
    assert!(
        logs.contains("scheduled contract changes applied"),
        "the runner logged its work: {logs}"
    );
    assert_eq!(
        app.count_rows(&format!(
            "contract_history WHERE campaign_id = {campaign} AND action = 'EXPIRED' AND partner_id IN ({}, {})",
            active[0], active[1]
        ))
        .await,
        2,
        "each expiry applied once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_serve_applies_due_changes_at_start_and_then_periodically() {
    serve_applies_due_changes_at_start_and_then_periodically(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serve_applies_due_changes_at_start_and_then_periodically() {
    serve_applies_due_changes_at_start_and_then_periodically(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_serve_prints_each_token_once_and_never_logs_it() {
    serve_prints_each_token_once_and_never_logs_it(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serve_prints_each_token_once_and_never_logs_it() {
    serve_prints_each_token_once_and_never_logs_it(Backend::Postgres).await;
}
