//! The activity entries of an expiry now: the state after is known without reading the
//! partners again (`ContractStep::known_after`); it must be the very state a read gives — every
//! key, `null` where no open record is left — and partners the expiry skipped get no entry.

use serde_json::{json, Value};

use crate::contract_support::*;
use crate::support::backend_tests;

const ENTRIES: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
  activity(actions: [\"CONTRACT_EXPIRED\"], first: 10) { nodes { before after } } } }";

const LATEST: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
  activity(first: 2) { nodes { action before after } } } }";

backend_tests! {
    async fn an_expiry_now_records_the_expired_state_and_nothing_for_the_skipped(app) {
        let acme = app.seed_account(40, 95).await;
        let campaign = acme.campaign_ids[0];
        let chosen = active_partners(&app, &acme, campaign).await[..3].to_vec();
        // The first has a switch scheduled, the third expired already.
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        switch(&app, &acme, with(base(campaign, ids(&chosen[..1])), json!({ "templateId": target.to_string(), "effectiveDate": day(400) }))).await;
        assert_eq!(with_status(&app, campaign, chosen[0], "UPCOMING").await.len(), 1, "the switch is scheduled");
        let first = expire(&app, &acme, with(base(campaign, ids(&chosen[2..])), json!({ "expireOn": day(0) }))).await;
        assert_eq!(counts(&first), (1, 1, vec![]));

        let expired = expire(&app, &acme, with(base(campaign, ids(&chosen)), json!({ "expireOn": day(0) }))).await;
        assert_eq!(counts(&expired), (3, 2, vec!["NO_CURRENT_CONTRACT:1".to_owned()]));
        let entries = |p: i64| {
            let app = &app;
            let acme = &acme;
            async move {
                let data = app.data_as(acme, ENTRIES, json!({ "c": campaign.to_string(), "p": p.to_string() })).await;
                data["partner"]["activity"]["nodes"].as_array().unwrap().clone()
            }
        };
        let after = json!({ "contractStatus": "EXPIRED", "stage": "EXPIRED", "current": null, "template": null,
            "ends": null, "expires": null, "open": null, "upcoming": null, "pending": null });
        for p in &chosen[..2] {
            let found: Vec<Value> = entries(*p).await;
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0]["after"], after, "every key of the state, as a read gives it");
            assert_eq!(found[0]["before"]["contractStatus"], "ACTIVE", "{found:?}");
            assert!(found[0]["before"]["current"].is_i64(), "{found:?}");
        }
        assert!(entries(chosen[0]).await[0]["before"]["upcoming"].is_i64(), "the scheduled switch, withdrawn");
        assert!(with_status(&app, campaign, chosen[0], "UPCOMING").await.is_empty());
        let skipped = entries(chosen[2]).await;
        assert_eq!(skipped.len(), 1, "only the first expiry's entry: {skipped:?}");
        assert_eq!(skipped[0]["after"], after);
    }

    /// A switch knows each switched partner's state after it without reading it again: the
    /// state the next action reads as its `before` (a suspension's, here) is the very state the
    /// switch's entry recorded as its `after` — switched now (temporary, with a fallback),
    /// scheduled (over an earlier scheduled switch), proposed.
    async fn a_switch_records_the_state_the_next_action_reads(app) {
        let acme = app.seed_account(40, 96).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let (target, fallback) = (templates[templates.len() - 1], templates[0]);
        let chosen = active_not_on(&app, &acme, campaign, target, 4).await;
        let (now, scheduled, proposed, twice) = (chosen[0], chosen[1], chosen[2], chosen[3]);
        let to = |extra: serde_json::Value| {
            let mut input = json!({ "templateId": target.to_string() });
            input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            input
        };
        let switched = switch(&app, &acme, with(base(campaign, ids(&[now])), to(json!({
            "endDate": day(30), "fallbackTemplateId": fallback.to_string() })))).await;
        assert_eq!(counts(&switched), (1, 1, vec![]));
        let first = switch(&app, &acme, with(base(campaign, ids(&[scheduled, twice])), to(json!({ "effectiveDate": day(5) })))).await;
        assert_eq!(counts(&first), (2, 2, vec![]));
        let again = switch(&app, &acme, with(base(campaign, ids(&[twice])), to(json!({ "effectiveDate": day(6) })))).await;
        assert_eq!(counts(&again), (1, 1, vec![]));
        let proposal = switch(&app, &acme, with(base(campaign, ids(&[proposed])), to(json!({ "approval": "PROPOSE" })))).await;
        assert_eq!(counts(&proposal), (1, 1, vec![]));

        let suspended = standing(&app, &acme, true, base(campaign, ids(&chosen))).await;
        assert_eq!(counts(&suspended), (4, 4, vec![]));
        for p in chosen {
            let data = app.data_as(&acme, LATEST, json!({ "c": campaign.to_string(), "p": p.to_string() })).await;
            let nodes = data["partner"]["activity"]["nodes"].as_array().unwrap().clone();
            assert_eq!(nodes[0]["action"], "CONTRACT_STANDING_CHANGED", "{nodes:?}");
            assert_eq!(nodes[1]["action"], "CONTRACT_SWITCHED", "{nodes:?}");
            assert_eq!(nodes[1]["after"], nodes[0]["before"], "partner {p}: the switch's state after is the state read next");
            // The very text: the engine compares states as text.
            let details = app.texts(&format!(
                "SELECT details FROM activity_log WHERE campaign_id = {campaign} AND partner_id = {p} ORDER BY id DESC LIMIT 2"
            )).await;
            let state = |details: &Option<String>, key: &str| {
                let details = details.clone().unwrap();
                let start = details.find(&format!("\"{key}\":")).unwrap() + key.len() + 3;
                let end = start + details[start..].find('}').unwrap() + 1;
                details[start..end].to_owned()
            };
            assert_eq!(state(&details[1], "after"), state(&details[0], "before"), "partner {p}");
            assert_ne!(nodes[1]["before"], nodes[1]["after"]);
        }
        let data = app.data_as(&acme, LATEST, json!({ "c": campaign.to_string(), "p": now.to_string() })).await;
        let after = &data["partner"]["activity"]["nodes"][1]["after"];
        assert_eq!(after["template"], target, "{after}");
        assert!(after["ends"].is_string() && after["current"].is_i64(), "{after}");
        let data = app.data_as(&acme, LATEST, json!({ "c": campaign.to_string(), "p": twice.to_string() })).await;
        let switch_entry = &data["partner"]["activity"]["nodes"][1];
        assert_eq!(switch_entry["before"]["open"], switch_entry["after"]["open"], "the earlier switch withdrawn: {switch_entry}");
        assert_ne!(switch_entry["before"]["upcoming"], switch_entry["after"]["upcoming"]);
    }
}
