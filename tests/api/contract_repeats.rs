//! Contract actions asked twice, answered late or left with nobody to apply to: a repeated
//! scheduled switch or proposal changes nothing; accepted terms start when the partner accepts
//! (never before, never overlapping the contract they replace); a late run of the scheduled
//! changes dates a partner's joining at its contract's start; new terms nobody was switched to
//! are not kept; every withdrawal, whoever made it, is a `REVERTED` history entry naming what
//! was withdrawn.

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::contract_support::*;
use crate::support::{backend_tests, TestApp};

/// How many rows of `partner_contracts` of `partner` meet `condition`.
async fn records_where(app: &TestApp, campaign: i64, partner: i64, condition: &str) -> i64 {
    app.count_rows(&format!(
        "partner_contracts WHERE campaign_id = {campaign} AND partner_id = {partner} AND {condition}"
    ))
    .await
}

async fn history_of(app: &TestApp, campaign: i64, partner: i64, action: &str) -> i64 {
    app.count_rows(&format!(
        "contract_history WHERE campaign_id = {campaign} AND partner_id = {partner} AND action = '{action}'"
    ))
    .await
}

backend_tests! {
    async fn the_same_scheduled_switch_or_proposal_twice_changes_nothing_the_second_time(app) {
        let acme = app.seed_account(40, 131).await;
        let campaign = acme.campaign_ids[0];
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let chosen = active_not_on(&app, &acme, campaign, target, 2).await;
        let (later, proposed) = (chosen[0], chosen[1]);
        let scheduled = json!({ "templateId": target.to_string(), "effectiveDate": day(20), "endDate": day(40) });
        let proposal = json!({ "templateId": target.to_string(), "approval": "PROPOSE" });
        for (p, terms, status, action) in [(later, &scheduled, "UPCOMING", "SCHEDULED"), (proposed, &proposal, "PENDING", "PROPOSED")] {
            let first = switch(&app, &acme, with(base(campaign, ids(&[p])), terms.clone())).await;
            assert_eq!(counts(&first), (1, 1, vec![]), "{first}");
            let (withdrawn, entries) = (records_where(&app, campaign, p, "status = 'WITHDRAWN'").await, history_of(&app, campaign, p, action).await);
            let dry = switch(&app, &acme, with(base(campaign, ids(&[p])), with(terms.clone(), json!({ "dryRun": true })))).await;
            let again = switch(&app, &acme, with(base(campaign, ids(&[p])), terms.clone())).await;
            assert_eq!(counts(&again), (1, 0, vec!["ALREADY_SCHEDULED:1".to_owned()]), "{again}");
            assert_eq!(counts(&dry), counts(&again), "the dry run counts the same");
            assert_eq!(records_where(&app, campaign, p, &format!("status = '{status}'")).await, 1);
            assert_eq!(records_where(&app, campaign, p, "status = 'WITHDRAWN'").await, withdrawn, "nothing withdrawn");
            assert_eq!(history_of(&app, campaign, p, action).await, entries, "no second history entry");
        }
        // Other terms are a new change: they replace the scheduled switch.
        let moved = switch(&app, &acme, with(base(campaign, ids(&[later])),
            json!({ "templateId": target.to_string(), "effectiveDate": day(21), "endDate": day(40) }))).await;
        assert_eq!(counts(&moved), (1, 1, vec![]), "{moved}");
        let permanent = switch(&app, &acme, with(base(campaign, ids(&[later])),
            json!({ "templateId": target.to_string(), "effectiveDate": day(21) }))).await;
        assert_eq!(counts(&permanent), (1, 1, vec![]), "{permanent}");
        assert_eq!(records_where(&app, campaign, later, "status = 'UPCOMING'").await, 1);
    }

    async fn accepted_terms_start_when_the_partner_accepts(app) {
        let acme = app.seed_account(40, 132).await;
        let campaign = acme.campaign_ids[0];
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let chosen = active_not_on(&app, &acme, campaign, target, 2).await;
        let (now, later) = (chosen[0], chosen[1]);
        let proposed = switch(&app, &acme, with(base(campaign, ids(&[now])), json!({ "templateId": target.to_string(), "approval": "PROPOSE" }))).await;
        assert_eq!(counts(&proposed).1, 1);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let accepted = answer(&app, &acme, with(base(campaign, ids(&[now])), json!({ "accept": true }))).await;
        assert_eq!(counts(&accepted), (1, 1, vec![]));
        // The new contract starts where the replaced one ends, after it was proposed.
        let meets = format!(
            "status = 'ACTIVE' AND start_date > created_at AND EXISTS (SELECT 1 FROM partner_contracts r \
             WHERE r.campaign_id = {campaign} AND r.partner_id = {now} AND r.status = 'REPLACED' AND r.end_date = partner_contracts.start_date)"
        );
        assert_eq!(records_where(&app, campaign, now, &meets).await, 1, "no overlap, no gap");
        // Its history entry takes effect when the terms start: now, or on their later day.
        let proposed_later = switch(&app, &acme, with(base(campaign, ids(&[later])),
            json!({ "templateId": target.to_string(), "approval": "PROPOSE", "effectiveDate": day(6) }))).await;
        assert_eq!(counts(&proposed_later).1, 1);
        answer(&app, &acme, with(base(campaign, ids(&[later])), json!({ "accept": true }))).await;
        assert_eq!(records_where(&app, campaign, later, "status = 'UPCOMING'").await, 1, "accepted for later: upcoming");
        for p in [now, later] {
            let dated = app.count_rows(&format!(
                "contract_history h JOIN partner_contracts c ON c.id = h.contract_id WHERE h.campaign_id = {campaign} \
                 AND h.partner_id = {p} AND h.action = 'ACCEPTED' AND c.status IN ('ACTIVE', 'UPCOMING') \
                 AND c.template_id = {target} AND h.effective_date = c.start_date"
            )).await;
            assert_eq!(dated, 1, "partner {p}: ACCEPTED takes effect when the terms start");
        }
    }

    async fn a_late_run_dates_the_join_at_the_contract_start(app) {
        let brand = app.seed_account(40, 133).await;
        let (a, b) = (brand.campaign_ids[0], brand.campaign_ids[1]);
        let newcomer: i64 = app.texts(&format!(
            "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {a} AND partner_id NOT IN \
             (SELECT partner_id FROM campaign_partners WHERE campaign_id = {b}) AND (email IS NULL OR email NOT IN \
             (SELECT email FROM campaign_partners WHERE campaign_id = {b} AND email IS NOT NULL)) ORDER BY partner_id LIMIT 1"
        )).await[0].clone().unwrap().parse().unwrap();
        let template = *template_ids(&app, &brand, b).await.first().unwrap();
        let invited = app.data_as(&brand, "mutation($i: InvitePartnersInput!) { invitePartners(input: $i) { invitedCount } }",
            json!({ "i": { "campaignId": a.to_string(), "selection": { "ids": [newcomer.to_string()] },
                           "targetCampaignId": b.to_string(), "templateId": template.to_string() } })).await;
        assert_eq!(invited["invitePartners"]["invitedCount"], 1);
        // The invitation proposes terms that start in two days (as a brand's proposal may).
        let starts = Utc::now() + Duration::days(2);
        let mut later = Query::update();
        later.table(entity::partner_contract::Entity)
            .value(entity::partner_contract::Column::StartDate, starts)
            .and_where(Expr::col(entity::partner_contract::Column::CampaignId).eq(b))
            .and_where(Expr::col(entity::partner_contract::Column::PartnerId).eq(newcomer));
        app.db.execute(&later).await.unwrap();
        let accepted = answer(&app, &brand, with(base(b, ids(&[newcomer])), json!({ "accept": true }))).await;
        assert_eq!(counts(&accepted), (1, 1, vec![]));
        assert_eq!(standing_of(&app, b, newcomer).await.1, "OUTREACH", "not joined before its contract starts");
        // The runner comes a week late: the partner joined when the contract started.
        let applied = apply_due_in(&app, 9).await;
        assert_eq!(applied.switched, 1);
        assert_eq!(standing_of(&app, b, newcomer).await, ("ACTIVE".to_owned(), "JOINED".to_owned()));
        let joined_at_start = app.count_rows(&format!(
            "campaign_partners cp WHERE cp.campaign_id = {b} AND cp.partner_id = {newcomer} AND cp.date_joined = \
             (SELECT start_date FROM partner_contracts c WHERE c.campaign_id = {b} AND c.partner_id = {newcomer} AND c.status = 'ACTIVE')"
        )).await;
        assert_eq!(joined_at_start, 1);
    }

    async fn new_terms_nobody_is_switched_to_are_not_kept(app) {
        let acme = app.seed_account(40, 134).await;
        let campaign = acme.campaign_ids[0];
        let p = active_partners(&app, &acme, campaign).await[0];
        let expired = expire(&app, &acme, with(base(campaign, ids(&[p])), json!({ "expireOn": day(0) }))).await;
        assert_eq!(counts(&expired).1, 1);
        let templates = app.count_rows("contract_templates").await;
        let terms = json!({ "newTemplate": { "name": "Nobody's", "payoutType": "PERCENT_OF_SALE", "payoutValue": 4 } });
        for _ in 0..2 {
            let payload = switch(&app, &acme, with(base(campaign, ids(&[p])), terms.clone())).await;
            assert_eq!(counts(&payload), (1, 0, vec!["NO_CURRENT_CONTRACT:1".to_owned()]));
            assert_eq!(payload["templateId"], Value::Null, "{payload}");
        }
        assert_eq!(app.count_rows("contract_templates").await, templates, "no template piles up");
    }

    async fn every_withdrawal_is_a_history_entry_naming_what_was_withdrawn(app) {
        let acme = app.seed_account(40, 135).await;
        let campaign = acme.campaign_ids[0];
        let templates = template_ids(&app, &acme, campaign).await;
        let target = *templates.last().unwrap();
        let chosen = active_not_on(&app, &acme, campaign, target, 3).await;
        let (all, replaced, expired) = (chosen[0], chosen[1], chosen[2]);
        // Per partner: its withdrawn records, and the REVERTED entries naming one of them.
        let tally = |p: i64| {
            let app = &app;
            async move {
                let withdrawn = records_where(app, campaign, p, "status = 'WITHDRAWN'").await;
                let named = app.count_rows(&format!(
                    "contract_history h JOIN partner_contracts c ON c.id = h.contract_id WHERE h.campaign_id = {campaign} \
                     AND h.partner_id = {p} AND h.action = 'REVERTED' AND c.status = 'WITHDRAWN'"
                )).await;
                (withdrawn, named)
            }
        };
        let before: Vec<(i64, i64)> = futures_util::future::join_all(chosen.iter().map(|p| tally(*p))).await;
        let later = json!({ "templateId": target.to_string(), "effectiveDate": day(20) });
        let proposal = json!({ "templateId": target.to_string(), "approval": "PROPOSE" });

        // The brand withdraws a switch, a proposal and an expiry at once: three entries.
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[all])), later.clone())).await).1, 1);
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[all])), proposal.clone())).await).1, 1);
        assert_eq!(counts(&expire(&app, &acme, with(base(campaign, ids(&[all])), json!({ "expireOn": day(30) }))).await).1, 1);
        let reverted = history_of(&app, campaign, all, "REVERTED").await;
        let withdrawn = withdraw(&app, &acme, with(base(campaign, ids(&[all])), json!({ "switches": true, "proposals": true, "expiries": true }))).await;
        assert_eq!(counts(&withdrawn), (1, 1, vec![]));
        assert_eq!(history_of(&app, campaign, all, "REVERTED").await, reverted + 3);
        let on_current = app.count_rows(&format!(
            "contract_history h JOIN partner_contracts c ON c.id = h.contract_id WHERE h.campaign_id = {campaign} \
             AND h.partner_id = {all} AND h.action = 'REVERTED' AND c.status = 'ACTIVE' AND c.expires_at IS NULL"
        )).await;
        assert!(on_current >= 1, "the withdrawn expiry's entry names the contract that runs on");

        // A switch now withdraws the upcoming one; an expiry now, the pending proposal.
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[replaced])), later.clone())).await).1, 1);
        let current = current_template(&app, campaign, replaced).await;
        let other = *templates.iter().find(|t| **t != target && Some(**t) != current).unwrap();
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[replaced])), json!({ "templateId": other.to_string() }))).await).1, 1);
        assert_eq!(counts(&switch(&app, &acme, with(base(campaign, ids(&[expired])), proposal.clone())).await).1, 1);
        assert_eq!(counts(&expire(&app, &acme, with(base(campaign, ids(&[expired])), json!({ "expireOn": day(0) }))).await).1, 1);

        let after: Vec<(i64, i64)> = futures_util::future::join_all(chosen.iter().map(|p| tally(*p))).await;
        for ((p, (w0, n0)), (w1, n1)) in chosen.iter().zip(before).zip(after) {
            assert!(w1 > w0, "partner {p}: something was withdrawn");
            assert_eq!(n1 - n0, w1 - w0, "partner {p}: each withdrawn record has its entry");
        }
    }
}
