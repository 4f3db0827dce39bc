//! graphql-http's audit suite of the GraphQL-over-HTTP specification (`tests/js/audit`, run by
//! Node against the test server): every MUST passes, and every SHOULD and MAY this server
//! implements. Without Node or the folder's packages the test says why and skips, unless
//! `PARTNERGRAPH_REQUIRE_JS_TESTS=1`.

use serde_json::Value;

use crate::js_tools;
use crate::support::{Backend, TestApp};

/// Runs every audit against `app`; returns the results (id, name, status, reason).
async fn audit(app: &TestApp) -> Vec<Value> {
    let script = js_tools::dir("audit").join("audit.mjs");
    let (url, auth) = (format!("{}/graphql", app.base_url), app.auth_header());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .arg(url)
            .arg(auth)
            .output()
    })
    .await
    .expect("the audit's thread")
    .expect("node runs");
    assert!(
        out.status.success(),
        "the audit did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the audit prints JSON")
}

async fn every_audit_passes(backend: Backend) {
    let missing = js_tools::missing(&js_tools::dir("audit"), &["graphql-http", "graphql"]);
    if !js_tools::ready("the GraphQL-over-HTTP audit", missing) {
        return;
    }
    let Some(app) = TestApp::spawn(backend).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let results = audit(&app).await;
    assert!(
        results.len() > 40,
        "the suite runs all its audits: {results:?}"
    );
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r["status"] != "ok")
        .map(|r| format!("{} {} {}: {}", r["status"], r["id"], r["name"], r["reason"]))
        .collect();
    assert!(
        failed.is_empty(),
        "audits that did not pass:\n{}",
        failed.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_every_graphql_over_http_audit_passes() {
    every_audit_passes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_every_graphql_over_http_audit_passes() {
    every_audit_passes(Backend::Postgres).await;
}
