//! The SQL statements of every contract action, and of the scheduled-change runner, do not grow
//! with the selection: each runs over 2 and then over 10 partners (all affected both times) with
//! the same number of statements. (A switch by filter: `contracts.rs`; an assignment:
//! `assign.rs`.)

use std::future::Future;

use partnergraph::service::accounts::NewAccount;
use serde_json::{json, Value};

use crate::contract_support::*;
use crate::support::{backend_tests, TestApp};

/// The server's statements for `run` over the first 2 and then the next 10 of `partners`, each
/// run affecting every partner it selects; asserts they are equal.
async fn same_for_2_and_10<F, Fut>(
    app: &TestApp,
    acme: &NewAccount,
    what: &str,
    partners: &[i64],
    run: F,
) where
    F: Fn(Value) -> Fut,
    Fut: Future<Output = Value>,
{
    let mut spent = Vec::new();
    for part in [&partners[..2], &partners[2..12]] {
        // The credential verified just before, so neither run pays for it.
        app.data_as(acme, "{ viewer { user { name } } }", json!({}))
            .await;
        let before = app.statements();
        let payload = run(ids(part)).await;
        let (matched, affected, _) = counts(&payload);
        assert_eq!(
            (matched, affected),
            (part.len() as i64, part.len() as i64),
            "{what}: {payload}"
        );
        spent.push(app.statements() - before);
    }
    assert_eq!(
        spent[0], spent[1],
        "{what}: the same statements for 2 and for 10 partners"
    );
}

backend_tests! {
    async fn no_contract_action_runs_more_statements_for_more_partners(app) {
        let acme = app.seed_account(200, 151).await;
        let campaign = acme.campaign_ids[0];
        let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
        let t = target.to_string();
        let plain = plain_actives(&app, campaign, target, 72).await;
        let group = |n: usize| &plain[12 * n..12 * n + 12];
        let (app, acme) = (&app, &acme);
        let on = |selection: Value, extra: Value| with(base(campaign, selection), extra);

        same_for_2_and_10(app, acme, "suspend", group(0), |s| async move { standing(app, acme, true, on(s, json!({}))).await }).await;
        same_for_2_and_10(app, acme, "reinstate", group(0), |s| async move { standing(app, acme, false, on(s, json!({}))).await }).await;
        let t2 = t.clone();
        same_for_2_and_10(app, acme, "schedule a switch", group(1), move |s| {
            let t = t2.clone();
            async move { switch(app, acme, on(s, json!({ "templateId": t, "effectiveDate": day(5) }))).await }
        }).await;
        same_for_2_and_10(app, acme, "withdraw switches", group(1), |s| async move { withdraw(app, acme, on(s, json!({ "switches": true }))).await }).await;
        let t2 = t.clone();
        same_for_2_and_10(app, acme, "propose", group(2), move |s| {
            let t = t2.clone();
            async move { switch(app, acme, on(s, json!({ "templateId": t, "approval": "PROPOSE" }))).await }
        }).await;
        same_for_2_and_10(app, acme, "accept", group(2), |s| async move { answer(app, acme, on(s, json!({ "accept": true }))).await }).await;
        same_for_2_and_10(app, acme, "schedule an expiry", group(3), |s| async move { expire(app, acme, on(s, json!({ "expireOn": day(20) }))).await }).await;
        same_for_2_and_10(app, acme, "expire now", group(4), |s| async move {
            expire(app, acme, on(s, json!({ "expireOn": day(0), "withdrawPendingSwitches": true }))).await
        }).await;

        // The runner: 2 scheduled switches due, then 10.
        let mut spent = Vec::new();
        for (part, days) in [(&plain[60..62], 2), (&plain[62..72], 4)] {
            let scheduled = switch(app, acme, on(ids(part), json!({ "templateId": t, "effectiveDate": day(days) }))).await;
            assert_eq!(counts(&scheduled).1, part.len() as i64, "{scheduled}");
            let before = app.statements();
            let applied = apply_due_in(app, days + 1).await;
            assert_eq!(applied.switched, part.len() as u64, "{applied:?}");
            spent.push(app.statements() - before);
        }
        assert_eq!(spent[0], spent[1], "apply-due: the same statements for 2 and for 10 due switches");
    }
}
