//! The demo account: a random token at first start, a fresh playground credential at each start
//! on a loopback address (the previous one revoked), none on the page elsewhere.

use std::net::SocketAddr;

use serde_json::json;

use crate::support::{Backend, TestApp};
use partnergraph::config::DatabaseConfig;
use partnergraph::http::playground::PLACEHOLDER_AUTHORIZATION;
use partnergraph::seed::DEMO_SID;
use partnergraph::startup::{self, DemoCredentials};

const DEMO_QUERY: &str = "{ campaigns { campaignId name
  partners(first: 500) { totalCount nodes { partnerId groups { groupId } contracts { status }
    customFields { customFieldId } assignedTo { userId } } } } }";

async fn demo_is_seeded_and_ready(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, true).await else {
        return;
    };
    let created = app
        .demo
        .clone()
        .expect("the first start shows the demo credential");
    assert_eq!(created.account_sid, DEMO_SID);
    let (status, body) = app
        .graphql_as(Some(&created.header()), DEMO_QUERY, json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let campaigns = body["data"]["campaigns"].as_array().unwrap();
    assert_eq!(campaigns.len(), 2);
    let total: i64 = campaigns
        .iter()
        .map(|c| c["partners"]["totalCount"].as_i64().unwrap())
        .sum();
    assert!(
        total >= 300,
        "a few hundred partners across two campaigns, got {total}"
    );
    let nodes: Vec<&serde_json::Value> = campaigns
        .iter()
        .flat_map(|c| c["partners"]["nodes"].as_array().unwrap().iter())
        .collect();
    let count =
        |pred: &dyn Fn(&serde_json::Value) -> bool| nodes.iter().filter(|n| pred(n)).count();
    assert!(
        count(&|n| !n["groups"].as_array().unwrap().is_empty()) > 10,
        "partners in groups"
    );
    assert!(
        count(&|n| !n["customFields"].as_array().unwrap().is_empty()) > 10,
        "custom field answers"
    );
    assert!(
        count(&|n| !n["assignedTo"].is_null()) > 10,
        "assigned users"
    );
    let mut statuses: Vec<String> = nodes
        .iter()
        .flat_map(|n| n["contracts"].as_array().unwrap().iter())
        .map(|c| c["status"].as_str().unwrap().to_owned())
        .collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(
        statuses,
        [
            "ACTIVE",
            "DECLINED",
            "EXPIRED",
            "PENDING",
            "REPLACED",
            "SUSPENDED",
            "UPCOMING",
            "WITHDRAWN"
        ]
    );
    assert!(app.count_rows("notes").await > 0);

    // On a loopback address the playground opens with a credential of its own filled in (not
    // the first start's), at `/` and for browsers at `/graphql`; it works.
    let playground = app.playground.clone().expect("a playground credential");
    assert_ne!(playground.auth_token, created.auth_token);
    for path in ["/", "/graphql"] {
        let (status, page) = app.get(path, &[("Accept", "text/html")]).await;
        assert_eq!(status, 200);
        assert!(page.contains("GraphiQL"), "{path} shows the playground");
        assert_eq!(
            prefilled_authorization(&page),
            playground.header(),
            "{path}"
        );
        assert!(!page.contains(&created.auth_token) && !page.contains(&created.header()));
    }
    // A page loaded through another host name (DNS rebound to this machine) is that name's
    // origin: it never carries the credential.
    for host in ["evil.example:8000", "localhost.evil.example"] {
        let (status, page) = app
            .get("/", &[("Accept", "text/html"), ("Host", host)])
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            prefilled_authorization(&page),
            PLACEHOLDER_AUTHORIZATION,
            "{host}"
        );
        assert!(!page.contains(&playground.auth_token), "{host}");
    }
    assert_eq!(viewer_status(&app, &playground).await, 200);
    let (status, health) = app.get("/healthz", &[]).await;
    assert_eq!((status, health.as_str()), (200, r#"{"status":"ok"}"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_first_start_creates_a_ready_demo_account() {
    demo_is_seeded_and_ready(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_first_start_creates_a_ready_demo_account() {
    demo_is_seeded_and_ready(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_demo_the_playground_asks_for_credentials() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    assert!(app.demo.is_none() && app.playground.is_none());
    let (status, page) = app.get("/", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(prefilled_authorization(&page), PLACEHOLDER_AUTHORIZATION);
}

/// The `Authorization` header the playground page fills in.
pub fn prefilled_authorization(page: &str) -> String {
    let (_, config) = page
        .split_once(r#"<script id="playground-config" type="application/json">"#)
        .expect("the page's configuration");
    let (config, _) = config.split_once("</script>").expect("its end");
    let config: serde_json::Value = serde_json::from_str(config).expect("JSON");
    let headers: serde_json::Value =
        serde_json::from_str(config["headers"].as_str().expect("headers")).expect("JSON headers");
    headers["Authorization"]
        .as_str()
        .expect("Authorization")
        .to_owned()
}

/// The status of a `viewer` query sent with `credentials`.
async fn viewer_status(app: &TestApp, credentials: &DemoCredentials) -> u16 {
    let header = credentials.header();
    let (status, _) = app
        .graphql_as(Some(&header), "{ viewer { user { name } } }", json!({}))
        .await;
    status
}

/// Starts the server's state again on `app`'s database, as a restart listening on `addr` would.
async fn restart(app: &TestApp, addr: &str) -> (Option<DemoCredentials>, String) {
    let config = DatabaseConfig::for_url(app.db_url());
    let (mut state, created) = startup::build_state(&config, true).await.expect("state");
    assert!(created.is_none(), "the demo account is created once");
    let addr: SocketAddr = addr.parse().expect("address");
    let credential = startup::open_playground(&mut state, addr)
        .await
        .expect("playground");
    (credential, state.playground.as_ref().clone())
}

async fn restart_on_loopback_replaces_the_playground_credential(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, true).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let created = app.demo.clone().unwrap();
    let first = app.playground.clone().unwrap();
    for addr in ["127.0.0.1:8000", "[::1]:8000"] {
        let (second, page) = restart(&app, addr).await;
        let second = second.expect("a new playground credential on {addr}");
        assert_ne!(second.auth_token, first.auth_token);
        assert_eq!(prefilled_authorization(&page), second.header());
        assert_eq!(viewer_status(&app, &second).await, 200);
        assert_eq!(
            viewer_status(&app, &first).await,
            401,
            "the previous one is revoked"
        );
    }
    assert_eq!(
        viewer_status(&app, &created).await,
        200,
        "the first start's credential stays valid"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_restart_on_loopback_replaces_the_playground_credential() {
    restart_on_loopback_replaces_the_playground_credential(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_on_loopback_replaces_the_playground_credential() {
    restart_on_loopback_replaces_the_playground_credential(Backend::Postgres).await;
}

async fn off_loopback_the_page_carries_no_credential(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, true).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let before = app.playground.clone().unwrap();
    for addr in ["0.0.0.0:8000", "192.0.2.10:8000", "[::]:8000"] {
        let (credential, page) = restart(&app, addr).await;
        assert!(credential.is_none(), "{addr}");
        assert_eq!(
            prefilled_authorization(&page),
            PLACEHOLDER_AUTHORIZATION,
            "{addr}"
        );
        assert!(!page.contains(&before.auth_token) && !page.contains(&before.header()));
    }
    assert_eq!(viewer_status(&app, &before).await, 401, "revoked as well");
    assert_eq!(viewer_status(&app, app.demo.as_ref().unwrap()).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_off_loopback_the_page_carries_no_credential() {
    off_loopback_the_page_carries_no_credential(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_off_loopback_the_page_carries_no_credential() {
    off_loopback_the_page_carries_no_credential(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_database_gets_its_own_demo_token() {
    let a = TestApp::spawn_with(Backend::Sqlite, true).await.unwrap();
    let b = TestApp::spawn_with(Backend::Sqlite, true).await.unwrap();
    let (a_token, b_token) = (
        &a.demo.as_ref().unwrap().auth_token,
        &b.demo.as_ref().unwrap().auth_token,
    );
    assert_ne!(a_token, b_token);
    assert!(a_token.len() >= 32 && a_token.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(viewer_status(&a, b.demo.as_ref().unwrap()).await, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_revokes_the_once_published_demo_token() {
    // A database made by an earlier version carries the token its README published. The start
    // that revokes it is another server on the same database: this one would trust a credential
    // it verified for up to AUTH_CACHE_TTL_MS (tests/api/auth.rs), so its cache is off here.
    let app = TestApp::spawn_serving(Backend::Sqlite, true, |_, s| s.auth_cache_ttl_ms = 0)
        .await
        .unwrap();
    let published = DemoCredentials {
        account_sid: DEMO_SID.to_owned(),
        auth_token: "demo-token-change-me-0000000000".to_owned(),
    };
    let hash = partnergraph::auth::hash_token(&published.auth_token);
    let demo_admin =
        "(SELECT user_id FROM api_credentials WHERE label = 'default' AND account_id = \
        (SELECT id FROM accounts WHERE sid = 'IRDEMO0000000000000000000000000001'))";
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        &format!(
            "INSERT INTO api_credentials (account_id, user_id, token_hash, label, created_at) \
             SELECT account_id, user_id, '{hash}', 'default', created_at FROM api_credentials \
             WHERE user_id = {demo_admin} AND label = 'default'"
        ),
    )
    .await
    .expect("insert the published token");
    assert_eq!(viewer_status(&app, &published).await, 200);
    restart(&app, "127.0.0.1:8000").await;
    assert_eq!(viewer_status(&app, &published).await, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_run_over_get_but_mutations_do_not() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let header = app.auth_header();
    let (status, body) = app
        .get(
            "/graphql?query=%7Bviewer%7Buser%7Bname%7D%7D%7D",
            &[("Authorization", &header)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Account Administrator"));
    let mutation = "/graphql?query=mutation%7BcreatePartner(input%3A%7BcampaignId%3A%221%22%2Cname%3A%22x%22%2Cemail%3A%22a%40b.co%22%2Ccountry%3A%22US%22%7D)%7BuserErrors%7Bcode%7D%7D%7D";
    let (status, body) = app.get(mutation, &[("Authorization", &header)]).await;
    assert_eq!(status, 405, "{body}");
    assert!(body.contains("POST"), "{body}");
}
