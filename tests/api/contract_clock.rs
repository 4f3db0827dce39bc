//! The server's one clock: moved forward, the list's time-relative filters and the contracts'
//! scheduled changes follow it, without waiting for real time.

use serde_json::json;

use crate::contract_support::*;
use crate::support::TestApp;

/// The server's one clock: moved forward, the list's time-relative filters and the scheduled
/// changes follow it, without waiting for real time.
async fn the_clock_moves_filters_and_scheduled_changes(backend: crate::support::Backend) {
    let Some((app, clock)) = TestApp::spawn_clocked(backend, chrono::Utc::now()).await else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let acme = app.seed_account(30, 107).await;
    let campaign = acme.campaign_ids[0];
    let p = active_partners(&app, &acme, campaign).await[0];
    expire(
        &app,
        &acme,
        with(base(campaign, ids(&[p])), json!({ "expireOn": day(10) })),
    )
    .await;
    assert!(listed(
        &app,
        &acme,
        campaign,
        json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })
    )
    .await
    .contains(&p));
    clock.advance(chrono::Duration::days(12));
    assert!(
        !listed(
            &app,
            &acme,
            campaign,
            json!({ "termsUpdates": ["UPCOMING_EXPIRY"] })
        )
        .await
        .contains(&p),
        "12 days on, by the server's clock, the expiry is no longer upcoming"
    );
    partnergraph::service::contracts::due::apply_due(&app.db, &clock)
        .await
        .unwrap();
    assert_eq!(standing_of(&app, campaign, p).await.0, "EXPIRED");
    // An action now happens at the moved time: "today" is 12 days on.
    let target = *template_ids(&app, &acme, campaign).await.last().unwrap();
    let q = active_partners(&app, &acme, campaign).await[0];
    let too_early = switch(
        &app,
        &acme,
        with(
            base(campaign, ids(&[q])),
            json!({ "templateId": target.to_string(), "effectiveDate": day(5) }),
        ),
    )
    .await;
    assert_eq!(
        too_early["userErrors"][0]["field"],
        json!(["input", "effectiveDate"]),
        "day 5 is in the clock's past: {too_early}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_moves_filters_and_scheduled_changes_on_sqlite() {
    the_clock_moves_filters_and_scheduled_changes(crate::support::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_moves_filters_and_scheduled_changes_on_postgres() {
    the_clock_moves_filters_and_scheduled_changes(crate::support::Backend::Postgres).await;
}
