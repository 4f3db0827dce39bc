//! Every filter of the My Partners list, alone and combined, against an oracle computed from
//! the full list: the SQL result must equal what the partners' own fields say.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::first_error_code;
use crate::list_support::{ids_in, strings_in, Listed};
use crate::support::backend_tests;

fn date(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
}

fn answer(p: &Value, field: i64) -> Option<&Value> {
    p["customFields"]
        .as_array()?
        .iter()
        .find(|a| a["customFieldId"] == field)
}

/// Checks one filter: non-trivial (matches some partners, not all) and equal to the oracle, and
/// its `not` equal to the oracle's complement.
async fn check(
    app: &crate::support::TestApp,
    l: &Listed,
    name: &str,
    filter: Value,
    pred: impl Fn(&Value) -> bool,
) {
    let expected = l.expected(&pred);
    assert!(
        !expected.is_empty(),
        "{name}: the seeded data should have matches"
    );
    assert!(
        expected.len() < l.all.len(),
        "{name}: the filter should exclude someone"
    );
    let got = l.ids(app, filter.clone()).await;
    assert_eq!(got, expected, "{name}: {filter}");
    // Its `not` keeps everyone else, the partners without a value in the field too.
    let negated = l.ids(app, json!({ "not": filter })).await;
    assert_eq!(negated, l.expected(|p| !pred(p)), "not {name}: {filter}");
}

const CATALOG: &str = "query($c: ID!) { campaign(id: $c) {
  partnerGroups { groupId } contractTemplates { templateId }
  customFields { customFieldId displayType options { optionId } } }
  viewer { account { users { userId } } } }";

