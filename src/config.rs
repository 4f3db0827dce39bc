//! Typed configuration from flags and environment.
//!
//! | variable | flag | default | meaning |
//! | --- | --- | --- | --- |
//! | `DATABASE_URL` | `--database-url` | `sqlite://partnergraph.db?mode=rwc` | SQLite file (embedded default) or `postgres://` URL |
//! | `BIND_ADDR` | `--bind` | `127.0.0.1:8000` | address the HTTP server listens on (the playground carries the demo's credentials only on a loopback address) |
//! | `PARTNERGRAPH_DEMO` | `--demo` | `auto` | create the demo account on an empty database: `auto` (SQLite only), `true`, `false` |
//! | `DB_MAX_CONNECTIONS` | `--db-max-connections` | `10` | size of the database connection pool |
//! | `FACET_INDEX_BACKGROUND_FROM` | `--facet-index-background-from` | `50000` | campaign size from which the facet index is read again in the background |
//! | `FACET_INDEX_PAGE_ROWS` | `--facet-index-page-rows` | `30000` (SQLite), `10000` (PostgreSQL) | most matches a page reads by the facet index's row ids (0 to 30,000) |
//! | `GRAPHQL_MAX_COST` | `--graphql-max-cost` | `50000` | highest cost of one GraphQL request (see README, "Limits") |
//! | `GRAPHQL_MAX_DEPTH` | `--graphql-max-depth` | `16` | deepest field nesting |
//! | `GRAPHQL_MAX_FIELDS` | `--graphql-max-fields` | `2000` | most fields a document selects, fragments spread in |
//! | `GRAPHQL_MAX_ALIASES` | `--graphql-max-aliases` | `50` | most aliased fields |
//! | `GRAPHQL_MAX_ROOT_FIELDS` | `--graphql-max-root-fields` | `20` | most root fields of an operation |
//! | `GRAPHQL_MAX_QUERY_BYTES` | `--graphql-max-query-bytes` | `100000` | longest query text |
//! | `GRAPHQL_MAX_NESTING` | `--graphql-max-nesting` | `64` | deepest bracket nesting of the query text, and of the variables |
//! | `GRAPHQL_HEAVY_COST` | `--graphql-heavy-cost` | `5000` | GraphQL requests costing at least this run on the heavy lane |
//! | `DB_HEAVY_CONNECTIONS` | `--db-heavy-connections` (`serve`) | `2` | connections of the heavy lane's own pool (0: heavy requests share the main pool) |
//! | `GRAPHQL_COST_BUDGET` | `--graphql-cost-budget` | `100000` | cost points a credential's bucket holds (0: no rate limit) |
//! | `GRAPHQL_COST_RESTORE` | `--graphql-cost-restore` | `5000` | cost points the bucket refills per second |
//! | `REST_RATE_LIMIT` | `--rest-rate-limit` | `1000` | REST requests per credential per hour (0: no limit) |
//! | `RATE_LIMIT_PROCESSES` | `--rate-limit-processes` | `1` | server processes sharing the rate limits (each enforces its share) |
//! | `CORS_ALLOWED_ORIGINS` | `--cors-allowed-origins` | (none) | comma-separated origins allowed by CORS; none: CORS off |
//! | `FACET_INDEX_MAX_BYTES` | `--facet-index-max-bytes` | `536870912` | memory the facet indexes may hold in all (estimated heap bytes); the least recently used campaigns' indexes go first |
//! | `DB_CONNECT_TIMEOUT_MS` | `--db-connect-timeout-ms` | `10000` | how long start-up and the commands wait for the database to accept a connection |
//! | `DB_ACQUIRE_TIMEOUT_MS` | `--db-acquire-timeout-ms` (`serve`) | `2000` | how long a request waits for a pooled connection (or for a new one to open) before it fails with `UNAVAILABLE` (503, `Retry-After`) |
//! | `DB_STATEMENT_TIMEOUT_MS` | `--db-statement-timeout-ms` (`serve`) | `10000` | PostgreSQL `statement_timeout` of the server's connections: a longer statement is cancelled and the request fails with `TIMEOUT`; `0` turns it off |
//! | `REQUEST_TIMEOUT_MS` | `--request-timeout-ms` (`serve`) | `30000` | longest a GraphQL or REST request may run before it is answered with `TIMEOUT` (504); `0` turns it off |
//! | `AUTH_CACHE_TTL_MS` | `--auth-cache-ttl-ms` (`serve`) | `5000` | how long a verified credential is trusted without asking the database; `0`: every request is verified |
//! | `METRICS` | `--metrics` (`serve`) | `true` | serve Prometheus metrics at `/metrics` |
//! | `LOG_FORMAT` | `--log-format` | `text` | `text`, or `json` for one JSON object per log line |
//! | `RUST_LOG` | | `info` | log filter (tracing `EnvFilter` syntax) |

