//! Connecting to SQLite or PostgreSQL, migrating, and counting SQL statements.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseConnectionType,
    DbBackend, DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

use crate::config::{DatabaseConfig, ServingConfig};
use crate::error::AppError;

pub mod checkpoint;
pub mod scratch;

/// Counts every SQL statement the connection runs (used by tests to prove loaders batch), and
/// on request keeps them (tests read the plans of the statements a request ran).
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>, Arc<Mutex<Option<Vec<Statement>>>>);

impl StatementCounter {
    /// Statements run so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Starts keeping every statement run (dropping any kept before).
    pub fn record(&self) {
        *self.1.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
    }

    /// Stops keeping statements; returns those kept since [`StatementCounter::record`].
    pub fn take(&self) -> Vec<Statement> {
        self.1
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default()
    }

    fn observe(&self, statement: &Statement) {
        self.0.fetch_add(1, Ordering::Relaxed);
        if let Some(kept) = self.1.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            kept.push(statement.clone());
        }
    }
}

/// The time limits of a pool.
#[derive(Clone, Copy, Debug)]
struct PoolLimits {
    /// Longest wait for a pooled connection, or for a new one to open (sqlx opens connections
    /// within the acquire deadline, so this also bounds waiting for a database that is down).
    acquire: Duration,
    /// PostgreSQL `statement_timeout` of every connection.
    statement: Option<Duration>,
    /// Most connections of the pool.
    connections: u32,
    /// On PostgreSQL, one core per statement (no parallel workers).
    serial: bool,
    /// On SQLite, commits leave the log to [`checkpoint`]'s background task (up to its
    /// limit).
    background_checkpoint: bool,
}

/// Opens a pool for start-up work and the commands (migrations, seeding, accounts): it waits
/// up to `DB_CONNECT_TIMEOUT_MS` for the database and sets no statement timeout (a migration
/// or a bulk load may rightly run long).
pub async fn connect(
    config: &DatabaseConfig,
) -> Result<(DatabaseConnection, StatementCounter), AppError> {
    let limits = PoolLimits {
        acquire: config.connect_timeout(),
        statement: None,
        connections: config.db_max_connections,
        serial: false,
        background_checkpoint: false,
    };
    open(config, limits, StatementCounter::default()).await
}

/// Opens the server's pool: requests wait at most `DB_ACQUIRE_TIMEOUT_MS` for a connection,
/// and on PostgreSQL every statement is bounded by `DB_STATEMENT_TIMEOUT_MS`. On SQLite its
/// commits leave the log to [`checkpoint::start`]'s task, which the server runs beside it.
pub async fn connect_serving(
    config: &DatabaseConfig,
    serving: &ServingConfig,
) -> Result<(DatabaseConnection, StatementCounter), AppError> {
    let limits = PoolLimits {
        acquire: serving.acquire_timeout(),
        statement: serving.statement_timeout(),
        connections: config.db_max_connections,
        serial: false,
        background_checkpoint: checkpoint::wants_checkpointer(&config.database_url),
    };
    open(config, limits, StatementCounter::default()).await
}

/// Opens the heavy lane, when `DB_HEAVY_CONNECTIONS` gives it connections: a pool of its own
/// for the GraphQL requests whose cost is at least `GRAPHQL_HEAVY_COST`, so that however long
/// they hold their connections, the requests of the main pool never wait for them. Its
/// requests wait for a connection up to `REQUEST_TIMEOUT_MS`. On PostgreSQL its statements run
/// without parallel workers, one core each. Its statements count on `counter` (the main
/// pool's).
pub async fn connect_heavy_lane(
    config: &DatabaseConfig,
    serving: &ServingConfig,
    counter: &StatementCounter,
) -> Result<Option<DatabaseConnection>, AppError> {
    if serving.db_heavy_connections == 0 {
        return Ok(None);
    }
    // Heavy requests queue for the lane's connections up to the request timeout, not the
    // main pool's short acquire timeout: waiting costs nobody else, and a legitimate heavy
    // request (all ten facets counted in SQL while a large campaign's index is read again, ten
    // statements of seconds each over two connections) then completes instead of failing.
    // The acquire deadline lies past the request timeout, so that the request timeout, which
    // answers `TIMEOUT` with its cost, is always the one that ends a wait.
    let acquire = serving
        .request_timeout()
        .map_or(serving.acquire_timeout(), |t| t + serving.acquire_timeout());
    let limits = PoolLimits {
        acquire,
        statement: serving.statement_timeout(),
        connections: serving.db_heavy_connections,
        // A heavy statement keeps to one core, leaving the others to everyone else.
        serial: true,
        background_checkpoint: checkpoint::wants_checkpointer(&config.database_url),
    };
    let (db, _) = open(config, limits, counter.clone()).await?;
    Ok(Some(db))
}

/// PostgreSQL's `random_page_cost` for our connections: the value its documentation gives for
/// solid-state storage and data held in memory, as a list's working set is. At the default (4)
/// the planner counts a filtered list by scanning the whole campaign in parallel (43 ms for
/// 100,000 partners, every core busy) instead of looking up a group's 2,000 members by index
/// (10 ms).
const RANDOM_PAGE_COST: &str = "1.1";

/// PostgreSQL's `plan_cache_mode` for our connections. Statements stay prepared and reused per
/// connection (sqlx caches them), but each execution is planned for its own values: after five
/// executions PostgreSQL would otherwise try a generic plan, and for a search pattern that plan
/// bitmaps the whole campaign (25–30 ms more per statement for a common term such as `coupon`
/// at a million partners) where the pattern's own plan walks the sort index. The partial
/// indexes of contract records (migration 000031) also need plans made for the bound status.
const PLAN_CACHE_MODE: &str = "force_custom_plan";

