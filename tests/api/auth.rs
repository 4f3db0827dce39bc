//! Authentication (HTTP Basic `AccountSID:AuthToken`), roles, and tenant isolation.

use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::first_error_code;
use crate::support::{backend_tests, TestApp};
use partnergraph::domain::UserRole;
use partnergraph::service::accounts;

const VIEWER: &str =
    "{ viewer { user { userId name role } account { accountSid name campaigns { campaignId } } } }";

backend_tests! {
    async fn a_credential_verified_moments_ago_costs_no_statement_and_a_wrong_token_never_hits_it(app) {
        let (status, _) = app.graphql("{ __typename }", json!({})).await;
        assert_eq!(status, 200);
        let before = app.statements();
        let (status, _) = app.graphql("{ __typename }", json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(app.statements() - before, 0, "authenticated from the cache");
        // The same Account SID with another token: verified against the database, refused.
        for token in ["not-the-token", &app.account.auth_token[1..], ""] {
            let header = TestApp::basic(&app.account.account_sid, token);
            let (status, body) = app.graphql_as(Some(&header), VIEWER, json!({})).await;
            assert_eq!(status, 401, "{token:?}: {body}");
        }
        // The right token with another account's SID: refused too.
        let other = accounts::create_account(&app.db, "Other Brand", &["Other"]).await.unwrap();
        let header = TestApp::basic(&other.account_sid, &app.account.auth_token);
        assert_eq!(app.graphql_as(Some(&header), VIEWER, json!({})).await.0, 401);
        assert_eq!(app.graphql("{ __typename }", json!({})).await.0, 200);
    }

    async fn a_revoked_credential_stops_working_within_the_cache_time_to_live(app) {
        let ttl = 300;
        let Some(short) = TestApp::spawn_serving(app.backend(), false, |_, serving| {
            serving.auth_cache_ttl_ms = ttl;
        })
        .await else {
            return;
        };
        assert_eq!(short.graphql("{ __typename }", json!({})).await.0, 200);
        short
            .db
            .execute_unprepared(&format!(
                "UPDATE api_credentials SET revoked_at = CURRENT_TIMESTAMP WHERE account_id = {}",
                short.account.account_id
            ))
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(ttl + 100)).await;
        let (status, body) = short.graphql("{ __typename }", json!({})).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
        // With the cache off, at once.
        let Some(off) = TestApp::spawn_serving(app.backend(), false, |_, serving| {
            serving.auth_cache_ttl_ms = 0;
        })
        .await else {
            return;
        };
        assert_eq!(off.graphql("{ __typename }", json!({})).await.0, 200);
        off.db
            .execute_unprepared(&format!(
                "UPDATE api_credentials SET revoked_at = CURRENT_TIMESTAMP WHERE account_id = {}",
                off.account.account_id
            ))
            .await
            .unwrap();
        assert_eq!(off.graphql("{ __typename }", json!({})).await.0, 401);
    }

    async fn missing_credentials_get_401_unauthenticated(app) {
        let (status, body) = app.graphql_as(None, VIEWER, json!({})).await;
        assert_eq!(status, 401);
        assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
        assert!(body["data"].is_null());
        // The 401 names the scheme (RFC 9110), except to a page's script, whose browser would
        // answer the challenge with a login prompt of its own.
        let post = |headers: &'static [(&'static str, &'static str)]| {
            let app = &app;
            async move {
                let mut all = vec![("Content-Type", "application/json")];
                all.extend_from_slice(headers);
                app.request(reqwest::Method::POST, "/graphql", &all, r#"{"query": "{ __typename }"}"#).await
            }
        };
        let plain = post(&[]).await;
        assert_eq!(plain.status().as_u16(), 401);
        assert_eq!(plain.headers()["www-authenticate"], "Basic realm=\"partnergraph\"");
        let wrong = post(&[("Authorization", "Basic bm9ib2R5Om5vdGhpbmc=")]).await;
        assert_eq!(wrong.headers()["www-authenticate"], "Basic realm=\"partnergraph\"");
        let script = post(&[("Sec-Fetch-Mode", "cors")]).await;
        assert_eq!(script.status().as_u16(), 401);
        assert!(script.headers().get("www-authenticate").is_none());
        assert!(script.headers().get_all("vary").iter().any(|v| v.to_str().unwrap().contains("Sec-Fetch-Mode")));
    }

    async fn wrong_token_gets_401(app) {
        let header = TestApp::basic(&app.account.account_sid, "not-the-token");
        let (status, body) = app.graphql_as(Some(&header), VIEWER, json!({})).await;
        assert_eq!(status, 401);
        assert_eq!(first_error_code(&body), "UNAUTHENTICATED");
    }

    async fn two_authorization_headers_are_no_credentials(app) {
        let other = accounts::create_account(&app.db, "Second Brand", &["Other"]).await.unwrap();
        let mine = app.auth_header();
        let theirs = TestApp::basic(&other.account_sid, &other.auth_token);
        let body = json!({ "query": VIEWER }).to_string();
        let headers = [("Content-Type", "application/json"), ("Authorization", theirs.as_str()), ("Authorization", mine.as_str())];
        let response = app.request(reqwest::Method::POST, "/graphql", &headers, body).await;
        assert_eq!(response.status().as_u16(), 401, "whichever counted would be a guess");
        let groups = format!("/Advertisers/{}/Campaigns/{}/MediaPartnerGroups", app.account.account_sid, app.campaign_id());
        let response = app.request(reqwest::Method::GET, &groups, &headers[1..], "").await;
        assert_eq!(response.status().as_u16(), 401);
        let response = app.request(reqwest::Method::GET, &groups, &headers[2..], "").await;
        assert_eq!(response.status().as_u16(), 200, "one is enough");
    }

    async fn a_token_only_works_with_its_own_account_sid(app) {
        let other = accounts::create_account(&app.db, "Other Brand", &["Other"]).await.unwrap();
        let header = TestApp::basic(&other.account_sid, &app.account.auth_token);
        let (status, _) = app.graphql_as(Some(&header), VIEWER, json!({})).await;
        assert_eq!(status, 401);
        let (status, _) = app.graphql_as(Some("Basic !!notbase64"), VIEWER, json!({})).await;
        assert_eq!(status, 401);
        let (status, _) = app.graphql_as(Some("Bearer abc"), VIEWER, json!({})).await;
        assert_eq!(status, 401);
    }

    async fn viewer_is_the_credentials_user_and_account(app) {
        let data = app.data(VIEWER, json!({})).await;
        assert_eq!(data["viewer"]["account"]["accountSid"], app.account.account_sid.as_str());
        assert_eq!(data["viewer"]["account"]["name"], "Acme Outdoors");
        assert_eq!(data["viewer"]["user"]["role"], "ADMINISTRATOR");
        assert_eq!(data["viewer"]["user"]["userId"], app.account.user_id);
        let campaigns: Vec<i64> = data["viewer"]["account"]["campaigns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["campaignId"].as_i64().unwrap())
            .collect();
        assert_eq!(campaigns, app.account.campaign_ids);
    }

    async fn another_accounts_ids_behave_like_missing_ones(app) {
        let other = app.seed_account(12, 5).await;
        let theirs = app
            .data_as(&other, "query($c: ID!) { partners(campaignId: $c, first: 1) { nodes { id partnerId } } }",
                json!({ "c": other.campaign_ids[0].to_string() }))
            .await;
        let partner = &theirs["partners"]["nodes"][0];
        let (global, numeric) = (partner["id"].as_str().unwrap(), partner["partnerId"].as_i64().unwrap());
        let their_campaign = other.campaign_ids[0].to_string();

        // Single-object lookups answer null, without an error, as for an id that exists nowhere.
        for (query, vars) in [
            ("query($id: ID!) { found: node(id: $id) { id } }", json!({ "id": global })),
            ("query($c: ID!) { found: campaign(id: $c) { name } }", json!({ "c": their_campaign })),
            ("query($c: ID!, $p: ID!) { found: partner(campaignId: $c, id: $p) { name } }",
                json!({ "c": their_campaign, "p": numeric.to_string() })),
            ("query($c: ID!, $p: ID!) { found: partner(campaignId: $c, id: $p) { name } }",
                json!({ "c": app.campaign_id().to_string(), "p": numeric.to_string() })),
            ("query { found: campaign(id: \"987654\") { name } }", json!({})),
        ] {
            let (status, body) = app.graphql(query, vars).await;
            assert_eq!(status, 200, "{query}: {body}");
            assert!(body.get("errors").is_none(), "{query}: {body}");
            assert!(body["data"]["found"].is_null(), "{query}: {body}");
        }
        // A list under another account's campaign is refused.
        let (_, body) = app.graphql("query($c: ID!) { partners(campaignId: $c) { totalCount } }", json!({ "c": their_campaign })).await;
        assert_eq!(first_error_code(&body), "NOT_FOUND", "{body}");
        assert!(!body.to_string().contains(&other.account_sid));
    }

    async fn read_only_users_cannot_create_partners(app) {
        let user = accounts::add_user(&app.db, app.account.account_id, "Ann Analyst", "ann@acme.example", UserRole::ReadOnly)
            .await
            .unwrap();
        let token = accounts::issue_credential(&app.db, app.account.account_id, user, "analyst").await.unwrap();
        let header = TestApp::basic(&app.account.account_sid, &token);
        let (status, body) = app
            .graphql_as(Some(&header),
                "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { partnerId } userErrors { code } } }",
                json!({ "i": { "campaignId": app.campaign_id().to_string(), "name": "Blocked", "email": "b@blocked.example", "country": "US" } }))
            .await;
        assert_eq!(status, 200);
        assert_eq!(first_error_code(&body), "FORBIDDEN");
        assert_eq!(app.count_rows("partners").await, 0);
        let data = app.data_as(&partnergraph::service::accounts::NewAccount { auth_token: token, ..app.account.clone() }, VIEWER, json!({})).await;
        assert_eq!(data["viewer"]["user"]["role"], "READ_ONLY");
    }
}
