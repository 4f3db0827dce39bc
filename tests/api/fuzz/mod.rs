//! A bounded fuzz test: a few thousand generated hostile GraphQL documents and variables
//! (from `schema.graphql`), malformed HTTP requests and REST requests, sent to the test server
//! on each database. No answer may be a 5xx, carry the code `INTERNAL`, or show SQL or Rust
//! debug text, and the server must answer normally at the end.

mod graphql_gen;
mod rest_gen;
mod text_cases;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::Method;
use serde_json::json;

use crate::support::{backend_tests, TestApp};
use graphql_gen::Requests;

/// Requests per kind and database.
const GRAPHQL_REQUESTS: usize = 1_500;
const REST_REQUESTS: usize = 600;
const RAW_REQUESTS: usize = 300;

/// Text that would show the database's or Rust's insides to a client.
const LEAKS: &[&str] = &[
    "campaign_partners",
    "partner_group",
    "SQLSTATE",
    "sqlx",
    "sea_orm",
    "DbErr",
    "syntax error at",
    "no such column",
    "no such table",
    "violates",
    "panicked",
    "stack backtrace",
    ".rs:",
    "Custom(",
    "Error {",
    "Io(",
    "RecordNotFound",
    "unwrap",
    "thread '",
];

/// Fails on a 5xx, an `INTERNAL` code or leaked insides; `what` says which request it was.
fn check(status: u16, body: &str, what: &str) {
    if std::env::var("FUZZ_DEBUG").is_ok() {
        let code = body
            .split("\"code\":\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("-");
        let parsed: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let message = parsed["errors"][0]["message"]
            .as_str()
            .unwrap_or("-")
            .chars()
            .take(160)
            .collect::<String>();
        eprintln!("FUZZ {status} {code} {message}");
    }
    assert!(status < 500, "{status} for {what}\n{body}");
    assert!(
        !body.contains("\"INTERNAL\""),
        "INTERNAL for {what}\n{body}"
    );
    if let Some(leak) = LEAKS.iter().find(|l| body.contains(*l)) {
        panic!("{leak:?} leaked for {what}\n{body}");
    }
}

/// Sends a request; returns (status, body), or `None` when the connection broke while the
/// request was being written (the server may answer and close before reading a body it refuses),
/// after checking that the server still answers.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: String,
) -> Option<(u16, String)> {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", app.base_url))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            Some((status, response.text().await.unwrap_or_default()))
        }
        Err(err) => {
            let (status, _) = app.get("/healthz", &[]).await;
            assert_eq!(status, 200, "the server is gone after {path}: {err}");
            None
        }
    }
}

/// Ids to aim at: the app's own account's campaigns, groups and partners (numeric and global),
/// and another account's.
async fn target_ids(app: &TestApp) -> graphql_gen::Ids {
    let other = app.seed_account(5, 11).await;
    let query = "query($c: ID!) { campaigns { id campaignId partnerGroups { id groupId } }
        partners(campaignId: $c, first: 10) { nodes { id partnerId } } }";
    let mut ids = graphql_gen::Ids::default();
    for (account, own) in [(&app.account, true), (&other, false)] {
        let data = app
            .data_as(
                account,
                query,
                json!({ "c": account.campaign_ids[0].to_string() }),
            )
            .await;
        let strings = |v: &serde_json::Value, keys: &[&str]| -> Vec<String> {
            keys.iter()
                .map(|k| v[*k].to_string().trim_matches('"').to_owned())
                .collect()
        };
        let mut campaigns = Vec::new();
        let mut groups = Vec::new();
        for campaign in data["campaigns"].as_array().into_iter().flatten() {
            campaigns.extend(strings(campaign, &["id", "campaignId"]));
            for group in campaign["partnerGroups"].as_array().into_iter().flatten() {
                groups.extend(strings(group, &["id", "groupId"]));
            }
        }
        let partners: Vec<String> = data["partners"]["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| strings(p, &["id", "partnerId"]))
            .collect();
        if own {
            ids.own = [campaigns.clone(), groups.clone(), partners.clone()].concat();
            (ids.campaigns, ids.groups, ids.partners) = (campaigns, groups, partners);
        } else {
            ids.others = [campaigns, groups, partners].concat();
        }
    }
    ids
}

