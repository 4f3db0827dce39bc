//! The command line, run as the real binary: `account create`, `seed --json`, `export-schema`.

use std::process::Command;

use serde_json::{json, Value};

use crate::support::{Backend, TestApp};

fn partnergraph(args: &[&str], database_url: &str) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_partnergraph"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run partnergraph");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn temp_sqlite() -> (String, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!(
        "partnergraph-cli-{}.db",
        std::process::id() as u64 * 1000 + rand::random::<u16>() as u64
    ));
    (format!("sqlite://{}?mode=rwc", path.display()), path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_create_prints_working_credentials() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let url = app.db_url();
    let (ok, stdout, stderr) =
        partnergraph(&["account", "create", "--name", "Northwind Gear"], &url);
    assert!(ok, "{stderr}");
    let created: Value = serde_json::from_str(stdout.trim()).expect("JSON on stdout");
    let sid = created["accountSid"].as_str().unwrap();
    let token = created["authToken"].as_str().unwrap();
    let campaign = created["campaignIds"][0].as_i64().unwrap();
    assert!(sid.starts_with("IR") && sid.len() == 34);
    let (status, body) = app
        .graphql_as(
            Some(&TestApp::basic(sid, token)),
            "{ viewer { account { name campaigns { campaignId } } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["viewer"]["account"]["name"], "Northwind Gear");
    assert_eq!(
        body["data"]["viewer"]["account"]["campaigns"][0]["campaignId"],
        campaign
    );
    // The token is stored only as its SHA-256 hash.
    let hashed = partnergraph::auth::hash_token(token);
    assert_eq!(
        app.count_rows(&format!("api_credentials WHERE token_hash = '{hashed}'"))
            .await,
        1
    );
    assert_eq!(
        app.count_rows(&format!("api_credentials WHERE token_hash = '{token}'"))
            .await,
        0
    );
}

#[test]
fn account_create_refuses_a_blank_name() {
    let (url, path) = temp_sqlite();
    let (ok, _, stderr) = partnergraph(&["account", "create", "--name", "  "], &url);
    assert!(!ok);
    assert!(stderr.contains("name"), "{stderr}");
    std::fs::remove_file(path).ok();
}

#[test]
fn seed_json_lists_each_account_like_account_create() {
    let (url, path) = temp_sqlite();
    let (ok, stdout, stderr) = partnergraph(
        &[
            "seed",
            "--accounts",
            "2",
            "--partners",
            "40",
            "--seed",
            "9",
            "--json",
        ],
        &url,
    );
    assert!(ok, "{stderr}");
    let doc: Value = serde_json::from_str(stdout.trim()).expect("JSON on stdout");
    let accounts = doc["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    for account in accounts {
        assert!(account["accountSid"].is_string() && account["authToken"].is_string());
        assert_eq!(account["campaignIds"].as_array().unwrap().len(), 2);
        assert!(account["campaignIds"][0].is_i64());
    }
    std::fs::remove_file(path).ok();
}

#[tokio::test]
async fn export_schema_writes_the_sdl() {
    let (url, path) = temp_sqlite();
    let (ok, stdout, _) = partnergraph(&["export-schema", "--output", "-"], &url);
    assert!(ok);
    assert_eq!(stdout, partnergraph::graphql::sdl().await);
    std::fs::remove_file(path).ok();
}

/// `contracts apply-due --now`: what a scheduled switch and a scheduled expiry need, once; a
/// second run applies nothing. On both databases.
async fn apply_due_once(app: TestApp) {
    use crate::contract_support::{
        active_partners, current_template, day, expire, standing_of, switch, template_ids,
    };
    let acme = app.seed_account(30, 121).await;
    let campaign = acme.campaign_ids[0];
    let partners = active_partners(&app, &acme, campaign).await;
    let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
    let (a, b) = (partners[0], partners[1]);
    switch(
        &app,
        &acme,
        json!({ "campaignId": campaign.to_string(), "selection": { "ids": [a.to_string()] },
        "templateId": target.to_string(), "effectiveDate": day(2) }),
    )
    .await;
    expire(&app, &acme, json!({ "campaignId": campaign.to_string(), "selection": { "ids": [b.to_string()] }, "expireOn": day(2) })).await;
    let at = (chrono::Utc::now() + chrono::Duration::days(4)).to_rfc3339();
    let (ok, stdout, stderr) =
        partnergraph(&["contracts", "apply-due", "--now", &at], &app.db_url());
    assert!(ok, "{stderr}");
    let applied: Value = serde_json::from_str(stdout.trim()).expect("JSON on stdout");
    assert!(
        applied["switched"].as_u64().unwrap() >= 1 && applied["expired"].as_u64().unwrap() >= 1,
        "{applied}"
    );
    assert_eq!(current_template(&app, campaign, a).await, Some(target));
    assert_eq!(standing_of(&app, campaign, b).await.0, "EXPIRED");
    let (ok, again, _) = partnergraph(&["contracts", "apply-due", "--now", &at], &app.db_url());
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<Value>(again.trim()).unwrap(),
        json!({ "switched": 0, "fellBack": 0, "expired": 0, "lapsed": 0, "failed": 0 })
    );
    let (ok, _, stderr) = partnergraph(
        &["contracts", "apply-due", "--now", "tomorrow"],
        &app.db_url(),
    );
    assert!(!ok && stderr.contains("RFC 3339"), "{stderr}");
    let (ok, _, stderr) = partnergraph(
        &["contracts", "apply-due", "--now", "9999-12-31T23:59:59Z"],
        &app.db_url(),
    );
    assert!(!ok && stderr.contains("36500 days"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_apply_due_applies_what_is_due_once_on_sqlite() {
    apply_due_once(TestApp::spawn(Backend::Sqlite).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_apply_due_applies_what_is_due_once_on_postgres() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    apply_due_once(app).await;
}
