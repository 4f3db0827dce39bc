//! The activity entries of an expiry now: the state after is known without reading the
//! partners again (`ContractStep::known_after`); it must be the very state a read gives — every
//! key, `null` where no open record is left — and partners the expiry skipped get no entry.

use serde_json::{json, Value};

use crate::contract_support::*;
use crate::support::backend_tests;

const ENTRIES: &str = "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) {
  activity(actions: [\"CONTRACT_EXPIRED\"], first: 10) { nodes { before after } } } }";

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
}
