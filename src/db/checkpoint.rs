//! SQLite: the write-ahead log copied into the database file in the background, not by the
//! request that wrote it.
//!
//! By default SQLite checkpoints in the connection whose commit takes the log past 1,000
//! pages, before that commit returns: a 100,000-partner bulk action dirties some 68,000 pages,
//! and its request waited about 0.6 s more for them to be copied into the file (the commit
//! itself, writing the log, 0.4 s). The server's pools therefore leave checkpoints to a task of
//! their own, which checkpoints `PASSIVE`ly (never waiting for, nor blocking, a reader or a
//! writer) on a connection of its own every [`CHECKPOINT_EVERY`]. A committed transaction is in
//! the log either way, where readers find its pages until they are copied. Durability is that of
//! `synchronous = NORMAL`, as before: safe from a crash of the process; after a power loss the
//! last transactions before the next checkpoint (now at most a moment later) may be lost.
//!
//! SQLite starts the log over only when a write begins after everything in it was copied and no
//! reader still reads from it. Writes that follow each other more closely than the task copies
//! (bulk actions back to back), or a reader that lasts (an export), would grow it without end. So
//! a commit still checkpoints by itself once the log holds [`COMMIT_CHECKPOINT_PAGES`] (512 MiB
//! of 4 KiB pages), as SQLite's own checkpoint does at 1,000; and since that checkpoint gives way
//! when the task is copying, the task itself, finding the log past that size, waits briefly
//! ([`TRUNCATE_WAIT`]) for the writers and readers to let it start the log over
//! (`TRUNCATE`), trying again at its next turn when they do not. A log started over is cut back
//! to [`LOG_SIZE_LIMIT`] on disk. The command-line pools (migrations, seeding, imports) keep
//! SQLite's default, having no task beside them.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::sqlx::{ConnectOptions, Executor, SqliteConnection};
use tokio::task::AbortHandle;

use crate::error::AppError;

/// How often the background task checkpoints.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The server's `wal_autocheckpoint`: the log's size in pages from which a commit checkpoints
/// by itself (SQLite's default: 1,000), and from which the task starts the log over.
pub const COMMIT_CHECKPOINT_PAGES: i64 = 131_072;

/// The longest the task waits for writers and readers when it starts an oversized log over.
pub const TRUNCATE_WAIT: Duration = Duration::from_millis(50);

/// The longest the task waits after failing; each failure in a row doubles its wait from
/// [`CHECKPOINT_EVERY`] up to this (a database that cannot be written fails every time).
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// The server's `journal_size_limit`: the bytes of log file kept on disk when the log starts
/// over (64 MiB).
pub const LOG_SIZE_LIMIT: i64 = 64 << 20;

/// The background checkpoint of one SQLite database; dropping it stops the task (and closes
/// its connection).
#[derive(Debug)]
pub struct Checkpointer {
    task: AbortHandle,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Whether `url` names an SQLite database kept in a file that the server writes (the only
/// kind with a log to copy).
pub fn wants_checkpointer(url: &str) -> bool {
    url.starts_with("sqlite:")
        && ![":memory:", "mode=memory", "mode=ro", "immutable=1"]
            .iter()
            .any(|not| url.contains(not))
}

/// Starts checkpointing the SQLite database at `url` every [`CHECKPOINT_EVERY`] on a
/// connection of its own (so that its statements take no pooled connection and count in no
/// request's statements). `None` for other databases.
pub async fn start(url: &str) -> Result<Option<Checkpointer>, AppError> {
    if !wants_checkpointer(url) {
        return Ok(None);
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| AppError::internal(format!("bad database address: {e}")))?
        .busy_timeout(TRUNCATE_WAIT)
        .disable_statement_logging();
    let mut conn = options
        .connect()
        .await
        .map_err(|e| AppError::internal(format!("cannot open the checkpoint connection: {e}")))?;
    let task = tokio::spawn(async move {
        let mut wait = CHECKPOINT_EVERY;
        loop {
            tokio::time::sleep(wait).await;
            wait = match checkpoint(&mut conn).await {
                Ok(()) => CHECKPOINT_EVERY,
                Err(e) => {
                    tracing::warn!(error = %e, "background checkpoint failed");
                    (wait * 2).min(LONGEST_WAIT)
                }
            };
        }
    });
    Ok(Some(Checkpointer {
        task: task.abort_handle(),
    }))
}

/// Copies what it can of the log into the database file without waiting for anyone; when the
/// log has grown past [`COMMIT_CHECKPOINT_PAGES`], starts it over if writers and readers let it within
/// [`TRUNCATE_WAIT`] (a busy database is no failure: the next turn tries again).
async fn checkpoint(conn: &mut SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    let (_, log, _): (i64, i64, i64) = sea_orm::sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(&mut *conn)
        .await?;
    if log > COMMIT_CHECKPOINT_PAGES {
        // `busy` (first column) is 1 when writers or readers kept it from starting over.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    Ok(())
}