use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::graphql::limits::{Limits, RateSettings};

/// The default database: a SQLite file in the working directory, created when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://partnergraph.db?mode=rwc";

/// Where the data lives.
#[derive(Args, Clone, Debug)]
pub struct DatabaseConfig {
    /// SQLite (`sqlite://file.db?mode=rwc`) or PostgreSQL (`postgres://user@host/db`) URL.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Maximum number of pooled database connections.
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    /// Campaigns with at least this many partners have their facet index read again in the
    /// background after a write (counting in SQL meanwhile); smaller ones at once.
    #[arg(long, env = "FACET_INDEX_BACKGROUND_FROM", default_value_t = crate::service::partners::facet_index::BACKGROUND_FROM)]
    pub facet_index_background_from: usize,
    /// Filtered pages of at most this many matches (as the facet index counts them) are read
    /// by the matches' row ids rather than by the filter (default: 30,000 on SQLite, 10,000 on
    /// PostgreSQL; at most 30,000). In partner id and date-joined order the index picks the
    /// page's own rows instead, whatever this number; 0 turns both off.
    #[arg(long, env = "FACET_INDEX_PAGE_ROWS", value_parser = page_rows)]
    pub facet_index_page_rows: Option<usize>,
    /// Bytes of memory the facet indexes may hold in all (an estimate of their heap size); the
    /// least recently used campaigns' indexes are let go to stay within it.
    #[arg(long, env = "FACET_INDEX_MAX_BYTES", default_value_t = crate::service::partners::facet_index::MAX_BYTES)]
    pub facet_index_max_bytes: usize,
    /// Milliseconds start-up and the commands wait for the database to accept a connection.
    #[arg(long, env = "DB_CONNECT_TIMEOUT_MS", default_value_t = DEFAULT_DB_CONNECT_TIMEOUT_MS, value_parser = clap::value_parser!(u64).range(1..))]
    pub db_connect_timeout_ms: u64,
}

/// Default of `DB_CONNECT_TIMEOUT_MS`.
pub const DEFAULT_DB_CONNECT_TIMEOUT_MS: u64 = 10_000;
/// Default of `DB_ACQUIRE_TIMEOUT_MS`.
pub const DEFAULT_DB_ACQUIRE_TIMEOUT_MS: u64 = 2_000;
/// Default of `DB_HEAVY_CONNECTIONS`.
pub const DEFAULT_DB_HEAVY_CONNECTIONS: u32 = 2;
/// Default of `DB_STATEMENT_TIMEOUT_MS`.
pub const DEFAULT_DB_STATEMENT_TIMEOUT_MS: u64 = 10_000;
/// Default of `REQUEST_TIMEOUT_MS`.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 30_000;
/// Default `AUTH_CACHE_TTL_MS`: how long a verified credential is trusted without the database.
pub const DEFAULT_AUTH_CACHE_TTL_MS: u64 = 5_000;

/// Parses `FACET_INDEX_PAGE_ROWS`: a number up to
/// [`PAGE_ROWS_MAX`](crate::service::partners::facet_index::PAGE_ROWS_MAX).
fn page_rows(value: &str) -> Result<usize, String> {
    let max = crate::service::partners::facet_index::PAGE_ROWS_MAX;
    match value.parse::<usize>() {
        Ok(rows) if rows <= max => Ok(rows),
        _ => Err(format!("expected a number of rows from 0 to {max}")),
    }
}

