//! First start on an empty database: the demo account, the playground, the health check.

use serde_json::json;

use crate::support::{Backend, TestApp};
use partnergraph::seed::{DEMO_SID, DEMO_TOKEN};

const DEMO_QUERY: &str = "{ campaigns { campaignId name
  partners(first: 500) { totalCount nodes { partnerId groups { groupId } contracts { status }
    customFields { customFieldId } assignedTo { userId } } } } }";

async fn demo_is_seeded_and_ready(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, true).await else {
        return;
    };
    let header = TestApp::basic(DEMO_SID, DEMO_TOKEN);
    let (status, body) = app.graphql_as(Some(&header), DEMO_QUERY, json!({})).await;
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
            "SUSPENDED",
            "UPCOMING"
        ]
    );
    assert!(app.count_rows("notes").await > 0);

    // The playground opens with the demo credentials filled in, at `/` and for browsers at `/graphql`.
    for path in ["/", "/graphql"] {
        let (status, page) = app.get(path, &[("Accept", "text/html")]).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("GraphiQL") && page.contains(&header),
            "{path} shows the playground with credentials"
        );
    }
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
    let (status, page) = app.get("/", &[]).await;
    assert_eq!(status, 200);
    assert!(!page.contains(DEMO_TOKEN));
    let (status, _) = app
        .graphql_as(
            Some(&TestApp::basic(DEMO_SID, DEMO_TOKEN)),
            "{ viewer { user { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 401);
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
