//! Timeouts and back-pressure: an exhausted pool answers `UNAVAILABLE` (503, `Retry-After`)
//! at once, a request past the request timeout answers `TIMEOUT` (504), a statement past the
//! PostgreSQL statement timeout is cancelled with `TIMEOUT`, and `/healthz` answers through all
//! of it while `/readyz` tells whether the database answers.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, TransactionTrait};
use serde_json::Value;

use crate::first_error_code;
use crate::rest_support::Rest;
use crate::support::{backend_tests, Backend, TestApp};

const VIEWER: &str = "{ viewer { user { name } } }";

/// `/healthz` answers 200 within a fraction of a second.
async fn assert_healthz_is_quick(app: &TestApp) {
    let started = Instant::now();
    let (status, body) = app.get("/healthz", &[]).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    let took = started.elapsed();
    assert!(took < Duration::from_millis(500), "/healthz took {took:?}");
}

/// A server whose pool has one connection, with the given acquire and request timeouts.
async fn one_connection_app(backend: Backend, acquire_ms: u64, request_ms: u64) -> TestApp {
    TestApp::spawn_serving(backend, false, |db, serving| {
        db.db_max_connections = 1;
        serving.db_acquire_timeout_ms = acquire_ms;
        serving.request_timeout_ms = request_ms;
    })
    .await
    .expect("app")
}

async fn graphql_json(app: &TestApp, query: &str) -> (u16, String, Value) {
    let response = app.graphql_response(query, &[]).await;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        retry_after,
        response.json().await.expect("JSON body"),
    )
}

