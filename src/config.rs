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
//! | `RUST_LOG` | | `info` | log filter (tracing `EnvFilter` syntax) |

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
}

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
        }
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