async fn fuzz(app: TestApp, seed: u64) {
    seed_own_account(&app).await;
    let ids = target_ids(&app).await;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let schema = crate::sdl::Schema::load();
    let auth = app.auth_header();
    let json_headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let campaign = app.campaign_id().to_string();
    let group = ids.groups.first().cloned().unwrap_or_default();
    for (query, variables, paths) in text_cases::graphql_templates(&campaign, &group) {
        for path in &paths {
            for text in text_cases::HOSTILE {
                let variables = text_cases::with_text(&variables, path, text);
                let body = json!({ "query": query, "variables": variables }).to_string();
                if let Some((status, answer)) =
                    send(&app, Method::POST, "/graphql", &json_headers, body.clone()).await
                {
                    check(
                        status,
                        &answer,
                        &format!("text case {path:?} = {text:?}: {body}"),
                    );
                }
            }
        }
    }
    let groups_path = format!(
        "/Advertisers/{}/Campaigns/{campaign}/MediaPartnerGroups",
        app.account.account_sid
    );
    let form_headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    for field in text_cases::REST_FIELDS {
        for text in text_cases::HOSTILE {
            let body = format!(
                "Name=n{}&{field}={}",
                text.len(),
                text_cases::form_encode(text)
            );
            for (method, path) in [
                (Method::POST, groups_path.clone()),
                (Method::PUT, format!("{groups_path}/{group}")),
            ] {
                if let Some((status, answer)) =
                    send(&app, method.clone(), &path, &form_headers, body.clone()).await
                {
                    check(status, &answer, &format!("REST {method} {path} {body}"));
                }
            }
        }
    }
    for i in 0..GRAPHQL_REQUESTS {
        let request = schema.request(&mut rng, &ids);
        let text = request.to_string();
        let headers = [
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        if let Some((status, body)) =
            send(&app, Method::POST, "/graphql", &headers, text.clone()).await
        {
            check(
                status,
                &body,
                &format!("GraphQL #{i} (seed {seed}): {text}"),
            );
        }
    }
    for i in 0..RAW_REQUESTS {
        let (content_type, body) = raw(&mut rng);
        let mut headers = vec![("Authorization", auth.as_str())];
        headers.extend(content_type.map(|c| ("Content-Type", c)));
        let method = if rng.random_bool(0.8) {
            Method::POST
        } else {
            Method::GET
        };
        let path = if method == Method::GET {
            format!("/graphql?{body}")
        } else {
            "/graphql".into()
        };
        if let Some((status, answer)) = send(&app, method, &path, &headers, body.clone()).await {
            check(
                status,
                &answer,
                &format!("raw #{i} (seed {seed}): {content_type:?} {body}"),
            );
        }
    }
    let sid = app.account.account_sid.clone();
    for i in 0..REST_REQUESTS {
        let request = rest_gen::request(&mut rng, &sid, &ids.all());
        let mut headers = vec![("Authorization", auth.as_str())];
        headers.extend(request.content_type.map(|c| ("Content-Type", c)));
        let what = format!(
            "REST #{i} (seed {seed}): {} {} {}",
            request.method, request.path, request.body
        );
        if let Some((status, answer)) =
            send(&app, request.method, &request.path, &headers, request.body).await
        {
            check(status, &answer, &what);
        }
    }
    let data = app.data("{ viewer { user { name } } }", json!({})).await;
    assert_eq!(data["viewer"]["user"]["name"], "Account Administrator");
}

const COUNTRIES: [&str; 3] = ["US", "CA", "DE"];

/// Partners and groups in the app's own account to aim at.
async fn seed_own_account(app: &TestApp) {
    let campaign = app.campaign_id().to_string();
    for i in 0..12 {
        app.data(
            "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { userErrors { code } } }",
            json!({ "i": { "campaignId": campaign, "name": format!("Partner {i}"),
                "email": format!("p{i}@example.com"), "country": COUNTRIES[i % 3] } }),
        )
        .await;
    }
    for name in ["VIP", "Coupons"] {
        app.data(
            "mutation($i: CreatePartnerGroupInput!) { createPartnerGroup(input: $i) { userErrors { code } } }",
            json!({ "i": { "campaignId": campaign, "name": name } }),
        )
        .await;
    }
}

/// A malformed or odd HTTP body for /graphql.
fn raw(rng: &mut ChaCha8Rng) -> (Option<&'static str>, String) {
    let bodies: [&dyn Fn(&mut ChaCha8Rng) -> String; 8] = [
        &|_| "{\"query\": \"{ viewer".into(),
        &|_| "[{\"query\": \"{ __typename }\"}, {\"query\": \"{ __typename }\"}]".into(),
        &|r| format!("{{\"query\": {}}}", r.random_range(0..1000)),
        &|r| "[".repeat(r.random_range(1..5_000)),
        &|r| {
            format!(
                "{{\"query\": \"{{ __typename }}\", \"variables\": {}}}",
                "{\"a\":".repeat(r.random_range(1..300))
            )
        },
        &|_| "query=%7B__typename%7D&variables=%7B".into(),
        &|_| "\u{0}\u{1}\u{2}".into(),
        &|r| {
            format!("{{\"query\": \"{{ __typename }}\", \"extensions\": {{\"persistedQuery\": {{\"version\": {}, \"sha256Hash\": \"{}\"}}}}}}", r.random_range(0..3), "ab".repeat(r.random_range(0..40)))
        },
    ];
    let body = bodies[rng.random_range(0..bodies.len())](rng);
    let content_type = [
        Some("application/json"),
        Some("application/json"),
        Some("application/graphql"),
        Some("multipart/form-data; boundary=x"),
        Some("text/plain"),
        None,
    ][rng.random_range(0..6)];
    (content_type, body)
}

backend_tests! {
    async fn thousands_of_hostile_requests_get_typed_answers_and_the_server_lives(app) {
        let seed = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261130);
        fuzz(app, seed).await;
    }
}
