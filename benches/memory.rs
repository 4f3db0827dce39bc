//! The facet indexes' memory with ten campaigns of 100,000 partners held.
//!
//! `cargo bench --bench memory` seeds ten accounts of `BENCH_PARTNERS` (100,000) partners each
//! (their first campaigns hold them all), then asks each campaign for all ten facets until the
//! answer comes from its facet index, and reports the bytes the indexes hold (the
//! `partnergraph_facet_index_bytes` gauge, an estimate of their heap) and the process's
//! resident memory after each. A second pass asks every campaign again: the counts must be the
//! ones of the first pass, whether its index was held or let go and read again. With
//! `FACET_INDEX_MAX_BYTES` below what ten indexes weigh, the bench checks that the indexes held
//! never exceed it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{env_number, scalar, Bench};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{json, Value};

const FACETS: &str = "query($c: ID!) { partners(campaignId: $c, first: 0) { totalCount facets {
  countries { value count } groups { value count } contractStatuses { value count } contractTemplates { value count }
  relationshipTypes { value count } sizes { value count } relationshipStages { value count }
  businessModels { value count } assignedTo { value count } prospectingSources { value count } } } }";

/// The process's resident memory in MiB (Linux).
fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// The bytes the facet indexes hold, as the server's metrics report them; panics when they are
/// over `budget`.
async fn held_bytes(bench: &Bench, budget: u64) -> u64 {
    let held = bench
        .metrics()
        .await
        .lines()
        .find_map(|l| l.strip_prefix("partnergraph_facet_index_bytes "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0, |v| v as u64);
    assert!(
        held <= budget,
        "the indexes hold {held} bytes, over the budget of {budget}"
    );
    held
}

async fn facets(bench: &Bench, auth: &str, campaign: i64) -> (Duration, Value) {
    let start = Instant::now();
    let data = bench
        .run_as(auth, FACETS, json!({ "c": campaign.to_string() }))
        .await;
    (start.elapsed(), data)
}

/// Asks for the campaign's facets until they come from its index (read in the background at
/// this size); returns them.
async fn from_index(bench: &Bench, auth: &str, campaign: i64) -> Value {
    for _ in 0..1200 {
        let (took, data) = facets(bench, auth, campaign).await;
        if took < Duration::from_millis(50) {
            return data;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("campaign {campaign}'s facet index was not read within two minutes");
}

#[tokio::main]
async fn main() {
    let api = partnergraph::config::ApiConfig {
        graphql_cost_budget: 0,
        rest_rate_limit: 0,
        ..Default::default()
    };
    let bench = Bench::start_accounts(api, 10, 100_000).await;
    let budget = env_number(
        "FACET_INDEX_MAX_BYTES",
        partnergraph::service::partners::facet_index::MAX_BYTES,
    ) as u64;
    let accounts: Vec<i64> = bench
        .db
        .query_all_raw(Statement::from_string(
            bench.db.get_database_backend(),
            "SELECT id FROM accounts ORDER BY id".to_owned(),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<i64>(0).unwrap())
        .collect();
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "{} accounts; budget {:.0} MiB; resident at start {:.0} MiB",
        accounts.len(),
        mib(budget),
        resident_mib()
    );
    let mut seen = Vec::new();
    let mut most = 0;
    for &account in &accounts {
        let (auth, campaign) = bench.account_credential(account).await;
        let partners = scalar(
            &bench.db,
            &format!("SELECT COUNT(*) FROM campaign_partners WHERE campaign_id = {campaign}"),
        )
        .await;
        let data = from_index(&bench, &auth, campaign).await;
        let held = held_bytes(&bench, budget).await;
        most = most.max(held);
        println!(
            "campaign {campaign:>3} ({partners} partners): indexes held {:>6.1} MiB, resident {:>6.0} MiB",
            mib(held),
            resident_mib()
        );
        seen.push((auth, campaign, data));
    }
    // Every campaign again: the same counts, from a held index or one read again.
    for (auth, campaign, first) in &seen {
        let again = from_index(&bench, auth, *campaign).await;
        assert_eq!(&again, first, "campaign {campaign}'s facets changed");
        let held = held_bytes(&bench, budget).await;
        most = most.max(held);
    }
    println!(
        "second pass: every count as in the first; the indexes held at most {:.1} MiB (budget {:.0} MiB); resident {:.0} MiB",
        mib(most),
        mib(budget),
        resident_mib()
    );
}
