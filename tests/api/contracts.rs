//! The contract lifecycle on the bulk engine: switch now, later and by proposal; temporary
//! contracts and their fallback; suspend and reinstate; expire now and later; withdrawing
//! upcoming changes; scheduled changes applied with a moved clock; skip reasons, dry runs,
//! structural user errors that write nothing; templates; and the list's filters and facets
//! after each action.

use serde_json::{json, Value};

use crate::contract_support::*;
use crate::group_changes::error_codes;
use crate::support::{backend_tests, TestApp};

async fn history(app: &TestApp, campaign: i64, action: &str) -> i64 {
    app.count_rows(&format!(
        "contract_history WHERE campaign_id = {campaign} AND action = '{action}'"
    ))
    .await
}

backend_tests! {
    async fn a_switch_effective_today_replaces_the_current_contract_and_the_list_follows(app) {
        let acme = app.seed_account(60, 91).await;
        let campaign = acme.campaign_ids[0];
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let chosen = active_not_on(&app, &acme, campaign, target, 6).await;
        let nobody = prospect(&app, campaign).await;
        let mut selected = chosen.clone();
        selected.push(nobody);
        let on_target_before = listed(&app, &acme, campaign, json!({ "contractTemplateIds": [target.to_string()] })).await;
        let before: Vec<Vec<String>> = futures_join(&app, campaign, &chosen).await;
        let switched_before = history(&app, campaign, "SWITCHED").await;

        let input = with(base(campaign, ids(&selected)), json!({ "templateId": target.to_string(), "comment": "New season" }));
        let dry = switch(&app, &acme, with(input.clone(), json!({ "dryRun": true }))).await;
        assert_eq!(counts(&dry), (7, 6, vec!["NO_CURRENT_CONTRACT:1".to_owned()]));
        assert_eq!(futures_join(&app, campaign, &chosen).await, before, "a dry run writes nothing");
        assert_eq!(history(&app, campaign, "SWITCHED").await, switched_before);

        let done = switch(&app, &acme, input.clone()).await;
        assert_eq!(counts(&done), counts(&dry), "the dry run's counts are the real run's");
        assert_eq!(done["templateId"], target.to_string());
        assert_eq!(done["template"]["templateId"], target, "the template as an object, its numeric id an Int");
        assert_eq!(dry["template"]["templateId"], target);
        for p in &chosen {
            assert_eq!(current_template(&app, campaign, *p).await, Some(target));
            assert_eq!(with_status(&app, campaign, *p, "ACTIVE").await.len(), 1, "one current contract");
            assert_eq!(with_status(&app, campaign, *p, "REPLACED").await.len(), 1 + before_replaced(&before, *p, &chosen));
        }
        assert_eq!(history(&app, campaign, "SWITCHED").await - switched_before, 6);
        assert_eq!(app.count_rows(&format!("activity_log WHERE campaign_id = {campaign} AND action = 'CONTRACT_SWITCHED'")).await, 6);
        let mut on_target = on_target_before.clone();
        on_target.extend(&chosen);
        on_target.sort_unstable();
        assert_eq!(listed(&app, &acme, campaign, json!({ "contractTemplateIds": [target.to_string()] })).await, on_target, "the template filter shows the switch at once");
        let facet = app.data_as(&acme, "query($c: ID!) { partners(campaignId: $c, first: 1) { facets { contractTemplates { value count } } } }",
            json!({ "c": campaign.to_string() })).await;
        let count = facet["partners"]["facets"]["contractTemplates"].as_array().unwrap().iter()
            .find(|b| b["value"].as_str() == Some(target.to_string().as_str())).map_or(0, |b| b["count"].as_i64().unwrap());
        assert_eq!(count, on_target.len() as i64, "and so does the facet");

        // Again: everyone is on the template now.
        let again = switch(&app, &acme, input).await;
        assert_eq!(counts(&again), (7, 0, vec!["ALREADY_ON_TEMPLATE:6".to_owned(), "NO_CURRENT_CONTRACT:1".to_owned()]));
        assert_eq!(history(&app, campaign, "SWITCHED").await - switched_before, 6);
    }

    async fn a_later_switch_is_upcoming_applies_itself_on_its_date_once_and_can_be_withdrawn(app) {
        let acme = app.seed_account(60, 92).await;
        let campaign = acme.campaign_ids[0];
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let chosen = active_not_on(&app, &acme, campaign, target, 4).await;
        let payload = switch(&app, &acme, with(base(campaign, ids(&chosen)), json!({ "templateId": target.to_string(), "effectiveDate": day(5) }))).await;
        assert_eq!(counts(&payload), (4, 4, vec![]));
        let upcoming = listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_SWITCH"] })).await;
        for p in &chosen {
            assert!(upcoming.contains(p), "the upcoming-switch filter lists {p}");
            assert_ne!(current_template(&app, campaign, *p).await, Some(target), "nothing changes before the date");
            assert_eq!(with_status(&app, campaign, *p, "UPCOMING").await, vec![format!("UPCOMING:{target}")]);
        }
        // Revert one before its date.
        let withdrawn = withdraw(&app, &acme, with(base(campaign, ids(&chosen[..1])), json!({ "switches": true }))).await;
        assert_eq!(counts(&withdrawn), (1, 1, vec![]));
        assert!(!listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_SWITCH"] })).await.contains(&chosen[0]));

        apply_due_in(&app, 3).await;
        assert_ne!(current_template(&app, campaign, chosen[1]).await, Some(target), "not due yet");
        apply_due_in(&app, 6).await;
        apply_due_in(&app, 6).await;
        for p in &chosen[1..] {
            assert_eq!(current_template(&app, campaign, *p).await, Some(target), "applied on its date");
            assert_eq!(with_status(&app, campaign, *p, "ACTIVE").await.len(), 1);
            assert_eq!(standing_of(&app, campaign, *p).await.0, "ACTIVE");
        }
        assert_ne!(current_template(&app, campaign, chosen[0]).await, Some(target), "the withdrawn switch never applies");
        let applied = app.count_rows(&format!("contract_history WHERE campaign_id = {campaign} AND action = 'SWITCH_APPLIED' AND partner_id IN ({})", strings(&chosen).join(","))).await;
        assert_eq!(applied, 3, "each switch applied exactly once");
    }

    async fn a_proposal_waits_for_the_partners_answer(app) {
        let acme = app.seed_account(60, 93).await;
        let campaign = acme.campaign_ids[0];
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let chosen = active_not_on(&app, &acme, campaign, target, 3).await;
        let currents: Vec<Option<i64>> = {
            let mut v = Vec::new();
            for p in &chosen { v.push(current_template(&app, campaign, *p).await); }
            v
        };
        let payload = switch(&app, &acme, with(base(campaign, ids(&chosen)), json!({ "templateId": target.to_string(), "approval": "PROPOSE" }))).await;
        assert_eq!(counts(&payload), (3, 3, vec![]));
        let pending = listed(&app, &acme, campaign, json!({ "termsUpdates": ["PENDING_PROPOSAL"] })).await;
        for (p, current) in chosen.iter().zip(&currents) {
            assert!(pending.contains(p));
            assert_eq!(current_template(&app, campaign, *p).await, *current, "the current contract stays until accepted");
        }
        let accepted = answer(&app, &acme, with(base(campaign, ids(&chosen[..1])), json!({ "accept": true }))).await;
        assert_eq!(counts(&accepted), (1, 1, vec![]));
        assert_eq!(current_template(&app, campaign, chosen[0]).await, Some(target), "accepted: the proposal is the contract");
        assert_eq!(standing_of(&app, campaign, chosen[0]).await, ("ACTIVE".to_owned(), "JOINED".to_owned()));

        let declined = answer(&app, &acme, with(base(campaign, ids(&chosen[1..2])), json!({ "accept": false }))).await;
        assert_eq!(counts(&declined), (1, 1, vec![]));
        assert_eq!(current_template(&app, campaign, chosen[1]).await, currents[1], "declined: nothing changes");
        assert_eq!(with_status(&app, campaign, chosen[1], "DECLINED").await.last(), Some(&format!("DECLINED:{target}")));

        let withdrawn = withdraw(&app, &acme, with(base(campaign, ids(&chosen[2..])), json!({ "proposals": true }))).await;
        assert_eq!(counts(&withdrawn), (1, 1, vec![]));
        assert!(!listed(&app, &acme, campaign, json!({ "termsUpdates": ["PENDING_PROPOSAL"] })).await.contains(&chosen[2]));
        // Nothing left to answer.
        let again = answer(&app, &acme, with(base(campaign, ids(&chosen[2..])), json!({ "accept": true }))).await;
        assert_eq!(counts(&again), (1, 0, vec!["NO_PENDING_PROPOSAL:1".to_owned()]));
    }

    async fn a_temporary_contract_falls_back_or_expires_at_its_end(app) {
        let acme = app.seed_account(60, 94).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let (temporary, fallback) = (templates[templates.len() - 1], templates[templates.len() - 2]);
        let chosen = active_not_on(&app, &acme, campaign, temporary, 2).await;
        let with_fallback = switch(&app, &acme, with(base(campaign, ids(&chosen[..1])),
            json!({ "templateId": temporary.to_string(), "endDate": day(3), "fallbackTemplateId": fallback.to_string() }))).await;
        assert_eq!(counts(&with_fallback).1, 1);
        let without = switch(&app, &acme, with(base(campaign, ids(&chosen[1..])), json!({ "templateId": temporary.to_string(), "endDate": day(3) }))).await;
        assert_eq!(counts(&without).1, 1);
        let ending = listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })).await;
        assert!(chosen.iter().all(|p| ending.contains(p)), "a temporary contract's end is upcoming");

        apply_due_in(&app, 5).await;
        assert_eq!(current_template(&app, campaign, chosen[0]).await, Some(fallback), "fell back");
        assert!(!with_status(&app, campaign, chosen[0], "REPLACED").await.is_empty());
        assert_eq!(standing_of(&app, campaign, chosen[0]).await.0, "ACTIVE");
        assert_eq!(current_template(&app, campaign, chosen[1]).await, None, "without a fallback it expired");
        assert_eq!(standing_of(&app, campaign, chosen[1]).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()));
        assert!(listed(&app, &acme, campaign, json!({ "contractStatuses": ["EXPIRED"] })).await.contains(&chosen[1]));
    }

    async fn suspend_and_reinstate_pause_and_resume_the_partnership(app) {
        let acme = app.seed_account(60, 95).await;
        let campaign = acme.campaign_ids[0];
        let chosen = active_partners(&app, &acme, campaign).await[..3].to_vec();
        let nobody = prospect(&app, campaign).await;
        let mut selected = chosen.clone();
        selected.push(nobody);
        let (suspended_before, reinstated_before) = (history(&app, campaign, "SUSPENDED").await, history(&app, campaign, "REINSTATED").await);
        let suspended = standing(&app, &acme, true, with(base(campaign, ids(&selected)), json!({ "comment": "Audit" }))).await;
        assert_eq!(counts(&suspended), (4, 3, vec!["NO_CURRENT_CONTRACT:1".to_owned()]));
        let listed_suspended = listed(&app, &acme, campaign, json!({ "contractStatuses": ["SUSPENDED"] })).await;
        for p in &chosen {
            assert!(listed_suspended.contains(p));
            assert_eq!(with_status(&app, campaign, *p, "SUSPENDED").await.len(), 1);
        }
        let again = standing(&app, &acme, true, base(campaign, ids(&chosen))).await;
        assert_eq!(counts(&again), (3, 0, vec!["SUSPENDED:3".to_owned()]));
        // A suspended partnership is not switched.
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let switched = switch(&app, &acme, with(base(campaign, ids(&chosen)), json!({ "templateId": target.to_string() }))).await;
        assert_eq!(counts(&switched).1, 0);
        assert!(counts(&switched).2.contains(&"SUSPENDED:3".to_owned()), "{switched}");

        let reinstated = standing(&app, &acme, false, base(campaign, ids(&chosen))).await;
        assert_eq!(counts(&reinstated), (3, 3, vec![]));
        for p in &chosen {
            assert_eq!(standing_of(&app, campaign, *p).await.0, "ACTIVE");
        }
        let again = standing(&app, &acme, false, base(campaign, ids(&chosen))).await;
        assert_eq!(counts(&again), (3, 0, vec!["NOT_SUSPENDED:3".to_owned()]));
        assert_eq!(history(&app, campaign, "SUSPENDED").await - suspended_before, 3);
        assert_eq!(history(&app, campaign, "REINSTATED").await - reinstated_before, 3);
    }

    async fn expiring_now_later_and_reverting_a_scheduled_expiry(app) {
        let acme = app.seed_account(60, 96).await;
        let campaign = acme.campaign_ids[0];
        let chosen = active_partners(&app, &acme, campaign).await[..5].to_vec();
        let now = expire(&app, &acme, with(base(campaign, ids(&chosen[..2])), json!({ "expireOn": day(0), "nonCompliant": true, "comment": "Policy breach" }))).await;
        assert_eq!(counts(&now), (2, 2, vec![]));
        for p in &chosen[..2] {
            assert_eq!(standing_of(&app, campaign, *p).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()));
            assert_eq!(current_template(&app, campaign, *p).await, None);
        }
        assert!(listed(&app, &acme, campaign, json!({ "contractStatuses": ["EXPIRED"] })).await.contains(&chosen[0]));
        assert_eq!(app.count_rows(&format!("contract_history WHERE campaign_id = {campaign} AND action = 'EXPIRED' AND non_compliant = true")).await, 2, "the seed flags none");

        let later = expire(&app, &acme, with(base(campaign, ids(&chosen[2..4])), json!({ "expireOn": day(10) }))).await;
        assert_eq!(counts(&later), (2, 2, vec![]));
        let upcoming = listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })).await;
        assert!(upcoming.contains(&chosen[2]) && upcoming.contains(&chosen[3]));
        assert_eq!(standing_of(&app, campaign, chosen[2]).await.0, "ACTIVE", "still active until the day");

        let reverted = withdraw(&app, &acme, with(base(campaign, ids(&chosen[2..3])), json!({ "expiries": true }))).await;
        assert_eq!(counts(&reverted), (1, 1, vec![]));
        assert!(!listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })).await.contains(&chosen[2]));

        apply_due_in(&app, 12).await;
        assert_eq!(standing_of(&app, campaign, chosen[3]).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()), "a scheduled expiry expires");
        assert_eq!(standing_of(&app, campaign, chosen[2]).await.0, "ACTIVE", "a reverted one does not");

        // Expiring with withdrawPendingSwitches withdraws a scheduled switch too.
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        switch(&app, &acme, with(base(campaign, ids(&chosen[4..])), json!({ "templateId": target.to_string(), "effectiveDate": day(20) }))).await;
        let both = expire(&app, &acme, with(base(campaign, ids(&chosen[4..])), json!({ "expireOn": day(0), "withdrawPendingSwitches": true }))).await;
        assert_eq!(counts(&both).1, 1);
        assert!(with_status(&app, campaign, chosen[4], "UPCOMING").await.is_empty());
        // Nothing left to expire.
        let again = expire(&app, &acme, with(base(campaign, ids(&chosen[..2])), json!({ "expireOn": day(0) }))).await;
        assert_eq!(counts(&again), (2, 0, vec!["NO_CURRENT_CONTRACT:2".to_owned()]));
    }

    async fn a_new_contract_and_its_notice_period(app) {
        let acme = app.seed_account(40, 97).await;
        let campaign = acme.campaign_ids[0];
        let chosen = active_partners(&app, &acme, campaign).await[..2].to_vec();
        let created = switch(&app, &acme, with(base(campaign, ids(&chosen)), json!({ "newTemplate": {
            "name": "Notice 30", "payoutType": "PERCENT_OF_SALE", "payoutValue": 9.5, "noticePeriodDays": 30 } }))).await;
        assert_eq!(counts(&created), (2, 2, vec![]));
        let new_id: i64 = created["templateId"].as_str().unwrap().parse().unwrap();
        assert!(template_ids(&app, &acme, campaign).await.contains(&new_id));
        assert_eq!(current_template(&app, campaign, chosen[0]).await, Some(new_id));

        let other = template_ids(&app, &acme, campaign).await[0];
        let soon = switch(&app, &acme, with(base(campaign, ids(&chosen)), json!({ "templateId": other.to_string(), "effectiveDate": day(10) }))).await;
        assert_eq!(counts(&soon), (2, 0, vec!["IN_NOTICE_PERIOD:2".to_owned()]), "inside the 30 days' notice: skipped");
        let late = switch(&app, &acme, with(base(campaign, ids(&chosen)), json!({ "templateId": other.to_string(), "effectiveDate": day(31) }))).await;
        assert_eq!(counts(&late), (2, 2, vec![]));
    }

    async fn structural_mistakes_are_user_errors_and_write_nothing(app) {
        let acme = app.seed_account(30, 98).await;
        let other = app.seed_account(5, 99).await;
        let campaign = acme.campaign_ids[0];
        let chosen = active_partners(&app, &acme, campaign).await[..2].to_vec();
        let template = template_ids(&app, &acme, campaign).await[0];
        let second_campaign = template_ids(&app, &acme, acme.campaign_ids[1]).await[0];
        let theirs = template_ids(&app, &other, other.campaign_ids[0]).await[0];
        let before = written(&app).await;
        let sel = base(campaign, ids(&chosen));
        for (extra, field, code) in [
            (json!({ "templateId": template.to_string(), "effectiveDate": day(5), "endDate": day(2) }), "endDate", "INVALID"),
            // An end date must come after the effective date: not on it, nor today by default.
            (json!({ "templateId": template.to_string(), "effectiveDate": day(5), "endDate": day(5) }), "endDate", "INVALID"),
            (json!({ "templateId": template.to_string(), "endDate": day(0), "approval": "PROPOSE" }), "endDate", "INVALID"),
            (json!({ "templateId": template.to_string(), "fallbackTemplateId": template.to_string() }), "fallbackTemplateId", "INVALID"),
            (json!({ "templateId": second_campaign.to_string() }), "templateId", "WRONG_CAMPAIGN"),
            (json!({ "templateId": "987654" }), "templateId", "NOT_FOUND"),
            (json!({ "templateId": theirs.to_string() }), "templateId", "NOT_FOUND"),
            (json!({ "templateId": template.to_string(), "endDate": day(3), "fallbackTemplateId": theirs.to_string() }), "fallbackTemplateId", "NOT_FOUND"),
            (json!({ "templateId": template.to_string(), "endDate": day(3), "fallbackTemplateId": second_campaign.to_string() }), "fallbackTemplateId", "WRONG_CAMPAIGN"),
            (json!({ "templateId": template.to_string(), "newTemplate": { "name": "X", "payoutType": "PERCENT_OF_SALE", "payoutValue": 5 } }), "templateId", "INVALID"),
            (json!({ "newTemplate": { "name": " ", "payoutType": "PERCENT_OF_SALE", "payoutValue": 150 } }), "newTemplate", "REQUIRED"),
        ] {
            let payload = switch(&app, &acme, with(sel.clone(), extra.clone())).await;
            let errors = payload["userErrors"].as_array().unwrap();
            assert!(errors.iter().any(|e| e["code"] == code && e["field"][1] == field), "{extra}: {payload}");
            assert_eq!(payload["matchedCount"], 0);
        }
        let long = "x".repeat(2_001);
        for (payload, code) in [
            (switch(&app, &acme, with(sel.clone(), json!({ "templateId": template.to_string(), "comment": long }))).await, "TOO_LONG"),
            (standing(&app, &acme, true, with(sel.clone(), json!({ "comment": "a\u{0}b" }))).await, "INVALID"),
            (expire(&app, &acme, with(sel.clone(), json!({ "expireOn": day(0), "comment": long }))).await, "TOO_LONG"),
        ] {
            assert_eq!(payload["userErrors"][0]["field"], json!(["input", "comment"]), "{payload}");
            assert_eq!(payload["userErrors"][0]["code"], code, "{payload}");
        }
        let payout = switch(&app, &acme, with(sel.clone(), json!({ "newTemplate": { "name": "Too much", "payoutType": "PERCENT_OF_SALE", "payoutValue": 150 } }))).await;
        assert_eq!(payout["userErrors"][0]["field"], json!(["input", "newTemplate", "payoutValue"]), "{payout}");
        let nothing = withdraw(&app, &acme, sel.clone()).await;
        assert_eq!(error_codes(&nothing), vec!["REQUIRED"]);
        // Another account's partners and campaign are unknown.
        let their_partners = active_partners(&app, &other, other.campaign_ids[0]).await;
        let payload = expire(&app, &acme, with(base(campaign, ids(&their_partners[..1])), json!({ "expireOn": day(0) }))).await;
        assert_eq!(error_codes(&payload), vec!["NOT_FOUND"]);
        let payload = expire(&app, &acme, with(base(other.campaign_ids[0], ids(&their_partners[..1])), json!({ "expireOn": day(0) }))).await;
        assert_eq!(error_codes(&payload), vec!["NOT_FOUND"]);
        // Every problem of the input at once: the switch's and the selection's.
        let all = switch(&app, &acme, with(base(campaign, json!({ "ids": ["not an id"] })),
            json!({ "templateId": "abc", "effectiveDate": day(40_000), "fallbackTemplateId": "zz" }))).await;
        let fields: Vec<Value> = all["userErrors"].as_array().unwrap().iter().map(|e| e["field"][1].clone()).collect();
        assert_eq!(fields, vec![json!("templateId"), json!("effectiveDate"), json!("fallbackTemplateId"), json!("selection")], "{all}");
        // A selection of nobody is refused, by ids of nobody's or by a filter matching no one.
        for selection in [json!({ "filter": { "search": "no partner is called this" } }), json!({ "filter": { "search": "zzzz" }, "exceptIds": strings(&chosen) })] {
            let payload = expire(&app, &acme, with(base(campaign, selection), json!({ "expireOn": day(0) }))).await;
            assert_eq!(error_codes(&payload), vec!["EMPTY_SELECTION"], "{payload}");
        }
        assert_eq!(written(&app).await, before, "nothing was written (contract_support::written is unchanged)");
    }

    async fn every_change_is_kept_in_the_history_newest_first(app) {
        let acme = app.seed_account(40, 102).await;
        let campaign = acme.campaign_ids[0];
        let p = active_partners(&app, &acme, campaign).await[0];
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let since = chrono::Utc::now().to_rfc3339();
        standing(&app, &acme, true, with(base(campaign, ids(&[p])), json!({ "comment": "Audit" }))).await;
        standing(&app, &acme, false, base(campaign, ids(&[p]))).await;
        switch(&app, &acme, with(base(campaign, ids(&[p])), json!({ "templateId": target.to_string(), "effectiveDate": day(9), "comment": "Better terms" }))).await;
        const PARTNER: &str = "query($c: ID!, $p: ID!, $a: String, $s: DateTime, $x: [ContractAction!]) {
            partner(campaignId: $c, id: $p) { contractHistory(first: 2, after: $a, since: $s, actions: $x) {
              nodes { action comment effectiveDate template { templateId } user { userId } }
              pageInfo { hasNextPage endCursor } } } }";
        let vars = |after: Value, actions: Value| json!({ "c": campaign.to_string(), "p": p.to_string(), "a": after, "s": since, "x": actions });
        let first = app.data_as(&acme, PARTNER, vars(Value::Null, Value::Null)).await;
        let history = &first["partner"]["contractHistory"];
        let actions: Vec<&str> = history["nodes"].as_array().unwrap().iter().map(|n| n["action"].as_str().unwrap()).collect();
        assert_eq!(actions, vec!["SCHEDULED", "REINSTATED"], "newest first: {first}");
        assert_eq!(history["nodes"][0]["comment"], "Better terms");
        assert_eq!(history["nodes"][0]["template"]["templateId"], target);
        assert_eq!(history["nodes"][0]["user"]["userId"], acme.user_id);
        assert!(history["nodes"][0]["effectiveDate"].as_str().unwrap().starts_with(&day(9)));
        assert_eq!(history["pageInfo"]["hasNextPage"], true);
        let next = app.data_as(&acme, PARTNER, vars(history["pageInfo"]["endCursor"].clone(), Value::Null)).await;
        let rest = &next["partner"]["contractHistory"];
        assert_eq!(rest["nodes"][0]["action"], "SUSPENDED");
        assert_eq!(rest["nodes"][0]["comment"], "Audit");
        assert_eq!(rest["pageInfo"]["hasNextPage"], false);
        let only = app.data_as(&acme, PARTNER, vars(Value::Null, json!(["SUSPENDED"]))).await;
        assert_eq!(only["partner"]["contractHistory"]["nodes"].as_array().unwrap().len(), 1);

        const CAMPAIGN: &str = "query($c: ID!, $s: DateTime) { campaign(id: $c) { contractHistory(since: $s, first: 50) { nodes { action partnerId } } } }";
        let all = app.data_as(&acme, CAMPAIGN, json!({ "c": campaign.to_string(), "s": since })).await;
        assert_eq!(all["campaign"]["contractHistory"]["nodes"].as_array().unwrap().len(), 3, "{all}");
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), PARTNER, json!({ "c": campaign.to_string(), "p": p.to_string(), "a": "Zm9yZ2Vk" })).await;
        assert_eq!(crate::first_error_code(&body), "VALIDATION", "a forged cursor: {body}");
        // A window that ends before it starts is a mistake, here and in the activity log.
        for field in ["contractHistory", "activity"] {
            let query = format!("{{ campaign(id: \"{campaign}\") {{ {field}(since: \"2026-06-02T00:00:00Z\", until: \"2026-06-01T00:00:00Z\") {{ pageInfo {{ hasNextPage }} }} }} }}");
            let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), &query, Value::Null).await;
            assert_eq!(crate::first_error_code(&body), "VALIDATION", "{field}: {body}");
            assert!(body["errors"][0]["message"].as_str().unwrap().contains("`since` must not be after `until`"), "{body}");
        }
    }

    async fn the_statements_of_a_contract_action_do_not_grow_with_the_selection(app) {
        let acme = app.seed_account(200, 103).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let mut spent = Vec::new();
        for (filter, template) in [(json!({ "sizes": ["SMALL"] }), templates[0]), (json!({}), templates[1])] {
            let before = app.statements();
            let payload = switch(&app, &acme, with(base(campaign, json!({ "filter": filter })), json!({ "templateId": template.to_string() }))).await;
            let (matched, affected, _) = counts(&payload);
            spent.push((matched, affected, app.statements() - before));
        }
        assert!(spent[1].0 >= 2 * spent[0].0 && spent[1].1 > spent[0].1, "the second selection is much larger: {spent:?}");
        assert_eq!(spent[0].2, spent[1].2, "same statements for {spent:?}");
    }

    async fn scheduled_changes_never_revive_or_unsuspend_a_partner(app) {
        let acme = app.seed_account(60, 104).await;
        let campaign = acme.campaign_ids[0];
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let chosen = active_not_on(&app, &acme, campaign, target, 4).await;
        let later = |p: i64, days: i64| with(base(campaign, ids(&[p])), json!({ "templateId": target.to_string(), "effectiveDate": day(days) }));
        // A switch scheduled before an expiry today: the expiry withdraws it.
        switch(&app, &acme, later(chosen[0], 5)).await;
        expire(&app, &acme, with(base(campaign, ids(&chosen[..1])), json!({ "expireOn": day(0) }))).await;
        assert_eq!(with_status(&app, campaign, chosen[0], "UPCOMING").await, Vec::<String>::new());
        // A switch on day 5 after an expiry scheduled for day 3: the expiry comes first.
        switch(&app, &acme, later(chosen[1], 5)).await;
        expire(&app, &acme, with(base(campaign, ids(&chosen[1..2])), json!({ "expireOn": day(3) }))).await;
        // Scheduling a switch while an expiry is scheduled is skipped: withdraw the expiry first.
        let skipped = switch(&app, &acme, later(chosen[1], 1)).await;
        assert_eq!(counts(&skipped), (1, 0, vec!["EXPIRY_SCHEDULED:1".to_owned()]));
        // A suspended partner's scheduled switch keeps it suspended.
        switch(&app, &acme, later(chosen[2], 5)).await;
        standing(&app, &acme, true, base(campaign, ids(&chosen[2..3]))).await;

        apply_due_in(&app, 6).await;
        for p in &chosen[..2] {
            assert_eq!(standing_of(&app, campaign, *p).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()), "partner {p} stays expired");
            assert_eq!(current_template(&app, campaign, *p).await, None);
        }
        // The expiry, then the switch it withdrew (named, as every withdrawal is); no SWITCH_APPLIED.
        let last = app.texts(&format!("SELECT h.action || ' ' || COALESCE(c.status, '-') FROM contract_history h \
            LEFT JOIN partner_contracts c ON c.id = h.contract_id WHERE h.campaign_id = {campaign} AND h.partner_id = {} \
            ORDER BY h.created_at DESC, h.id DESC LIMIT 2", chosen[1])).await;
        assert_eq!(last, vec![Some("REVERTED WITHDRAWN".to_owned()), Some("EXPIRED EXPIRED".to_owned())], "no SWITCH_APPLIED after the expiry");
        assert_eq!(current_template(&app, campaign, chosen[2]).await, Some(target));
        assert_eq!(with_status(&app, campaign, chosen[2], "SUSPENDED").await, vec![format!("SUSPENDED:{target}")]);
        assert_eq!(standing_of(&app, campaign, chosen[2]).await.0, "SUSPENDED", "still suspended, on the new terms");

        // Accepting a proposal needs a partnership that is neither expired nor suspended.
        switch(&app, &acme, with(base(campaign, ids(&chosen[3..])), json!({ "templateId": target.to_string(), "approval": "PROPOSE" }))).await;
        standing(&app, &acme, true, base(campaign, ids(&chosen[3..]))).await;
        let accepted = answer(&app, &acme, with(base(campaign, ids(&chosen[3..])), json!({ "accept": true }))).await;
        assert_eq!(counts(&accepted), (1, 0, vec!["SUSPENDED:1".to_owned()]));
    }

    async fn dates_counts_and_dry_runs_stay_honest(app) {
        let acme = app.seed_account(40, 105).await;
        let campaign = acme.campaign_ids[0];
        let chosen = active_partners(&app, &acme, campaign).await[..2].to_vec();
        let template = template_ids(&app, &acme, campaign).await[0];
        let sel = base(campaign, ids(&chosen));
        for (extra, field) in [
            (json!({ "templateId": template.to_string(), "effectiveDate": day(-1) }), "effectiveDate"),
            (json!({ "templateId": template.to_string(), "effectiveDate": "9999-12-31" }), "effectiveDate"),
            (json!({ "templateId": template.to_string(), "endDate": "9999-12-31" }), "endDate"),
        ] {
            let payload = switch(&app, &acme, with(sel.clone(), extra.clone())).await;
            assert_eq!(payload["userErrors"][0]["field"], json!(["input", field]), "{extra}: {payload}");
        }
        let far = expire(&app, &acme, with(sel.clone(), json!({ "expireOn": "9999-12-31" }))).await;
        assert_eq!(far["userErrors"][0]["field"], json!(["input", "expireOn"]), "{far}");
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)),
            "mutation($i: ExpirePartnersInput!) { expirePartners(input: $i) { userErrors { code } } }",
            json!({ "i": with(sel.clone(), json!({ "expireOn": "+262142-12-31" })) })).await;
        assert!(body.get("errors").is_some() || body["data"]["expirePartners"]["userErrors"][0]["code"] == "INVALID", "{body}");

        // The same scheduled expiry twice: the second changes nothing.
        let first = expire(&app, &acme, with(sel.clone(), json!({ "expireOn": day(20) }))).await;
        assert_eq!(counts(&first), (2, 2, vec![]));
        let again = expire(&app, &acme, with(sel.clone(), json!({ "expireOn": day(20) }))).await;
        assert_eq!(counts(&again), (2, 0, vec!["ALREADY_SCHEDULED:2".to_owned()]));

        // A dry run's new template is rolled back: no id is given for it.
        let dry = switch(&app, &acme, with(base(campaign, ids(&chosen)), json!({ "dryRun": true, "newTemplate": {
            "name": "Dry", "payoutType": "PERCENT_OF_SALE", "payoutValue": 3 } }))).await;
        assert_eq!(dry["templateId"], Value::Null, "{dry}");
        assert_eq!(app.count_rows("contract_templates WHERE name = 'Dry'").await, 0);
    }

    async fn withdrawing_with_an_expiry_needs_manage_contracts(app) {
        use partnergraph::domain::UserRole;
        use partnergraph::service::accounts;
        let acme = app.seed_account(30, 106).await;
        let campaign = acme.campaign_ids[0];
        let chosen = active_partners(&app, &acme, campaign).await[..1].to_vec();
        let user = accounts::add_user(&app.db, acme.account_id, "Exa Expirer", "exa@acme.example", UserRole::ReadOnly).await.unwrap();
        let token = accounts::issue_credential(&app.db, acme.account_id, user, "exa").await.unwrap();
        const SET: &str = "mutation($i: SetUserPermissionsInput!) { setUserPermissions(input: $i) { userErrors { code } } }";
        app.data_as(&acme, SET, json!({ "i": { "userId": user.to_string(), "permissions": ["EXPIRE_PARTNERS"] } })).await;
        let header = TestApp::basic(&acme.account_sid, &token);
        let query = format!("mutation($i: ExpirePartnersInput!) {{ expirePartners(input: $i) {{ {PAYLOAD} }} }}");
        let (_, body) = app.graphql_as(Some(&header), &query, json!({ "i": with(base(campaign, ids(&chosen)), json!({ "expireOn": day(9), "withdrawPendingSwitches": true })) })).await;
        assert_eq!(crate::first_error_code(&body), "FORBIDDEN", "{body}");
        let (_, body) = app.graphql_as(Some(&header), &query, json!({ "i": with(base(campaign, ids(&chosen)), json!({ "expireOn": day(9) })) })).await;
        assert_eq!(body["data"]["expirePartners"]["affectedCount"], 1, "{body}");
    }

    async fn templates_are_created_and_listed_per_campaign(app) {
        let acme = app.seed_account(5, 100).await;
        let other = app.seed_account(5, 101).await;
        let campaign = acme.campaign_ids[0];
        const CREATE: &str = "mutation($i: CreateContractTemplateInput!) { createContractTemplate(input: $i) {
            template { templateId name payoutType payoutValue currency noticePeriodDays isDefault } userErrors { field code } } }";
        let created = app.data_as(&acme, CREATE, json!({ "i": { "campaignId": campaign.to_string(), "template": {
            "name": "  Spring 10% ", "description": "Spring terms", "payoutType": "FIXED_PER_ACTION", "payoutValue": 10, "currency": "eur", "noticePeriodDays": 14 } } })).await;
        let t = &created["createContractTemplate"]["template"];
        assert_eq!(t["name"], "Spring 10%");
        assert_eq!(t["currency"], "EUR");
        assert_eq!(t["noticePeriodDays"], 14);
        assert_eq!(t["isDefault"], false);
        assert_eq!((&t["payoutType"], &t["payoutValue"]), (&json!("FIXED_PER_ACTION"), &json!("10")), "a Decimal is a string");
        let id = t["templateId"].as_i64().unwrap();
        assert_eq!(template_ids(&app, &acme, campaign).await.last(), Some(&id));
        assert!(!template_ids(&app, &acme, acme.campaign_ids[1]).await.contains(&id));
        // Money is exact: the digits written are the digits read, up to 4 decimals.
        let exact = app.data_as(&acme, CREATE, json!({ "i": { "campaignId": campaign.to_string(), "template": {
            "name": "Exact", "payoutType": "FIXED_PER_ACTION", "payoutValue": "12.3456" } } })).await;
        assert_eq!(exact["createContractTemplate"]["template"]["payoutValue"], "12.3456", "{exact}");
        for wrong in [json!("1.23456"), json!("1e3"), json!("12,5"), json!(1e300), json!("")] {
            let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), CREATE, json!({ "i": { "campaignId": campaign.to_string(), "template": {
                "name": "Wrong", "payoutType": "FIXED_PER_ACTION", "payoutValue": wrong } } })).await;
            // A variable's value is checked before anything runs, with the scalar's own reason.
            assert_eq!(crate::first_error_code(&body), "VALIDATION", "{wrong}: {body}");
            let message = body["errors"][0]["message"].as_str().unwrap();
            assert!(message.starts_with("variable $i at template.payoutValue: ") && message.contains("at most 11 digits before the point and 4 after it"), "{message}");
        }
        // The same in a variable of its own; written into the document, async-graphql's validator
        // refuses it with its own message (the field and the type).
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), "mutation($v: Decimal!) { createContractTemplate(input: { campaignId: \"1\", template: { name: \"Wrong\", payoutType: FIXED_PER_ACTION, payoutValue: $v } }) { userErrors { code } } }",
            json!({ "v": "x".repeat(10_000) })).await;
        assert_eq!(crate::first_error_code(&body), "VALIDATION", "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with("variable $v: ") && message.chars().count() < 300, "bounded: {message}");
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), "mutation { createContractTemplate(input: { campaignId: \"1\", template: { name: \"Wrong\", payoutType: FIXED_PER_ACTION, payoutValue: \"1.23456\" } }) { userErrors { code } } }",
            json!({})).await;
        assert_eq!(crate::first_error_code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().contains("expected type \"Decimal\""), "{body}");
        assert_eq!(app.count_rows("contract_templates WHERE name = 'Wrong'").await, 0);
        // An `Int` past 32 bits in a variable, its own or inside an input, is refused before
        // anything runs: the operation's first mutation wrote its template before the fix.
        let two = "mutation($n: Int, $t: NewContractTemplateInput!) {
          a: createContractTemplate(input: { campaignId: \"1\", template: { name: \"Before\", payoutType: FIXED_PER_ACTION, payoutValue: \"1\" } }) { userErrors { code } }
          b: createContractTemplate(input: { campaignId: \"1\", template: { name: \"After\", payoutType: FIXED_PER_ACTION, payoutValue: \"1\", noticePeriodDays: $n } }) { userErrors { code } }
          c: createContractTemplate(input: { campaignId: \"1\", template: $t }) { userErrors { code } } }";
        let fine = json!({ "name": "Third", "payoutType": "FIXED_PER_ACTION", "payoutValue": "1" });
        for (variables, at) in [
            (json!({ "n": 3_000_000_000_i64, "t": fine }), "variable $n: "),
            (json!({ "n": -3_000_000_000_i64, "t": fine }), "variable $n: "),
            (json!({ "n": 1, "t": { "name": "Third", "payoutType": "FIXED_PER_ACTION", "payoutValue": "1", "noticePeriodDays": 3_000_000_000_i64 } }), "variable $t at noticePeriodDays: "),
        ] {
            let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), two, variables.clone()).await;
            assert_eq!(crate::first_error_code(&body), "VALIDATION", "{variables}: {body}");
            assert!(body["errors"][0]["message"].as_str().unwrap().starts_with(at), "{body}");
            assert!(body.get("data").is_none() || body["data"].is_null(), "{body}");
            assert_eq!(app.count_rows("contract_templates WHERE name IN ('Before', 'After', 'Third')").await, 0, "{variables}: nothing ran");
        }
        // An `ID` given as a number past 64 signed bits: refused as a variable, not by its field.
        let id = "mutation($c: ID!) {
          a: createContractTemplate(input: { campaignId: \"1\", template: { name: \"Before\", payoutType: FIXED_PER_ACTION, payoutValue: \"1\" } }) { userErrors { code } }
          b: createContractTemplate(input: { campaignId: $c, template: { name: \"After\", payoutType: FIXED_PER_ACTION, payoutValue: \"1\" } }) { userErrors { code } } }";
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), id, json!({ "c": u64::MAX })).await;
        assert_eq!(crate::first_error_code(&body), "VALIDATION", "{body}");
        assert!(body["errors"][0]["message"].as_str().unwrap().starts_with("variable $c: "), "{body}");
        assert_eq!(app.count_rows("contract_templates WHERE name IN ('Before', 'After')").await, 0, "nothing ran: {body}");
        // Written into the document, in an input object, inside a fragment too: the same.
        let inline = "mutation {
          a: createContractTemplate(input: { campaignId: \"1\", template: { name: \"Before\", payoutType: FIXED_PER_ACTION, payoutValue: \"1\" } }) { userErrors { code } }
          b: createContractTemplate(input: { campaignId: \"1\", template: { name: \"After\", payoutType: FIXED_PER_ACTION, payoutValue: \"1\", noticePeriodDays: 3000000000 } }) { userErrors { code } } }";
        let in_fragment = "mutation {
          a: createContractTemplate(input: { campaignId: \"1\", template: { name: \"Before\", payoutType: FIXED_PER_ACTION, payoutValue: \"1\" } }) { userErrors { code } } ...T }
          fragment T on Mutation { b: createContractTemplate(input: { campaignId: \"1\", template: { name: \"After\", payoutType: FIXED_PER_ACTION, payoutValue: \"1\", noticePeriodDays: -3000000000 } }) { userErrors { code } } }";
        for (document, at) in [(inline, "createContractTemplate(input).template.noticePeriodDays: 3000000000 "), (in_fragment, "createContractTemplate(input).template.noticePeriodDays: -3000000000 ")] {
            let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), document, json!({})).await;
            assert_eq!(crate::first_error_code(&body), "VALIDATION", "{body}");
            assert!(body["errors"][0]["message"].as_str().unwrap().starts_with(at), "{body}");
            assert_eq!(app.count_rows("contract_templates WHERE name IN ('Before', 'After')").await, 0, "nothing ran: {body}");
        }

        let refused = app.data_as(&acme, CREATE, json!({ "i": { "campaignId": campaign.to_string(), "template": {
            "name": "Bad", "payoutType": "PERCENT_OF_SALE", "payoutValue": 5, "currency": "EURO", "noticePeriodDays": 400 } } })).await;
        let fields: Vec<Value> = refused["createContractTemplate"]["userErrors"].as_array().unwrap().iter().map(|e| e["field"].clone()).collect();
        assert_eq!(fields, vec![json!(["input", "template", "currency"]), json!(["input", "template", "noticePeriodDays"])]);
        // A blank currency is none (the campaign's), as it reads; never stored as "".
        let blank = app.data_as(&acme, CREATE, json!({ "i": { "campaignId": campaign.to_string(), "template": {
            "name": "Blank", "payoutType": "FIXED_PER_ACTION", "payoutValue": 3, "currency": "  " } } })).await;
        assert_eq!(blank["createContractTemplate"]["template"]["currency"], Value::Null, "{blank}");
        assert_eq!(app.count_rows("contract_templates WHERE currency = ''").await, 0);
        let theirs = app.data_as(&acme, CREATE, json!({ "i": { "campaignId": other.campaign_ids[0].to_string(), "template": {
            "name": "Sneaky", "payoutType": "PERCENT_OF_SALE", "payoutValue": 5 } } })).await;
        assert_eq!(theirs["createContractTemplate"]["userErrors"][0]["code"], "NOT_FOUND");
        let (_, body) = app.graphql_as(Some(&TestApp::header_of(&acme)), "query($c: ID!) { contractTemplates(campaignId: $c) { templateId } }",
            json!({ "c": other.campaign_ids[0].to_string() })).await;
        assert_eq!(crate::first_error_code(&body), "NOT_FOUND", "{body}");
    }
}

/// Every partner's records, to compare before and after.
async fn futures_join(app: &TestApp, campaign: i64, partners: &[i64]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for p in partners {
        out.push(records(app, campaign, *p).await);
    }
    out
}

/// How many REPLACED records partner `p` had in `before`.
fn before_replaced(before: &[Vec<String>], p: i64, partners: &[i64]) -> usize {
    let i = partners.iter().position(|q| *q == p).unwrap();
    before[i]
        .iter()
        .filter(|r| r.starts_with("REPLACED:"))
        .count()
}
