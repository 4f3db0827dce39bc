//! A late run of the scheduled-change runner (the server was down for weeks) applies each
//! partner's due changes in the order they fell due — a switch, the new contract's own end and
//! its fallback, an expiry — in one run, each at its own time: a replaced record ends when its
//! successor starts, and the history carries each change's date.

use serde_json::{json, Value};

use crate::contract_support::*;
use crate::support::{backend_tests, TestApp};

/// A partner's records, newest first, as the API shows them.
async fn contracts(
    app: &TestApp,
    acme: &partnergraph::service::accounts::NewAccount,
    campaign: i64,
    partner: i64,
) -> Vec<Value> {
    let data = app.data_as(acme, "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { contracts { status startDate endDate expiresAt template { templateId } } } }",
        json!({ "c": campaign.to_string(), "p": partner.to_string() })).await;
    data["partner"]["contracts"].as_array().unwrap().clone()
}

/// The runner's history entries of a partner, oldest first, as `ACTION effective-day`.
async fn runner_history(
    app: &TestApp,
    acme: &partnergraph::service::accounts::NewAccount,
    campaign: i64,
    partner: i64,
) -> Vec<String> {
    let data = app.data_as(acme, "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { contractHistory(first: 50, actions: [SWITCH_APPLIED, FELL_BACK, EXPIRED]) { nodes { action effectiveDate } } } }",
        json!({ "c": campaign.to_string(), "p": partner.to_string() })).await;
    let mut entries: Vec<String> = data["partner"]["contractHistory"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["action"].as_str().unwrap(),
                &n["effectiveDate"].as_str().unwrap()[..10]
            )
        })
        .collect();
    entries.reverse();
    entries
}

backend_tests! {
    async fn one_late_run_applies_every_partners_changes_in_the_order_they_fell_due(app) {
        let acme = app.seed_account(60, 131).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let (next, fallback) = (templates[templates.len() - 1], templates[templates.len() - 2]);
        let chosen = active_not_on(&app, &acme, campaign, next, 3).await;
        let (switched, fell_back, chained) = (chosen[0], chosen[1], chosen[2]);
        let on = |p: i64| base(campaign, ids(&[p]));

        // A switch on day 2, then an expiry on day 5.
        assert_eq!(counts(&switch(&app, &acme, with(on(switched), json!({ "templateId": next.to_string(), "effectiveDate": day(2) }))).await).1, 1);
        assert_eq!(counts(&expire(&app, &acme, with(on(switched), json!({ "expireOn": day(5) }))).await).1, 1);
        // A temporary contract from today to day 3 with a fallback, then an expiry on day 6.
        let temporary = json!({ "templateId": next.to_string(), "endDate": day(3), "fallbackTemplateId": fallback.to_string() });
        assert_eq!(counts(&switch(&app, &acme, with(on(fell_back), temporary)).await).1, 1);
        assert_eq!(counts(&expire(&app, &acme, with(on(fell_back), json!({ "expireOn": day(6) }))).await).1, 1);
        // An upcoming temporary switch from day 2 to day 4 with a fallback, nothing after.
        let upcoming = json!({ "templateId": next.to_string(), "effectiveDate": day(2), "endDate": day(4), "fallbackTemplateId": fallback.to_string() });
        assert_eq!(counts(&switch(&app, &acme, with(on(chained), upcoming)).await).1, 1);

        // One run three weeks later does it all.
        let applied = apply_due_in(&app, 21).await;
        // (The seed's own scheduled changes of other partners are due too.)
        assert!(applied.switched >= 2 && applied.fell_back >= 2 && applied.expired >= 2, "{applied:?}");
        assert_eq!(apply_due_in(&app, 21).await, Default::default(), "nothing left for a second run");

        assert_eq!(runner_history(&app, &acme, campaign, switched).await, [format!("SWITCH_APPLIED {}", day(2)), format!("EXPIRED {}", day(5))]);
        assert_eq!(runner_history(&app, &acme, campaign, fell_back).await, [format!("FELL_BACK {}", day(3)), format!("EXPIRED {}", day(6))]);
        assert_eq!(runner_history(&app, &acme, campaign, chained).await, [format!("SWITCH_APPLIED {}", day(2)), format!("FELL_BACK {}", day(4))]);
        for partner in [switched, fell_back] {
            assert_eq!(standing_of(&app, campaign, partner).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()));
        }
        assert_eq!(current_template(&app, campaign, chained).await, Some(fallback));

        // Each record ends when the next one starts: the replaced contract on the switch's day,
        // the switched one on its expiry's day.
        let records = contracts(&app, &acme, campaign, switched).await;
        let replaced = records.iter().find(|r| r["status"] == "REPLACED").unwrap();
        let expired = records.iter().find(|r| r["status"] == "EXPIRED").unwrap();
        assert_eq!(replaced["endDate"], expired["startDate"], "{records:?}");
        assert!(expired["endDate"].as_str().unwrap().starts_with(&day(5)), "{expired}");
        assert_eq!(expired["template"]["templateId"], json!(next));
        let records = contracts(&app, &acme, campaign, fell_back).await;
        let expired = records.iter().find(|r| r["status"] == "EXPIRED").unwrap();
        assert_eq!(expired["template"]["templateId"], json!(fallback), "the fallback ran from day 3: {records:?}");
        assert!(expired["startDate"].as_str().unwrap().starts_with(&day(3)) && expired["endDate"].as_str().unwrap().starts_with(&day(6)), "{expired}");
        assert!(records.iter().all(|r| r["expiresAt"].is_null()), "nothing scheduled on a closed record: {records:?}");
    }
}
