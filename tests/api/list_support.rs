//! Shared by the list tests: a seeded account, every partner with every filterable field
//! (the oracle the SQL results are checked against), and filtered/sorted fetches.

use serde_json::{json, Value};

use crate::support::TestApp;
use partnergraph::service::accounts::NewAccount;

pub const FIELDS: &str = "partnerId name websiteUrl country stateProvince size socialReach mozDomainAuthority
  relationshipType relationshipStage prospectingSource contractStatus dateJoined marketplaceApplicationDate
  assignedTo { userId } groups { groupId } businessModels audienceCountries promotionalAreas
  contracts { status endDate expiresAt template { templateId } }
  customFields { customFieldId text number date options { optionId } }";

/// A seeded account and all its first campaign's partners.
pub struct Listed {
    pub account: NewAccount,
    pub campaign: String,
    pub all: Vec<Value>,
}

impl Listed {
    pub async fn seed(app: &TestApp, partners: usize, seed: u64) -> Listed {
        let account = app.seed_account(partners, seed).await;
        let campaign = account.campaign_ids[0].to_string();
        // A few partners the brand added itself: no groups, contracts or answers yet.
        for (i, country) in ["NZ", "US", "CA"].iter().enumerate() {
            let input = json!({ "campaignId": campaign, "name": format!("Direct Add {i} 100%_Real"), "email": format!("direct{i}@adds.example"),
                "country": country, "websiteUrl": format!("https://direct{i}.example/o'neil\\path") });
            let created = app
                .data_as(&account, "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { userErrors { message } } }", json!({ "i": input }))
                .await;
            assert_eq!(created["createPartner"]["userErrors"], json!([]));
        }
        let query = format!("query($c: ID!) {{ partners(campaignId: $c, first: 500) {{ totalCount nodes {{ {FIELDS} }} }} }}");
        let data = app
            .data_as(&account, &query, json!({ "c": campaign }))
            .await;
        let all = data["partners"]["nodes"].as_array().unwrap().clone();
        assert_eq!(
            all.len() as i64,
            data["partners"]["totalCount"].as_i64().unwrap()
        );
        Listed {
            account,
            campaign,
            all,
        }
    }

    /// Partner ids matching `filter` according to the API, sorted, plus the reported total.
    pub async fn ids(&self, app: &TestApp, filter: Value) -> Vec<i64> {
        let query = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 500) { totalCount nodes { partnerId } } }";
        let data = app
            .data_as(
                &self.account,
                query,
                json!({ "c": self.campaign, "f": filter }),
            )
            .await;
        let mut ids: Vec<i64> = data["partners"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["partnerId"].as_i64().unwrap())
            .collect();
        assert_eq!(
            ids.len() as i64,
            data["partners"]["totalCount"].as_i64().unwrap(),
            "totalCount agrees"
        );
        ids.sort_unstable();
        ids
    }

    /// Partner ids of the oracle matching `pred`, sorted.
    pub fn expected(&self, pred: impl Fn(&Value) -> bool) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .all
            .iter()
            .filter(|p| pred(p))
            .map(|p| p["partnerId"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The most common value of a scalar field, for building a selective filter.
    pub fn common(&self, field: &str) -> Value {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for p in &self.all {
            let v = p[field].to_string();
            if p[field].is_null() {
                continue;
            }
            match counts.iter_mut().find(|(k, _)| *k == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        serde_json::from_str(&counts[0].0).unwrap()
    }
}

/// The ids listed under a JSON array field of a partner (`groups` → `groupId`, ...).
pub fn ids_in(partner: &Value, list: &str, key: &str) -> Vec<i64> {
    partner[list]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x[key].as_i64()).collect())
        .unwrap_or_default()
}

/// The strings of a JSON array field.
pub fn strings_in(partner: &Value, list: &str) -> Vec<String> {
    partner[list]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
