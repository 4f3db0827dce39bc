//! The facet index counts facets and totals under facet filters; SQL counts the rest. The two
//! must agree exactly, under every facet filter, and the index must follow every write.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::groups::create_group;
use crate::list_support::{ids_in, strings_in, Listed};
use crate::support::{backend_tests, TestApp};

const THREE: &str =
    "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 0) { facets {
  countries { count } sizes { count } prospectingSources { count } } } }";

/// Statements the three facets above cost beyond the plain page: 1 with a current index (its
/// version lookup), 4 counted in SQL (more while an index is read in the background).
async fn cost_of_three(app: &TestApp, l: &Listed, filter: &Value) -> u64 {
    let before = app.statements();
    app.data_as(&l.account, THREE, json!({ "c": l.campaign, "f": filter }))
        .await;
    let with = app.statements() - before;
    let before = app.statements();
    app.data_as(&l.account, "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 0) { pageInfo { hasNextPage } } }", json!({ "c": l.campaign, "f": filter })).await;
    with - (app.statements() - before)
}

/// Waits (at most ten seconds) for the index to be read in the background.
async fn index_in_use(app: &TestApp, l: &Listed, filter: &Value) {
    for _ in 0..100 {
        if cost_of_three(app, l, filter).await == 1 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the facet index was not read in the background");
}

const FACETS: &str = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 0) { totalCount facets {
  countries { value label count } groups { value label count } contractStatuses { value label count }
  contractTemplates { value label count } relationshipTypes { value label count } sizes { value label count }
  relationshipStages { value label count } businessModels { value label count } assignedTo { value label count }
  prospectingSources { value label count }
  none { countries groups contractStatuses sizes assignedTo prospectingSources } } } }";

/// Each facet's buckets as (value, label, count), sorted by value.
type Facets = BTreeMap<String, Vec<(Option<String>, String, i64)>>;

/// The same filter plus a condition every partner meets (social reach is never negative) that
/// the index does not take: SQL counts it.
pub fn in_sql(filter: &Value) -> Value {
    let mut f = filter.clone();
    f["socialReach"] = json!({ "min": 0 });
    f
}

async fn facets(app: &TestApp, l: &Listed, filter: &Value) -> (i64, Facets) {
    let data = app
        .data_as(&l.account, FACETS, json!({ "c": l.campaign, "f": filter }))
        .await;
    let mut out = Facets::new();
    let all = &data["partners"]["facets"];
    for (name, buckets) in all.as_object().unwrap() {
        if name == "none" {
            continue;
        }
        let buckets = buckets.as_array().unwrap();
        let listed: Vec<i64> = buckets
            .iter()
            .map(|b| b["count"].as_i64().unwrap())
            .collect();
        assert!(
            listed.windows(2).all(|w| w[0] >= w[1]),
            "{name} largest first under {filter}: {listed:?}"
        );
        let mut rows: Vec<(Option<String>, String, i64)> = buckets
            .iter()
            .map(|b| {
                let value = b["value"].as_str().expect("every bucket has a value");
                (
                    Some(value.to_owned()),
                    b["label"].as_str().unwrap().to_owned(),
                    b["count"].as_i64().unwrap(),
                )
            })
            .collect();
        // Partners with no value in the dimension, counted apart.
        if let Some(n) = all["none"].get(name).and_then(Value::as_i64) {
            if n > 0 {
                rows.push((None, String::new(), n));
            }
        }
        rows.sort();
        out.insert(name.clone(), rows);
    }
    (data["partners"]["totalCount"].as_i64().unwrap(), out)
}

/// The index's answer under `filter` equals SQL's; returns the index's.
async fn agrees(app: &TestApp, l: &Listed, filter: Value) -> (i64, Facets) {
    let indexed = facets(app, l, &filter).await;
    let counted = facets(app, l, &in_sql(&filter)).await;
    assert_eq!(indexed, counted, "index and SQL under {filter}");
    indexed
}

pub fn first_of(l: &Listed, list: &str, key: &str) -> (String, String) {
    let mut ids: Vec<i64> = l.all.iter().flat_map(|p| ids_in(p, list, key)).collect();
    ids.sort_unstable();
    ids.dedup();
    assert!(ids.len() >= 2, "two {list} to filter by");
    (ids[0].to_string(), ids[1].to_string())
}

