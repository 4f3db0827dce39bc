//! Every contract action, dry and real: the dry run returns the real run's counts, skip reasons
//! per reason included, and writes nothing (every table an action writes, compared whole); the
//! real run writes when it affects someone. After each real run (and each scheduled change the
//! runner applies), the list's contract filters and facets agree with the contract records.
//! Actions run by ids and by filter with exclusions.

use partnergraph::service::accounts::NewAccount;
use serde_json::{json, Value};

use crate::contract_support::*;
use crate::support::{backend_tests, TestApp};

/// Runs contract mutation `name` dry, checks that it wrote nothing, then for real; checks
/// the counts are equal and that the real run wrote when it affected anyone; returns the real
/// run's (matched, affected, skipped per reason).
async fn dry_then_real(
    app: &TestApp,
    acme: &NewAccount,
    name: &str,
    input: Value,
) -> (i64, i64, Vec<String>) {
    let input_type = match name {
        "switchPartnerContracts" => "SwitchPartnerContractsInput",
        "expirePartners" => "ExpirePartnersInput",
        "suspendPartners" | "reinstatePartners" => "PartnerStandingInput",
        "withdrawUpcomingContractChanges" => "WithdrawUpcomingContractChangesInput",
        "recordProposalAnswer" => "RecordProposalAnswerInput",
        other => panic!("not a contract action: {other}"),
    };
    let before = written(app).await;
    let dry = act(
        app,
        acme,
        name,
        input_type,
        with(input.clone(), json!({ "dryRun": true })),
    )
    .await;
    assert_eq!(dry["dryRun"], true, "{dry}");
    assert_eq!(
        written(app).await,
        before,
        "{name}'s dry run wrote nothing: {input}"
    );
    let real = act(app, acme, name, input_type, input.clone()).await;
    assert_eq!(real["dryRun"], false, "{real}");
    let counts = counts(&real);
    assert_eq!(
        counts,
        self::counts(&dry),
        "{name}: the dry run's counts are the real run's ({input})"
    );
    if counts.1 > 0 {
        assert_ne!(
            written(app).await,
            before,
            "{name} affected partners: it wrote"
        );
    }
    counts
}

