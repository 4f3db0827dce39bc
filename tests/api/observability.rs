//! Operability: Prometheus metrics at `/metrics`, a request id on every response (an incoming
//! sane one echoed), and JSON log lines that carry the request id.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use partnergraph::observability::{record_query_cost, record_rate_limited, Api};
use serde_json::{json, Value};

use crate::rest_support::Rest;
use crate::support::{backend_tests, TestApp};

/// The value of the series `series` (name and labels exactly as rendered), if present.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

fn assert_at_least(metrics: &str, series: &str, min: f64) {
    let value = sample(metrics, series).unwrap_or_else(|| panic!("no {series} in\n{metrics}"));
    assert!(value >= min, "{series} is {value}, expected at least {min}");
}

fn request_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn is_uuid(id: &str) -> bool {
    id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4
}

backend_tests! {
    async fn metrics_expose_requests_operations_costs_pool_and_facet_index(app) {
        let probe = "query MetricsProbe { viewer { user { name } } }";
        app.data(probe, json!({})).await;
        let (status, _) = app.graphql_as(None, probe, json!({})).await;
        assert_eq!(status, 401);
        let facets = "query FacetProbe($c: ID!) { partners(campaignId: $c, filter: { countries: [\"US\"] }) { totalCount } }";
        app.data(facets, json!({ "c": app.campaign_id() })).await;
        let rest = Rest::new(&app);
        assert_eq!(rest.get(&rest.groups(app.campaign_id())).await.status, 200);
        record_query_cost(7, 3);
        record_rate_limited(Api::Rest);

        let response = app.get_response("/metrics", &[]).await;
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/plain"), "{content_type}");
        let m = response.text().await.unwrap();

        assert_at_least(&m, r#"partnergraph_http_requests_total{method="POST",route="/graphql",status="200"}"#, 2.0);
        assert_at_least(&m, r#"partnergraph_http_requests_total{method="POST",route="/graphql",status="401"}"#, 1.0);
        let groups = r#"route="/Advertisers/{AccountSID}/Campaigns/{CampaignId}/MediaPartnerGroups""#;
        assert_at_least(&m, &format!(r#"partnergraph_http_requests_total{{method="GET",{groups},status="200"}}"#), 1.0);
        assert_at_least(&m, r#"partnergraph_http_request_duration_seconds_count{method="POST",route="/graphql",status="200"}"#, 2.0);
        assert!(m.contains(r#"partnergraph_http_request_duration_seconds_bucket{method="POST",route="/graphql",status="200",le="0.005"}"#), "{m}");

        assert_at_least(&m, r#"partnergraph_graphql_requests_total{operation="MetricsProbe",outcome="ok"}"#, 1.0);
        // A request without credentials is never read: it cannot name a series.
        assert_at_least(&m, r#"partnergraph_graphql_requests_total{operation="anonymous",outcome="UNAUTHENTICATED"}"#, 1.0);
        assert!(!m.contains(r#"operation="MetricsProbe",outcome="UNAUTHENTICATED""#), "{m}");
        assert_at_least(&m, r#"partnergraph_graphql_request_duration_seconds_count{operation="MetricsProbe"}"#, 1.0);
        assert_at_least(&m, r#"partnergraph_graphql_query_cost_count{kind="requested"}"#, 1.0);
        assert_at_least(&m, r#"partnergraph_graphql_query_cost_bucket{kind="actual",le="5"}"#, 1.0);
        assert_at_least(&m, r#"partnergraph_rate_limited_total{api="rest"}"#, 1.0);

        assert!(sample(&m, r#"partnergraph_db_pool_connections{state="idle"}"#).is_some(), "{m}");
        assert!(sample(&m, r#"partnergraph_db_pool_connections{state="in_use"}"#).is_some(), "{m}");
        assert_eq!(sample(&m, "partnergraph_db_pool_max_connections"), Some(5.0));

        let index_used = ["hit", "read"].iter().any(|r| {
            sample(&m, &format!(r#"partnergraph_facet_index_lookups_total{{result="{r}"}}"#)).is_some()
        });
        assert!(index_used, "{m}");
        assert!(sample(&m, "partnergraph_facet_index_bytes").unwrap_or(0.0) > 0.0, "{m}");
        assert!(sample(&m, "partnergraph_facet_index_campaigns").unwrap_or(0.0) >= 1.0, "{m}");
        assert!(m.contains("# TYPE partnergraph_graphql_requests_total counter"), "{m}");
    }

    async fn metrics_can_be_turned_off(app) {
        let app = TestApp::spawn_serving(app.backend(), false, |_, serving| serving.metrics = false)
            .await
            .unwrap();
        let (status, _) = app.get("/metrics", &[]).await;
        assert_eq!(status, 404);
    }

    async fn every_response_carries_a_request_id_and_a_sane_incoming_one_is_echoed(app) {
        let fresh = app.get_response("/healthz", &[]).await;
        let other = app.get_response("/healthz", &[]).await;
        assert!(is_uuid(&request_id(&fresh)), "{}", request_id(&fresh));
        assert_ne!(request_id(&fresh), request_id(&other));

        let echoed = app.get_response("/healthz", &[("x-request-id", "client-42.a:b")]).await;
        assert_eq!(request_id(&echoed), "client-42.a:b");
        let long = "x".repeat(200);
        for insane in ["two words", "quote\"d", long.as_str()] {
            let replaced = app.get_response("/healthz", &[("x-request-id", insane)]).await;
            assert!(is_uuid(&request_id(&replaced)), "{insane} was replaced");
        }

        let answers = [
            app.graphql_response("{ viewer { user { name } } }", &[]).await,
            app.graphql_response("{ nope }", &[("x-request-id", "gql-1")]).await,
            app.get_response("/graphql", &[("accept", "text/html")]).await,
            app.get_response("/no/such/path", &[]).await,
            app.get_response("/Advertisers/IRX/Nothing", &[]).await,
            app.get_response("/readyz", &[]).await,
        ];
        for response in &answers {
            assert!(!request_id(response).is_empty(), "{} {}", response.url(), response.status());
        }
        assert_eq!(request_id(&answers[1]), "gql-1");
    }
}

/// The binary's `serve` with `LOG_FORMAT=json`: every log line is a JSON object, and the
/// access line of a request carries its id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_the_request_id() {
    let path = std::env::temp_dir().join(format!("partnergraph-logs-{}.db", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_partnergraph"))
        .args(["serve", "--bind", "127.0.0.1:0", "--demo", "false"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", path.display()),
        )
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start partnergraph serve");
    // Standard output is read to its end (the server would fail writing to a closed pipe);
    // the address comes first.
    let stdout = child.stdout.take().unwrap();
    let (found, address) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(address) = line.strip_prefix("partnergraph is listening on ") {
                found.send(address.to_owned()).ok();
            }
        }
    });
    let address = tokio::task::spawn_blocking(move || address.recv().ok())
        .await
        .unwrap();
    let (mut result, mut generated) = (None, String::new());
    if let Some(address) = address {
        let client = reqwest::Client::new();
        let url = format!("{address}/healthz");
        let response = client
            .get(&url)
            .header("x-request-id", "json-log-check-1")
            .send()
            .await;
        result = Some(response.map(|r| r.status().as_u16()));
        if let Ok(response) = client.get(&url).send().await {
            generated = request_id(&response);
        }
    }
    child.kill().ok();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .ok();
    child.wait().ok();
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }

    assert_eq!(result.map(|r| r.ok()), Some(Some(200)), "{stderr}");
    let lines: Vec<Value> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let access = lines
        .iter()
        .find(|l| l["span"]["request_id"] == "json-log-check-1")
        .unwrap_or_else(|| panic!("no line of the request in\n{stderr}"));
    assert_eq!(access["level"], "INFO");
    assert_eq!(access["span"]["path"], "/healthz");
    assert_eq!(access["status"], 200);
    // A generated id is the one the log names too.
    assert!(is_uuid(&generated), "{generated:?}");
    assert!(
        lines
            .iter()
            .any(|l| l["span"]["request_id"] == generated.as_str()),
        "{stderr}"
    );
}
