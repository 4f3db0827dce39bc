//! A scheduled expiry is never dropped by the changes that meet it: a partner's accepted
//! proposal skips it (as a switch does), a scheduled switch that takes effect before it carries
//! it over, even when the new contract is temporary, and so does the fallback of a temporary
//! contract that ends first. It sits beside a temporary contract's own end and fallback, so
//! withdrawing it leaves the contract as it was. An accepted proposal also withdraws an older
//! scheduled switch that would undo it on its date.

use serde_json::json;

use crate::contract_support::*;
use crate::support::backend_tests;

backend_tests! {
    async fn accepting_a_proposal_keeps_a_scheduled_expiry_and_withdraws_an_older_switch(app) {
        let acme = app.seed_account(60, 97).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let (proposed, scheduled) = (templates[templates.len() - 1], templates[templates.len() - 2]);
        let chosen = active_not_on(&app, &acme, campaign, proposed, 6).await;
        let expiring = chosen[0];
        let mut neither = Vec::new();
        for p in &chosen[1..] {
            if current_template(&app, campaign, *p).await != Some(scheduled) {
                neither.push(*p);
            }
        }
        assert!(neither.len() >= 2, "partners on neither template");
        let switching = neither[0];

        // A proposal, then an expiry scheduled without withdrawing it.
        let propose = json!({ "templateId": proposed.to_string(), "approval": "PROPOSE" });
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[expiring])), propose.clone())).await).1, 1);
        let later = expire(&app, &acme, with(base(campaign, ids(&[expiring])), json!({ "expireOn": day(10) }))).await;
        assert_eq!(counts(&later), (1, 1, vec![]));
        let current = current_template(&app, campaign, expiring).await;
        let accepted = answer(&app, &acme, with(base(campaign, ids(&[expiring])), json!({ "accept": true }))).await;
        assert_eq!(counts(&accepted), (1, 0, vec!["EXPIRY_SCHEDULED:1".to_owned()]));
        assert_eq!(current_template(&app, campaign, expiring).await, current, "the contract stays");
        assert!(listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })).await.contains(&expiring));
        assert!(listed(&app, &acme, campaign, json!({ "termsUpdates": ["PENDING_PROPOSAL"] })).await.contains(&expiring));
        // Declining needs no contract to switch from.
        let declined = answer(&app, &acme, with(base(campaign, ids(&[expiring])), json!({ "accept": false }))).await;
        assert_eq!(counts(&declined), (1, 1, vec![]));
        apply_due_in(&app, 12).await;
        assert_eq!(standing_of(&app, campaign, expiring).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()), "the expiry applied");

        // A switch scheduled for later, then a proposal accepted at once: the later switch
        // would otherwise replace the accepted terms on its date.
        let later_switch = json!({ "templateId": scheduled.to_string(), "effectiveDate": day(5) });
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[switching])), later_switch)).await).1, 1);
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[switching])), propose.clone())).await).1, 1);
        let accepted = answer(&app, &acme, with(base(campaign, ids(&[switching])), json!({ "accept": true }))).await;
        assert_eq!(counts(&accepted), (1, 1, vec![]));
        assert_eq!(current_template(&app, campaign, switching).await, Some(proposed));
        assert!(with_status(&app, campaign, switching, "UPCOMING").await.is_empty());
        assert!(with_status(&app, campaign, switching, "WITHDRAWN").await.contains(&format!("WITHDRAWN:{scheduled}")));
        apply_due_in(&app, 7).await;
        assert_eq!(current_template(&app, campaign, switching).await, Some(proposed), "still the accepted terms");

        // A switch scheduled after the proposal is a later decision: accepting keeps it.
        let deciding = neither[1];
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[deciding])), propose)).await).1, 1);
        let decided = json!({ "templateId": scheduled.to_string(), "effectiveDate": day(5) });
        let decided = switch(&app, &acme, with(base(campaign, ids(&[deciding])), decided)).await;
        assert_eq!(counts(&decided).1, 1, "{decided}");
        let accepted = answer(&app, &acme, with(base(campaign, ids(&[deciding])), json!({ "accept": true }))).await;
        assert_eq!(counts(&accepted), (1, 1, vec![]));
        assert_eq!(current_template(&app, campaign, deciding).await, Some(proposed));
        assert_eq!(with_status(&app, campaign, deciding, "UPCOMING").await, [format!("UPCOMING:{scheduled}")]);
        apply_due_in(&app, 7).await;
        assert_eq!(current_template(&app, campaign, deciding).await, Some(scheduled), "the later decision applied");
    }

    async fn a_temporary_switch_taking_effect_before_a_scheduled_expiry_carries_it(app) {
        let acme = app.seed_account(60, 98).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let (temporary, fallback) = (templates[templates.len() - 1], templates[templates.len() - 2]);
        let chosen = active_not_on(&app, &acme, campaign, temporary, 3).await;
        let (outlived, outliving, same_day) = (chosen[0], chosen[1], chosen[2]);

        // Each: a temporary switch from day 2, then an expiry scheduled without withdrawing
        // it; the first switch would end after the expiry (day 20 against day 10), the second
        // before it (day 6 against day 30), the third on its day (day 10).
        for (partner, ends, expires) in [(outlived, 20, 10), (outliving, 6, 30), (same_day, 10, 10)] {
            let temporary = json!({ "templateId": temporary.to_string(), "effectiveDate": day(2),
                "endDate": day(ends), "fallbackTemplateId": fallback.to_string() });
            assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[partner])), temporary)).await).1, 1);
            let scheduled = expire(&app, &acme, with(base(campaign, ids(&[partner])), json!({ "expireOn": day(expires) }))).await;
            assert_eq!(counts(&scheduled), (1, 1, vec![]));
        }

        let applied = apply_due_in(&app, 3).await;
        assert!(applied.switched >= 3, "{applied:?}");
        for partner in [outlived, outliving, same_day] {
            assert_eq!(current_template(&app, campaign, partner).await, Some(temporary));
        }
        // The expiry came first for the first partner, and with the contract's end for the
        // third: each expires on that day instead of falling back.
        apply_due_in(&app, 12).await;
        for partner in [outlived, same_day] {
            assert_eq!(standing_of(&app, campaign, partner).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()));
            assert_eq!(current_template(&app, campaign, partner).await, None);
            assert!(with_status(&app, campaign, partner, "ACTIVE").await.is_empty(), "no fallback");
        }
        // The second partner's temporary contract ended first and fell back, as it should; the
        // fallback carries the expiry and expires on its day.
        assert_eq!(current_template(&app, campaign, outliving).await, Some(fallback));
        let fell_back = current_contract(&app, &acme, campaign, outliving).await;
        assert!(fell_back["expiresAt"].as_str().unwrap().starts_with(&day(30)), "{fell_back}");
        assert_eq!(fell_back["isTemporary"], false);
        apply_due_in(&app, 25).await;
        assert_eq!(current_template(&app, campaign, outlived).await, None, "nothing revived it");
        assert_eq!(current_template(&app, campaign, outliving).await, Some(fallback), "not yet");
        apply_due_in(&app, 31).await;
        assert_eq!(standing_of(&app, campaign, outliving).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()));
        let data = app.data_as(&acme, "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { contracts { status endDate } } }",
            json!({ "c": campaign.to_string(), "p": outliving.to_string() })).await;
        let ended = data["partner"]["contracts"].as_array().unwrap().iter().find(|c| c["status"] == "EXPIRED").unwrap().clone();
        assert!(ended["endDate"].as_str().unwrap().starts_with(&day(30)), "ended on the expiry's day: {ended}");
    }

    async fn an_expiry_on_a_temporary_contract_keeps_its_end_and_fallback(app) {
        let acme = app.seed_account(60, 97).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let (temporary, fallback) = (templates[templates.len() - 1], templates[templates.len() - 2]);
        let chosen = active_not_on(&app, &acme, campaign, temporary, 3).await;
        let (reverted, kept, permanent) = (chosen[0], chosen[1], chosen[2]);
        let chosen = &chosen[..2];
        let input = json!({ "templateId": temporary.to_string(), "endDate": day(20), "fallbackTemplateId": fallback.to_string() });
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(chosen)), input)).await), (2, 2, vec![]));
        let before = current_contract(&app, &acme, campaign, reverted).await;
        assert_eq!(before["expiresAt"], json!(null));

        // An expiry on day 10, before the contract's own end: both are kept and shown.
        let scheduled = expire(&app, &acme, with(base(campaign, ids(chosen)), json!({ "expireOn": day(10) }))).await;
        assert_eq!(counts(&scheduled), (2, 2, vec![]));
        let both = current_contract(&app, &acme, campaign, reverted).await;
        assert!(both["expiresAt"].as_str().unwrap().starts_with(&day(10)), "{both}");
        assert_eq!((&both["endDate"], &both["isTemporary"], &both["fallbackTemplate"]),
            (&before["endDate"], &json!(true), &json!({ "templateId": fallback })));
        let upcoming = listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })).await;
        assert!(chosen.iter().all(|p| upcoming.contains(p)));
        // A permanent contract is listed by its expiry alone, until the expiry is withdrawn.
        assert!(!upcoming.contains(&permanent));
        let on_permanent = expire(&app, &acme, with(base(campaign, ids(&[permanent])), json!({ "expireOn": day(10) }))).await;
        assert_eq!(counts(&on_permanent), (1, 1, vec![]));
        assert!(listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })).await.contains(&permanent));
        assert_eq!(current_contract(&app, &acme, campaign, permanent).await["endDate"], json!(null), "no end of its own");
        withdraw(&app, &acme, with(base(campaign, ids(&[permanent])), json!({ "expiries": true }))).await;
        assert!(!listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })).await.contains(&permanent));
        let again = expire(&app, &acme, with(base(campaign, ids(chosen)), json!({ "expireOn": day(10) }))).await;
        assert_eq!(counts(&again), (2, 0, vec!["ALREADY_SCHEDULED:2".to_owned()]));

        // Withdrawn, the contract is exactly as it was: it falls back on day 20.
        let withdrawn = withdraw(&app, &acme, with(base(campaign, ids(&[reverted])), json!({ "expiries": true }))).await;
        assert_eq!(counts(&withdrawn), (1, 1, vec![]));
        assert_eq!(current_contract(&app, &acme, campaign, reverted).await, before);
        let nothing = withdraw(&app, &acme, with(base(campaign, ids(&[reverted])), json!({ "expiries": true }))).await;
        assert_eq!(counts(&nothing), (1, 0, vec!["NOTHING_TO_WITHDRAW:1".to_owned()]));

        apply_due_in(&app, 11).await;
        assert_eq!(current_template(&app, campaign, reverted).await, Some(temporary), "no expiry any more");
        assert_eq!(standing_of(&app, campaign, kept).await, ("EXPIRED".to_owned(), "EXPIRED".to_owned()), "the kept expiry came first");
        let expired = records(&app, campaign, kept).await;
        assert_eq!(expired.last().map(String::as_str), Some(format!("EXPIRED:{temporary}").as_str()), "{expired:?}");
        let data = app.data_as(&acme, "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { contracts { status endDate expiresAt } } }",
            json!({ "c": campaign.to_string(), "p": kept.to_string() })).await;
        let ended = data["partner"]["contracts"].as_array().unwrap().iter().find(|c| c["status"] == "EXPIRED").unwrap().clone();
        assert!(ended["endDate"].as_str().unwrap().starts_with(&day(10)), "ended on the expiry's day, not its own end: {ended}");
        assert_eq!(ended["expiresAt"], json!(null), "nothing scheduled on a closed record");
        apply_due_in(&app, 21).await;
        assert_eq!(current_template(&app, campaign, reverted).await, Some(fallback), "fell back at its own end");
        assert_eq!(current_template(&app, campaign, kept).await, None, "nothing revived the expired one");
    }

    async fn a_scheduled_expiry_keeps_its_comment_and_flag_when_it_applies(app) {
        let acme = app.seed_account(40, 96).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let temporary = templates[templates.len() - 1];
        let chosen = active_not_on(&app, &acme, campaign, temporary, 2).await;
        let (flagged, ending) = (chosen[0], chosen[1]);
        let scheduled = json!({ "expireOn": day(4), "nonCompliant": true, "comment": "Coupon policy breach" });
        assert_eq!(counts(&expire(&app, &acme, with(base(campaign, ids(&[flagged])), scheduled)).await).1, 1);
        // A temporary contract without a fallback expires at its own end: no brand's words.
        let own_end = json!({ "templateId": temporary.to_string(), "endDate": day(3) });
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[ending])), own_end)).await).1, 1);
        // The activity entries show the scheduled expiry and the temporary contract's end as the
        // API writes instants, the same text on both databases.
        let latest = |partner: i64| {
            let (app, acme) = (&app, &acme);
            async move {
                let data = app.data_as(acme, "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { activity(first: 1) { nodes { action before after } } } }",
                    json!({ "c": campaign.to_string(), "p": partner.to_string() })).await;
                data["partner"]["activity"]["nodes"][0].clone()
            }
        };
        let rfc3339_utc = |value: &serde_json::Value| {
            let text = value.as_str().unwrap_or_default();
            let shape = text.len() == 20 && text.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(text).is_ok();
            assert!(shape, "{value} is not an RFC 3339 instant at UTC to the second");
            text.to_owned()
        };
        let entry = latest(flagged).await;
        assert_eq!((&entry["action"], &entry["before"]["expires"]), (&json!("CONTRACT_EXPIRED"), &json!(null)), "{entry}");
        assert!(rfc3339_utc(&entry["after"]["expires"]).ends_with(":59:59Z"), "{entry}");
        let entry = latest(ending).await;
        assert_eq!(entry["action"], "CONTRACT_SWITCHED", "{entry}");
        rfc3339_utc(&entry["after"]["ends"]);
        apply_due_in(&app, 5).await;
        let expired_entry = |partner: i64| {
            let app = &app;
            let acme = &acme;
            async move {
                let data = app.data_as(acme, "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { contractHistory(first: 1, actions: [EXPIRED]) { nodes { comment nonCompliant effectiveDate user { userId } } } } }",
                    json!({ "c": campaign.to_string(), "p": partner.to_string() })).await;
                data["partner"]["contractHistory"]["nodes"][0].clone()
            }
        };
        let entry = expired_entry(flagged).await;
        assert_eq!((&entry["comment"], &entry["nonCompliant"], &entry["user"]), (&json!("Coupon policy breach"), &json!(true), &json!(null)), "{entry}");
        assert!(entry["effectiveDate"].as_str().unwrap().starts_with(&day(4)), "{entry}");
        let entry = expired_entry(ending).await;
        assert_eq!((&entry["comment"], &entry["nonCompliant"]), (&json!(null), &json!(false)), "{entry}");
        assert!(entry["effectiveDate"].as_str().unwrap().starts_with(&day(3)), "{entry}");
    }

    async fn an_accepted_first_contract_that_starts_later_applies_on_its_date(app) {
        let acme = app.seed_account(60, 99).await;
        let campaign = acme.campaign_ids[0];
        // A partner the seed left negotiating: no contract yet, a proposal starting later.
        let proposed = app.texts(&format!(
            "SELECT CAST(p.partner_id AS TEXT) FROM partner_contracts p JOIN campaign_partners cp \
             ON cp.campaign_id = p.campaign_id AND cp.partner_id = p.partner_id \
             WHERE p.campaign_id = {campaign} AND p.status = 'PENDING' AND cp.contract_status IS NULL \
             AND p.start_date > CURRENT_TIMESTAMP AND NOT EXISTS (SELECT 1 FROM partner_contracts c \
             WHERE c.campaign_id = p.campaign_id AND c.partner_id = p.partner_id AND c.status IN ('ACTIVE', 'SUSPENDED')) \
             ORDER BY p.partner_id LIMIT 1"
        )).await;
        let partner: i64 = proposed.first().cloned().flatten().expect("the seed has a negotiating partner").parse().unwrap();
        let accepted = answer(&app, &acme, with(base(campaign, ids(&[partner])), json!({ "accept": true }))).await;
        assert_eq!(counts(&accepted), (1, 1, vec![]));
        assert_eq!(with_status(&app, campaign, partner, "UPCOMING").await.len(), 1, "upcoming until its date");
        apply_due_in(&app, 31).await;
        assert_eq!(standing_of(&app, campaign, partner).await, ("ACTIVE".to_owned(), "JOINED".to_owned()));
        assert!(current_template(&app, campaign, partner).await.is_some(), "the first contract");
        let joined = app.texts(&format!(
            "SELECT CAST(date_joined AS TEXT) FROM campaign_partners WHERE campaign_id = {campaign} AND partner_id = {partner}"
        )).await;
        assert!(joined[0].is_some(), "joined on its date");
    }
}
