//! Bulk actions at a million partners, measured over HTTP against the real server.
//!
//! `cargo bench --bench bulk` uses the same seeded database as `--bench list` (seeding it on
//! first use; `BENCH_DATABASE_URL` picks PostgreSQL). Every action selects the campaign's
//! 100,000 most recently joined partners by a `dateJoined` filter, as "Select all" sends it:
//! 1. `assignPartners` to an account user (alternating between two, so every run changes all);
//! 2. `switchPartnerContracts` to a template, REPLACE, effective today (alternating templates);
//! 3. `switchPartnerContracts` effective tomorrow (scheduling 100,000 upcoming switches), then
//!    applying them with the scheduled-change runner (`contracts apply-due`) at a later time;
//! 4. `expirePartners` effective today (once: the bench puts the contracts back afterwards with
//!    SQL, so the database stays usable for the next run).
//!
//! Each runs `BENCH_WRITE_RUNS` times (default 5), expiry once. `BENCH_PAUSE_MS` (default 0)
//! waits that long before each timed action, as between an operator's actions: on SQLite the
//! server then has copied the previous action's log into the file before the next one starts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Duration as Days, Utc};
use common::{env_number, joined_since, report, scalar, timed, Bench};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

const PAYLOAD: &str = "matchedCount affectedCount skipped { reason count } userErrors { message }";
const ASSIGN_PAYLOAD: &str = "matchedCount affectedCount userErrors { message }";

/// Waits `BENCH_PAUSE_MS` before a timed action.
async fn pause() {
    let pause = env_number("BENCH_PAUSE_MS", 0);
    tokio::time::sleep(std::time::Duration::from_millis(pause as u64)).await;
}

async fn act(
    bench: &Bench,
    name: &str,
    input_type: &str,
    input: Value,
) -> (std::time::Duration, Value) {
    let fields = if name == "assignPartners" {
        ASSIGN_PAYLOAD
    } else {
        PAYLOAD
    };
    let query = format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ {fields} }} }}");
    pause().await;
    let (took, data) = timed(bench.run(&query, json!({ "i": input }))).await;
    let payload = data[name].clone();
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    println!(
        "   {name}: matched {}, affected {}, skipped {} in {:.0} ms",
        payload["matchedCount"],
        payload["affectedCount"],
        payload.get("skipped").cloned().unwrap_or_default(),
        took.as_secs_f64() * 1000.0
    );
    (took, payload)
}

async fn ids(bench: &Bench, sql: &str) -> Vec<i64> {
    bench
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            bench.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect()
}

#[tokio::main]
async fn main() {
    // `RUST_LOG=partnergraph::sql=trace` prints every statement with its time.
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .init();
    }
    let bench = Bench::start().await;
    let runs = env_number("BENCH_WRITE_RUNS", 5);
    let c = bench.campaign.to_string();
    let since = joined_since(&bench, 100_000).await;
    let selection = json!({ "filter": { "dateJoined": { "from": since } } });
    let target = |extra: Value| {
        let mut input = json!({ "campaignId": c, "selection": selection });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    };

    let users = ids(
        &bench,
        &format!(
            "SELECT id FROM account_users WHERE account_id = {} ORDER BY id LIMIT 2",
            bench.account
        ),
    )
    .await;
    let mut times = Vec::new();
    for run in 0..runs {
        let user = users[run % 2];
        times.push(
            act(
                &bench,
                "assignPartners",
                "AssignPartnersInput",
                target(json!({ "userId": user.to_string() })),
            )
            .await
            .0,
        );
    }
    report("1. assign 100,000 partners selected by a filter", times);

    let templates = ids(
        &bench,
        &format!(
            "SELECT id FROM contract_templates WHERE campaign_id = {} ORDER BY id",
            bench.campaign
        ),
    )
    .await;
    let mut times = Vec::new();
    for run in 0..runs {
        let template = templates[run % 2];
        times.push(
            act(
                &bench,
                "switchPartnerContracts",
                "SwitchPartnerContractsInput",
                target(json!({ "templateId": template.to_string() })),
            )
            .await
            .0,
        );
    }
    report("2. switch 100,000 to a template (REPLACE, today)", times);

    let (mut scheduling, mut applying) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let template = templates[(run + 1) % 2];
        let tomorrow = (Utc::now() + Days::days(1)).format("%Y-%m-%d").to_string();
        scheduling.push(
            act(
                &bench,
                "switchPartnerContracts",
                "SwitchPartnerContractsInput",
                target(json!({ "templateId": template.to_string(), "effectiveDate": tomorrow })),
            )
            .await
            .0,
        );
        let at = Utc::now() + Days::days(2);
        pause().await;
        let (took, applied) = timed(partnergraph::service::contracts::due::apply_due(
            &bench.db,
            &partnergraph::clock::Clock::fixed(at),
        ))
        .await;
        println!(
            "   apply-due: {:?} in {:.0} ms",
            applied.unwrap(),
            took.as_secs_f64() * 1000.0
        );
        applying.push(took);
    }
    report(
        "3a. schedule 100,000 switches (effective tomorrow)",
        scheduling,
    );
    report("3b. apply the due switches (apply-due)", applying);

    let started = Utc::now();
    let (took, _) = act(
        &bench,
        "expirePartners",
        "ExpirePartnersInput",
        target(json!({ "expireOn": Utc::now().format("%Y-%m-%d").to_string() })),
    )
    .await;
    report("4. expire 100,000", vec![took]);
    restore_expired(&bench, started).await;
}

/// Puts the contracts the expiry ended back (bench bookkeeping, not an API action), so the next
/// run finds the same partners under contract.
async fn restore_expired(bench: &Bench, since: chrono::DateTime<Utc>) {
    let db = &bench.db;
    let c = bench.campaign;
    let since = since.to_rfc3339();
    let marker = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => format!("'{since}'::timestamptz"),
        _ => format!("'{since}'"),
    };
    let expired = format!(
        "SELECT contract_id FROM contract_history WHERE campaign_id = {c} AND action = 'EXPIRED' AND created_at >= {marker}"
    );
    let partners = format!(
        "SELECT partner_id FROM contract_history WHERE campaign_id = {c} AND action = 'EXPIRED' AND created_at >= {marker}"
    );
    for sql in [
        format!("UPDATE partner_contracts SET status = 'ACTIVE', end_date = NULL WHERE id IN ({expired})"),
        format!("UPDATE campaign_partners SET contract_status = 'ACTIVE', relationship_stage = 'JOINED' WHERE campaign_id = {c} AND partner_id IN ({partners})"),
    ] {
        db.execute_unprepared(&sql).await.unwrap();
    }
    println!(
        "   restored {} expired contracts",
        scalar(db, &format!("SELECT COUNT(*) FROM ({expired}) t")).await
    );
}
