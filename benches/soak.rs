//! The soak bench: `SOAK_SECONDS` (default 600) of mixed reads and bulk writes from
//! `SOAK_CLIENTS` (default 16) well-behaved clients, each with its own credential and the
//! server's default limits, plus one hostile client sending the most expensive query the limits
//! accept in a loop, while a prober times `/healthz` every 200 ms. Reports throughput, p50/p99
//! and errors per kind of request, what the hostile client got through, and `/healthz`.
//!
//! `cargo bench --bench soak`: SQLite at `target/bench/partners-100000.db` (seeded on first
//! use; `BENCH_PARTNERS` for another size); `BENCH_DATABASE_URL=postgres://…` for PostgreSQL.
//!
//! Well-behaved clients act like screens: a request, then a pause (`SOAK_THINK_MS`, default
//! 200 ms) — the list requests of the list bench (filtered wide page with `totalCount`, search,
//! a deep cursor page), and every fourth client also changes a group's members over a filter
//! (about 2,000 partners) every `SOAK_WRITE_EVERY` requests (default 80).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{env_number, group_near, Bench, CURSOR_PAGE, SEARCH, WIDE};
use serde_json::{json, Value};
use tokio::sync::Mutex;

const CHANGE: &str = "mutation($i: ChangePartnerGroupsInput!) { changePartnerGroups(input: $i) {
  matchedCount affectedCount userErrors { code message } } }";

/// Nine aliases of a search with `totalCount` and all ten facets: 49,051 of the 50,000 a
/// request may cost, and every facet counted in SQL (a search is not in the facet index).
fn hostile_query(campaign: i64) -> String {
    let one = format!("partners(campaignId: \"{campaign}\", filter: {{ search: \"a\" }}, first: 0) {{ totalCount facets {{
        countries {{ value count }} groups {{ value count }} contractStatuses {{ value count }}
        contractTemplates {{ value count }} relationshipTypes {{ value count }} sizes {{ value count }}
        relationshipStages {{ value count }} businessModels {{ value count }} assignedTo {{ value count }}
        prospectingSources {{ value count }} }} }}");
    let aliases: String = (0..9).map(|i| format!(" h{i}: {one}")).collect();
    format!("{{{aliases} }}")
}

/// Outcomes of one kind of request.
#[derive(Default)]
struct Tally {
    times: Vec<Duration>,
    errors: BTreeMap<String, usize>,
}

type Tallies = Arc<Mutex<BTreeMap<&'static str, Tally>>>;

async fn record(tallies: &Tallies, kind: &'static str, took: Duration, error: Option<String>) {
    let mut all = tallies.lock().await;
    let tally = all.entry(kind).or_default();
    tally.times.push(took);
    if let Some(code) = error {
        *tally.errors.entry(code).or_default() += 1;
    }
}

