//! The stage copy (`campaign_partner_stages`, which the list's stage sort walks) follows every
//! bulk write that changes relationship stages: an expiry now (which on PostgreSQL pauses the
//! copy's row trigger and copies the stages once at its end, migration 000038) and the
//! scheduled-change runner's expiries (the trigger on). The pause ends with the write, so a later
//! single-row update is copied by the trigger again.

use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;

use crate::contract_support::*;
use crate::support::{backend_tests, Backend, TestApp};

/// Partners of the campaign whose copied stage differs from their row's, as `partner:row/copy`.
async fn copy_differences(app: &TestApp, campaign: i64) -> Vec<String> {
    app.texts(&format!(
        "SELECT CAST(cp.partner_id AS TEXT) || ':' || cp.relationship_stage || '/' \
         || COALESCE(s.relationship_stage, '-') FROM campaign_partners cp \
         LEFT JOIN campaign_partner_stages s ON s.id = cp.id WHERE cp.campaign_id = {campaign} \
         AND (s.id IS NULL OR s.relationship_stage <> cp.relationship_stage OR s.partner_id <> cp.partner_id \
         OR s.campaign_id <> cp.campaign_id) ORDER BY cp.partner_id"
    ))
    .await
    .into_iter()
    .map(Option::unwrap_or_default)
    .collect()
}

/// The copied stage of a partner.
async fn copied_stage(app: &TestApp, campaign: i64, partner: i64) -> String {
    app.texts(&format!(
        "SELECT s.relationship_stage FROM campaign_partner_stages s JOIN campaign_partners cp \
         ON cp.id = s.id WHERE cp.campaign_id = {campaign} AND cp.partner_id = {partner}"
    ))
    .await[0]
        .clone()
        .unwrap_or_default()
}

/// The stages of the campaign's partners in the list's stage order: each stage one run.
async fn stage_runs(
    app: &TestApp,
    acme: &partnergraph::service::accounts::NewAccount,
    campaign: i64,
) -> Vec<String> {
    let data = app
        .data_as(
            acme,
            "query($c: ID!) { partners(campaignId: $c, first: 500, orderBy: [{ field: RELATIONSHIP_STAGE }]) { nodes { relationshipStage } } }",
            json!({ "c": campaign.to_string() }),
        )
        .await;
    let mut runs: Vec<String> = Vec::new();
    for node in data["partners"]["nodes"].as_array().unwrap() {
        let stage = node["relationshipStage"].as_str().unwrap_or("-").to_owned();
        if runs.last() != Some(&stage) {
            runs.push(stage);
        }
    }
    runs
}

fn no_repeats(runs: &[String]) -> bool {
    let mut seen = runs.to_vec();
    seen.sort();
    seen.dedup();
    seen.len() == runs.len()
}

backend_tests! {
    async fn the_stage_copy_follows_bulk_expiries_and_the_runner(app) {
        let acme = app.seed_account(60, 41).await;
        let campaign = acme.campaign_ids[0];
        let active = active_partners(&app, &acme, campaign).await;
        assert!(active.len() >= 8, "active partners: {}", active.len());
        assert_eq!(copy_differences(&app, campaign).await, Vec::<String>::new());

        // Expired now, by ids and by a filter with an exclusion.
        let by_ids = expire(&app, &acme, with(base(campaign, ids(&active[..2])), json!({ "expireOn": day(0) }))).await;
        assert_eq!(counts(&by_ids).1, 2);
        let status = json!({ "contractStatuses": ["ACTIVE"] });
        let except: Vec<i64> = listed(&app, &acme, campaign, status.clone()).await.into_iter()
            .filter(|p| !active[2..4].contains(p)).collect();
        assert!(except.contains(&active[4]));
        let filtered = json!({ "filter": status, "exceptIds": strings(&except) });
        let by_filter = expire(&app, &acme, with(base(campaign, filtered), json!({ "expireOn": day(0) }))).await;
        assert_eq!(counts(&by_filter).1, 2);
        for p in &active[..4] {
            assert_eq!(copied_stage(&app, campaign, *p).await, "EXPIRED", "partner {p}");
        }
        assert_ne!(copied_stage(&app, campaign, active[4]).await, "EXPIRED", "excluded");
        assert_eq!(copy_differences(&app, campaign).await, Vec::<String>::new());

        // A dry run copies nothing either.
        let dry = expire(&app, &acme, with(base(campaign, ids(&active[5..6])), json!({ "expireOn": day(0), "dryRun": true }))).await;
        assert_eq!(counts(&dry).1, 1);
        assert_ne!(copied_stage(&app, campaign, active[5]).await, "EXPIRED");

        // Scheduled, then expired by the runner.
        let later = expire(&app, &acme, with(base(campaign, ids(&active[5..7])), json!({ "expireOn": day(2) }))).await;
        assert_eq!(counts(&later).1, 2);
        assert_ne!(copied_stage(&app, campaign, active[5]).await, "EXPIRED", "not yet");
        assert_eq!(apply_due_in(&app, 3).await.expired, 2);
        for p in &active[5..7] {
            assert_eq!(copied_stage(&app, campaign, *p).await, "EXPIRED", "partner {p}");
        }
        assert_eq!(copy_differences(&app, campaign).await, Vec::<String>::new());

        // The stage sort walks the copy: each stage is one run of the list.
        let runs = stage_runs(&app, &acme, campaign).await;
        assert!(runs.contains(&"EXPIRED".to_owned()) && runs.len() >= 2, "{runs:?}");
        assert!(no_repeats(&runs), "stages out of order: {runs:?}");

        // The pause ended with each write: an ordinary update is copied by the trigger again.
        app.db
            .execute_unprepared(&format!(
                "UPDATE campaign_partners SET relationship_stage = 'JOINED' \
                 WHERE campaign_id = {campaign} AND partner_id = {}",
                active[0]
            ))
            .await
            .unwrap();
        assert_eq!(copied_stage(&app, campaign, active[0]).await, "JOINED");
        assert_eq!(copy_differences(&app, campaign).await, Vec::<String>::new());

        // PostgreSQL's trigger honours the pause, within the transaction that set it.
        if matches!(app.backend(), Backend::Postgres) {
            let txn = app.db.begin().await.unwrap();
            txn.execute_unprepared("SELECT set_config('partnergraph.stage_copy', 'paused', true)").await.unwrap();
            let update = format!(
                "UPDATE campaign_partners SET relationship_stage = 'EXPIRED' WHERE campaign_id = {campaign} AND partner_id = {}",
                active[0]
            );
            txn.execute_unprepared(&update).await.unwrap();
            let copied = format!(
                "SELECT s.relationship_stage FROM campaign_partner_stages s JOIN campaign_partners cp \
                 ON cp.id = s.id WHERE cp.campaign_id = {campaign} AND cp.partner_id = {}",
                active[0]
            );
            let stage = |row: Option<sea_orm::QueryResult>| row.unwrap().try_get_by_index::<String>(0).unwrap();
            let read = || sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, copied.clone());
            assert_eq!(stage(txn.query_one_raw(read()).await.unwrap()), "JOINED", "paused: not copied");
            txn.execute_unprepared("SELECT set_config('partnergraph.stage_copy', '', true)").await.unwrap();
            txn.execute_unprepared(&update.replace("'EXPIRED'", "'NEGOTIATING'")).await.unwrap();
            assert_eq!(stage(txn.query_one_raw(read()).await.unwrap()), "NEGOTIATING", "resumed: copied");
            txn.rollback().await.unwrap();
        }
    }
}
