//! `Campaign.upcomingContractChanges`: the imminent changes (Contracts → Changes), soonest
//! first, by kind and date, in pages; listed until they apply or are withdrawn; another
//! account's campaign shows none.

use chrono::{DateTime, Utc};
use partnergraph::service::accounts::NewAccount;
use serde_json::{json, Value};

use crate::contract_support::*;
use crate::support::{backend_tests, TestApp};

const UPCOMING: &str = "query($c: ID!, $kinds: [UpcomingChangeKind!], $until: DateTime, $first: Int, $after: String) {
    campaign(id: $c) { upcomingContractChanges(kinds: $kinds, until: $until, first: $first, after: $after) {
        edges { cursor node { kind partnerId contractId template { templateId } effectiveDate } }
        pageInfo { hasNextPage endCursor } } } }";

/// Every imminent change the list shows for `args` (kinds, until), read in pages of `size`.
async fn all_changes(
    app: &TestApp,
    acme: &NewAccount,
    campaign: i64,
    args: Value,
    size: i64,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let mut variables = json!({ "c": campaign.to_string(), "first": size, "after": after });
        variables
            .as_object_mut()
            .unwrap()
            .extend(args.as_object().unwrap().clone());
        let data = app.data_as(acme, UPCOMING, variables).await;
        let connection = &data["campaign"]["upcomingContractChanges"];
        out.extend(
            connection["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if connection["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
}

fn at(change: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(change["effectiveDate"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// The changes of `partner`, as `KIND template-or-none effective date (YYYY-MM-DD)`.
fn of(changes: &[Value], partner: i64) -> Vec<String> {
    changes
        .iter()
        .filter(|c| c["partnerId"] == partner)
        .map(|c| {
            format!(
                "{} {} {}",
                c["kind"].as_str().unwrap(),
                c["template"]["templateId"],
                at(c).format("%Y-%m-%d")
            )
        })
        .collect()
}

/// How many imminent changes the campaign's records hold, counted straight from them by the
/// README's rules: every scheduled switch and proposal; of a current contract's own end and its
/// scheduled expiry the earlier (the expiry on the same instant), and a later expiry after a
/// fallback too.
async fn in_records(app: &TestApp, campaign: i64) -> i64 {
    let count = |condition: &str| {
        format!("partner_contracts WHERE campaign_id = {campaign} AND {condition}")
    };
    let current = "status IN ('ACTIVE', 'SUSPENDED')";
    let mut total = app
        .count_rows(&count("status IN ('UPCOMING', 'PENDING')"))
        .await;
    total += app
        .count_rows(&count(&format!(
            "{current} AND end_date IS NULL AND expires_at IS NOT NULL"
        )))
        .await;
    total += app
        .count_rows(&count(&format!(
            "{current} AND end_date IS NOT NULL AND expires_at IS NULL"
        )))
        .await;
    // Both: the expiry alone when it comes first (or with the end), else the end, and the
    // expiry too when a fallback carries it on.
    total += app
        .count_rows(&count(&format!(
            "{current} AND end_date IS NOT NULL AND expires_at IS NOT NULL"
        )))
        .await;
    total += app.count_rows(&count(&format!("{current} AND expires_at > end_date AND is_temporary AND fallback_template_id IS NOT NULL"))).await;
    total
}

backend_tests! {
    async fn imminent_changes_are_listed_soonest_first_by_kind_and_date_until_they_happen(app) {
        let acme = app.seed_account(60, 161).await;
        let other = app.seed_account(5, 162).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let (target, fallback) = (*templates.last().unwrap(), templates[0]);
        let (t, f) = (target.to_string(), fallback.to_string());
        let a = plain_actives(&app, campaign, target, 9).await;
        let on = |p: i64, extra: Value| with(base(campaign, ids(&[p])), extra);
        for payload in [
            switch(&app, &acme, on(a[0], json!({ "templateId": t, "effectiveDate": day(5) }))).await,
            switch(&app, &acme, on(a[1], json!({ "templateId": t, "effectiveDate": day(3), "approval": "PROPOSE" }))).await,
            expire(&app, &acme, on(a[2], json!({ "expireOn": day(4) }))).await,
            switch(&app, &acme, on(a[3], json!({ "templateId": t, "endDate": day(6), "fallbackTemplateId": f }))).await,
            expire(&app, &acme, on(a[3], json!({ "expireOn": day(8) }))).await,
            switch(&app, &acme, on(a[4], json!({ "templateId": t, "endDate": day(2) }))).await,
            // At one instant (the end of day 4): a[5]'s end on an older record than a[6]'s expiry.
            switch(&app, &acme, on(a[5], json!({ "templateId": t, "endDate": day(4), "fallbackTemplateId": f }))).await,
            switch(&app, &acme, on(a[6], json!({ "templateId": t }))).await,
            expire(&app, &acme, on(a[6], json!({ "expireOn": day(4) }))).await,
            // An expiry before a temporary contract's end: the end never comes.
            switch(&app, &acme, on(a[7], json!({ "templateId": t, "endDate": day(6), "fallbackTemplateId": f }))).await,
            expire(&app, &acme, on(a[7], json!({ "expireOn": day(5) }))).await,
            // A temporary contract without a fallback ends the partnership: a later expiry never comes.
            switch(&app, &acme, on(a[8], json!({ "templateId": t, "endDate": day(3) }))).await,
            expire(&app, &acme, on(a[8], json!({ "expireOn": day(7) }))).await,
        ] {
            assert_eq!(counts(&payload).1, 1, "{payload}");
        }

        let everything = all_changes(&app, &acme, campaign, json!({}), 500).await;
        assert_eq!(everything.len() as i64, in_records(&app, campaign).await, "every imminent change of the records, once");
        assert!(everything.windows(2).all(|w| at(&w[0]) <= at(&w[1])), "soonest first");
        let d = |days: i64| day(days);
        assert_eq!(of(&everything, a[0]), vec![format!("SWITCH {target} {}", d(5))]);
        assert_eq!(of(&everything, a[1]), vec![format!("PROPOSAL {target} {}", d(3))]);
        assert_eq!(of(&everything, a[2]), vec![format!("EXPIRY null {}", d(4))], "an expiry ends the partnership");
        assert_eq!(of(&everything, a[3]), vec![format!("TEMPORARY_END {fallback} {}", d(6)), format!("EXPIRY null {}", d(8))],
            "a temporary contract's end brings its fallback; its scheduled expiry is a change of its own");
        assert_eq!(of(&everything, a[4]), vec![format!("TEMPORARY_END null {}", d(2))], "without a fallback it expires");
        assert_eq!(of(&everything, a[7]), vec![format!("EXPIRY null {}", d(5))], "the expiry comes first: no end");
        assert_eq!(of(&everything, a[8]), vec![format!("TEMPORARY_END null {}", d(3))], "the end comes first and expires: no expiry");
        let place = |partner: i64, kind: &str| everything.iter().position(|c| c["partnerId"] == partner && c["kind"] == kind).unwrap();
        assert_eq!(at(&everything[place(a[2], "EXPIRY")]), at(&everything[place(a[5], "TEMPORARY_END")]), "one instant");
        assert!(place(a[2], "EXPIRY") < place(a[6], "EXPIRY") && place(a[6], "EXPIRY") < place(a[5], "TEMPORARY_END"),
            "at one instant expiries come first, each kind by record id");
        let switch_at = everything.iter().find(|c| c["partnerId"] == a[0]).map(at).unwrap();
        assert_eq!(switch_at.format("%H:%M:%S").to_string(), "00:00:00", "a switch starts its day");
        let expiry_at = everything.iter().find(|c| c["partnerId"] == a[2]).map(at).unwrap();
        assert_eq!(expiry_at.format("%H:%M:%S").to_string(), "23:59:59", "an expiry ends its day");

        // Pages of 2 read the same list, each change once.
        assert_eq!(all_changes(&app, &acme, campaign, json!({}), 2).await, everything);
        // By kind, and by date.
        let expiries = all_changes(&app, &acme, campaign, json!({ "kinds": ["EXPIRY"] }), 3).await;
        assert_eq!(expiries, everything.iter().filter(|c| c["kind"] == "EXPIRY").cloned().collect::<Vec<_>>());
        let until = format!("{}T23:59:59Z", d(4));
        let soon = all_changes(&app, &acme, campaign, json!({ "until": until }), 500).await;
        assert_eq!(soon, everything.iter().filter(|c| at(c) <= DateTime::parse_from_rfc3339(&until).unwrap()).cloned().collect::<Vec<_>>());
        for p in [a[1], a[2], a[4]] {
            assert_eq!(of(&soon, p).len(), 1, "{p} falls due by day 4");
        }
        assert!(of(&soon, a[0]).is_empty() && of(&soon, a[3]).is_empty());

        // A withdrawn change, and one that applied, are no longer listed.
        withdraw(&app, &acme, on(a[0], json!({ "switches": true }))).await;
        apply_due_in(&app, 3).await;
        let later = all_changes(&app, &acme, campaign, json!({}), 500).await;
        assert!(of(&later, a[0]).is_empty(), "withdrawn");
        assert!(of(&later, a[4]).is_empty(), "the temporary contract ended");
        assert_eq!(of(&later, a[2]).len(), 1, "not due yet");
        assert_eq!(later.len() as i64, in_records(&app, campaign).await);

        // Bounds; another account reads no campaign of this one.
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), UPCOMING, json!({ "c": campaign.to_string(), "first": 501 })).await;
        assert_eq!(crate::first_error_code(&body), "VALIDATION", "{body}");
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), UPCOMING, json!({ "c": campaign.to_string(), "after": "bm9wZQ" })).await;
        assert_eq!(crate::first_error_code(&body), "VALIDATION", "{body}");
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&other)), UPCOMING, json!({ "c": campaign.to_string() })).await;
        assert_eq!(body["data"]["campaign"], Value::Null, "{body}");
    }
}
