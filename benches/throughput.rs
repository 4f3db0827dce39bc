//! List request 1 (the list bench's filtered wide page of 50 with `totalCount`) at 16
//! concurrent clients, against the same statements replayed by `pgbench` on PostgreSQL.
//!
//! `cargo bench --bench throughput` runs request 1 from `BENCH_CLIENTS` (16) clients without
//! pause for `BENCH_SECONDS` (20) over HTTP and reports requests per second, p50 and p99; then
//! the list bench's requests 1, 2 and 3 mixed (each client takes them in turn), with the same
//! figures overall and per request. On
//! PostgreSQL (`BENCH_DATABASE_URL`) it then records the SQL statements one such request runs,
//! writes them with their values as a `pgbench` script, and replays it with as many clients for
//! as long (`pgbench -M prepared`): the server's throughput as a share of the database's alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{env_number, request_1, Bench, CURSOR_PAGE, SEARCH};
use serde_json::{json, Value};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One kind of request of a load: its name, query and variables.
type Request = (&'static str, String, Value);

/// Sends `requests` from `clients` clients without pause for `seconds`, each client going
/// through them in turn (client `i` starting at the `i`-th); returns each request's kind
/// (its index) and time.
async fn load(
    bench: &Bench,
    requests: &[Request],
    clients: usize,
    seconds: usize,
) -> Vec<(usize, Duration)> {
    let deadline = Instant::now() + Duration::from_secs(seconds as u64);
    let requests = Arc::new(requests.to_vec());
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (http, base, auth) = (bench.http().clone(), bench.base.clone(), bench.auth());
        let requests = requests.clone();
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            let mut next = client % requests.len();
            while Instant::now() < deadline {
                let (_, query, vars) = &requests[next];
                let start = Instant::now();
                let body: Value = http
                    .post(format!("{base}/graphql"))
                    .header("Authorization", &auth)
                    .json(&json!({ "query": query, "variables": vars }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(body.get("errors").is_none(), "{body}");
                mine.push((next, start.elapsed()));
                next = (next + 1) % requests.len();
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all
}

/// The facet index's use so far, from the server's counters: `(result, count)`.
async fn index_uses(bench: &Bench) -> Vec<(String, u64)> {
    bench
        .metrics()
        .await
        .lines()
        .filter_map(|l| l.strip_prefix("partnergraph_facet_index_lookups_total{result=\""))
        .filter_map(|l| {
            let (result, count) = l.split_once("\"} ")?;
            Some((result.to_owned(), count.trim().parse().ok()?))
        })
        .collect()
}

/// How often the facet index answered from a held index so far.
async fn index_hits(bench: &Bench) -> u64 {
    index_uses(bench)
        .await
        .iter()
        .filter(|(r, _)| r == "hit")
        .map(|(_, n)| n)
        .sum()
}

/// Prints how the facet index answered so far.
async fn index_use(bench: &Bench) {
    let uses: Vec<String> = index_uses(bench)
        .await
        .iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect();
    println!("  facet index so far: {}", uses.join(", "));
}

/// Prints the throughput, p50 and p99 of `times`.
fn report(name: &str, times: &[Duration], seconds: usize) {
    let mut times = times.to_vec();
    times.sort();
    println!(
        "{name}: {} requests, {:.1} per s, p50 {:.1} ms, p99 {:.1} ms",
        times.len(),
        times.len() as f64 / seconds as f64,
        ms(times[times.len() / 2]),
        ms(times[(times.len() * 99 / 100).min(times.len() - 1)])
    );
}

#[tokio::main]
async fn main() {
    let bench = Bench::start().await;
    let (clients, seconds) = (
        env_number("BENCH_CLIENTS", 16),
        env_number("BENCH_SECONDS", 20),
    );
    let c = bench.campaign.to_string();
    let (wide, vars) = request_1(&bench, 20_000).await;
    // Warm: the credential verified, and the facet index read (in the background at this
    // size: a request can be fast without it, its total counted in SQL, so the bench waits
    // for the index to answer one).
    for i in 0..1200 {
        bench.run(&wide, vars.clone()).await;
        if index_hits(&bench).await > 0 {
            break;
        }
        assert!(i < 1199, "the facet index was not read within two minutes");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let request_1: Request = (
        "1. filtered wide page + totalCount",
        wide.clone(),
        vars.clone(),
    );
    let times: Vec<Duration> = load(&bench, std::slice::from_ref(&request_1), clients, seconds)
        .await
        .into_iter()
        .map(|(_, t)| t)
        .collect();
    let per_second = times.len() as f64 / seconds as f64;
    report(
        &format!("request 1, {clients} clients, {seconds} s"),
        &times,
        seconds,
    );
    index_use(&bench).await;

    // The list bench's three requests mixed: request 1, a search, page 200 through cursors.
    let mut after = Value::Null;
    for _ in 0..199 {
        let data = bench
            .run(CURSOR_PAGE, json!({ "c": c, "after": after }))
            .await;
        after = data["partners"]["pageInfo"]["endCursor"].clone();
    }
    let mixed: Vec<Request> = vec![
        request_1,
        (
            "2. search for a name fragment",
            SEARCH.to_owned(),
            json!({ "c": c, "f": { "search": "coupon" } }),
        ),
        (
            "3. page 200 through cursors",
            CURSOR_PAGE.to_owned(),
            json!({ "c": c, "after": after }),
        ),
    ];
    let ran = load(&bench, &mixed, clients, seconds).await;
    let all: Vec<Duration> = ran.iter().map(|(_, t)| *t).collect();
    report(
        &format!("requests 1-3 mixed, {clients} clients, {seconds} s"),
        &all,
        seconds,
    );
    for (i, (name, _, _)) in mixed.iter().enumerate() {
        let times: Vec<Duration> = ran
            .iter()
            .filter(|(k, _)| *k == i)
            .map(|(_, t)| *t)
            .collect();
        report(&format!("  {name}"), &times, seconds);
    }

    if !bench.url.starts_with("postgres") {
        return;
    }
    bench.statements.record();
    bench.run(&wide, vars.clone()).await;
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