backend_tests! {
    async fn every_filter_matches_exactly_the_partners_it_describes(app) {
        let l = Listed::seed(&app, 220, 41).await;
        let cat = app.data_as(&l.account, CATALOG, json!({ "c": l.campaign })).await;

        // Search: name fragment, partner id, website; case-insensitive.
        let sample = l.all.iter().find(|p| p["name"].as_str().unwrap().len() > 8).unwrap();
        let fragment = sample["name"].as_str().unwrap()[2..7].to_uppercase();
        let contains = |p: &Value, t: &str| {
            let t = t.to_lowercase();
            p["name"].as_str().unwrap().to_lowercase().contains(&t)
                || p["partnerId"].to_string().contains(&t)
                || p["websiteUrl"].as_str().unwrap_or_default().to_lowercase().contains(&t)
        };
        let got = l.ids(&app, json!({ "search": fragment })).await;
        assert_eq!(got, l.expected(|p| contains(p, &fragment)), "search {fragment}");
        assert!(got.contains(&sample["partnerId"].as_i64().unwrap()));
        let id = sample["partnerId"].to_string();
        assert_eq!(l.ids(&app, json!({ "search": id })).await, l.expected(|p| contains(p, &id)));
        for literal in ["%", "_", "'", "\\", "\"", "%%%"] {
            assert_eq!(l.ids(&app, json!({ "search": literal })).await, l.expected(|p| contains(p, literal)), "literal {literal}");
        }

        check(&app, &l, "contract status", json!({ "contractStatuses": ["SUSPENDED", "EXPIRED"] }),
            |p| matches!(p["contractStatus"].as_str(), Some("SUSPENDED" | "EXPIRED"))).await;
        check(&app, &l, "contract stage", json!({ "contractStages": ["ACTIVE"] }),
            |p| matches!(p["contractStatus"].as_str(), Some("ACTIVE" | "SUSPENDED"))).await;

        let groups: Vec<i64> = cat["campaign"]["partnerGroups"].as_array().unwrap().iter().map(|g| g["groupId"].as_i64().unwrap()).collect();
        let picked = [groups[0], groups[groups.len() - 1]];
        check(&app, &l, "groups", json!({ "groupIds": picked.iter().map(|g| g.to_string()).collect::<Vec<_>>() }),
            |p| ids_in(p, "groups", "groupId").iter().any(|g| picked.contains(g))).await;
        check(&app, &l, "no group", json!({ "inNoGroup": true }), |p| ids_in(p, "groups", "groupId").is_empty()).await;

        // Signed to: the contract in force, active or suspended.
        let template = cat["campaign"]["contractTemplates"][0]["templateId"].as_i64().unwrap();
        let signed = |p: &Value, status: &str| {
            p["contracts"].as_array().unwrap().iter().any(|c| c["status"] == status && c["template"]["templateId"] == template)
        };
        assert!(!l.expected(|p| signed(p, "SUSPENDED")).is_empty(), "the seeded data should have a suspended partner on the template");
        check(&app, &l, "contract template", json!({ "contractTemplateIds": [template.to_string()] }), |p| {
            signed(p, "ACTIVE") || signed(p, "SUSPENDED")
        }).await;

        let now = Utc::now();
        let has = |p: &Value, f: &dyn Fn(&Value) -> bool| p["contracts"].as_array().unwrap().iter().any(f);
        check(&app, &l, "pending proposal", json!({ "termsUpdates": ["PENDING_PROPOSAL"] }), |p| has(p, &|c| c["status"] == "PENDING")).await;
        check(&app, &l, "upcoming switch", json!({ "termsUpdates": ["UPCOMING_SWITCH"] }), |p| has(p, &|c| c["status"] == "UPCOMING")).await;
        check(&app, &l, "upcoming expiry", json!({ "termsUpdates": ["UPCOMING_EXPIRY"] }), |p| {
            let later = |v: &Value| date(v).is_some_and(|d| d > now);
            has(p, &|c| matches!(c["status"].as_str(), Some("ACTIVE" | "SUSPENDED")) && (later(&c["expiresAt"]) || later(&c["endDate"])))
        }).await;
        check(&app, &l, "recently expired (365 days)", json!({ "termsUpdates": ["RECENTLY_EXPIRED"], "recentlyExpiredWithinDays": 365 }), |p| {
            has(p, &|c| c["status"] == "EXPIRED" && date(&c["endDate"]).is_some_and(|d| d <= now && d >= now - Duration::days(365)))
        }).await;

        check(&app, &l, "relationship type", json!({ "relationshipTypes": ["DIRECT"] }), |p| p["relationshipType"] == "DIRECT").await;
        let country = l.common("country");
        check(&app, &l, "country", json!({ "countries": [country, "zz".replace("zz", "NZ")] }),
            |p| p["country"] == country || p["country"] == "NZ").await;
        let state = l.common("stateProvince");
        check(&app, &l, "state", json!({ "stateProvinces": [state] }), |p| p["stateProvince"] == state).await;
        let audience = strings_in(&l.all[0], "audienceCountries").into_iter().next()
            .or_else(|| l.all.iter().find_map(|p| strings_in(p, "audienceCountries").into_iter().next())).unwrap();
        check(&app, &l, "audience country", json!({ "audienceCountries": [audience] }), |p| strings_in(p, "audienceCountries").contains(&audience)).await;
        let area = l.all.iter().find_map(|p| strings_in(p, "promotionalAreas").into_iter().next()).unwrap();
        check(&app, &l, "promotional area", json!({ "promotionalAreas": [area] }), |p| strings_in(p, "promotionalAreas").contains(&area)).await;
        check(&app, &l, "size", json!({ "sizes": ["MEDIUM", "LARGE", "EXTRA_LARGE"] }),
            |p| matches!(p["size"].as_str(), Some("MEDIUM" | "LARGE" | "EXTRA_LARGE"))).await;
        check(&app, &l, "stage", json!({ "relationshipStages": ["NEW", "OUTREACH"] }),
            |p| matches!(p["relationshipStage"].as_str(), Some("NEW" | "OUTREACH"))).await;
        check(&app, &l, "business model", json!({ "businessModels": ["COUPON", "LOYALTY"] }),
            |p| strings_in(p, "businessModels").iter().any(|m| m == "COUPON" || m == "LOYALTY")).await;
        let user = l.all.iter().find_map(|p| p["assignedTo"]["userId"].as_i64()).unwrap();
        check(&app, &l, "assigned to", json!({ "assignedUserIds": [user.to_string()] }), |p| p["assignedTo"]["userId"] == user).await;
        check(&app, &l, "assigned to or unassigned", json!({ "assignedUserIds": [user.to_string()], "unassigned": true }),
            |p| p["assignedTo"].is_null() || p["assignedTo"]["userId"] == user).await;
        check(&app, &l, "prospecting source", json!({ "prospectingSources": ["MARKETPLACE", "APPLICATIONS"] }),
            |p| matches!(p["prospectingSource"].as_str(), Some("MARKETPLACE" | "APPLICATIONS"))).await;

        let joined: Vec<DateTime<Utc>> = l.all.iter().filter_map(|p| date(&p["dateJoined"])).collect();
        let (lo, hi) = (joined.iter().min().unwrap(), joined.iter().max().unwrap());
        let mid = *lo + (*hi - *lo) / 2;
        check(&app, &l, "date joined from", json!({ "dateJoined": { "from": mid.to_rfc3339() } }),
            |p| date(&p["dateJoined"]).is_some_and(|d| d >= mid)).await;
        check(&app, &l, "marketplace application until", json!({ "marketplaceApplicationDate": { "to": mid.to_rfc3339() } }),
            |p| date(&p["marketplaceApplicationDate"]).is_some_and(|d| d <= mid)).await;
        check(&app, &l, "social reach", json!({ "socialReach": { "min": 1000, "max": 5000000 } }),
            |p| (1000..=5_000_000).contains(&p["socialReach"].as_i64().unwrap())).await;
        check(&app, &l, "moz", json!({ "mozDomainAuthority": { "min": 40 } }),
            |p| p["mozDomainAuthority"].as_i64().is_some_and(|m| m >= 40)).await;

        // Custom fields, by display type.
        let fields = cat["campaign"]["customFields"].as_array().unwrap().clone();
        let field = |t: &str| fields.iter().find(|f| f["displayType"] == t).unwrap_or_else(|| panic!("a {t} field")).clone();
        let options = |f: &Value| -> Vec<i64> { f["options"].as_array().unwrap().iter().map(|o| o["optionId"].as_i64().unwrap()).collect() };
        let chosen = |p: &Value, f: i64| answer(p, f).map(|a| ids_in(a, "options", "optionId")).unwrap_or_default();

        let dropdown = field("DROPDOWN");
        let (d, d_opts) = (dropdown["customFieldId"].as_i64().unwrap(), options(&dropdown));
        check(&app, &l, "dropdown equals", json!({ "customFields": [{ "fieldId": d.to_string(), "equals": d_opts[0].to_string() }] }),
            |p| chosen(p, d).contains(&d_opts[0])).await;
        let boxes = field("CHECKBOXES");
        let (b, b_opts) = (boxes["customFieldId"].as_i64().unwrap(), options(&boxes));
        check(&app, &l, "checkboxes any", json!({ "customFields": [{ "fieldId": b.to_string(), "anyOf": [b_opts[0].to_string(), b_opts[1].to_string()] }] }),
            |p| chosen(p, b).iter().any(|o| *o == b_opts[0] || *o == b_opts[1])).await;
        let all_of = l.all.iter().map(|p| chosen(p, b)).find(|c| c.len() >= 2).expect("a partner with two checkboxes");
        let got = l.ids(&app, json!({ "customFields": [{ "fieldId": b.to_string(), "allOf": [all_of[0].to_string(), all_of[1].to_string()] }] })).await;
        assert_eq!(got, l.expected(|p| { let c = chosen(p, b); c.contains(&all_of[0]) && c.contains(&all_of[1]) }), "checkboxes all");
        let number = field("NUMBER")["customFieldId"].as_i64().unwrap();
        let values: Vec<f64> = l.all.iter().filter_map(|p| answer(p, number).and_then(|a| a["number"].as_f64())).collect();
        let median = { let mut v = values.clone(); v.sort_by(|a, b| a.partial_cmp(b).unwrap()); v[v.len() / 2] };
        check(&app, &l, "number range", json!({ "customFields": [{ "fieldId": number.to_string(), "numberRange": { "min": median } }] }),
            |p| answer(p, number).and_then(|a| a["number"].as_f64()).is_some_and(|n| n >= median)).await;
        let date_field = field("DATE")["customFieldId"].as_i64().unwrap();
        let dates: Vec<String> = l.all.iter().filter_map(|p| answer(p, date_field).and_then(|a| a["date"].as_str().map(str::to_owned))).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        let pivot = sorted[sorted.len() / 2].clone();
        check(&app, &l, "date range", json!({ "customFields": [{ "fieldId": date_field.to_string(), "dateRange": { "to": pivot } }] }),
            |p| answer(p, date_field).and_then(|a| a["date"].as_str()).is_some_and(|d| d <= pivot.as_str())).await;
        let paragraph = field("PARAGRAPH")["customFieldId"].as_i64().unwrap();
        let text = l.all.iter().find_map(|p| answer(p, paragraph).and_then(|a| a["text"].as_str().map(str::to_owned))).unwrap();
        let word: String = text.split_whitespace().max_by_key(|w| w.len()).unwrap().to_uppercase();
        check(&app, &l, "paragraph contains", json!({ "customFields": [{ "fieldId": paragraph.to_string(), "contains": word }] }),
            |p| answer(p, paragraph).and_then(|a| a["text"].as_str()).is_some_and(|t| t.to_lowercase().contains(&word.to_lowercase()))).await;
        check(&app, &l, "has no answer", json!({ "customFields": [{ "fieldId": d.to_string(), "hasAnswer": false }] }),
            |p| answer(p, d).is_none()).await;

        // Composition: AND across fields, OR / NOT for API users.
        check(&app, &l, "and across fields", json!({ "countries": [country], "relationshipTypes": ["MARKETPLACE"] }),
            |p| p["country"] == country && p["relationshipType"] == "MARKETPLACE").await;
        check(&app, &l, "or", json!({ "or": [{ "sizes": ["EXTRA_LARGE"] }, { "relationshipStages": ["NEW"] }] }),
            |p| p["size"] == "EXTRA_LARGE" || p["relationshipStage"] == "NEW").await;
        check(&app, &l, "not", json!({ "not": { "countries": [country] } }), |p| p["country"] != country).await;
        check(&app, &l, "nested", json!({ "and": [{ "not": { "relationshipTypes": ["DIRECT"] } }, { "or": [{ "inNoGroup": true }, { "sizes": ["SMALL"] }] }] }),
            |p| p["relationshipType"] != "DIRECT" && (ids_in(p, "groups", "groupId").is_empty() || p["size"] == "SMALL")).await;
    }

    async fn an_empty_list_narrows_nothing_in_the_list_and_in_a_bulk_selection(app) {
        let l = Listed::seed(&app, 40, 44).await;
        let everyone = l.expected(|_| true);
        let expire = "mutation($i: ExpirePartnersInput!) { expirePartners(input: $i) { matchedCount userErrors { code } } }";
        for filter in [
            json!({ "countries": [] }),
            json!({ "groupIds": [] }),
            json!({ "contractStatuses": [] }),
            json!({ "or": [] }),
            json!({ "and": [] }),
            json!({ "or": [{ "countries": [] }] }),
        ] {
            assert_eq!(l.ids(&app, filter.clone()).await, everyone, "{filter}");
            assert!(l.ids(&app, json!({ "not": filter })).await.is_empty(), "not {filter}");
            // "Select all" with the same filter selects what the list shows.
            let input = json!({ "campaignId": l.campaign, "selection": { "filter": filter }, "expireOn": "2026-01-01", "dryRun": true });
            let data = app.data_as(&l.account, expire, json!({ "i": input })).await;
            assert_eq!(data["expirePartners"]["matchedCount"].as_u64(), Some(everyone.len() as u64), "{filter}: {data}");
        }
    }

    async fn bad_filters_are_validation_errors_and_foreign_ids_match_nothing(app) {
        let l = Listed::seed(&app, 30, 42).await;
        let other = app.seed_account(10, 43).await;
        let theirs = app.data_as(&other, CATALOG, json!({ "c": other.campaign_ids[0].to_string() })).await;
        let query = "query($c: ID!, $f: PartnerFilter) { partners(campaignId: $c, filter: $f) { totalCount } }";
        let header = crate::support::TestApp::header_of(&l.account);
        let run = |f: Value| app.graphql_as(Some(&header), query, json!({ "c": l.campaign, "f": f }));
        for (filter, needle) in [
            (json!({ "socialReach": { "min": 10, "max": 1 } }), "socialReach"),
            (json!({ "dateJoined": { "from": "2025-02-01T00:00:00Z", "to": "2025-01-01T00:00:00Z" } }), "dateJoined"),
            (json!({ "countries": ["XX"] }), "country"),
            (json!({ "groupIds": ["not-an-id"] }), "malformed"),
            (json!({ "customFields": [{ "fieldId": "99999", "hasAnswer": true }] }), "unknown custom field"),
            (json!({ "customFields": [{ "fieldId": theirs["campaign"]["customFields"][0]["customFieldId"].to_string(), "hasAnswer": true }] }), "unknown custom field"),
            (json!({ "recentlyExpiredWithinDays": 0 }), "recentlyExpiredWithinDays"),
        ] {
            let (status, body) = run(filter.clone()).await;
            assert_eq!(status, 200);
            assert_eq!(first_error_code(&body), "VALIDATION", "{filter}: {body}");
            assert!(body["errors"][0]["message"].as_str().unwrap().contains(needle), "{filter}: {body}");
        }
        let (_, body) = run(json!({ "sizes": ["HUGE"] })).await;
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("HUGE"), "unknown enum values fail validation: {body}");
        // Another account's groups, templates and users exist, but match nothing here.
        let group = theirs["campaign"]["partnerGroups"][0]["groupId"].to_string();
        let template = theirs["campaign"]["contractTemplates"][0]["templateId"].to_string();
        let user = theirs["viewer"]["account"]["users"][0]["userId"].to_string();
        for filter in [json!({ "groupIds": [group] }), json!({ "contractTemplateIds": [template] }), json!({ "assignedUserIds": [user] })] {
            let (_, body) = run(filter.clone()).await;
            assert_eq!(body["data"]["partners"]["totalCount"], 0, "{filter}: {body}");
        }
        // A group of the account's other campaign whose members are also partners of this one:
        // its id names no group here, alone or nested, so it still matches no one.
        let sibling = l.account.campaign_ids[1].to_string();
        let groups = app
            .data_as(&l.account, "query($c: ID!) { partnerGroups(campaignId: $c) { groupId members(first: 400) { nodes { partnerId } } } }", json!({ "c": sibling }))
            .await;
        let here: Vec<i64> = l.all.iter().map(|p| p["partnerId"].as_i64().unwrap()).collect();
        let shared = groups["partnerGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["members"]["nodes"].as_array().unwrap().iter().any(|m| here.contains(&m["partnerId"].as_i64().unwrap())))
            .expect("a group of the other campaign shares members with this one");
        let sibling_group = shared["groupId"].to_string();
        let (_, body) = run(json!({ "groupIds": [sibling_group] })).await;
        assert_eq!(body["data"]["partners"]["totalCount"], 0, "{body}");
        let (_, body) = run(json!({ "or": [{ "groupIds": [sibling_group] }, { "countries": ["US"] }] })).await;
        let us = l.expected(|p| p["country"] == "US").len();
        assert!(us > 0);
        assert_eq!(body["data"]["partners"]["totalCount"], us, "{body}");
    }
}
