//! The floor of the GraphQL layer alone for request 1 of the list bench (issue 13's throughput
//! target): the same document and variables, answered by a schema of the same shape whose
//! resolvers return values already in memory: no HTTP, no authentication, no database, no
//! DataLoader, no facet index. What it measures is async-graphql's own work per request (read
//! the JSON body, parse and validate the document, resolve 50 partners × 15 columns, write the
//! JSON response), which every request of the real server does on top of its statements; and
//! the throughput bench's client reading that response (`serde_json::Value`), which runs on the
//! same two cores in the measured run.
//!
//! ```sh
//! cargo bench --bench graphql_floor
//! ```

use std::time::Instant;

/// The benches' shared code: request 1's text, and mimalloc as the allocator, as the server's.
mod common;

use async_graphql::{
    EmptyMutation, EmptySubscription, InputObject, Object, Request, Schema, SimpleObject, ID,
};

#[derive(SimpleObject, Clone)]
struct Named {
    name: String,
}

#[derive(SimpleObject, Clone)]
struct Contract {
    name: String,
    status: String,
}

#[derive(SimpleObject, Clone)]
struct Choice {
    label: String,
}

#[derive(SimpleObject, Clone)]
struct Answer {
    text: Option<String>,
    number: Option<f64>,
    date: Option<String>,
    options: Vec<Choice>,
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
struct Partner {
    partner_id: ID,
    name: String,
    country: String,
    size: String,
    email: String,
    date_joined: String,
    relationship_type: String,
    relationship_stage: String,
    social_reach: i64,
    moz_domain_authority: i64,
    groups: Vec<Named>,
    contracts: Vec<Contract>,
    assigned_to: Option<Named>,
    #[graphql(skip)]
    answers: Vec<Answer>,
}

#[async_graphql::ComplexObject]
impl Partner {
    async fn custom_fields(&self, ids: Vec<ID>) -> Vec<Answer> {
        self.answers.iter().take(ids.len()).cloned().collect()
    }
}

#[derive(SimpleObject)]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(SimpleObject)]
struct Connection {
    total_count: i64,
    page_info: PageInfo,
    nodes: Vec<Partner>,
}

#[derive(InputObject)]
struct PartnerFilter {
    countries: Option<Vec<String>>,
    group_ids: Option<Vec<ID>>,
    contract_statuses: Option<Vec<String>>,
}

#[derive(InputObject)]
struct PartnerOrder {
    field: String,
    direction: String,
}

struct Query {
    nodes: Vec<Partner>,
}

#[Object]
impl Query {
    async fn partners(
        &self,
        campaign_id: ID,
        filter: Option<PartnerFilter>,
        order_by: Option<Vec<PartnerOrder>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Connection {
        let _ = (campaign_id, filter, order_by, after);
        let first = first.unwrap_or(50).max(0) as usize;
        Connection {
            total_count: 4_063,
            page_info: PageInfo {
                has_next_page: true,
                end_cursor: Some("ZGF0ZV9qb2luZWQ6MjAyNS0wMy0wNFQwNTowNjowN1o6MTIzNDU2".into()),
            },
            nodes: self.nodes.iter().take(first).cloned().collect(),
        }
    }
}

fn partner(i: i64) -> Partner {
    Partner {
        partner_id: ID(format!("{}", 1_000_000 + i)),
        name: format!("Partner number {i}"),
        country: "US".into(),
        size: "MEDIUM".into(),
        email: format!("partner{i}@example.com"),
        date_joined: "2025-03-04T05:06:07Z".into(),
        relationship_type: "AFFILIATE".into(),
        relationship_stage: "ACTIVE".into(),
        social_reach: 1_234 * i,
        moz_domain_authority: 40,
        groups: vec![
            Named {
                name: "Spring promotion".into(),
            },
            Named {
                name: "Top sellers".into(),
            },
        ],
        contracts: vec![Contract {
            name: "Standard".into(),
            status: "ACTIVE".into(),
        }],
        assigned_to: Some(Named {
            name: "Alice Manager".into(),
        }),
        answers: vec![
            Answer {
                text: Some("An answer".into()),
                number: None,
                date: None,
                options: vec![],
            },
            Answer {
                text: None,
                number: None,
                date: None,
                options: vec![Choice {
                    label: "Yes".into(),
                }],
            },
        ],
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let schema = Schema::build(
        Query {
            nodes: (0..50).map(partner).collect(),
        },
        EmptyMutation,
        EmptySubscription,
    )
    .finish();
    let body = serde_json::json!({
        "query": common::REQUEST_1.replace("$cf", r#"["11", "12"]"#),
        "variables": {
            "c": "2",
            "f": { "countries": ["US"], "groupIds": ["77"], "contractStatuses": ["ACTIVE"] },
            "o": [{ "field": "DATE_JOINED", "direction": "DESC" }],
        },
    })
    .to_string();
    let runs: u32 = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    println!("request 1's GraphQL work alone, one thread, {runs} requests per round:");
    for round in 1..=5 {
        let started = Instant::now();
        let mut bytes = Vec::new();
        for _ in 0..runs {
            let request: Request = serde_json::from_str(&body).expect("a request");
            let response = schema.execute(request).await;
            assert!(response.errors.is_empty(), "{:?}", response.errors);
            bytes = serde_json::to_vec(&response).expect("JSON");
        }
        let server = started.elapsed().as_secs_f64() * 1_000.0 / f64::from(runs);
        let started = Instant::now();
        for _ in 0..runs {
            let read: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            assert!(read["data"]["partners"]["nodes"].is_array());
        }
        let client = started.elapsed().as_secs_f64() * 1_000.0 / f64::from(runs);
        println!(
            "  round {round}: GraphQL {server:.3} ms, the client's read {client:.3} ms per request \
             ({} bytes of response)",
            bytes.len()
        );
    }
}
