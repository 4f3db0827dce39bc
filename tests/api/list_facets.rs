//! Facet counts: each value's count equals a plain count over the partners matching every
//! other filter (a facet ignores its own filter).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::list_support::{ids_in, strings_in, Listed};
use crate::support::backend_tests;

const FACETS: &str = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 1) { totalCount facets {
  countries { value label count } groups { value label count } contractStatuses { value count }
  contractTemplates { value label count } relationshipTypes { value count } sizes { value count }
  relationshipStages { value count } businessModels { value count } assignedTo { value label count }
  prospectingSources { value count }
  none { countries groups contractStatuses sizes assignedTo prospectingSources } } } }";

type Counts = BTreeMap<Option<String>, i64>;

/// The counts of facet `name`, its partners with no value (`none`) under `None`.
fn counts(facets: &Value, name: &str) -> Counts {
    let mut out: Counts = facets[name]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let value = b["value"].as_str().expect("every bucket has a value");
            (Some(value.to_owned()), b["count"].as_i64().unwrap())
        })
        .collect();
    match facets["none"].get(name).and_then(Value::as_i64) {
        Some(0) | None => {}
        Some(n) => {
            out.insert(None, n);
        }
    }
    out
}

fn tally<'a>(
    partners: impl Iterator<Item = &'a Value>,
    values: impl Fn(&Value) -> Vec<Option<String>>,
) -> Counts {
    let mut out = Counts::new();
    for p in partners {
        for v in values(p) {
            *out.entry(v).or_default() += 1;
        }
    }
    out
}

fn scalar(field: &'static str) -> impl Fn(&Value) -> Vec<Option<String>> {
    move |p| vec![p[field].as_str().map(str::to_owned)]
}

