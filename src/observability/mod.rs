//! Operability: Prometheus metrics (`/metrics`), a request id on every response and log line,
//! and the log format. The functions here are the whole metrics API of the rest of the code:
//! the HTTP and GraphQL layers, the cost model, the rate limits, the database error
//! classification and the facet index call them; none of them knows about Prometheus.
//!
//! # Series
//!
//! | name | type | labels | what |
//! | --- | --- | --- | --- |
//! | `partnergraph_http_requests_total` | counter | `method`, `route`, `status` | HTTP requests answered |
//! | `partnergraph_http_request_duration_seconds` | histogram | `method`, `route`, `status` | their latency |
//! | `partnergraph_graphql_requests_total` | counter | `operation`, `outcome` | GraphQL operations: `ok`, the first error's code, or `cancelled` (request timeout, client gone) |
//! | `partnergraph_graphql_request_duration_seconds` | histogram | `operation` | their latency |
//! | `partnergraph_graphql_query_cost` | histogram | `kind` (`requested`, `actual`) | the cost model's figures per operation |
//! | `partnergraph_rate_limited_total` | counter | `api` (`graphql`, `rest`) | requests refused by a rate limit |
//! | `partnergraph_db_errors_total` | counter | `kind` (`unavailable`, `timeout`, `transient`, `other`) | database failures |
//! | `partnergraph_db_pool_connections` | gauge | `state` (`idle`, `in_use`) | the server's pool connections (their sum is the open ones), sampled at each scrape |
//! | `partnergraph_db_pool_max_connections` | gauge | | the pool's size limit (`DB_MAX_CONNECTIONS`) |
//! | `partnergraph_facet_index_lookups_total` | counter | `result` | facet index uses (`hit`, `read`) and fallbacks to SQL (`sql_filter`, `sql_background`, `sql_too_many_values`) |
//! | `partnergraph_facet_index_bytes` | gauge | | memory held by facet indexes (estimate) |
//! | `partnergraph_facet_index_campaigns` | gauge | | campaigns whose facet index is held |
//!
//! Labels stay bounded: routes are the router's path templates (`unmatched` otherwise),
//! operation names are capped in length and number (the rest become `other`).

mod graphql_metrics;
mod http_metrics;
mod labels;
pub mod logging;
mod recorder;
pub mod request_id;

use ::metrics::{counter, gauge, histogram};

use crate::error::DbFailure;

pub use graphql_metrics::GraphqlMetrics;
pub use http_metrics::track_http;
pub use recorder::{install as install_metrics, metrics_endpoint, MetricsHandle};

const HTTP_REQUESTS: &str = "partnergraph_http_requests_total";
const HTTP_DURATION: &str = "partnergraph_http_request_duration_seconds";
const GRAPHQL_REQUESTS: &str = "partnergraph_graphql_requests_total";
const GRAPHQL_DURATION: &str = "partnergraph_graphql_request_duration_seconds";
const QUERY_COST: &str = "partnergraph_graphql_query_cost";
const RATE_LIMITED: &str = "partnergraph_rate_limited_total";
const DB_ERRORS: &str = "partnergraph_db_errors_total";
const DB_POOL: &str = "partnergraph_db_pool_connections";
const DB_POOL_MAX: &str = "partnergraph_db_pool_max_connections";
const FACET_INDEX_LOOKUPS: &str = "partnergraph_facet_index_lookups_total";
const FACET_INDEX_BYTES: &str = "partnergraph_facet_index_bytes";
const FACET_INDEX_CAMPAIGNS: &str = "partnergraph_facet_index_campaigns";

/// The API a rate limit guards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    /// `/graphql`.
    Graphql,
    /// The REST façade under `/Advertisers`.
    Rest,
}

impl Api {
    fn as_str(self) -> &'static str {
        match self {
            Api::Graphql => "graphql",
            Api::Rest => "rest",
        }
    }
}

/// Records the cost model's figures of one GraphQL operation: what it was estimated to cost
/// before it ran, and what it did cost.
pub fn record_query_cost(requested: u64, actual: u64) {
    histogram!(QUERY_COST, "kind" => "requested").record(requested as f64);
    histogram!(QUERY_COST, "kind" => "actual").record(actual as f64);
}

/// Records a request refused by a rate limit.
pub fn record_rate_limited(api: Api) {
    counter!(RATE_LIMITED, "api" => api.as_str()).increment(1);
}

/// Records a database failure by kind (called where `DbErr` becomes `AppError`).
pub fn record_db_failure(kind: DbFailure) {
    counter!(DB_ERRORS, "kind" => kind.as_str()).increment(1);
}

/// How the facet index served one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FacetIndexUse {
    /// A held index of the current version answered.
    Hit,
    /// The index was read (at once) and answered.
    Read,
    /// The held index applied the changes logged since its version and answered.
    Patched,
    /// The filter has conditions the index cannot evaluate: counted in SQL.
    SqlFilter,
    /// The index is being read in the background: counted in SQL meanwhile.
    SqlBackground,
    /// A dimension has more distinct values than the index can code: counted in SQL.
    SqlTooManyValues,
}

/// Records how the facet index served one request.
pub fn record_facet_index(used: FacetIndexUse) {
    let result = match used {
        FacetIndexUse::Hit => "hit",
        FacetIndexUse::Read => "read",
        FacetIndexUse::Patched => "patched",
        FacetIndexUse::SqlFilter => "sql_filter",
        FacetIndexUse::SqlBackground => "sql_background",
        FacetIndexUse::SqlTooManyValues => "sql_too_many_values",
    };
    counter!(FACET_INDEX_LOOKUPS, "result" => result).increment(1);
}

/// Records a change of the memory held by facet indexes: `bytes` more (or fewer) and
/// `campaigns` more (or fewer) campaigns held.
pub fn record_facet_index_memory(bytes: i64, campaigns: i64) {
    gauge!(FACET_INDEX_BYTES).increment(bytes as f64);
    gauge!(FACET_INDEX_CAMPAIGNS).increment(campaigns as f64);
}