impl DatabaseConfig {
    /// A configuration for one URL with the default pool size.
    pub fn for_url(url: impl Into<String>) -> Self {
        DatabaseConfig {
            database_url: url.into(),
            db_max_connections: 10,
            facet_index_background_from: crate::service::partners::facet_index::BACKGROUND_FROM,
            facet_index_page_rows: None,
            facet_index_max_bytes: crate::service::partners::facet_index::MAX_BYTES,
            db_connect_timeout_ms: DEFAULT_DB_CONNECT_TIMEOUT_MS,
        }
    }

    /// How long to wait for the database to accept a connection.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.db_connect_timeout_ms)
    }

    /// Whether the URL names a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://")
    }
}

/// What one API request may ask and how often a credential may ask: the GraphQL request
/// limits, the rate limits, and the origins CORS allows.
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct ApiConfig {
    /// Highest cost of one GraphQL request.
    #[arg(long, env = "GRAPHQL_MAX_COST", default_value_t = Limits::default().max_cost)]
    pub graphql_max_cost: u64,
    /// Deepest field nesting of a GraphQL document.
    #[arg(long, env = "GRAPHQL_MAX_DEPTH", default_value_t = Limits::default().max_depth)]
    pub graphql_max_depth: usize,
    /// Most fields a GraphQL document selects, fragments spread in.
    #[arg(long, env = "GRAPHQL_MAX_FIELDS", default_value_t = Limits::default().max_fields)]
    pub graphql_max_fields: usize,
    /// Most fields selected under an alias.
    #[arg(long, env = "GRAPHQL_MAX_ALIASES", default_value_t = Limits::default().max_aliases)]
    pub graphql_max_aliases: usize,
    /// Most root fields of an operation.
    #[arg(long, env = "GRAPHQL_MAX_ROOT_FIELDS", default_value_t = Limits::default().max_root_fields)]
    pub graphql_max_root_fields: usize,
    /// Longest GraphQL query text, in bytes.
    #[arg(long, env = "GRAPHQL_MAX_QUERY_BYTES", default_value_t = Limits::default().max_query_bytes)]
    pub graphql_max_query_bytes: usize,
    /// Deepest bracket nesting of a query text, and deepest nesting of its variables.
    #[arg(long, env = "GRAPHQL_MAX_NESTING", default_value_t = Limits::default().max_nesting)]
    pub graphql_max_nesting: usize,
    /// GraphQL requests costing at least this run on the heavy lane (`DB_HEAVY_CONNECTIONS`).
    #[arg(long, env = "GRAPHQL_HEAVY_COST", default_value_t = Limits::default().heavy_cost)]
    pub graphql_heavy_cost: u64,
    /// Cost points a credential's GraphQL bucket holds (0: no rate limit).
    #[arg(long, env = "GRAPHQL_COST_BUDGET", default_value_t = RateSettings::default().graphql_budget)]
    pub graphql_cost_budget: u32,
    /// Cost points the bucket refills per second.
    #[arg(long, env = "GRAPHQL_COST_RESTORE", default_value_t = RateSettings::default().graphql_restore_per_second)]
    pub graphql_cost_restore: u32,
    /// REST requests per credential per hour (0: no limit).
    #[arg(long, env = "REST_RATE_LIMIT", default_value_t = RateSettings::default().rest_per_hour)]
    pub rest_rate_limit: u32,
    /// Server processes sharing the rate limits: each enforces its share.
    #[arg(long, env = "RATE_LIMIT_PROCESSES", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit_processes: u32,
    /// Origins CORS allows (comma separated, e.g. `https://app.example.com`); none: CORS off.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        let limits = Limits::default();
        let rates = RateSettings::default();
        ApiConfig {
            graphql_max_cost: limits.max_cost,
            graphql_max_depth: limits.max_depth,
            graphql_max_fields: limits.max_fields,
            graphql_max_aliases: limits.max_aliases,
            graphql_max_root_fields: limits.max_root_fields,
            graphql_max_query_bytes: limits.max_query_bytes,
            graphql_max_nesting: limits.max_nesting,
            graphql_heavy_cost: limits.heavy_cost,
            graphql_cost_budget: rates.graphql_budget,
            graphql_cost_restore: rates.graphql_restore_per_second,
            rest_rate_limit: rates.rest_per_hour,
            rate_limit_processes: rates.processes,
            cors_allowed_origins: Vec::new(),
        }
    }
}