backend_tests! {
    async fn indexed_facets_equal_sql_facets_under_every_facet_filter(app) {
        let l = Listed::seed(&app, 160, 71).await;
        let country = l.common("country").as_str().unwrap().to_owned();
        let (g1, g2) = first_of(&l, "groups", "groupId");
        let user = l.all.iter().find_map(|p| p["assignedTo"]["userId"].as_i64()).unwrap().to_string();
        let template = l.all.iter()
            .flat_map(|p| p["contracts"].as_array().unwrap().clone())
            .find(|c| c["status"] == "ACTIVE")
            .and_then(|c| c["template"]["templateId"].as_i64())
            .unwrap()
            .to_string();
        let model = l.all.iter().flat_map(|p| strings_in(p, "businessModels")).next().unwrap();
        let source = l.common("prospectingSource").as_str().unwrap().to_owned();
        let filters = [
            json!({}),
            json!({ "countries": [country] }),
            json!({ "countries": [country, "CA", "AQ"] }),
            json!({ "groupIds": [g1] }),
            json!({ "groupIds": [g1, g2] }),
            json!({ "inNoGroup": true }),
            json!({ "groupIds": [g2], "inNoGroup": true }),
            json!({ "groupIds": ["987654"] }),
            json!({ "contractStatuses": ["ACTIVE", "EXPIRED"] }),
            json!({ "contractTemplateIds": [template] }),
            json!({ "relationshipTypes": ["DIRECT"] }),
            json!({ "sizes": ["SMALL", "LARGE"] }),
            json!({ "relationshipStages": ["JOINED", "NEW"] }),
            json!({ "businessModels": [model] }),
            json!({ "assignedUserIds": [user] }),
            json!({ "unassigned": true }),
            json!({ "assignedUserIds": [user], "unassigned": true }),
            json!({ "prospectingSources": [source] }),
            json!({ "countries": [country], "groupIds": [g1], "contractStatuses": ["ACTIVE"] }),
            json!({ "countries": [country], "and": [{ "sizes": ["SMALL", "MEDIUM"] }, { "relationshipTypes": ["MARKETPLACE"] }] }),
        ];
        for filter in filters {
            let (total, facets) = agrees(&app, &l, filter.clone()).await;
            if filter == json!({}) {
                assert_eq!(total, l.all.len() as i64);
                assert_eq!(facets.len(), 10);
            }
            if filter == json!({ "groupIds": ["987654"] }) {
                assert_eq!(total, 0, "a group that is not the campaign's matches no one");
            }
        }
    }

    async fn the_index_follows_every_write(app) {
        let l = Listed::seed(&app, 60, 72).await;
        let campaign: i64 = l.campaign.parse().unwrap();
        let country = l.common("country").as_str().unwrap().to_owned();
        let under = json!({ "countries": [country] });
        let (before, _) = agrees(&app, &l, under.clone()).await;
        let in_country: Vec<i64> = l.all.iter()
            .filter(|p| p["country"] == country.as_str())
            .map(|p| p["partnerId"].as_i64().unwrap())
            .collect();

        // A new group: its members show in the groups facet at once.
        let group = create_group(&app, &l.account, campaign, "Index Watchers", &in_country[..2]).await;
        let (_, facets) = agrees(&app, &l, under.clone()).await;
        let bucket = facets["groups"].iter().find(|b| b.0.as_deref() == Some(group.to_string().as_str()));
        assert_eq!(bucket.map(|b| (b.1.as_str(), b.2)), Some(("Index Watchers", 2)));
        let only_group = json!({ "groupIds": [group.to_string()] });
        assert_eq!(agrees(&app, &l, only_group.clone()).await.0, 2);

        // Members moved out of every group.
        let ids: Vec<String> = in_country[..2].iter().map(i64::to_string).collect();
        let removed = app.data_as(&l.account, "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) { userErrors { message } } }",
            json!({ "i": { "campaignId": l.campaign, "selection": { "ids": ids }, "removeFromAll": true } })).await;
        assert_eq!(removed["changePartnerGroups"]["userErrors"], json!([]));
        assert_eq!(agrees(&app, &l, only_group).await.0, 0);

        // A partner the brand adds itself.
        let input = json!({ "campaignId": l.campaign, "name": "Index Newcomer", "email": "newcomer@index.example", "country": country });
        let created = app.data_as(&l.account, "mutation($i: CreatePartnerInput!) { createPartner(input: $i) { userErrors { message } } }", json!({ "i": input })).await;
        assert_eq!(created["createPartner"]["userErrors"], json!([]));
        assert_eq!(agrees(&app, &l, under).await.0, before + 1);
    }

    async fn large_campaigns_read_their_index_in_the_background(app) {
        // Every campaign counts as large: indexes are read in the background.
        let app = TestApp::spawn_configured(app.backend(), false, |c| c.facet_index_background_from = 0)
            .await
            .unwrap();
        let l = Listed::seed(&app, 40, 73).await;
        let campaign: i64 = l.campaign.parse().unwrap();
        let filter = json!({ "sizes": ["SMALL", "MEDIUM", "LARGE"] });
        index_in_use(&app, &l, &filter).await;
        let (_, before) = agrees(&app, &l, filter.clone()).await;

        // After a write the old index is never used: SQL counts until the new one is read.
        let member = l.all[0]["partnerId"].as_i64().unwrap();
        let group = create_group(&app, &l.account, campaign, "Background Readers", &[member]).await;
        let (_, after) = agrees(&app, &l, json!({})).await;
        assert!(after["groups"].iter().any(|b| b.0 == Some(group.to_string())), "the new group is counted");
        assert!(!before["groups"].iter().any(|b| b.0 == Some(group.to_string())));
        index_in_use(&app, &l, &filter).await;
        let (_, now) = agrees(&app, &l, json!({})).await;
        assert_eq!(now, after, "the index read again counts the new group");
    }
}
