//! Changes that fell due are never overtaken: a contract action first applies what is due in its
//! campaign (the runner may not have run since: it runs every minute, and a campaign whose run
//! failed waits for a later one), a proposal past its end lapses instead of being accepted, and
//! a scheduled switch that takes effect withdraws the proposals made before it — the server's
//! clock moved forward, no runner in between where the test says so.

use serde_json::json;

use crate::contract_support::*;
use crate::support::{Backend, TestApp};

/// `n` partners with an open-ended active contract on none of `templates`.
async fn active_on_none_of(
    app: &TestApp,
    acme: &partnergraph::service::accounts::NewAccount,
    campaign: i64,
    templates: &[i64],
    n: usize,
) -> Vec<i64> {
    let mut out = Vec::new();
    for p in active_partners(app, acme, campaign).await {
        let current = current_template(app, campaign, p).await;
        if current.is_some_and(|t| !templates.contains(&t)) {
            out.push(p);
        }
        if out.len() == n {
            return out;
        }
    }
    panic!("the seed has {n} active partners on other templates");
}

/// The actions of a partner's contract history, oldest first.
async fn history_actions(
    app: &TestApp,
    acme: &partnergraph::service::accounts::NewAccount,
    campaign: i64,
    partner: i64,
) -> Vec<String> {
    let data = app
        .data_as(
            acme,
            "query($c: ID!, $p: ID!) { partner(campaignId: $c, id: $p) { contractHistory(first: 50) { nodes { action } } } }",
            json!({ "c": campaign.to_string(), "p": partner.to_string() }),
        )
        .await;
    let mut actions: Vec<String> = data["partner"]["contractHistory"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["action"].as_str().unwrap().to_owned())
        .collect();
    actions.reverse();
    actions
}

