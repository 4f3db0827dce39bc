//! The answer's budget: a list longer than the cost model's estimate (a partner in many groups)
//! cannot make an answer grow past what the cost limit allows. Priced within the limit, such a
//! request once resolved 50 times its price; now it stops and answers `QUERY_TOO_EXPENSIVE`. A
//! page of many scalar fields is not counted against it (scalars are free in the cost model).

use partnergraph::auth::AuthContext;
use partnergraph::domain::{PermissionSet, UserRole};
use partnergraph::service::groups::{self, NewGroup};
use serde_json::{json, Value};

use crate::first_error_code;
use crate::support::{Backend, TestApp};

async fn a_long_list_stops_at_the_budget(backend: Backend) {
    // A limit of 40: an answer may hold 400 objects.
    let Some(app) = TestApp::spawn_with_api(backend, |api| api.graphql_max_cost = 40).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let acme = app.seed_account(12, 91).await;
    let campaign = acme.campaign_ids[0];
    let auth = AuthContext {
        account_id: acme.account_id,
        account_sid: acme.account_sid.clone(),
        user_id: acme.user_id,
        credential_id: 0,
        role: UserRole::Administrator,
        permissions: PermissionSet::preset(UserRole::Administrator),
    };
    let partners: Vec<i64> = app
        .texts(&format!("SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {campaign} ORDER BY partner_id LIMIT 8"))
        .await
        .into_iter()
        .map(|p| p.unwrap().parse().unwrap())
        .collect();
    for i in 0..100 {
        let made = groups::create(
            &app.db,
            &auth,
            NewGroup {
                campaign_id: campaign,
                name: format!("Many {i}"),
                partner_ids: partners.clone(),
            },
            &partnergraph::clock::Clock::system(),
        )
        .await
        .unwrap();
        assert!(made.is_ok(), "{made:?}");
    }
    let header = TestApp::header_of(&acme);
    let query = |first: usize| {
        format!("{{ partners(campaignId: \"{campaign}\", first: {first}, orderBy: [{{ field: PARTNER_ID }}]) {{ nodes {{ groups {{ groupId name }} }} }} }}")
    };
    // Two partners in 100+ groups: about 200 objects, within the budget.
    let (status, body) = app.graphql_as(Some(&header), &query(2), json!({})).await;
    assert_eq!(status, 200, "{body}");
    let groups = body["data"]["partners"]["nodes"][1]["groups"]
        .as_array()
        .map(Vec::len);
    assert!(groups >= Some(100), "{body}");
    // Six: priced 1 + 6 × 6 = 37, within the limit; over 600 objects, past the budget.
    let (status, body) = app.graphql_as(Some(&header), &query(6), json!({})).await;
    assert_eq!(body["extensions"]["cost"]["requested"], 37, "{body}");
    assert_eq!(
        first_error_code(&body),
        "QUERY_TOO_EXPENSIVE",
        "{status} {body}"
    );
    assert_eq!(body["data"], Value::Null, "nothing of the answer: {body}");
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    // The server goes on answering; scalars are no objects: 12 partners of 45 fields each (540
    // fields) fit.
    let (status, _) = app.graphql_as(Some(&header), &query(1), json!({})).await;
    assert_eq!(status, 200);
    let wide = format!(
        "{{ partners(campaignId: \"{campaign}\", first: 12) {{ nodes {{ {} }} }} }}",
        (0..45)
            .map(|i| format!("a{i}: name"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (status, body) = app.graphql_as(Some(&header), &wide, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["partners"]["nodes"].as_array().map(Vec::len),
        Some(12),
        "{body}"
    );
}

#[tokio::test]
async fn a_long_list_stops_at_the_budget_sqlite() {
    a_long_list_stops_at_the_budget(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_long_list_stops_at_the_budget_postgres() {
    a_long_list_stops_at_the_budget(Backend::Postgres).await;
}