/// Sends one GraphQL request; returns its time and the error code, if any.
async fn send(
    http: &reqwest::Client,
    base: &str,
    auth: &str,
    query: &str,
    variables: Value,
) -> (Duration, Option<String>, Value) {
    let start = Instant::now();
    let response = http
        .post(format!("{base}/graphql"))
        .header("Authorization", auth)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await;
    let (status, body) = match response {
        Ok(r) => {
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or_default())
        }
        Err(err) => (
            0,
            json!({ "errors": [{ "extensions": { "code": format!("transport: {err}") } }] }),
        ),
    };
    let took = start.elapsed();
    let error = body["errors"][0]["extensions"]["code"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| (status != 200).then(|| format!("HTTP {status}")));
    (took, error, body)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let bench = Bench::start_with(partnergraph::config::ApiConfig::default(), 100_000).await;
    let seconds = env_number("SOAK_SECONDS", 600) as u64;
    let clients = env_number("SOAK_CLIENTS", 16);
    let think = Duration::from_millis(env_number("SOAK_THINK_MS", 200) as u64);
    // For finding what costs what: `SOAK_WRITES=0` leaves the bulk changes out, `SOAK_HOSTILE=0`
    // the hostile client.
    let writes = env_number("SOAK_WRITES", 1) == 1;
    // Every fourth client changes a group's members every `SOAK_WRITE_EVERY` of its requests
    // (default 80: one bulk change every 4 s or so across the 16 clients).
    let write_every = env_number("SOAK_WRITE_EVERY", 80).max(4) / 4 * 4;
    let hostile_on = env_number("SOAK_HOSTILE", 1) == 1;
    let c = bench.campaign.to_string();
    let group = group_near(&bench.db, bench.campaign, bench.in_campaign / 60).await;
    // A group of the bench's own whose members the writers change.
    let writer_auth = bench.new_credential("soak setup").await;
    let (_, _, created) = send(bench.http(), &bench.base, &writer_auth,
        "mutation($c: ID!) { createPartnerGroup(input: { campaignId: $c, name: \"soak churn\" }) { group { id } userErrors { code } } }",
        json!({ "c": c })).await;
    let churn = created["data"]["createPartnerGroup"]["group"]["id"].clone();
    let churn = if churn.is_null() {
        let (_, _, found) = send(
            bench.http(),
            &bench.base,
            &writer_auth,
            "query($c: ID!) { partnerGroups(campaignId: $c) { id name } }",
            json!({ "c": c }),
        )
        .await;
        found["data"]["partnerGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "soak churn")
            .map(|g| g["id"].clone())
            .unwrap()
    } else {
        churn
    };
    // A cursor about 200 pages in.
    let mut after = Value::Null;
    for _ in 0..199 {
        let (_, _, body) = send(
            bench.http(),
            &bench.base,
            &writer_auth,
            CURSOR_PAGE,
            json!({ "c": c, "after": after }),
        )
        .await;
        after = body["data"]["partners"]["pageInfo"]["endCursor"].clone();
    }
    let hostile = hostile_query(bench.campaign);
    // The facet index of the campaign is read in the background at first use: wait for it, as
    // a server that has been up a while would have it.
    let facets = "query($c: ID!) { partners(campaignId: $c, filter: { countries: [\"US\"] }, first: 0) { facets { sizes { value count } } } }";
    for _ in 0..600 {
        let (took, _, _) = send(
            bench.http(),
            &bench.base,
            &writer_auth,
            facets,
            json!({ "c": c }),
        )
        .await;
        if took < Duration::from_millis(50) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let tallies: Tallies = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    println!(
        "{}: soak of {seconds} s, {clients} clients + 1 hostile, {} partners",
        bench.backend, bench.in_campaign
    );

    let mut tasks = Vec::new();
    for n in 0..clients {
        let auth = bench.new_credential(&format!("soak client {n}")).await;
        let (http, base, tallies) = (bench.http().clone(), bench.base.clone(), tallies.clone());
        let (c, after, churn) = (c.clone(), after.clone(), churn.clone());
        let group = group.to_string();
        tasks.push(tokio::spawn(async move {
            let mut round = n;
            while Instant::now() < deadline {
                round += 1;
                let (kind, query, variables): (&'static str, &str, Value) = match round % 4 {
                    0 if writes && n % 4 == 0 && round % write_every == 0 => {
                        let country = ["CA", "GB", "DE", "FR", "AU"][round / write_every % 5];
                        let add = (round / write_every).is_multiple_of(2);
                        let input = json!({ "campaignId": c, "selection": { "filter": { "countries": [country], "sizes": ["SMALL"] } },
                            (if add { "add" } else { "remove" }): [churn] });
                        ("bulk group change", CHANGE, json!({ "i": input }))
                    }
                    0 | 1 => ("1. filtered wide page + totalCount", WIDE,
                        json!({ "c": c, "f": { "countries": ["US"], "groupIds": [group], "contractStatuses": ["ACTIVE"] } })),
                    2 => ("2. search", SEARCH, json!({ "c": c, "f": { "search": "coupon" } })),
                    _ => ("3. deep cursor page", CURSOR_PAGE, json!({ "c": c, "after": after })),
                };
                let (took, error, _) = send(&http, &base, &auth, query, variables).await;
                record(&tallies, kind, took, error).await;
                tokio::time::sleep(think).await;
            }
        }));
    }
    if hostile_on {
        let auth = bench.new_credential("soak hostile").await;
        let (http, base, tallies) = (bench.http().clone(), bench.base.clone(), tallies.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let (took, error, body) = send(&http, &base, &auth, &hostile, Value::Null).await;
                let wait = body["errors"][0]["extensions"]["retryAfter"].as_u64();
                record(
                    &tallies,
                    "hostile: most expensive accepted query",
                    took,
                    error,
                )
                .await;
                // A hostile client does not wait politely: it retries after a tenth of a second.
                let _ = wait;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }));
    }
    {
        let (http, base, tallies) = (bench.http().clone(), bench.base.clone(), tallies.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let start = Instant::now();
                let ok = http
                    .get(format!("{base}/healthz"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                record(
                    &tallies,
                    "/healthz",
                    start.elapsed(),
                    (!ok).then(|| "failed".to_owned()),
                )
                .await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }

    println!(
        "{:<40} {:>8} {:>9} {:>9} {:>9} {:>9}  errors",
        "request", "count", "per s", "p50 ms", "p99 ms", "max ms"
    );
    for (kind, tally) in tallies.lock().await.iter_mut() {
        tally.times.sort();
        let count = tally.times.len();
        let errors: Vec<String> = tally
            .errors
            .iter()
            .map(|(code, n)| format!("{code} × {n}"))
            .collect();
        println!(
            "{kind:<40} {count:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.1}  {}",
            count as f64 / seconds as f64,
            percentile(&tally.times, 0.5),
            percentile(&tally.times, 0.99),
            percentile(&tally.times, 1.0),
            if errors.is_empty() {
                "none".to_owned()
            } else {
                errors.join(", ")
            }
        );
    }
}
