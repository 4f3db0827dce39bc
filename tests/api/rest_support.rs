//! Helpers of the REST tests: a client speaking as one account with HTTP Basic auth and form
//! bodies, as the product's documentation shows, and partners created through GraphQL.

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};

use crate::support::TestApp;
use partnergraph::service::accounts::NewAccount;

/// A response: status, headers and the raw body text.
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// A header's value, or "".
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}

/// A REST client with some account's Basic credentials (or none).
pub struct Rest {
    base_url: String,
    client: reqwest::Client,
    credentials: Option<(String, String)>,
    /// The Account SID used in paths.
    pub sid: String,
}

impl Rest {
    /// Speaks as `account`, on its own SID.
    pub fn as_account(app: &TestApp, account: &NewAccount) -> Self {
        Rest {
            base_url: app.base_url.clone(),
            client: reqwest::Client::new(),
            credentials: Some((account.account_sid.clone(), account.auth_token.clone())),
            sid: account.account_sid.clone(),
        }
    }

    /// Speaks as the app's own account.
    pub fn new(app: &TestApp) -> Self {
        Self::as_account(app, &app.account)
    }

    /// The same credentials with another password.
    pub fn with_password(mut self, token: &str) -> Self {
        self.credentials = self.credentials.map(|(sid, _)| (sid, token.to_owned()));
        self
    }

    /// No credentials at all.
    pub fn anonymous(mut self) -> Self {
        self.credentials = None;
        self
    }

    /// `/Advertisers/<sid>/Campaigns/<campaign>/MediaPartnerGroups`.
    pub fn groups(&self, campaign: i64) -> String {
        format!(
            "/Advertisers/{}/Campaigns/{campaign}/MediaPartnerGroups",
            self.sid
        )
    }

    /// `.../MediaPartnerGroups/<group>`.
    pub fn group(&self, campaign: i64, group: impl std::fmt::Display) -> String {
        format!("{}/{group}", self.groups(campaign))
    }

    /// `/Advertisers/<sid>/MediaPartners/<partner>`.
    pub fn partner(&self, partner: impl std::fmt::Display) -> String {
        format!("/Advertisers/{}/MediaPartners/{partner}", self.sid)
    }

    /// Sends a request, with a form body when `form` is given.
    pub async fn send(&self, method: Method, path: &str, form: Option<&[(&str, &str)]>) -> Answer {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base_url));
        if let Some((sid, token)) = &self.credentials {
            request = request.basic_auth(sid, Some(token));
        }
        if let Some(form) = form {
            request = request.form(form);
        }
        let response = request.send().await.expect("send");
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            text: response.text().await.expect("body"),
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send(Method::POST, path, Some(form)).await
    }

    pub async fn put(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        self.send(Method::PUT, path, Some(form)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    /// Creates a group that must succeed; returns its id (the last segment of `Uri`).
    pub async fn create_group(&self, campaign: i64, name: &str, partners: &[i64]) -> i64 {
        let list = join(partners);
        let answer = self
            .post(
                &self.groups(campaign),
                &[("Name", name), ("MediaPartners", &list)],
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        last_segment(answer.json()["Uri"].as_str().expect("Uri"))
    }
}

/// Ids as the wire's comma-separated list.
pub fn join(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The id at the end of a `Uri`.
pub fn last_segment(uri: &str) -> i64 {
    uri.rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no id in {uri}"))
}

/// Creates direct partners with these names in the app's first campaign; returns their ids.
pub async fn create_partners(app: &TestApp, names: &[&str]) -> Vec<i64> {
    let mut ids = Vec::new();
    for (n, name) in names.iter().enumerate() {
        let data = app
            .data(
                "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { partner { partnerId } userErrors { message } } }",
                json!({ "i": {
                    "campaignId": app.campaign_id().to_string(),
                    "name": name,
                    "email": format!("team{n}@partner{n}.example"),
                    "country": "US",
                } }),
            )
            .await;
        let payload = &data["createPartner"];
        assert_eq!(payload["userErrors"], json!([]), "{payload}");
        ids.push(payload["partner"]["partnerId"].as_i64().expect("partnerId"));
    }
    ids
}

/// Rows of a table, for "nothing changed" checks.
pub async fn rows(app: &TestApp) -> (i64, i64, i64) {
    (
        app.count_rows("partner_groups").await,
        app.count_rows("partner_group_members").await,
        app.count_rows("partners").await,
    )
}
