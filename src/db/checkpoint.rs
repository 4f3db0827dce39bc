//! SQLite: the write-ahead log copied into the database file in the background, not by the
//! request that wrote it.
//!
//! By default SQLite checkpoints in the connection whose commit takes the log past 1,000
//! pages, before that commit returns: a 100,000-partner bulk action dirties some 68,000 pages,
//! and its request waited about 0.6 s more for them to be copied into the file (the commit
//! itself, writing the log, 0.4 s). The server's pools therefore leave checkpoints to a task of
//! their own, which checkpoints `PASSIVE`ly (never waiting for, nor blocking, a reader or a
//! writer) on a connection of its own every [`CHECKPOINT_EVERY`]. A committed transaction is
//! durable in the log either way; until it is copied, readers find its pages there.
//!
//! SQLite starts the log over only when a write begins after everything in it was copied. Writes
//! that follow each other more closely than the task copies (bulk actions back to back) would
//! grow the log without end, so a commit still checkpoints by itself once the log holds
//! [`COMMIT_CHECKPOINT_PAGES`] (512 MiB of 4 KiB pages), as SQLite's own checkpoint does at
//! 1,000; and a log started over is cut back to [`LOG_SIZE_LIMIT`] on disk. The command-line
//! pools (migrations, seeding, imports) keep SQLite's default, having no task beside them.

use std::str::FromStr;
use std::time::Duration;

use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::sqlx::{ConnectOptions, Executor, SqliteConnection};
use tokio::task::AbortHandle;

use crate::error::AppError;

/// How often the background task checkpoints.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The server's `wal_autocheckpoint`: the log's size in pages from which a commit checkpoints
/// by itself (SQLite's default: 1,000).
pub const COMMIT_CHECKPOINT_PAGES: &str = "131072";

/// The server's `journal_size_limit`: the bytes of log file kept on disk when the log starts
/// over (64 MiB).
pub const LOG_SIZE_LIMIT: &str = "67108864";

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

/// Whether `url` names an SQLite database kept in a file (the only kind with a log to copy).
pub fn wants_checkpointer(url: &str) -> bool {
    url.starts_with("sqlite:") && !url.contains(":memory:") && !url.contains("mode=memory")
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
        .busy_timeout(Duration::from_secs(5))
        .disable_statement_logging();
    let mut conn = options
        .connect()
        .await
        .map_err(|e| AppError::internal(format!("cannot open the checkpoint connection: {e}")))?;
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = checkpoint(&mut conn).await {
                tracing::warn!(error = %e, "background checkpoint failed");
            }
        }
    });
    Ok(Some(Checkpointer {
        task: task.abort_handle(),
    }))
}

/// Copies what it can of the log into the database file without waiting for anyone.
async fn checkpoint(conn: &mut SqliteConnection) -> Result<(), sea_orm::sqlx::Error> {
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        .await
        .map(drop)
}
