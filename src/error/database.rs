//! What a database failure means to a client: the one place that reads `DbErr`s (pool and
//! connection failures, SQLSTATEs, SQLite result codes) and decides between a retryable
//! `UNAVAILABLE`, a `TIMEOUT` and an `INTERNAL` error.

use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr};

use super::AppError;

/// Seconds a client is asked to wait before retrying after an `UNAVAILABLE` database.
const RETRY_AFTER: u64 = 1;

/// The kinds of database failure that clients see differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbFailure {
    /// No connection could be had: the pool is exhausted (no connection became free within
    /// the acquire timeout), the pool is closed, or the database is down, unreachable,
    /// shutting down or refusing connections; or (SQLite) the database stayed locked.
    /// A retry later may succeed.
    Unavailable,
    /// A statement ran past the PostgreSQL statement timeout and was cancelled (SQLSTATE
    /// 57014).
    Timeout,
    /// A serialization failure or deadlock (SQLSTATE 40001, 40P01): the transaction was rolled
    /// back and may simply be run again.
    Transient,
    /// Anything else: a bug or a broken database.
    Other,
}

impl DbFailure {
    /// The label of this kind in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            DbFailure::Unavailable => "unavailable",
            DbFailure::Timeout => "timeout",
            DbFailure::Transient => "transient",
            DbFailure::Other => "other",
        }
    }
}

/// The driver error behind a `DbErr`, when there is one.
fn sqlx_error(err: &DbErr) -> Option<&sqlx::Error> {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => Some(e.as_ref()),
        _ => None,
    }
}

/// The SQLSTATE (PostgreSQL) or extended result code (SQLite) of a database's own error.
pub fn sql_state(err: &DbErr) -> Option<String> {
    match sqlx_error(err)? {
        sqlx::Error::Database(e) => e.code().map(|c| c.into_owned()),
        _ => None,
    }
}

/// What `err` means to a client.
pub fn classify(err: &DbErr) -> DbFailure {
    match err {
        DbErr::ConnectionAcquire(_) => return DbFailure::Unavailable,
        // Opening a connection failed (refused, reset, no such database, bad handshake...).
        DbErr::Conn(_) => return DbFailure::Unavailable,
        _ => {}
    }
    match sqlx_error(err) {
        Some(
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed,
        ) => DbFailure::Unavailable,
        Some(sqlx::Error::Database(e)) => match e.code() {
            Some(code) if e.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() => {
                code.parse().map_or(DbFailure::Other, by_sqlite_code)
            }
            Some(code) => by_sql_state(&code),
            None => DbFailure::Other,
        },
        _ => DbFailure::Other,
    }
}

/// A PostgreSQL SQLSTATE.
fn by_sql_state(code: &str) -> DbFailure {
    match code {
        "57014" => DbFailure::Timeout,
        "40001" | "40P01" => DbFailure::Transient,
        // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, the
        // database dropped under the server, and every connection exception (class 08).
        "57P01" | "57P02" | "57P03" | "53300" | "3D000" => DbFailure::Unavailable,
        c if c.starts_with("08") => DbFailure::Unavailable,
        _ => DbFailure::Other,
    }
}

/// A SQLite extended result code: SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended
/// codes, once the busy timeout has run out, mean the database stayed locked.
fn by_sqlite_code(code: i32) -> DbFailure {
    match code & 0xff {
        5 | 6 => DbFailure::Unavailable,
        _ => DbFailure::Other,
    }
}

/// The `AppError` a database failure becomes; logged here, with its detail, once.
pub(super) fn app_error(err: DbErr) -> AppError {
    let failure = classify(&err);
    crate::observability::record_db_failure(failure);
    match failure {
        DbFailure::Unavailable => {
            tracing::warn!(error = %err, "database unavailable");
            AppError::Unavailable {
                message: "the database is busy or unreachable; retry shortly".to_owned(),
                retry_after: RETRY_AFTER,
            }
        }
        DbFailure::Timeout => {
            tracing::warn!(error = %err, "statement timed out");
            AppError::Timeout("a database statement took too long and was cancelled".to_owned())
        }
        DbFailure::Transient => {
            tracing::warn!(error = %err, "transaction conflict");
            AppError::Unavailable {
                message: "the change conflicted with a concurrent one; retry it".to_owned(),
                retry_after: RETRY_AFTER,
            }
        }
        DbFailure::Other => AppError::internal(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ConnAcquireErr;
    use std::sync::Arc;

    fn sqlx_err(err: sqlx::Error) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(err)))
    }

    #[test]
    fn pool_and_connection_failures_are_unavailable() {
        let unavailable = [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            DbErr::Conn(RuntimeErr::Internal("refused".into())),
            sqlx_err(sqlx::Error::PoolTimedOut),
            sqlx_err(sqlx::Error::Io(std::io::Error::from(
                std::io::ErrorKind::ConnectionReset,
            ))),
        ];
        for err in unavailable {
            assert_eq!(classify(&err), DbFailure::Unavailable, "{err}");
            let app = app_error(err);
            assert_eq!(app.code(), "UNAVAILABLE");
            assert_eq!(app.http_status(), 503);
            assert_eq!(app.retry_after(), Some(RETRY_AFTER));
        }
    }

    #[test]
    fn codes_decide_timeouts_conflicts_and_outages() {
        assert_eq!(by_sql_state("57014"), DbFailure::Timeout);
        assert_eq!(by_sql_state("40P01"), DbFailure::Transient);
        assert_eq!(by_sql_state("40001"), DbFailure::Transient);
        assert_eq!(by_sql_state("57P01"), DbFailure::Unavailable);
        assert_eq!(by_sql_state("3D000"), DbFailure::Unavailable);
        assert_eq!(by_sql_state("08006"), DbFailure::Unavailable);
        assert_eq!(by_sql_state("23505"), DbFailure::Other);
        assert_eq!(by_sqlite_code(5), DbFailure::Unavailable);
        // SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE
        assert_eq!(by_sqlite_code(517), DbFailure::Unavailable);
        assert_eq!(by_sqlite_code(262), DbFailure::Unavailable);
        assert_eq!(by_sqlite_code(1), DbFailure::Other);
        // SQLITE_CONSTRAINT_UNIQUE
        assert_eq!(by_sqlite_code(2067), DbFailure::Other);
    }

    #[test]
    fn other_failures_stay_internal() {
        let err = sqlx_err(sqlx::Error::RowNotFound);
        assert_eq!(classify(&err), DbFailure::Other);
        assert_eq!(app_error(err).code(), "INTERNAL");
        assert_eq!(
            classify(&DbErr::RecordNotFound("x".into())),
            DbFailure::Other
        );
    }
}
