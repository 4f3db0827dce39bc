//! Write transactions with the guarantees every write path needs under concurrency: begun as a
//! writer, retried when the database lost a race for us (deadlock, serialization failure, busy
//! SQLite), and — through [`lock_campaign`] — serialized per campaign where a write reads what
//! it is about to change (group memberships, their counts and activity entries).
//!
//! A write is a closure over the transaction returning [`Finish`]: commit, or roll back (a dry
//! run, user errors). The closure may run more than once, so it must not act outside the
//! transaction before it returns. What it borrows (the caller's `AuthContext`, its input) comes
//! in as the `context` argument rather than being captured: the attempt's boxed future may then
//! borrow it, and stays `Send`, as the GraphQL executor needs.

mod lock;
mod retry;
mod scratch;

use sea_orm::{TransactionSession, TransactionTrait};

use crate::error::{AppError, AppResult};

pub use lock::{key as campaign_lock_key, lock_campaign, lock_campaign_then_now};
pub use retry::{is_retryable, Backoff, MAX_ATTEMPTS};
pub use scratch::analyze_filled;

/// How a write transaction ends, with the value the write returns either way.
#[derive(Debug)]
pub enum Finish<T> {
    /// Keep what was written.
    Commit(T),
    /// Write nothing (a dry run, or input the checks refused).
    Rollback(T),
}

tokio::task_local! {
    /// Set once the task commits a write transaction.
    static COMMITTED: std::sync::Arc<std::sync::atomic::AtomicBool>;
}

/// Runs `work` setting `committed` once it commits a write transaction here: the request
/// timeout gives a request whose changes are saved time to answer rather than report failure.
pub async fn noting_commits<T>(
    committed: std::sync::Arc<std::sync::atomic::AtomicBool>,
    work: impl std::future::Future<Output = T>,
) -> T {
    COMMITTED.scope(committed, work).await
}

/// Notes that the running task committed a write (nothing outside [`noting_commits`]).
pub(crate) fn mark_committed() {
    let _ = COMMITTED.try_with(|c| c.store(true, std::sync::atomic::Ordering::Relaxed));
}

/// One attempt of a write: a boxed future borrowing the transaction.
pub type Attempt<'t, T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = AppResult<Finish<T>>> + Send + 't>>;

/// Runs `write(transaction, context)` in a write transaction (on SQLite `BEGIN IMMEDIATE`) and
/// commits or rolls back as it says. When the database aborts an attempt because of a
/// concurrent transaction — a deadlock or serialization failure on PostgreSQL (SQLSTATE `40P01`,
/// `40001`), a busy or locked SQLite — the whole attempt runs again on a new transaction, up to
/// [`MAX_ATTEMPTS`] times with jittered, growing pauses; then the caller gets `UNAVAILABLE` with
/// a `retry_after`, never `INTERNAL`. A busy database at `BEGIN` is not tried again: beginning
/// already waited for the write lock (SQLite's busy timeout). Any other error rolls back and is
/// returned as it is.
pub async fn write_transaction<C, X, T, F>(db: &C, context: &X, mut write: F) -> AppResult<T>
where
    C: TransactionTrait,
    X: Sync + ?Sized,
    F: for<'t> FnMut(&'t C::Transaction, &'t X) -> Attempt<'t, T>,
{
    let mut backoff = Backoff::new();
    loop {
        let txn = match crate::db::begin_write(db).await {
            Ok(txn) => txn,
            Err(err) => return Err(busy_if_contention(err.into())),
        };
        let attempt = async {
            crate::db::widen_write_cache(&txn).await?;
            let finish = write(&txn, context).await;
            // Before the transaction ends, whichever way: see `narrow_write_cache`.
            let narrowed = crate::db::narrow_write_cache(&txn).await;
            // On an error the transaction is dropped, which rolls it back.
            let finish = finish?;
            narrowed?;
            match finish {
                Finish::Commit(value) => {
                    // Noted before the commit is sent: a time limit that falls while it is in
                    // flight must not answer as if nothing was saved.
                    mark_committed();
                    txn.commit().await?;
                    Ok(value)
                }
                Finish::Rollback(value) => {
                    txn.rollback().await?;
                    Ok(value)
                }
            }
        };
        let result: AppResult<T> = attempt.await;
        match result {
            Err(err) if err.is_contention() => match backoff.next_pause() {
                Some(pause) => {
                    tracing::info!(
                        attempt = backoff.attempts(),
                        ?pause,
                        "write lost a race with a concurrent transaction; retrying"
                    );
                    tokio::time::sleep(pause).await;
                }
                None => {
                    tracing::warn!(
                        attempts = backoff.attempts(),
                        "write kept losing races with concurrent transactions; giving up"
                    );
                    return Err(busy_if_contention(err));
                }
            },
            done => return done,
        }
    }
}

/// The answer once retrying is over: contention becomes "busy, come back" (`UNAVAILABLE` with
/// `retry_after`); anything else stays as it is.
fn busy_if_contention(err: AppError) -> AppError {
    if !err.is_contention() {
        return err;
    }
    AppError::Unavailable {
        message: "the data is being changed by other requests; try again".to_owned(),
        retry_after: 1,
    }
}

#[cfg(test)]
mod tests;