/// SQLite's memory-mapped I/O per connection, in bytes (its 2 GiB cap).
pub const SQLITE_MMAP_SIZE: &str = "2147418112";
/// SQLite's page cache per connection (negative: KiB), 64 MiB.
pub const SQLITE_CACHE_SIZE: &str = "-65536";
/// SQLite's page cache of a write transaction (negative: KiB), 1 GiB, from its `BEGIN` until
/// just before its `COMMIT` or `ROLLBACK` ([`widen_write_cache`], [`narrow_write_cache`]). A
/// bulk action over 100,000 partners dirties more pages than the usual 64 MiB hold, and SQLite
/// then spills dirty pages into the log in the middle of the transaction, writing a page again
/// each time a later statement changes it once more: scheduling 100,000 switches took 4.5–4.7 s
/// that way, 3.1 s with this cache (`cargo bench --bench bulk`, BENCHMARKS.md). The memory is
/// taken only as pages are dirtied, one writer at a time (SQLite has a single writer), and given
/// back when the commit has written them.
pub const SQLITE_WRITE_CACHE_SIZE: &str = "-1048576";

/// PostgreSQL's `jit` for our connections: off. Our statements are key lookups and index walks
/// whose cost is in the rows they touch, not in evaluating expressions; compiling them is pure
/// overhead: 0.2–0.4 s per 100,000-row bulk statement (each one's change-log trigger compiled
/// 50 functions), which the planner turns on whenever a statement's estimate is large.
const JIT: &str = "off";

/// Opens the pool (SQLite in WAL mode with foreign keys on) and returns it with its counter.
async fn open(
    config: &DatabaseConfig,
    limits: PoolLimits,
    counter: StatementCounter,
) -> Result<(DatabaseConnection, StatementCounter), AppError> {
    let mut options = ConnectOptions::new(config.database_url.clone());
    let checkpoint_in_background = limits.background_checkpoint;
    options
        .max_connections(limits.connections.max(1))
        .min_connections(1)
        .acquire_timeout(limits.acquire)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |opts| {
            let opts = if checkpoint_in_background {
                opts.pragma(
                    "wal_autocheckpoint",
                    checkpoint::COMMIT_CHECKPOINT_PAGES.to_string(),
                )
                .pragma("journal_size_limit", checkpoint::LOG_SIZE_LIMIT.to_string())
            } else {
                opts
            };
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                // Read through memory-mapped I/O (up to SQLite's 2 GiB cap) with a 64 MiB page
                // cache per connection: a million-partner list otherwise spends its time in
                // read system calls.
                .pragma("mmap_size", SQLITE_MMAP_SIZE)
                .pragma("cache_size", SQLITE_CACHE_SIZE)
        });
    // Start-up parameters of each PostgreSQL connection (one closure: a second would replace
    // the first).
    let serial = limits.serial;
    options.map_sqlx_postgres_opts(move |o| {
        let o = o.options([
            ("random_page_cost", RANDOM_PAGE_COST),
            ("plan_cache_mode", PLAN_CACHE_MODE),
            ("jit", JIT),
        ]);
        if serial {
            o.options([("max_parallel_workers_per_gather", "0")])
        } else {
            o
        }
    });
    if let Some(statement) = limits.statement {
        // Sent as a start-up parameter of each connection: no extra round trip.
        options.statement_timeout(statement);
    }
    let mut db = Database::connect(options)
        .await
        .map_err(|e| AppError::internal(format!("cannot open database: {e}")))?;
    let inner = counter.clone();
    db.set_metric_callback(move |info| {
        inner.observe(info.statement);
        tracing::trace!(target: "partnergraph::sql", elapsed = ?info.elapsed, failed = info.failed, sql = %info.statement.sql);
    });
    Ok((db, counter))
}

/// The connections of the pool behind `db`: (open, idle, most allowed).
pub fn pool_usage(db: &DatabaseConnection) -> (u32, u32, u32) {
    fn usage<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> (u32, u32, u32) {
        let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
        (pool.size(), idle, pool.options().get_max_connections())
    }
    match &db.inner {
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            usage(db.get_postgres_connection_pool())
        }
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            usage(db.get_sqlite_connection_pool())
        }
        _ => (0, 0, 0),
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), AppError> {
    Migrator::up(db, None)
        .await
        .map_err(|e| AppError::internal(format!("migration failed: {e}")))
}

/// Gives a SQLite write transaction its larger page cache ([`SQLITE_WRITE_CACHE_SIZE`]); other
/// backends have no per-connection page cache to change.
pub async fn widen_write_cache(txn: &impl ConnectionTrait) -> Result<(), DbErr> {
    set_sqlite_cache(txn, SQLITE_WRITE_CACHE_SIZE).await
}

/// Puts a SQLite connection's usual page cache back ([`SQLITE_CACHE_SIZE`]), before its write
/// transaction ends: the pages the transaction dirtied stay until its commit (or rollback) has
/// written (or dropped) them, then SQLite frees them down to the usual size.
pub async fn narrow_write_cache(txn: &impl ConnectionTrait) -> Result<(), DbErr> {
    set_sqlite_cache(txn, SQLITE_CACHE_SIZE).await
}

async fn set_sqlite_cache(db: &impl ConnectionTrait, size: &str) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared(&format!("PRAGMA cache_size = {size}"))
            .await?;
    }
    Ok(())
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