/// Partner ids of an SQL query's first column.
async fn partner_set(app: &TestApp, sql: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = app
        .texts(sql)
        .await
        .into_iter()
        .map(|p| p.unwrap().parse().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// A facet's buckets as sorted `VALUE:count`.
fn buckets(facets: &Value, facet: &str) -> Vec<String> {
    let mut all: Vec<String> = facets[facet]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["count"].as_i64().unwrap() > 0)
        .map(|b| format!("{}:{}", b["value"].as_str().unwrap(), b["count"]))
        .collect();
    all.sort();
    all
}

/// `VALUE:count` of an SQL `GROUP BY` (value, count), sorted.
async fn grouped(app: &TestApp, sql: &str) -> Vec<String> {
    let mut all: Vec<String> = app
        .texts(sql)
        .await
        .into_iter()
        .map(Option::unwrap)
        .collect();
    all.sort();
    all
}

/// The list's contract filters and facets agree with the campaign's contract records: the
/// relationship rows mirror each partner's current record, and the list shows the mirror.
async fn list_agrees(app: &TestApp, acme: &NewAccount, campaign: i64, after: &str) {
    let record = |status: &str| {
        format!(
            "SELECT CAST(cp.partner_id AS TEXT) FROM campaign_partners cp WHERE cp.campaign_id = {campaign} \
             AND EXISTS (SELECT 1 FROM partner_contracts c WHERE c.campaign_id = {campaign} \
             AND c.partner_id = cp.partner_id AND c.status {status})"
        )
    };
    for status in ["ACTIVE", "SUSPENDED"] {
        let holding = partner_set(app, &record(&format!("= '{status}'"))).await;
        let mirrored = partner_set(app, &format!(
            "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {campaign} AND contract_status = '{status}'"
        )).await;
        assert_eq!(
            mirrored, holding,
            "after {after}: relationship rows {status} = partners with a {status} record"
        );
        assert_eq!(
            listed(app, acme, campaign, json!({ "contractStatuses": [status] })).await,
            holding,
            "after {after}: the {status} filter"
        );
    }
    let expired = partner_set(app, &format!(
        "SELECT CAST(partner_id AS TEXT) FROM campaign_partners WHERE campaign_id = {campaign} AND contract_status = 'EXPIRED'"
    )).await;
    let current = partner_set(app, &record("IN ('ACTIVE', 'SUSPENDED')")).await;
    assert!(
        expired.iter().all(|p| current.binary_search(p).is_err()),
        "after {after}: an expired partner has no current record"
    );
    assert_eq!(
        listed(
            app,
            acme,
            campaign,
            json!({ "contractStatuses": ["EXPIRED"] })
        )
        .await,
        expired,
        "after {after}: the EXPIRED filter"
    );
    let mut active_stage = current.clone();
    active_stage.sort_unstable();
    assert_eq!(
        listed(app, acme, campaign, json!({ "contractStages": ["ACTIVE"] })).await,
        active_stage,
        "after {after}: the active stage"
    );
    for stage in ["JOINED", "EXPIRED"] {
        let rows = partner_set(app, &format!(
            "SELECT CAST(cp.partner_id AS TEXT) FROM campaign_partners cp JOIN campaign_partner_stages s ON s.id = cp.id \
             WHERE cp.campaign_id = {campaign} AND cp.relationship_stage = '{stage}' AND s.relationship_stage = '{stage}'"
        )).await;
        assert_eq!(
            listed(
                app,
                acme,
                campaign,
                json!({ "relationshipStages": [stage] })
            )
            .await,
            rows,
            "after {after}: the {stage} stage filter (rows and their stage copies agree)"
        );
    }
    for (update, status) in [
        ("UPCOMING_SWITCH", "= 'UPCOMING'"),
        ("PENDING_PROPOSAL", "= 'PENDING'"),
    ] {
        assert_eq!(
            listed(app, acme, campaign, json!({ "termsUpdates": [update] })).await,
            partner_set(app, &record(status)).await,
            "after {after}: the {update} filter"
        );
    }
    let data = app.data_as(acme,
        "query($c: ID!) { partners(campaignId: $c, first: 1) { facets { contractStatuses { value count } relationshipStages { value count } contractTemplates { value count } } } }",
        json!({ "c": campaign.to_string() })).await;
    let facets = &data["partners"]["facets"];
    assert_eq!(
        buckets(facets, "contractStatuses"),
        grouped(
            app,
            &format!(
                "SELECT contract_status || ':' || CAST(COUNT(*) AS TEXT) FROM campaign_partners \
         WHERE campaign_id = {campaign} AND contract_status IS NOT NULL GROUP BY contract_status"
            )
        )
        .await,
        "after {after}: the contract status facet"
    );
    assert_eq!(
        buckets(facets, "relationshipStages"),
        grouped(
            app,
            &format!(
        "SELECT relationship_stage || ':' || CAST(COUNT(*) AS TEXT) FROM campaign_partners \
         WHERE campaign_id = {campaign} GROUP BY relationship_stage"
    )
        )
        .await,
        "after {after}: the relationship stage facet"
    );
    assert_eq!(buckets(facets, "contractTemplates"), grouped(app, &format!(
        "SELECT CAST(template_id AS TEXT) || ':' || CAST(COUNT(*) AS TEXT) FROM partner_contracts \
         WHERE campaign_id = {campaign} AND status IN ('ACTIVE', 'SUSPENDED') AND template_id IS NOT NULL GROUP BY template_id"
    )).await, "after {after}: the template facet");
}

/// `REASON:n`, for expected skips.
fn skip(reason: &str, n: i64) -> String {
    format!("{reason}:{n}")
}

backend_tests! {
    async fn every_contract_actions_dry_run_is_its_real_run_without_writing_and_the_list_follows(app) {
        let acme = app.seed_account(60, 131).await;
        let campaign = acme.campaign_ids[0];
        list_agrees(&app, &acme, campaign, "the seed").await;
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let t = target.to_string();
        let a = plain_actives(&app, campaign, target, 12).await;
        let nobody = prospect(&app, campaign).await;
        let sel = |ps: &[i64]| base(campaign, ids(ps));
        let by_filter = |filter: Value, except: &[i64]| base(campaign, json!({ "filter": filter, "exceptIds": strings(except) }));
        const SWITCH: &str = "switchPartnerContracts";

        // Switch now; again, the first is on the template already.
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[0], a[1], nobody]), json!({ "templateId": t }))).await,
            (3, 2, vec![skip("NO_CURRENT_CONTRACT", 1)]));
        list_agrees(&app, &acme, campaign, "a switch").await;
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[0], a[2]]), json!({ "templateId": t }))).await,
            (2, 1, vec![skip("ALREADY_ON_TEMPLATE", 1)]));

        // A scheduled switch; the same again is scheduled already.
        let later = json!({ "templateId": t, "effectiveDate": day(5) });
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[3], a[4]]), later.clone())).await, (2, 2, vec![]));
        list_agrees(&app, &acme, campaign, "a scheduled switch").await;
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[3], a[4], a[5]]), later.clone())).await,
            (3, 1, vec![skip("ALREADY_SCHEDULED", 2)]));

        // A proposal of new terms (the template is created by the real run only).
        let proposal = json!({ "approval": "PROPOSE", "newTemplate": {
            "name": "Proposed terms", "payoutType": "PERCENT_OF_SALE", "payoutValue": 7.5 } });
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[6], a[7]]), proposal)).await, (2, 2, vec![]));
        list_agrees(&app, &acme, campaign, "a proposal").await;
        const ANSWER: &str = "recordProposalAnswer";
        assert_eq!(dry_then_real(&app, &acme, ANSWER, with(sel(&[a[6], a[8]]), json!({ "accept": true }))).await,
            (2, 1, vec![skip("NO_PENDING_PROPOSAL", 1)]));
        list_agrees(&app, &acme, campaign, "an accepted proposal").await;
        assert_eq!(dry_then_real(&app, &acme, ANSWER, with(sel(&[a[7]]), json!({ "accept": false }))).await, (1, 1, vec![]));
        list_agrees(&app, &acme, campaign, "a declined proposal").await;

        // Suspend; a suspended partnership is not switched; reinstate.
        assert_eq!(dry_then_real(&app, &acme, "suspendPartners", sel(&[a[9], a[10], nobody])).await,
            (3, 2, vec![skip("NO_CURRENT_CONTRACT", 1)]));
        list_agrees(&app, &acme, campaign, "a suspension").await;
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[9]]), json!({ "templateId": t }))).await,
            (1, 0, vec![skip("SUSPENDED", 1)]));
        assert_eq!(dry_then_real(&app, &acme, "reinstatePartners", sel(&[a[9], a[11]])).await,
            (2, 1, vec![skip("NOT_SUSPENDED", 1)]));
        list_agrees(&app, &acme, campaign, "a reinstatement").await;

        // A scheduled expiry; the same day again; a switch waits for it to be withdrawn.
        const EXPIRE: &str = "expirePartners";
        let on_day_10 = json!({ "expireOn": day(10) });
        assert_eq!(dry_then_real(&app, &acme, EXPIRE, with(sel(&[a[11], nobody]), on_day_10.clone())).await,
            (2, 1, vec![skip("NO_CURRENT_CONTRACT", 1)]));
        list_agrees(&app, &acme, campaign, "a scheduled expiry").await;
        assert_eq!(dry_then_real(&app, &acme, EXPIRE, with(sel(&[a[11]]), on_day_10)).await,
            (1, 0, vec![skip("ALREADY_SCHEDULED", 1)]));
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[11]]), json!({ "templateId": t }))).await,
            (1, 0, vec![skip("EXPIRY_SCHEDULED", 1)]));

        // Withdraw an expiry and a switch, with partners that have nothing to withdraw.
        const WITHDRAW: &str = "withdrawUpcomingContractChanges";
        assert_eq!(dry_then_real(&app, &acme, WITHDRAW, with(sel(&[a[11], a[0]]), json!({ "expiries": true }))).await,
            (2, 1, vec![skip("NOTHING_TO_WITHDRAW", 1)]));
        assert_eq!(dry_then_real(&app, &acme, WITHDRAW, with(sel(&[a[3], a[1]]), json!({ "switches": true }))).await,
            (2, 1, vec![skip("NOTHING_TO_WITHDRAW", 1)]));
        list_agrees(&app, &acme, campaign, "withdrawals").await;

        // A switch inside the current contract's notice period is skipped.
        let created = app.data_as(&acme, "mutation($i: CreateContractTemplateInput!) { createContractTemplate(input: $i) { template { templateId } } }",
            json!({ "i": { "campaignId": campaign.to_string(), "template": {
                "name": "Thirty days' notice", "payoutType": "PERCENT_OF_SALE", "payoutValue": 5, "noticePeriodDays": 30 } } })).await;
        let notice = created["createContractTemplate"]["template"]["templateId"].to_string();
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[1]]), json!({ "templateId": notice }))).await, (1, 1, vec![]));
        assert_eq!(dry_then_real(&app, &acme, SWITCH, with(sel(&[a[1]]), later)).await,
            (1, 0, vec![skip("IN_NOTICE_PERIOD", 1)]));

        // By filter with exclusions ("Select all" with rows unticked).
        let on_target = listed(&app, &acme, campaign, json!({ "contractTemplateIds": [t] })).await;
        assert!(on_target.contains(&a[0]) && on_target.len() > 2, "{on_target:?}");
        let suspended = dry_then_real(&app, &acme, "suspendPartners", by_filter(json!({ "contractTemplateIds": [t] }), &[a[0]])).await;
        assert_eq!(suspended.0, on_target.len() as i64 - 1, "everyone on the template but the excluded partner");
        assert_eq!(standing_of(&app, campaign, a[0]).await.0, "ACTIVE", "the excluded partner is left alone");
        list_agrees(&app, &acme, campaign, "a suspension by filter").await;
        let reinstated = dry_then_real(&app, &acme, "reinstatePartners", by_filter(json!({ "contractStatuses": ["SUSPENDED"] }), &[a[2]])).await;
        assert_eq!(standing_of(&app, campaign, a[2]).await.0, "SUSPENDED", "the excluded partner stays suspended");
        assert_eq!(reinstated.2, Vec::<String>::new(), "every selected partner was suspended");
        list_agrees(&app, &acme, campaign, "a reinstatement by filter").await;
        let upcoming = listed(&app, &acme, campaign, json!({ "termsUpdates": ["UPCOMING_SWITCH"] })).await;
        assert!(upcoming.contains(&a[4]), "{upcoming:?}");
        let withdrawn = dry_then_real(&app, &acme, WITHDRAW,
            with(by_filter(json!({ "termsUpdates": ["UPCOMING_SWITCH"] }), &[a[4]]), json!({ "switches": true }))).await;
        assert_eq!(withdrawn, (upcoming.len() as i64 - 1, upcoming.len() as i64 - 1, vec![]));
        list_agrees(&app, &acme, campaign, "withdrawals by filter").await;
        let expired = dry_then_real(&app, &acme, EXPIRE, with(by_filter(json!({ "contractTemplateIds": [t] }), &[a[0]]),
            json!({ "expireOn": day(0), "withdrawPendingSwitches": true }))).await;
        assert!(expired.1 > 0, "{expired:?}");
        assert_eq!(standing_of(&app, campaign, a[0]).await.0, "ACTIVE", "the excluded partner keeps its contract");
        list_agrees(&app, &acme, campaign, "an expiry by filter").await;

        // The scheduled switch left (a[4]) applies itself on its date; the list follows.
        apply_due_in(&app, 6).await;
        assert_eq!(current_template(&app, campaign, a[4]).await, Some(target));
        list_agrees(&app, &acme, campaign, "the runner").await;
    }
}
