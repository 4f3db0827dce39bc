//! Every sort key of the My Partners list at a million partners, measured over HTTP against the
//! real server: the unfiltered first page of 50 sorted by each key both ways, and the page
//! after 100 pages of it (a cursor deep in the list, which for a key that can be missing lies
//! among the missing values ascending and among the present ones descending).
//!
//! `cargo bench --bench sorts` uses the database of `--bench list` (seeding it on first use;
//! `BENCH_DATABASE_URL` picks PostgreSQL); `BENCH_RUNS` timed runs of each after warm-up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Bench;
use serde_json::{json, Value};

const PAGE: &str = "query($c: ID!, $o: [PartnerOrder!], $after: String) {
  partners(campaignId: $c, orderBy: $o, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor } nodes { partnerId name country dateJoined } } }";

const FIELDS: [&str; 9] = [
    "NAME",
    "PARTNER_ID",
    "DATE_JOINED",
    "COUNTRY",
    "SIZE",
    "SOCIAL_REACH",
    "MOZ_DOMAIN_AUTHORITY",
    "MARKETPLACE_APPLICATION_DATE",
    "RELATIONSHIP_STAGE",
];

#[tokio::main]
async fn main() {
    let bench = Bench::start().await;
    let c = bench.campaign.to_string();
    for field in FIELDS {
        for direction in ["ASC", "DESC"] {
            let o = json!([{ "field": field, "direction": direction }]);
            bench
                .time(
                    &format!("{field} {direction}: first page"),
                    PAGE,
                    json!({ "c": c, "o": o }),
                )
                .await;
            let mut after = Value::Null;
            for _ in 0..100 {
                let data = bench
                    .run(PAGE, json!({ "c": c, "o": o, "after": after }))
                    .await;
                after = data["partners"]["pageInfo"]["endCursor"].clone();
            }
            bench
                .time(
                    &format!("{field} {direction}: page 101 (cursor)"),
                    PAGE,
                    json!({ "c": c, "o": o, "after": after }),
                )
                .await;
        }
    }
}