async fn an_action_applies_what_fell_due_before_it(backend: Backend) {
    let Some((app, clock)) = TestApp::spawn_clocked(backend, chrono::Utc::now()).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let acme = app.seed_account(40, 211).await;
    let campaign = acme.campaign_ids[0];
    let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
    let chosen = active_not_on(&app, &acme, campaign, target, 2).await;
    let (temporary, scheduled) = (chosen[0], chosen[1]);
    let on = |p: i64| base(campaign, ids(&[p]));
    // Far enough ahead that no notice period reaches it (at most 365 days).
    let t = target.to_string();
    let made = switch(
        &app,
        &acme,
        with(
            on(temporary),
            json!({ "templateId": t, "effectiveDate": day(370), "endDate": day(375) }),
        ),
    )
    .await;
    assert_eq!(counts(&made).1, 1, "{made}");
    let made = switch(
        &app,
        &acme,
        with(
            on(scheduled),
            json!({ "templateId": t, "effectiveDate": day(370) }),
        ),
    )
    .await;
    assert_eq!(counts(&made).1, 1, "{made}");

    // 380 days on, and no runner since: the temporary contract started and ended, the
    // scheduled switch took effect. Actions see that, not the records as they were left.
    clock.advance(chrono::Duration::days(380));
    let again = switch(&app, &acme, with(on(temporary), json!({ "templateId": t }))).await;
    assert_eq!(
        counts(&again),
        (1, 0, vec!["NO_CURRENT_CONTRACT:1".to_owned()]),
        "the temporary contract ended on day 375: nothing current to switch from"
    );
    assert_eq!(standing_of(&app, campaign, temporary).await.0, "EXPIRED");
    let withdrawn = withdraw(
        &app,
        &acme,
        with(on(scheduled), json!({ "switches": true })),
    )
    .await;
    assert_eq!(
        counts(&withdrawn),
        (1, 0, vec!["NOTHING_TO_WITHDRAW:1".to_owned()]),
        "the switch took effect on day 370: it is too late to withdraw it"
    );
    assert_eq!(
        current_template(&app, campaign, scheduled).await,
        Some(target)
    );
    let actions = history_actions(&app, &acme, campaign, scheduled).await;
    assert_eq!(
        actions.last().map(String::as_str),
        Some("SWITCH_APPLIED"),
        "{actions:?}"
    );
    // The action applied all the campaign's due changes: the runner has nothing left there.
    let before = [
        history_actions(&app, &acme, campaign, temporary).await,
        history_actions(&app, &acme, campaign, scheduled).await,
    ];
    let due_elsewhere = partnergraph::service::contracts::due::apply_due(&app.db, &clock)
        .await
        .unwrap();
    assert_eq!(due_elsewhere.failed, 0);
    let after = [
        history_actions(&app, &acme, campaign, temporary).await,
        history_actions(&app, &acme, campaign, scheduled).await,
    ];
    assert_eq!(before, after);
    assert!(
        before[0].ends_with(&["SWITCH_APPLIED".to_owned(), "EXPIRED".to_owned()]),
        "{before:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_applies_what_fell_due_before_it_on_sqlite() {
    an_action_applies_what_fell_due_before_it(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_applies_what_fell_due_before_it_on_postgres() {
    an_action_applies_what_fell_due_before_it(Backend::Postgres).await;
}

async fn proposals_lapse_and_give_way_to_later_switches(backend: Backend) {
    let Some((app, clock)) = TestApp::spawn_clocked(backend, chrono::Utc::now()).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let acme = app.seed_account(40, 223).await;
    let campaign = acme.campaign_ids[0];
    let templates = template_ids(&app, &acme, campaign).await;
    let (proposed, switched) = (
        templates[templates.len() - 1],
        templates[templates.len() - 2],
    );
    let chosen = active_on_none_of(&app, &acme, campaign, &[proposed, switched], 3).await;
    let (lapsing, overridden, later) = (chosen[0], chosen[1], chosen[2]);
    let on = |p: i64| base(campaign, ids(&[p]));
    let propose = |start: i64, end: Option<i64>| {
        let mut input = json!({ "templateId": proposed.to_string(), "approval": "PROPOSE", "effectiveDate": day(start) });
        if let Some(end) = end {
            input["endDate"] = json!(day(end));
        }
        input
    };
    let replace = json!({ "templateId": switched.to_string(), "effectiveDate": day(370) });
    // Terms for days 370 to 371, never accepted.
    assert_eq!(
        counts(&switch(&app, &acme, with(on(lapsing), propose(370, Some(371)))).await).1,
        1
    );
    // A proposal, then a switch scheduled before its day: the switch is the later decision.
    assert_eq!(
        counts(&switch(&app, &acme, with(on(overridden), propose(390, None))).await).1,
        1
    );
    assert_eq!(
        counts(&switch(&app, &acme, with(on(overridden), replace.clone())).await).1,
        1
    );
    // A switch, then a proposal: the proposal is the later decision and stays.
    assert_eq!(
        counts(&switch(&app, &acme, with(on(later), replace)).await).1,
        1
    );
    assert_eq!(
        counts(&switch(&app, &acme, with(on(later), propose(390, None))).await).1,
        1
    );
    let pending = json!({ "termsUpdates": ["PENDING_PROPOSAL"] });
    let listed_pending = listed(&app, &acme, campaign, pending.clone()).await;
    assert!([lapsing, overridden, later]
        .iter()
        .all(|p| listed_pending.contains(p)));

    clock.advance(chrono::Duration::days(375));
    let applied = partnergraph::service::contracts::due::apply_due(&app.db, &clock)
        .await
        .unwrap();
    assert!(applied.lapsed >= 1 && applied.switched >= 2, "{applied:?}");

    // The lapsed proposal is withdrawn, with a REVERTED entry; the contract is untouched.
    assert_eq!(
        with_status(&app, campaign, lapsing, "PENDING").await,
        Vec::<String>::new()
    );
    assert!(with_status(&app, campaign, lapsing, "WITHDRAWN")
        .await
        .contains(&format!("WITHDRAWN:{proposed}")));
    assert_eq!(
        history_actions(&app, &acme, campaign, lapsing)
            .await
            .last()
            .map(String::as_str),
        Some("REVERTED")
    );
    assert_eq!(standing_of(&app, campaign, lapsing).await.0, "ACTIVE");
    let accepted = answer(&app, &acme, with(on(lapsing), json!({ "accept": true }))).await;
    assert_eq!(
        counts(&accepted),
        (1, 0, vec!["NO_PENDING_PROPOSAL:1".to_owned()]),
        "terms that are over cannot be accepted"
    );

    // The switch withdrew the older proposal, and kept the newer one.
    assert_eq!(
        current_template(&app, campaign, overridden).await,
        Some(switched)
    );
    assert_eq!(
        with_status(&app, campaign, overridden, "PENDING").await,
        Vec::<String>::new()
    );
    assert_eq!(
        current_template(&app, campaign, later).await,
        Some(switched)
    );
    assert_eq!(
        with_status(&app, campaign, later, "PENDING").await,
        [format!("PENDING:{proposed}")]
    );
    let listed_pending = listed(&app, &acme, campaign, pending).await;
    assert!(!listed_pending.contains(&lapsing) && !listed_pending.contains(&overridden));
    assert!(listed_pending.contains(&later));
    assert_eq!(
        partnergraph::service::contracts::due::apply_due(&app.db, &clock)
            .await
            .unwrap(),
        Default::default(),
        "each change once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_lapse_and_give_way_to_later_switches_on_sqlite() {
    proposals_lapse_and_give_way_to_later_switches(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_lapse_and_give_way_to_later_switches_on_postgres() {
    proposals_lapse_and_give_way_to_later_switches(Backend::Postgres).await;
}
