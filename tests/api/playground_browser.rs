//! The playground in a real browser: headless Chromium (Debian's `/usr/bin/chromium`, driven by
//! `tests/js/browser/playground.mjs` with playwright-core) opens it, runs the query it opens with
//! and must show the demo partners, having loaded nothing from outside the server.
//!
//! Without node, the script's node_modules (`npm ci --prefix tests/js/browser`) or Chromium the
//! tests say they are skipped, unless `PARTNERGRAPH_REQUIRE_JS_TESTS=1` (as `.ci/run` sets):
//! then a missing tool fails them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use crate::js_tools;
use crate::support::{Backend, TestApp};
use partnergraph::http::playground::{self, FIRST_QUERY};

/// The script to run, or `None` (with the reason printed) when the tools are missing and not required.
fn script_or_skip() -> Option<PathBuf> {
    let dir = js_tools::dir("browser");
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing = js_tools::missing(&dir, &["playwright-core"]).or_else(|| {
        (!Path::new(&chromium).exists())
            .then(|| format!("{chromium} is missing (apt-get install -y chromium)"))
    });
    js_tools::ready("the browser test", missing).then(|| dir.join("playground.mjs"))
}

/// Opens `url` in headless Chromium (in `profile` when given, else a fresh one), presses run
/// and returns the script's report; `timeout_ms` bounds each wait.
async fn open_in_browser(
    script: &Path,
    url: &str,
    profile: Option<&Path>,
    timeout_ms: u32,
) -> Value {
    let mut command = Command::new("node");
    command
        .arg(script)
        .arg(url)
        .env("PLAYGROUND_TIMEOUT_MS", timeout_ms.to_string());
    if let Some(profile) = profile {
        command.env("PLAYGROUND_PROFILE", profile);
    }
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|_| {
        panic!(
            "no report from the browser script: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Checks a report: the run finished, the response pane holds `expected` (the API's own answer
/// to the first query) with a demo partner's name in view, and every request stayed on `origin`.
fn check_report(report: &Value, origin: &str, expected: &Value) -> Result<(), String> {
    if report["ok"] != true {
        return Err(format!("the page did not answer: {report}"));
    }
    let response: Value = serde_json::from_str(report["response"].as_str().unwrap_or_default())
        .map_err(|e| format!("the response pane holds no JSON ({e}): {report}"))?;
    if &response != expected {
        return Err(format!(
            "the page shows {response}, the API answers {expected}"
        ));
    }
    let first_name = expected["data"]["campaigns"][0]["partners"]["nodes"][0]["name"]
        .as_str()
        .ok_or("no demo partner in the API's answer")?;
    let visible = report["visibleText"].as_str().unwrap_or_default();
    if !visible.contains(first_name) {
        return Err(format!("{first_name:?} is not in view: {visible}"));
    }
    let requests: Vec<&str> = report["requests"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let elsewhere: Vec<&&str> = requests
        .iter()
        .filter(|u| !u.starts_with(&format!("{origin}/")))
        .collect();
    if requests.is_empty() || !elsewhere.is_empty() || report["blocked"] != json!([]) {
        return Err(format!("requests outside {origin}: {report}"));
    }
    for quiet in ["violations", "consoleErrors", "pageErrors"] {
        if report[quiet] != json!([]) {
            return Err(format!("{quiet}: {}", report[quiet]));
        }
    }
    Ok(())
}

/// The API's answer to the playground's first query, sent with the playground's credential.
async fn first_query_answer(app: &TestApp) -> Value {
    let header = app
        .playground
        .as_ref()
        .expect("a playground credential")
        .header();
    let (status, body) = app.graphql_as(Some(&header), FIRST_QUERY, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let names = body["data"]["campaigns"][0]["partners"]["nodes"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(names, 10, "ten demo partners on the first page: {body}");
    body
}

async fn playground_runs_its_first_query_in_a_browser(backend: Backend) {
    let Some(script) = script_or_skip() else {
        return;
    };
    let Some(mut app) = TestApp::spawn_with(backend, true).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let profile = tempdir("partnergraph-browser-profile");
    let url = format!("{}/", app.base_url);
    let report = open_in_browser(&script, &url, Some(&profile), 30_000).await;
    let expected = first_query_answer(&app).await;
    check_report(&report, &app.base_url, &expected).unwrap();
    let title = report["title"].as_str().unwrap_or_default();
    assert_eq!(title, "partnergraph playground");
    let tools = report["editorTools"].to_string();
    assert!(
        tools.contains(&app.playground.as_ref().unwrap().header()),
        "{tools}"
    );

    // After a restart the same browser (its storage holds the previous, now revoked credential)
    // runs the query with the new one.
    app.restart().await;
    let report = open_in_browser(&script, &url, Some(&profile), 30_000).await;
    std::fs::remove_dir_all(&profile).ok();
    check_report(&report, &app.base_url, &first_query_answer(&app).await).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_playground_runs_its_first_query_in_a_browser() {
    playground_runs_its_first_query_in_a_browser(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_playground_runs_its_first_query_in_a_browser() {
    playground_runs_its_first_query_in_a_browser(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_check_fails_when_the_query_fails() {
    let Some(script) = script_or_skip() else {
        return;
    };
    // Revoked behind the server's back: its cache of verified credentials is off, so it notices.
    let app = TestApp::spawn_serving(Backend::Sqlite, true, |_, s| s.auth_cache_ttl_ms = 0)
        .await
        .unwrap();
    let expected = first_query_answer(&app).await;
    // The page still carries the playground credential, which is now revoked.
    partnergraph::demo::renew_playground_credential(&app.db, false)
        .await
        .unwrap();
    let url = format!("{}/", app.base_url);
    let report = open_in_browser(&script, &url, None, 30_000).await;
    let failure = check_report(&report, &app.base_url, &expected).unwrap_err();
    assert!(failure.contains("UNAUTHENTICATED"), "{failure}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_check_fails_when_the_playground_files_are_missing() {
    let Some(script) = script_or_skip() else {
        return;
    };
    let app = TestApp::spawn_with(Backend::Sqlite, true).await.unwrap();
    let expected = first_query_answer(&app).await;
    let page = playground::page(Some(&app.playground.as_ref().unwrap().header()));
    let (url, _server) = serve_page(page).await;
    let report = open_in_browser(&script, &url, None, 3_000).await;
    assert_eq!(report["ok"], false, "{report}");
    assert!(check_report(&report, &url, &expected).is_err());
}

/// Serves `page` at `/` of a server of its own that has nothing else; returns its URL.
async fn serve_page(page: String) -> (String, tokio::task::JoinHandle<()>) {
    let page = axum::response::Html(page);
    let router = axum::Router::new().route("/", axum::routing::get(move || async { page }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        axum::serve(listener, router).await.ok();
    });
    (url, server)
}

fn tempdir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