impl ApiConfig {
    /// The limits of one GraphQL request.
    pub fn limits(&self) -> Limits {
        Limits {
            max_query_bytes: self.graphql_max_query_bytes,
            max_nesting: self.graphql_max_nesting,
            max_variables_depth: self.graphql_max_nesting,
            max_depth: self.graphql_max_depth,
            max_fields: self.graphql_max_fields,
            max_aliases: self.graphql_max_aliases,
            max_root_fields: self.graphql_max_root_fields,
            max_cost: self.graphql_max_cost,
            heavy_cost: self.graphql_heavy_cost,
        }
    }

    /// The rate limits per credential.
    pub fn rates(&self) -> RateSettings {
        RateSettings {
            graphql_budget: self.graphql_cost_budget,
            graphql_restore_per_second: self.graphql_cost_restore,
            rest_per_hour: self.rest_rate_limit,
            processes: self.rate_limit_processes,
        }
    }
}

/// Whether to create the demo account on an empty database.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoMode {
    /// On SQLite (the embedded default) yes, on PostgreSQL no.
    Auto,
    /// Always on an empty database.
    True,
    /// Never.
    False,
}

/// How the server answers under load and failure (timeouts, back-pressure) and what it tells
/// its operators (metrics).
#[derive(Args, Clone, Debug)]
pub struct ServingConfig {
    /// Milliseconds a request waits for a pooled database connection (or for a new one to
    /// open) before it fails with UNAVAILABLE (HTTP 503 with Retry-After).
    #[arg(long, env = "DB_ACQUIRE_TIMEOUT_MS", default_value_t = DEFAULT_DB_ACQUIRE_TIMEOUT_MS, value_parser = clap::value_parser!(u64).range(1..))]
    pub db_acquire_timeout_ms: u64,
    /// PostgreSQL `statement_timeout` of the server's connections, in milliseconds: a longer
    /// statement is cancelled and the request fails with TIMEOUT (0: no limit).
    #[arg(long, env = "DB_STATEMENT_TIMEOUT_MS", default_value_t = DEFAULT_DB_STATEMENT_TIMEOUT_MS)]
    pub db_statement_timeout_ms: u64,
    /// Milliseconds a GraphQL or REST request may run before it is answered with TIMEOUT
    /// (HTTP 504) (0: no limit).
    #[arg(long, env = "REQUEST_TIMEOUT_MS", default_value_t = DEFAULT_REQUEST_TIMEOUT_MS)]
    pub request_timeout_ms: u64,
    /// Serve Prometheus metrics at `/metrics`.
    #[arg(long, env = "METRICS", default_value_t = true, action = clap::ArgAction::Set)]
    pub metrics: bool,
    /// Connections of the heavy lane, a pool of its own for GraphQL requests costing at least
    /// `GRAPHQL_HEAVY_COST` (0: they share the main pool).
    #[arg(long, env = "DB_HEAVY_CONNECTIONS", default_value_t = DEFAULT_DB_HEAVY_CONNECTIONS)]
    pub db_heavy_connections: u32,
    /// Seconds between runs of the scheduled contract changes (upcoming switches, temporary
    /// contracts ending, scheduled expiries); `serve` also runs them at start (0: never).
    #[arg(long, env = "CONTRACTS_APPLY_INTERVAL_SECS", default_value_t = 60)]
    pub contracts_apply_interval_secs: u64,
    /// Milliseconds a verified credential is taken on trust without asking the database: a
    /// revoked credential or a user's changed permissions apply within this time (0: every
    /// request is verified).
    #[arg(long, env = "AUTH_CACHE_TTL_MS", default_value_t = DEFAULT_AUTH_CACHE_TTL_MS)]
    pub auth_cache_ttl_ms: u64,
    /// Exports of the partner list one server process streams at once (each holds a database
    /// connection while it runs); a download beyond them is answered 429 with Retry-After.
    #[arg(long, env = "EXPORT_MAX_CONCURRENT", default_value_t = crate::service::export::stream::DEFAULT_MAX_CONCURRENT, value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u64).range(1..=1_000), |n| n as usize))]
    pub export_max_concurrent: usize,
    /// Rows an export reads per statement.
    #[arg(long, env = "EXPORT_PAGE_ROWS", default_value_t = crate::service::export::stream::DEFAULT_PAGE_ROWS, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub export_page_rows: u64,
    /// Seconds an export may run before it is ended with an error.
    #[arg(long, env = "EXPORT_MAX_SECS", default_value_t = crate::service::export::stream::DEFAULT_MAX_SECS, value_parser = clap::value_parser!(u64).range(1..))]
    pub export_max_secs: u64,
    /// The clock the server reads (the system clock; tests set a fixed one).
    #[arg(skip)]
    pub clock: crate::clock::Clock,
}