backend_tests! {
    async fn facets_count_each_value_under_the_other_filters(app) {
        let l = Listed::seed(&app, 160, 61).await;
        let country = l.common("country").as_str().unwrap().to_owned();
        let filter = json!({ "countries": [country], "sizes": ["EXTRA_SMALL", "SMALL"], "relationshipTypes": ["MARKETPLACE"] });
        let data = app.data_as(&l.account, FACETS, json!({ "c": l.campaign, "f": filter })).await;
        let facets = &data["partners"]["facets"];

        let in_country = |p: &Value| p["country"] == country.as_str();
        let small = |p: &Value| matches!(p["size"].as_str(), Some("EXTRA_SMALL" | "SMALL"));
        let marketplace = |p: &Value| p["relationshipType"] == "MARKETPLACE";
        let all_three = |p: &&Value| in_country(p) && small(p) && marketplace(p);
        assert_eq!(data["partners"]["totalCount"].as_i64().unwrap(), l.all.iter().filter(all_three).count() as i64);

        // Own-dimension facets ignore their own filter.
        let expected = tally(l.all.iter().filter(|p| small(p) && marketplace(p)), scalar("country"));
        assert!(expected.len() > 1, "several countries to count");
        assert_eq!(counts(facets, "countries"), expected, "countries");
        assert_eq!(counts(facets, "sizes"), tally(l.all.iter().filter(|p| in_country(p) && marketplace(p)), scalar("size")), "sizes");
        assert_eq!(
            counts(facets, "relationshipTypes"),
            tally(l.all.iter().filter(|p| in_country(p) && small(p)), scalar("relationshipType")),
            "relationship types"
        );

        // The others count under the whole filter.
        let matching: Vec<&Value> = l.all.iter().filter(all_three).collect();
        assert!(matching.len() > 5, "enough partners under the filter");
        let under = || matching.iter().copied();
        assert_eq!(counts(facets, "contractStatuses"), tally(under(), scalar("contractStatus")), "contract statuses");
        assert_eq!(counts(facets, "relationshipStages"), tally(under(), scalar("relationshipStage")), "stages");
        assert_eq!(counts(facets, "prospectingSources"), tally(under(), scalar("prospectingSource")), "sources");
        assert_eq!(
            counts(facets, "groups"),
            tally(under(), |p| {
                let g = ids_in(p, "groups", "groupId");
                if g.is_empty() { vec![None] } else { g.into_iter().map(|g| Some(g.to_string())).collect() }
            }),
            "groups"
        );
        assert_eq!(
            counts(facets, "assignedTo"),
            tally(under(), |p| vec![p["assignedTo"]["userId"].as_i64().map(|u| u.to_string())]),
            "assigned to"
        );
        assert_eq!(
            counts(facets, "businessModels"),
            tally(under(), |p| strings_in(p, "businessModels").into_iter().map(Some).collect()),
            "business models"
        );
        assert_eq!(
            counts(facets, "contractTemplates"),
            tally(under(), |p| {
                let mut t: Vec<Option<String>> = p["contracts"].as_array().unwrap().iter()
                    .filter(|c| c["status"] == "ACTIVE" || c["status"] == "SUSPENDED")
                    .filter_map(|c| c["template"]["templateId"].as_i64().map(|t| Some(t.to_string())))
                    .collect();
                t.sort();
                t.dedup();
                t
            }),
            "contract templates"
        );
        // Groups, templates and users carry their names as labels.
        let group = &facets["groups"][0];
        assert_ne!(group["label"], group["value"]);
    }

    async fn facets_cost_nothing_unless_selected(app) {
        let l = Listed::seed(&app, 20, 62).await;
        let plain = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 5) { nodes { partnerId } } }";
        let counted = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 5) { totalCount nodes { partnerId } facets { countries { count } sizes { count } } } }";
        let cost = |filter: Value| {
            let (app, l) = (&app, &l);
            async move {
                let before = app.statements();
                app.data_as(&l.account, plain, json!({ "c": l.campaign, "f": filter })).await;
                let bare = app.statements() - before;
                let before = app.statements();
                app.data_as(&l.account, counted, json!({ "c": l.campaign, "f": filter })).await;
                app.statements() - before - bare
            }
        };
        // A condition the facet index does not take (social reach): counted in SQL.
        assert_eq!(cost(json!({ "socialReach": { "min": 0 } })).await, 3, "one COUNT and one query per selected facet");
        // Facet conditions only: the index (built when the seed listed the partners) counts, at
        // the list version read with the request's checks: the total and the facets cost no
        // statement at all.
        assert_eq!(cost(json!({ "sizes": ["SMALL", "MEDIUM"] })).await, 0, "no statement for the index's counts");
    }

    async fn facets_without_a_condition_of_their_own_are_counted_together(app) {
        let l = Listed::seed(&app, 160, 63).await;
        let country = l.common("country").as_str().unwrap().to_owned();
        let shared = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 0) { facets {
          contractStatuses { value label count } relationshipTypes { value count } sizes { value count }
          relationshipStages { value count } prospectingSources { value label count }
          none { contractStatuses sizes prospectingSources } } } }";
        let plain = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 0) { pageInfo { hasNextPage } } }";
        // With a condition the facet index does not take (social reach), so SQL counts them.
        for filter in [json!({ "socialReach": { "min": 0 } }), json!({ "countries": [country], "socialReach": { "min": 0 } })] {
            let before = app.statements();
            app.data_as(&l.account, plain, json!({ "c": l.campaign, "f": filter })).await;
            let bare = app.statements() - before;
            let before = app.statements();
            let data = app.data_as(&l.account, shared, json!({ "c": l.campaign, "f": filter })).await;
            assert_eq!(app.statements() - before, bare + 1, "five facets, one statement: {filter}");
            let facets = &data["partners"]["facets"];
            let under: Vec<&Value> = l.all.iter().filter(|p| filter.get("countries").is_none() || p["country"] == country.as_str()).collect();
            for (facet, field) in [("contractStatuses", "contractStatus"), ("relationshipTypes", "relationshipType"), ("sizes", "size"),
                                   ("relationshipStages", "relationshipStage"), ("prospectingSources", "prospectingSource")] {
                assert_eq!(counts(facets, facet), tally(under.iter().copied(), scalar(field)), "{facet} under {filter}");
                let listed: Vec<i64> = facets[facet].as_array().unwrap().iter().map(|b| b["count"].as_i64().unwrap()).collect();
                assert!(listed.windows(2).all(|w| w[0] >= w[1]), "{facet}: largest first: {listed:?}");
            }
            // An enum value is its own label.
            for facet in ["contractStatuses", "prospectingSources"] {
                for bucket in facets[facet].as_array().unwrap() {
                    assert_eq!(bucket["label"], bucket["value"], "{facet}: {bucket}");
                }
            }
        }
    }

    async fn every_facet_value_filters_back_to_its_count(app) {
        let l = Listed::seed(&app, 120, 64).await;
        let data = app.data_as(&l.account, FACETS, json!({ "c": l.campaign, "f": {} })).await;
        let facets = &data["partners"]["facets"];
        let total = |filter: Value| {
            let (app, l) = (&app, &l);
            async move {
                let data = app.data_as(&l.account, "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f, first: 0) { totalCount } }",
                    json!({ "c": l.campaign, "f": filter })).await;
                data["partners"]["totalCount"].as_i64().unwrap()
            }
        };
        // Each bucket's value goes into its filter field as it is.
        for (facet, field) in [("countries", "countries"), ("groups", "groupIds"), ("contractStatuses", "contractStatuses"),
                               ("contractTemplates", "contractTemplateIds"), ("relationshipTypes", "relationshipTypes"),
                               ("sizes", "sizes"), ("relationshipStages", "relationshipStages"), ("businessModels", "businessModels"),
                               ("assignedTo", "assignedUserIds"), ("prospectingSources", "prospectingSources")] {
            let buckets = facets[facet].as_array().unwrap();
            assert!(!buckets.is_empty(), "{facet}");
            for bucket in buckets {
                let mut filter = json!({});
                filter[field] = json!([bucket["value"]]);
                assert_eq!(total(filter).await, bucket["count"].as_i64().unwrap(), "{facet}: {bucket}");
            }
        }
        // The partners the brand added itself have no group, no assigned user, no contract yet:
        // counted under `none`, and the "no group" and "unassigned" filters select them.
        for (none, filter) in [("groups", json!({ "inNoGroup": true })), ("assignedTo", json!({ "unassigned": true }))] {
            let count = facets["none"][none].as_i64().unwrap();
            assert!(count >= 3, "{none}: {count}");
            assert_eq!(total(filter).await, count, "{none}");
        }
        assert!(facets["none"]["contractStatuses"].as_i64().unwrap() >= 3);
    }
}