backend_tests! {
    async fn expensive_requests_use_the_heavy_lane_and_never_the_main_pool(app) {
        let app = TestApp::spawn_serving(app.backend(), false, |_, serving| {
            serving.db_acquire_timeout_ms = 300;
            serving.request_timeout_ms = 1_500;
            serving.db_heavy_connections = 1;
        })
        .await
        .expect("app");
        let c = app.campaign_id();
        // All ten facets: a cost of 5,000 and more, the heavy lane's.
        let heavy = format!("{{ partners(campaignId: \"{c}\", first: 0) {{ facets {{ countries {{ value count }}
            groups {{ value count }} contractStatuses {{ value count }} contractTemplates {{ value count }}
            relationshipTypes {{ value count }} sizes {{ value count }} relationshipStages {{ value count }}
            businessModels {{ value count }} assignedTo {{ value count }} prospectingSources {{ value count }} }} }} }}");
        let (status, _, body) = graphql_json(&app, &heavy).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["extensions"]["cost"]["requested"].as_u64().unwrap() >= 5_000, "{body}");
        // The test holds the lane's only connection: heavy requests queue for it past the main
        // pool's acquire timeout, up to the request timeout...
        let lane = app.heavy_db.as_ref().expect("a heavy lane");
        let held = lane.begin().await.unwrap();
        let started = Instant::now();
        let (status, _, body) = graphql_json(&app, &heavy).await;
        assert_eq!(status, 504, "{body}");
        assert_eq!(first_error_code(&body), "TIMEOUT");
        assert!(started.elapsed() >= Duration::from_millis(1_400), "waited for the lane");
        // ... and one that gets the lane within it completes.
        let queued = tokio::spawn({
            let (url, auth, heavy) = (app.base_url.clone(), app.auth_header(), heavy.clone());
            async move {
                reqwest::Client::new()
                    .post(format!("{url}/graphql"))
                    .header("Authorization", auth)
                    .json(&serde_json::json!({ "query": heavy }))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            }
        });
        tokio::time::sleep(Duration::from_millis(600)).await;
        // ... while every other request keeps the main pool.
        let started = Instant::now();
        let (status, _, body) = graphql_json(&app, VIEWER).await;
        assert_eq!(status, 200, "{body}");
        assert!(started.elapsed() < Duration::from_millis(500));
        held.rollback().await.unwrap();
        assert_eq!(queued.await.unwrap().unwrap(), 200, "it waited 600 ms past the acquire timeout");
        let (status, _, body) = graphql_json(&app, &heavy).await;
        assert_eq!(status, 200, "the lane is free again: {body}");
    }

    async fn an_exhausted_pool_answers_503_unavailable_at_once_and_healthz_still_answers(app) {
        // A request waits at most 1 s for a connection.
        let app = one_connection_app(app.backend(), 1_000, 30_000).await;
        // The test holds the pool's only connection.
        let held = app.db.begin().await.unwrap();

        let started = Instant::now();
        let (status, retry_after, body) = graphql_json(&app, VIEWER).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(retry_after, "1");
        assert_eq!(first_error_code(&body), "UNAVAILABLE");
        assert!(!body.to_string().contains("pool"), "no internals: {body}");
        let took = started.elapsed();
        assert!(took < Duration::from_millis(2_500), "failed fast, not after {took:?}");

        let rest = Rest::new(&app);
        let answer = rest.get(&rest.groups(app.campaign_id())).await;
        assert_eq!(answer.status, 503, "{}", answer.text);
        assert_eq!(answer.header("retry-after"), "1");
        assert_eq!(answer.json()["Status"], "ERROR");

        assert_healthz_is_quick(&app).await;

        held.rollback().await.unwrap();
        let (status, _, body) = graphql_json(&app, VIEWER).await;
        assert_eq!(status, 200, "the server recovers: {body}");
    }

    async fn a_request_past_the_request_timeout_answers_504_timeout(app) {
        // Requests wait up to 10 s for a connection, but may only run for 300 ms.
        let app = one_connection_app(app.backend(), 10_000, 300).await;
        let held = app.db.begin().await.unwrap();

        let started = Instant::now();
        let (status, retry_after, body) = graphql_json(&app, VIEWER).await;
        assert_eq!(status, 504, "{body}");
        assert_eq!(first_error_code(&body), "TIMEOUT");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("300 ms"));
        // Stopped while authenticating: it has cost nothing yet, and says so.
        assert_eq!(body["extensions"]["cost"]["requested"], 0, "{body}");
        assert_eq!(body["extensions"]["cost"]["limit"], 50_000, "{body}");
        assert_eq!(retry_after, "1");
        let took = started.elapsed();
        assert!(took < Duration::from_secs(3), "stopped at the timeout, not after {took:?}");

        let rest = Rest::new(&app);
        let answer = rest.get(&rest.groups(app.campaign_id())).await;
        assert_eq!(answer.status, 504, "{}", answer.text);
        assert_eq!(answer.json()["Status"], "ERROR");

        assert_healthz_is_quick(&app).await;
        held.rollback().await.unwrap();
        let (status, _, body) = graphql_json(&app, VIEWER).await;
        assert_eq!(status, 200, "the server recovers: {body}");
    }

    async fn readyz_reports_the_database_and_healthz_does_not_depend_on_it(app) {
        let (status, body) = app.get("/readyz", &[]).await;
        assert_eq!((status, body.as_str()), (200, r#"{"status":"ok","database":"ok"}"#));

        // The server's pool closes, as when its database goes away.
        app.db.close_by_ref().await.unwrap();
        let started = Instant::now();
        let (status, body) = app.get("/readyz", &[]).await;
        assert_eq!(status, 503, "{body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["status"], "unavailable");
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_healthz_is_quick(&app).await;

        let (status, retry_after, body) = graphql_json(&app, VIEWER).await;
        assert_eq!((status, retry_after.as_str()), (503, "1"), "{body}");
        assert_eq!(first_error_code(&body), "UNAVAILABLE");
    }
}

/// A PostgreSQL server with a 300 ms statement timeout, when `TEST_DATABASE_URL` is set.
async fn postgres_app() -> Option<TestApp> {
    let app = TestApp::spawn_serving(Backend::Postgres, false, |_, serving| {
        serving.db_statement_timeout_ms = 300;
    })
    .await;
    if app.is_none() {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
    }
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_cancels_a_statement_past_the_statement_timeout_with_timeout() {
    let Some(app) = postgres_app().await else {
        return;
    };
    // Another session locks the groups table: reading the groups waits for it.
    let other = Database::connect(app.db_url()).await.unwrap();
    let lock = other.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE partner_groups IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();

    let query = format!(
        "{{ partnerGroups(campaignId: \"{}\") {{ name }} }}",
        app.campaign_id()
    );
    let started = Instant::now();
    let (status, _, body) = graphql_json(&app, &query).await;
    let took = started.elapsed();
    assert_eq!(first_error_code(&body), "TIMEOUT", "{status} {body}");
    assert!(
        took < Duration::from_secs(5),
        "cancelled at 300 ms, not after {took:?}"
    );
    assert!(
        !body.to_string().contains("canceling"),
        "no SQL detail: {body}"
    );

    lock.rollback().await.unwrap();
    let (status, _, body) = graphql_json(&app, &query).await;
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_dropped_under_the_server_makes_readyz_503_and_requests_unavailable() {
    let Some(app) = postgres_app().await else {
        return;
    };
    let admin_url = std::env::var("TEST_DATABASE_URL").unwrap();
    let name = app.db_url().rsplit('/').next().unwrap().to_owned();
    let admin = Database::connect(&admin_url).await.unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();

    let started = Instant::now();
    let (status, body) = app.get("/readyz", &[]).await;
    assert_eq!(status, 503, "{body}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_healthz_is_quick(&app).await;

    let started = Instant::now();
    let (status, retry_after, body) = graphql_json(&app, VIEWER).await;
    assert_eq!((status, retry_after.as_str()), (503, "1"), "{body}");
    assert_eq!(first_error_code(&body), "UNAVAILABLE");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "answered in {took:?}");
}
