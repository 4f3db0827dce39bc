//! The answer's budget: a list longer than the cost model's estimate (a partner in many groups)
//! cannot make an answer grow past what the cost limit allows. Priced within the limit, such a
//! request once resolved 50 times its price; now it stops and answers `QUERY_TOO_EXPENSIVE`.

use partnergraph::auth::AuthContext;
use partnergraph::domain::{PermissionSet, UserRole};
use partnergraph::service::groups::{self, NewGroup};
use serde_json::{json, Value};

use crate::first_error_code;
use crate::support::{Backend, TestApp};

async fn a_long_list_stops_at_the_budget(backend: Backend) {
    // A limit of 60: an answer may resolve 600 fields.
    let Some(app) = TestApp::spawn_with_api(backend, |api| api.graphql_max_cost = 60).await else {
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
    for i in 0..60 {
        let made = groups::create(
            &app.db,
            &auth,
            NewGroup {
                campaign_id: campaign,
                name: format!("Many {i}"),
                partner_ids: partners.clone(),
            },
        )
        .await
        .unwrap();
        assert!(made.is_ok(), "{made:?}");
    }
    let header = TestApp::header_of(&acme);
    let query = |first: usize| {
        format!("{{ partners(campaignId: \"{campaign}\", first: {first}, orderBy: [{{ field: PARTNER_ID }}]) {{ nodes {{ groups {{ groupId name }} }} }} }}")
    };
    // Two partners in 60+ groups: about 250 fields, within the budget.
    let (status, body) = app.graphql_as(Some(&header), &query(2), json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["data"]["partners"]["nodes"][1]["groups"]
            .as_array()
            .unwrap()
            .len()
            >= 60,
        "{body}"
    );
    // Eight: priced 1 + 8 × 6 = 49, within the limit; about 1,000 fields, past the budget.
    let (status, body) = app.graphql_as(Some(&header), &query(8), json!({})).await;
    assert_eq!(body["extensions"]["cost"]["requested"], 49, "{body}");
    assert_eq!(
        first_error_code(&body),
        "QUERY_TOO_EXPENSIVE",
        "{status} {body}"
    );
    assert_eq!(body["data"], Value::Null, "nothing of the answer: {body}");
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    // The server goes on answering.
    let (status, _) = app.graphql_as(Some(&header), &query(1), json!({})).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_long_list_stops_at_the_budget_sqlite() {
    a_long_list_stops_at_the_budget(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_long_list_stops_at_the_budget_postgres() {
    a_long_list_stops_at_the_budget(Backend::Postgres).await;
}
