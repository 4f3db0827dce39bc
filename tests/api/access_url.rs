//! Partner access URLs: issued only for eligible partners, single-use (also when redeemed twice
//! at once), short-lived, stored only as a hash; ineligible, unknown and other accounts'
//! partners and read-only users are refused.

use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::rest_support::create_partners;
use crate::support::{backend_tests, TestApp};
use partnergraph::domain::UserRole;
use partnergraph::service::accounts::{self, NewAccount};

const ISSUE: &str = "mutation($i: IssuePartnerAccessUrlInput!) { issuePartnerAccessUrl(input: $i) {
  url expiresAt userErrors { field code } } }";
const AVAILABLE: &str =
    "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { accessAvailable } }";

async fn issue(app: &TestApp, partner: i64) -> Value {
    app.data(ISSUE, json!({ "i": { "campaignId": app.campaign_id().to_string(), "partnerId": partner.to_string() } }))
        .await["issuePartnerAccessUrl"]
        .clone()
}

backend_tests! {
    async fn an_access_url_works_once_and_only_for_eligible_partners(app) {
        let p = create_partners(&app, &["Eligible", "Joined through the marketplace"]).await;
        app.db.execute_unprepared(&format!(
            "UPDATE campaign_partners SET access_url_eligible = (partner_id = {}) WHERE partner_id IN ({}, {})", p[0], p[0], p[1]
        )).await.unwrap();
        let available = |p: i64| json!({ "c": app.campaign_id().to_string(), "p": p.to_string() });
        assert_eq!(app.data(AVAILABLE, available(p[0])).await["partner"]["accessAvailable"], true);
        assert_eq!(app.data(AVAILABLE, available(p[1])).await["partner"]["accessAvailable"], false);

        let refused = issue(&app, p[1]).await;
        assert_eq!(refused["userErrors"], json!([{ "field": ["input", "partnerId"], "code": "INVALID" }]), "{refused}");
        assert_eq!(refused["url"], Value::Null);
        let unknown = issue(&app, p[1] + 10_000).await;
        assert_eq!(unknown["userErrors"][0]["code"], "NOT_FOUND");
        assert_eq!(app.count_rows("partner_access_tokens").await, 0, "refusals issue nothing");

        let issued = issue(&app, p[0]).await;
        assert_eq!(issued["userErrors"], json!([]), "{issued}");
        let url = issued["url"].as_str().unwrap().to_owned();
        let token = url.strip_prefix("/partner-access/").unwrap().to_owned();
        assert!(token.len() >= 40, "{url}");
        assert!(app.texts("SELECT token_hash FROM partner_access_tokens").await[0].as_deref() != Some(token.as_str()), "only the hash is kept");

        // HEAD (a link previewer, a mail scanner) tells whether the URL works and spends nothing.
        for _ in 0..2 {
            assert_eq!(app.request(reqwest::Method::HEAD, &url, &[], "").await.status().as_u16(), 200);
        }
        assert_eq!(app.request(reqwest::Method::HEAD, "/partner-access/not-a-token", &[], "").await.status().as_u16(), 410);
        let (status, body) = app.get(&url, &[]).await;
        assert_eq!(status, 200, "{body}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body, json!({ "campaignId": app.campaign_id().to_string(), "partnerId": p[0].to_string() }));
        assert_eq!(app.get(&url, &[]).await.0, 410, "single use");
        assert_eq!(app.request(reqwest::Method::HEAD, &url, &[], "").await.status().as_u16(), 410, "spent");
        assert_eq!(app.get("/partner-access/not-a-token", &[]).await.0, 410);
        assert_eq!(app.get(&format!("/partner-access/{}", "x".repeat(5_000)), &[]).await.0, 410);

        // Expired: the same answer as spent.
        let late = issue(&app, p[0]).await["url"].as_str().unwrap().to_owned();
        app.db.execute_unprepared("UPDATE partner_access_tokens SET expires_at = created_at WHERE used_at IS NULL").await.unwrap();
        assert_eq!(app.get(&late, &[]).await.0, 410, "expired");

        // Two uses at once: exactly one gets in.
        for _ in 0..10 {
            let url = issue(&app, p[0]).await["url"].as_str().unwrap().to_owned();
            let (a, b) = tokio::join!(app.get(&url, &[]), app.get(&url, &[]));
            let mut statuses = [a.0, b.0];
            statuses.sort_unstable();
            assert_eq!(statuses, [200, 410]);
        }
        let issued_entries = app.texts("SELECT CAST(COUNT(*) AS TEXT) FROM activity_log WHERE action = 'ACCESS_URL_ISSUED'").await;
        assert_eq!(issued_entries, [Some("12".to_owned())]);
    }

    async fn other_accounts_partners_and_read_only_users_get_no_url(app) {
        let p = create_partners(&app, &["Eligible"]).await[0];
        app.db.execute_unprepared(&format!(
            "UPDATE campaign_partners SET access_url_eligible = TRUE WHERE partner_id = {p}"
        )).await.unwrap();
        let user = accounts::add_user(&app.db, app.account.account_id, "Ann Analyst", "ann@acme.example", UserRole::ReadOnly).await.unwrap();
        let token = accounts::issue_credential(&app.db, app.account.account_id, user, "analyst").await.unwrap();
        let reader = NewAccount { auth_token: token, ..app.account.clone() };
        let input = json!({ "i": { "campaignId": app.campaign_id().to_string(), "partnerId": p.to_string() } });
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&reader)), ISSUE, input.clone()).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN", "{body}");
        let other = app.seed_account(10, 44).await;
        let data = app.data_as(&other, ISSUE, input).await;
        assert_eq!(data["issuePartnerAccessUrl"]["userErrors"][0]["code"], "NOT_FOUND", "{data}");
        assert_eq!(app.count_rows("partner_access_tokens").await, 0);
    }
}
