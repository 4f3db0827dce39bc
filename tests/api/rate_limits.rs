//! Rate limits per credential: GraphQL requests draw their cost from a bucket that refills
//! (`RATE_LIMITED`, 429, `Retry-After` once it is spent), REST requests draw one each from the
//! product's requests per hour with `X-RateLimit-*` on every answer and a 429 envelope.

use reqwest::Method;
use serde_json::json;

use crate::first_error_code;
use crate::rest_support::Rest;
use crate::support::{Backend, TestApp};

async fn graphql_spends_and_refuses(backend: Backend) {
    let Some(app) = TestApp::spawn_with_api(backend, |api| {
        api.graphql_cost_budget = 300;
        api.graphql_cost_restore = 1;
        api.graphql_max_cost = 300;
    })
    .await
    else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let c = app.campaign_id();
    // 1 + 50 × 1 + 200 = 251 of the 300.
    let query = format!("{{ partners(campaignId: \"{c}\") {{ totalCount nodes {{ name }} }} }}");
    let (status, body) = app.graphql(&query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let budget = &body["extensions"]["cost"]["budget"];
    assert_eq!(budget["capacity"], 300, "{body}");
    assert_eq!(budget["remaining"], 49, "{body}");
    let (status, body) = app.graphql(&query, json!({})).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(first_error_code(&body), "RATE_LIMITED");
    let wait = body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert!((200..=260).contains(&wait), "{body}");
    // Cheap requests still fit, and another credential has a bucket of its own.
    let (status, _) = app.graphql("{ __typename }", json!({})).await;
    assert_eq!(status, 200);
    let other = app.seed_account(1, 3).await;
    let (status, _) = app
        .graphql_as(
            Some(&TestApp::header_of(&other)),
            &query.replace(&c.to_string(), &other.campaign_ids[0].to_string()),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_graphql_requests_spend_their_cost_from_the_credentials_bucket() {
    graphql_spends_and_refuses(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_graphql_requests_spend_their_cost_from_the_credentials_bucket() {
    graphql_spends_and_refuses(Backend::Postgres).await;
}

/// A list longer than its estimate (a campaign's groups are priced at 100) costs more than
/// the request drew before it ran: the bucket pays the rest after it, so such requests
/// repeated run into the limit.
async fn graphql_pays_what_it_really_cost(backend: Backend) {
    let Some(app) = TestApp::spawn_with_api(backend, |api| {
        api.graphql_cost_budget = 200_000;
        api.graphql_cost_restore = 1;
    })
    .await
    else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let acme = app.seed_account(3, 9).await;
    let campaign = acme.campaign_ids[0];
    for i in 0..130 {
        crate::groups::create_group(&app, &acme, campaign, &format!("Group {i}"), &[]).await;
    }
    let header = TestApp::header_of(&acme);
    let query =
        format!("{{ campaign(id: \"{campaign}\") {{ partnerGroups {{ groupId name }} }} }}");
    let remaining = |body: &serde_json::Value| {
        body["extensions"]["cost"]["budget"]["remaining"]
            .as_i64()
            .unwrap()
    };
    let (_, before) = app
        .graphql_as(Some(&header), "{ __typename }", json!({}))
        .await;
    let (status, body) = app.graphql_as(Some(&header), &query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let cost = &body["extensions"]["cost"];
    let (requested, actual) = (
        cost["requested"].as_i64().unwrap(),
        cost["actual"].as_i64().unwrap(),
    );
    assert!(actual > requested + 20, "{cost}");
    let paid = remaining(&before) - remaining(&body);
    // The bucket refills 1 point a second meanwhile.
    assert!(
        (actual - 5..=actual).contains(&paid),
        "paid {paid} of {cost}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_graphql_request_pays_what_it_really_cost() {
    graphql_pays_what_it_really_cost(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_graphql_request_pays_what_it_really_cost() {
    graphql_pays_what_it_really_cost(Backend::Postgres).await;
}

async fn rest_counts_and_refuses(backend: Backend) {
    let Some(app) = TestApp::spawn_with_api(backend, |api| api.rest_rate_limit = 5).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let rest = Rest::new(&app);
    let path = rest.groups(app.campaign_id());
    let now = chrono::Utc::now().timestamp();
    for remaining in ["4", "3", "2"] {
        let answer = rest.send(Method::GET, &path, None).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.header("x-ratelimit-limit"), "5");
        assert_eq!(answer.header("x-ratelimit-remaining"), remaining);
        let reset: i64 = answer.header("x-ratelimit-reset").parse().unwrap();
        assert!(reset > now && reset <= now + 3_600 + 5, "{reset}");
    }
    // An unknown path and an unknown method are answered to a known caller, with its standing.
    let unknown = format!("{path}/1/Nothing");
    let answer = rest.send(Method::GET, &unknown, None).await;
    assert_eq!(answer.status, 404, "{}", answer.text);
    assert_eq!(answer.header("x-ratelimit-remaining"), "1");
    let answer = rest.send(Method::PATCH, &path, None).await;
    assert_eq!(answer.status, 405, "{}", answer.text);
    assert_eq!(answer.header("x-ratelimit-remaining"), "0");
    let answer = rest.send(Method::GET, &path, None).await;
    assert_eq!(answer.status, 429, "{}", answer.text);
    assert_eq!(answer.json()["Status"], "ERROR");
    assert_eq!(answer.header("x-ratelimit-remaining"), "0");
    let retry: u64 = answer.header("retry-after").parse().unwrap();
    assert!(
        (600..=720).contains(&retry),
        "one request refills every 720 s: {retry}"
    );
    // Wrong credentials are 401 and draw nothing (no bucket to report).
    let answer = rest
        .with_password("wrong")
        .send(Method::GET, &path, None)
        .await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.header("x-ratelimit-limit"), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_rest_requests_are_limited_per_hour_with_headers() {
    rest_counts_and_refuses(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_rest_requests_are_limited_per_hour_with_headers() {
    rest_counts_and_refuses(Backend::Postgres).await;
}