impl Default for ServingConfig {
    fn default() -> Self {
        ServingConfig {
            db_acquire_timeout_ms: DEFAULT_DB_ACQUIRE_TIMEOUT_MS,
            db_statement_timeout_ms: DEFAULT_DB_STATEMENT_TIMEOUT_MS,
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
            metrics: true,
            db_heavy_connections: DEFAULT_DB_HEAVY_CONNECTIONS,
            contracts_apply_interval_secs: 60,
            auth_cache_ttl_ms: DEFAULT_AUTH_CACHE_TTL_MS,
            export_max_concurrent: crate::service::export::stream::DEFAULT_MAX_CONCURRENT,
            export_page_rows: crate::service::export::stream::DEFAULT_PAGE_ROWS,
            export_max_secs: crate::service::export::stream::DEFAULT_MAX_SECS,
            clock: crate::clock::Clock::system(),
        }
    }
}

impl ServingConfig {
    /// How long a request waits for a database connection.
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.db_acquire_timeout_ms.max(1))
    }

    /// The PostgreSQL statement timeout, if any.
    pub fn statement_timeout(&self) -> Option<Duration> {
        (self.db_statement_timeout_ms > 0)
            .then(|| Duration::from_millis(self.db_statement_timeout_ms))
    }

    /// How long a verified credential is trusted without asking the database.
    pub fn auth_cache_ttl(&self) -> Duration {
        Duration::from_millis(self.auth_cache_ttl_ms)
    }

    /// The runner of this process's exports, as configured.
    pub fn export_runner(&self) -> crate::service::export::stream::ExportRunner {
        crate::service::export::stream::ExportRunner::new(
            self.export_max_concurrent,
            self.export_page_rows,
            Duration::from_secs(self.export_max_secs),
        )
    }

    /// The request timeout, if any.
    pub fn request_timeout(&self) -> Option<Duration> {
        (self.request_timeout_ms > 0).then(|| Duration::from_millis(self.request_timeout_ms))
    }
}

/// How log lines are written (to standard error).
#[derive(ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line (for log collectors).
    Json,
}

/// Settings of `partnergraph serve`.
#[derive(Args, Clone, Debug)]
pub struct ServeConfig {
    /// The database.
    #[command(flatten)]
    pub db: DatabaseConfig,
    /// Address and port to listen on.
    #[arg(long = "bind", env = "BIND_ADDR", default_value = "127.0.0.1:8000")]
    pub bind_addr: String,
    /// Create the demo account (with a random token, printed once) on an empty database.
    #[arg(long, env = "PARTNERGRAPH_DEMO", value_enum, default_value_t = DemoMode::Auto)]
    pub demo: DemoMode,
    /// Request limits, rate limits and CORS.
    #[command(flatten)]
    pub api: ApiConfig,
    /// Timeouts, back-pressure and metrics.
    #[command(flatten)]
    pub serving: ServingConfig,
}

impl ServeConfig {
    /// Whether the demo account should be created when the database is empty.
    pub fn wants_demo(&self) -> bool {
        match self.demo {
            DemoMode::Auto => !self.db.is_postgres(),
            DemoMode::True => true,
            DemoMode::False => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_rows_are_refused_past_what_one_statement_can_bind() {
        assert_eq!(page_rows("0"), Ok(0));
        assert_eq!(page_rows("30000"), Ok(30_000));
        for bad in ["30001", "-1", "many"] {
            let refused = page_rows(bad).is_err_and(|e| e.contains("0 to 30000"));
            assert!(refused, "{bad}");
        }
    }
}
