//! Connecting to SQLite or PostgreSQL, migrating, and counting SQL statements.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

use crate::config::DatabaseConfig;
use crate::error::AppError;

/// Counts every SQL statement the connection runs (used by tests to prove loaders batch).
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Statements run so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Opens the pool (SQLite in WAL mode with foreign keys on) and returns it with its counter.
pub async fn connect(
    config: &DatabaseConfig,
) -> Result<(DatabaseConnection, StatementCounter), AppError> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.db_max_connections.max(1))
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                // Read through memory-mapped I/O (up to SQLite's 2 GiB cap) with a 64 MiB page
                // cache per connection: a million-partner list otherwise spends its time in
                // read system calls.
                .pragma("mmap_size", "2147418112")
                .pragma("cache_size", "-65536")
        });
    let mut db = Database::connect(options)
        .await
        .map_err(|e| AppError::internal(format!("cannot open database: {e}")))?;
    let counter = StatementCounter::default();
    let inner = counter.0.clone();
    db.set_metric_callback(move |info| {
        inner.fetch_add(1, Ordering::Relaxed);
        tracing::trace!(target: "partnergraph::sql", elapsed = ?info.elapsed, failed = info.failed, sql = %info.statement);
    });
    Ok((db, counter))
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), AppError> {
    Migrator::up(db, None)
        .await
        .map_err(|e| AppError::internal(format!("migration failed: {e}")))
}

/// Begins a transaction that will write. On SQLite it starts as `BEGIN IMMEDIATE`: a deferred
/// transaction that reads first and writes later fails with `SQLITE_BUSY` when another writer
/// commits in between (WAL mode cannot upgrade a stale snapshot), whereas an immediate one waits
/// for the write lock up front (within `busy_timeout`). Other backends ignore the mode.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
