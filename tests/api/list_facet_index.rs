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

/// Statements a request for the three facets above costs: 2 with a current index (the
/// request's checks, which read the list version the index must be current with, and its page
/// of `first: 0`, which probes for one row), more when they are counted in SQL (at least one
/// counting statement) or while an index is read in the background (its statements count too).
async fn cost_of_three(app: &TestApp, l: &Listed, filter: &Value) -> u64 {
    let before = app.statements();
    app.data_as(&l.account, THREE, json!({ "c": l.campaign, "f": filter }))
        .await;
    app.statements() - before
}

/// Waits (at most ten seconds) for the index to be read in the background.
async fn index_in_use(app: &TestApp, l: &Listed, filter: &Value) {
    for _ in 0..100 {
        if cost_of_three(app, l, filter).await == 2 {
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

/// A facets answer with each facet's buckets in one order.
fn normalized(mut data: Value) -> Value {
    if let Some(facets) = data["partners"]["facets"].as_object_mut() {
        for buckets in facets.values_mut() {
            if let Some(list) = buckets.as_array_mut() {
                list.sort_by_key(|b| b.to_string());
            }
        }
    }
    data
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
        // From here on every write is applied to the index from the change log: it is never
        // read whole again.
        let (reads, patches) = (app.facet_usage.reads(), app.facet_usage.patches());
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
        assert_eq!(agrees(&app, &l, under.clone()).await.0, before + 1);

        // Partners assigned to an account manager, then back to no one.
        let user = l.all.iter().find_map(|p| p["assignedTo"]["userId"].as_i64()).unwrap().to_string();
        let some: Vec<String> = in_country[2..6].iter().map(i64::to_string).collect();
        for target in [json!({ "userId": user }), json!({ "unassign": true })] {
            let mut input = json!({ "campaignId": l.campaign, "selection": { "ids": some } });
            input.as_object_mut().unwrap().extend(target.as_object().unwrap().clone());
            let assigned = app.data_as(&l.account, "mutation($i: AssignPartnersInput!) { assignPartners(input: $i) { affectedCount userErrors { message } } }", json!({ "i": input })).await;
            assert_eq!(assigned["assignPartners"]["userErrors"], json!([]), "{assigned}");
            agrees(&app, &l, under.clone()).await;
            agrees(&app, &l, json!({ "assignedUserIds": [user] })).await;
        }
        // A contract switch scheduled for tomorrow, then applied by the runner: each writes
        // records and relationship rows under a paused trigger log and logs its partners itself.
        let template = app.texts(&format!("SELECT CAST(MIN(id) AS TEXT) FROM contract_templates WHERE campaign_id = {campaign}")).await[0].clone().unwrap();
        let only_template = json!({ "contractTemplateIds": [template] });
        let (on_template, _) = agrees(&app, &l, only_template.clone()).await;
        let switched = app.data_as(&l.account, "mutation($i: SwitchPartnerContractsInput!) { switchPartnerContracts(input: $i) { affectedCount userErrors { message } } }",
            json!({ "i": { "campaignId": l.campaign, "selection": { "ids": some }, "templateId": template, "effectiveDate": crate::contract_support::day(1) } })).await;
        assert_eq!(switched["switchPartnerContracts"]["userErrors"], json!([]), "{switched}");
        let scheduled = switched["switchPartnerContracts"]["affectedCount"].as_i64().unwrap();
        assert!(scheduled > 0, "{switched}");
        agrees(&app, &l, json!({ "termsUpdates": ["UPCOMING_SWITCH"] })).await;
        // The index applies the scheduling now: the switch is not the contract yet.
        assert_eq!(agrees(&app, &l, only_template.clone()).await.0, on_template);
        let applied = crate::contract_support::apply_due_in(&app, 2).await;
        assert_eq!(applied.switched, scheduled as u64);
        assert_eq!(agrees(&app, &l, only_template).await.0, on_template + scheduled, "the switched partners show under their template");
        agrees(&app, &l, under.clone()).await;

        assert_eq!(app.facet_usage.reads(), reads, "the index was not read whole again");
        assert!(app.facet_usage.patches() >= patches + 5, "each write was applied: {} patches", app.facet_usage.patches() - patches);

        // A write to a column the index does not hold is no change at all.
        let version = || async {
            app.texts(&format!("SELECT CAST(version AS TEXT) FROM campaign_list_versions WHERE campaign_id = {campaign}")).await
        };
        let was = version().await;
        sea_orm::ConnectionTrait::execute_unprepared(&app.db, &format!(
            "UPDATE campaign_partners SET updated_at = created_at, tracking_pixel_url = 'https://pixel.example/x' WHERE campaign_id = {campaign}"
        )).await.unwrap();
        assert_eq!(version().await, was, "no version for a change the index does not hold");
    }

    async fn the_indexes_held_stay_within_their_budget_of_bytes(app) {
        // What one campaign's index weighs, on a server with the default budget.
        let one = Listed::seed(&app, 40, 75).await;
        agrees(&app, &one, json!({})).await;
        let size = app.facet_usage.held_bytes();
        assert!(size > 0);
        // A budget for one and a half such indexes: two campaigns of the same make-up.
        let budget = size + size / 2;
        let small = TestApp::spawn_configured(app.backend(), false, |c| c.facet_index_max_bytes = budget as usize)
            .await
            .unwrap();
        let a = Listed::seed(&small, 40, 75).await;
        let b = Listed::seed(&small, 40, 75).await;
        for (round, l) in [&a, &b, &a, &b].into_iter().enumerate() {
            let reads = small.facet_usage.reads();
            agrees(&small, l, json!({})).await;
            agrees(&small, l, json!({ "sizes": ["SMALL", "MEDIUM"] })).await;
            assert!(small.facet_usage.held_bytes() <= budget, "round {round}: {} > {budget}", small.facet_usage.held_bytes());
            // Each campaign's index pushed the other's out: read again every time.
            assert_eq!(small.facet_usage.reads(), reads + 1, "round {round}");
        }
        // A budget smaller than any index: none is kept, every answer is still right.
        let none = TestApp::spawn_configured(app.backend(), false, |c| c.facet_index_max_bytes = 1)
            .await
            .unwrap();
        let l = Listed::seed(&none, 30, 76).await;
        for _ in 0..2 {
            agrees(&none, &l, json!({ "sizes": ["SMALL"] })).await;
            assert_eq!(none.facet_usage.held_bytes(), 0);
        }
    }

    async fn two_servers_on_one_database_each_keep_their_index_fresh(app) {
        let l = Listed::seed(&app, 50, 74).await;
        let campaign: i64 = l.campaign.parse().unwrap();
        let other = app.second_server().await;
        let country = l.common("country").as_str().unwrap().to_owned();
        let under = json!({ "countries": [country] });
        let from_other = |filter: Value| {
            let (other, account, c) = (&other, &l.account, l.campaign.clone());
            async move { other.data_as(account, FACETS, json!({ "c": c, "f": filter })).await }
        };
        let warm = from_other(under.clone()).await;
        assert!(warm["partners"]["totalCount"].as_i64().unwrap() > 0);
        let reads = other.usage.reads();
        // Writes through the first server...
        let members: Vec<i64> = l.all.iter().take(5).map(|p| p["partnerId"].as_i64().unwrap()).collect();
        let group = create_group(&app, &l.account, campaign, "Seen Elsewhere", &members).await;
        let user = l.all.iter().find_map(|p| p["assignedTo"]["userId"].as_i64()).unwrap().to_string();
        let ids: Vec<String> = members.iter().map(i64::to_string).collect();
        let assigned = app.data_as(&l.account, "mutation($i: AssignPartnersInput!) { assignPartners(input: $i) { userErrors { message } } }",
            json!({ "i": { "campaignId": l.campaign, "selection": { "ids": ids }, "userId": user } })).await;
        assert_eq!(assigned["assignPartners"]["userErrors"], json!([]));
        // ...are in the second server's facets at once, equal to SQL's count.
        for filter in [under.clone(), json!({ "groupIds": [group.to_string()] }), json!({ "assignedUserIds": [user] })] {
            let indexed = normalized(from_other(filter.clone()).await);
            let counted = normalized(from_other(in_sql(&filter)).await);
            assert_eq!(indexed, counted, "second server under {filter}");
        }
        assert_eq!(from_other(json!({ "groupIds": [group.to_string()] })).await["partners"]["totalCount"], 5);
        assert_eq!(other.usage.reads(), reads, "the second server applied the changes");
        assert!(other.usage.patches() >= 1);
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

        // After a write the held index applies the change from the log (no background read).
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
