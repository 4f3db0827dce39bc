//! The process's Prometheus recorder (installed once, shared by every server in the process)
//! and the `/metrics` endpoint, which samples the database pool as it renders.

use std::sync::OnceLock;
use std::time::Duration;

use ::metrics::{describe_counter, describe_gauge, describe_histogram, gauge, Unit};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::*;
use crate::http::AppState;

/// Latency buckets (seconds): from a cached count to the request timeout.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
/// Query cost buckets (cost model points).
const COST_BUCKETS: &[f64] = &[
    1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1e3, 5e3, 1e4, 5e4, 1e5, 5e5, 1e6,
];
/// How often histogram samples are folded into buckets when nobody scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Renders the process's metrics.
#[derive(Clone)]
pub struct MetricsHandle(PrometheusHandle);

static HANDLE: OnceLock<Option<MetricsHandle>> = OnceLock::new();

/// Installs the Prometheus recorder (once per process) and returns its handle; `None` when
/// another recorder was installed first.
pub fn install() -> Option<MetricsHandle> {
    HANDLE.get_or_init(build).clone()
}

fn build() -> Option<MetricsHandle> {
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
        .and_then(|b| b.set_buckets_for_metric(Matcher::Full(QUERY_COST.into()), COST_BUCKETS));
    let handle = match builder.and_then(PrometheusBuilder::install_recorder) {
        Ok(handle) => handle,
        Err(err) => {
            tracing::warn!(error = %err, "metrics are off: cannot install the recorder");
            return None;
        }
    };
    describe();
    let upkeep = handle.clone();
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || loop {
            std::thread::sleep(UPKEEP_EVERY);
            upkeep.run_upkeep();
        });
    if let Err(err) = spawned {
        tracing::warn!(error = %err, "no metrics upkeep thread; histograms fold at scrapes");
    }
    Some(MetricsHandle(handle))
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route and status"
    );
    describe_histogram!(HTTP_DURATION, Unit::Seconds, "HTTP request latency");
    describe_counter!(
        GRAPHQL_REQUESTS,
        "GraphQL operations by name and outcome (ok, the first error's code, or cancelled)"
    );
    describe_histogram!(GRAPHQL_DURATION, Unit::Seconds, "GraphQL operation latency");
    describe_histogram!(
        QUERY_COST,
        "GraphQL query cost, requested (estimated) and actual"
    );
    describe_counter!(RATE_LIMITED, "Requests refused by a rate limit, by API");
    describe_counter!(DB_ERRORS, "Database failures by kind");
    describe_gauge!(DB_POOL, "Database pool connections by state (idle, in_use)");
    describe_gauge!(DB_POOL_MAX, "Most connections the database pool opens");
    describe_counter!(
        FACET_INDEX_LOOKUPS,
        "Facet index uses (hit, read) and fallbacks to SQL (sql_*)"
    );
    describe_gauge!(
        FACET_INDEX_BYTES,
        Unit::Bytes,
        "Memory held by facet indexes (estimate)"
    );
    describe_gauge!(FACET_INDEX_CAMPAIGNS, "Campaigns whose facet index is held");
}

impl MetricsHandle {
    /// The metrics in Prometheus' text format, with the pool of `state` sampled now.
    pub fn render(&self, state: &AppState) -> String {
        let (open, idle, max) = crate::db::pool_usage(&state.db);
        gauge!(DB_POOL, "state" => "idle").set(f64::from(idle));
        gauge!(DB_POOL, "state" => "in_use").set(f64::from(open.saturating_sub(idle)));
        gauge!(DB_POOL_MAX).set(f64::from(max));
        self.0.render()
    }
}

/// `GET /metrics`: the Prometheus text exposition.
pub async fn metrics_endpoint(State(state): State<AppState>) -> Response {
    match &state.metrics {
        Some(handle) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            handle.render(&state),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
