//! Typed configuration from flags and environment.
//!
//! | variable | flag | default | meaning |
//! | --- | --- | --- | --- |
//! | `DATABASE_URL` | `--database-url` | `sqlite://partnergraph.db?mode=rwc` | SQLite file (embedded default) or `postgres://` URL |
//! | `BIND_ADDR` | `--bind` | `127.0.0.1:8000` | address the HTTP server listens on |
//! | `PARTNERGRAPH_DEMO` | `--demo` | `auto` | create the demo account on an empty database: `auto` (SQLite only), `true`, `false` |
//! | `DB_MAX_CONNECTIONS` | `--db-max-connections` | `10` | size of the database connection pool |
//! | `FACET_INDEX_BACKGROUND_FROM` | `--facet-index-background-from` | `50000` | campaign size from which the facet index is read again in the background |
//! | `FACET_INDEX_PAGE_ROWS` | `--facet-index-page-rows` | `30000` (SQLite), `10000` (PostgreSQL) | most matches a page reads by the facet index's row ids (0 to 30,000) |
//! | `DB_CONNECT_TIMEOUT_MS` | `--db-connect-timeout-ms` | `10000` | how long start-up and the commands wait for the database to accept a connection |
//! | `DB_ACQUIRE_TIMEOUT_MS` | `--db-acquire-timeout-ms` (`serve`) | `2000` | how long a request waits for a pooled connection (or for a new one to open) before it fails with `UNAVAILABLE` (503, `Retry-After`) |
//! | `DB_STATEMENT_TIMEOUT_MS` | `--db-statement-timeout-ms` (`serve`) | `10000` | PostgreSQL `statement_timeout` of the server's connections: a longer statement is cancelled and the request fails with `TIMEOUT`; `0` turns it off |
//! | `REQUEST_TIMEOUT_MS` | `--request-timeout-ms` (`serve`) | `30000` | longest a GraphQL or REST request may run before it is answered with `TIMEOUT` (504); `0` turns it off |
//! | `METRICS` | `--metrics` (`serve`) | `true` | serve Prometheus metrics at `/metrics` |
//! | `LOG_FORMAT` | `--log-format` | `text` | `text`, or `json` for one JSON object per log line |
//! | `RUST_LOG` | | `info` | log filter (tracing `EnvFilter` syntax) |

use std::time::Duration;

use clap::{Args, ValueEnum};

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
    /// PostgreSQL; at most 30,000: each id is a bound parameter, and SQLite takes 32,766 per
    /// statement).
    #[arg(long, env = "FACET_INDEX_PAGE_ROWS", value_parser = page_rows)]
    pub facet_index_page_rows: Option<usize>,
    /// Milliseconds start-up and the commands wait for the database to accept a connection.
    #[arg(long, env = "DB_CONNECT_TIMEOUT_MS", default_value_t = DEFAULT_DB_CONNECT_TIMEOUT_MS, value_parser = clap::value_parser!(u64).range(1..))]
    pub db_connect_timeout_ms: u64,
}

/// Default of `DB_CONNECT_TIMEOUT_MS`.
pub const DEFAULT_DB_CONNECT_TIMEOUT_MS: u64 = 10_000;
/// Default of `DB_ACQUIRE_TIMEOUT_MS`.
pub const DEFAULT_DB_ACQUIRE_TIMEOUT_MS: u64 = 2_000;
/// Default of `DB_STATEMENT_TIMEOUT_MS`.
pub const DEFAULT_DB_STATEMENT_TIMEOUT_MS: u64 = 10_000;
/// Default of `REQUEST_TIMEOUT_MS`.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 30_000;

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
}

impl Default for ServingConfig {
    fn default() -> Self {
        ServingConfig {
            db_acquire_timeout_ms: DEFAULT_DB_ACQUIRE_TIMEOUT_MS,
            db_statement_timeout_ms: DEFAULT_DB_STATEMENT_TIMEOUT_MS,
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
            metrics: true,
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
    /// Create the demo account (with its well-known credentials) on an empty database.
    #[arg(long, env = "PARTNERGRAPH_DEMO", value_enum, default_value_t = DemoMode::Auto)]
    pub demo: DemoMode,
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
