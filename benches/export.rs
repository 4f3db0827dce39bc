//! Export Partner List at scale: the campaign's every partner exported as CSV and as XLSX
//! through the download URL, read as a browser would.
//!
//! `cargo bench --bench export` (SQLite, `BENCH_PARTNERS` partners, 1,000,000 by default) or
//! with `BENCH_DATABASE_URL` set; `BENCH_FORMATS=CSV` runs one format, `BENCH_EXPORT_COLUMNS`
//! (comma-separated keys) other columns. Reports, per format,
//! the rows and bytes received, the time to the first byte and to the last, and the process's
//! resident memory before and at its highest while the export ran (the server runs in the
//! bench's process), and fails when an export is not whole or memory grew by 100 MiB or more.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{env_number, scalar, Bench};
use serde_json::json;

const EXPORT: &str = "mutation($i: ExportPartnersInput!) { exportPartners(input: $i) { url userErrors { message } } }";

/// The process's resident memory in KiB (Linux).
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let bench = Bench::start().await;
    let field = scalar(
        &bench.db,
        &format!(
            "SELECT MIN(id) FROM custom_fields WHERE campaign_id = {} AND display_type = 'CHECKBOXES'",
            bench.campaign
        ),
    )
    .await;
    // What a brand would pick: identity, groups, contract, the relationship, profile facts, a
    // multi-valued attribute and a custom field.
    let columns = json!([
        "partner",
        "partnerId",
        "groups",
        "contract",
        "dateJoined",
        "country",
        "size",
        "email",
        "socialReach",
        "assignedTo",
        "relationshipStage",
        "contractStatus",
        "businessModel",
        format!("customField:{field}")
    ]);
    let columns = match std::env::var("BENCH_EXPORT_COLUMNS") {
        Ok(list) => json!(list.split(',').collect::<Vec<_>>()),
        Err(_) => columns,
    };
    let formats = std::env::var("BENCH_FORMATS").unwrap_or_else(|_| "CSV,XLSX".into());
    let limit_mib = env_number("BENCH_EXPORT_RSS_LIMIT_MIB", 100) as u64;
    for format in formats.split(',') {
        let issued = bench
            .run(
                EXPORT,
                json!({ "i": { "campaignId": bench.campaign.to_string(), "columns": columns, "format": format } }),
            )
            .await;
        let url = issued["exportPartners"]["url"]
            .as_str()
            .unwrap_or_else(|| panic!("no URL: {issued}"))
            .to_owned();
        // Memory sampled every 20 ms while the export runs.
        let before = resident_kib();
        let peak = Arc::new(AtomicU64::new(before));
        let running = Arc::new(AtomicBool::new(true));
        let sampler = {
            let (peak, running) = (peak.clone(), running.clone());
            tokio::spawn(async move {
                while running.load(Ordering::Relaxed) {
                    peak.fetch_max(resident_kib(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        let start = Instant::now();
        let mut response = bench
            .http()
            .get(format!("{}{url}", bench.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let (mut bytes, mut newlines, mut first) = (0u64, 0u64, None);
        while let Some(chunk) = response.chunk().await.expect("the whole export") {
            first.get_or_insert_with(|| start.elapsed());
            bytes += chunk.len() as u64;
            newlines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        }
        let total = start.elapsed();
        running.store(false, Ordering::Relaxed);
        sampler.await.unwrap();
        let peak = peak.load(Ordering::Relaxed);
        let grown_mib = peak.saturating_sub(before) as f64 / 1024.0;
        let rows = if format == "CSV" {
            format!("{} rows", newlines.saturating_sub(1))
        } else {
            "rows in the workbook".to_owned()
        };
        println!(
            "{} {format}: {} partners, {rows}, {:.1} MB in {:.1} s (first byte after {:.1} s); RSS {:.0} MiB before, {:.0} MiB at most (+{grown_mib:.0} MiB)",
            bench.backend,
            bench.in_campaign,
            bytes as f64 / 1e6,
            total.as_secs_f64(),
            first.unwrap_or_default().as_secs_f64(),
            before as f64 / 1024.0,
            peak as f64 / 1024.0,
        );
        if format == "CSV" {
            assert_eq!(
                newlines,
                bench.in_campaign as u64 + 1,
                "every partner and the header"
            );
        }
        assert!(
            grown_mib < limit_mib as f64,
            "memory grew by {grown_mib:.0} MiB while exporting, over {limit_mib} MiB"
        );
    }
}
