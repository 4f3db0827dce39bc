//! List request 1 (the list bench's filtered wide page of 50 with `totalCount`) at 16
//! concurrent clients, against the same statements replayed by `pgbench` on PostgreSQL.
//!
//! `cargo bench --bench throughput` runs request 1 from `BENCH_CLIENTS` (16) clients without
//! pause for `BENCH_SECONDS` (20) over HTTP and reports requests per second, p50 and p99. On
//! PostgreSQL (`BENCH_DATABASE_URL`) it then records the SQL statements one such request runs,
//! writes them with their values as a `pgbench` script, and replays it with as many clients for
//! as long (`pgbench -M prepared`): the server's throughput as a share of the database's alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{env_number, group_near, Bench, WIDE};
use serde_json::{json, Value};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let bench = Bench::start().await;
    let (clients, seconds) = (
        env_number("BENCH_CLIENTS", 16),
        env_number("BENCH_SECONDS", 20),
    );
    let c = bench.campaign.to_string();
    let group = group_near(&bench.db, bench.campaign, 20_000).await;
    let vars = json!({ "c": c, "f": { "countries": ["US"], "groupIds": [group.to_string()], "contractStatuses": ["ACTIVE"] } });
    // Warm: the facet index read (in the background at this size), the credential verified.
    for _ in 0..600 {
        let start = Instant::now();
        bench.run(WIDE, vars.clone()).await;
        if start.elapsed() < Duration::from_millis(100) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(seconds as u64);
    let times = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, base, auth) = (bench.http().clone(), bench.base.clone(), bench.auth());
        let (vars, times) = (vars.clone(), times.clone());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while Instant::now() < deadline {
                let start = Instant::now();
                let body: Value = http
                    .post(format!("{base}/graphql"))
                    .header("Authorization", &auth)
                    .json(&json!({ "query": WIDE, "variables": vars }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(body.get("errors").is_none(), "{body}");
                mine.push(start.elapsed());
            }
            times.lock().await.extend(mine);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut times = times.lock().await.clone();
    times.sort();
    let per_second = times.len() as f64 / seconds as f64;
    println!(
        "request 1, {clients} clients, {seconds} s: {per_second:.1} per s, p50 {:.1} ms, p99 {:.1} ms",
        ms(times[times.len() / 2]),
        ms(times[(times.len() * 99 / 100).min(times.len() - 1)])
    );
    if !bench.url.starts_with("postgres") {
        return;
    }
    bench.statements.record();
    bench.run(WIDE, vars.clone()).await;
    let statements = bench.statements.take();
    let script: String = statements
        .iter()
        .map(|s| format!("{};\n", s.to_string().replace('\n', " ")))
        .collect();
    let path = std::env::temp_dir().join("partnergraph-request-1.sql");
    std::fs::write(&path, &script).unwrap();
    let pgbench = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .and_then(|dirs| {
            dirs.flatten()
                .map(|d| d.path().join("bin/pgbench"))
                .find(|p| p.exists())
        })
        .unwrap_or_else(|| "pgbench".into());
    let out = std::process::Command::new(pgbench)
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
            "-f",
        ])
        .arg(&path)
        .arg(&bench.url)
        .output()
        .expect("pgbench (PostgreSQL's client tools)");
    let text = String::from_utf8_lossy(&out.stdout);
    let tps: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "no tps in pgbench's output: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    println!(
        "the same {} statements replayed by pgbench (prepared), {clients} clients: {tps:.1} per s; the server reaches {:.2}x",
        statements.len(),
        per_second / tps
    );
}
