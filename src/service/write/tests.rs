//! `write_transaction`: commits, rolls back, retries contention a bounded number of times and
//! passes every other error through.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

use super::*;

async fn database() -> DatabaseConnection {
    let db = Database::connect("sqlite::memory:").await.expect("sqlite");
    db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .await
        .expect("table");
    db
}

async fn rows(db: &DatabaseConnection) -> i64 {
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        "SELECT COUNT(*) AS n FROM t",
    ))
    .await
    .expect("count")
    .expect("row")
    .try_get("", "n")
    .expect("n")
}

async fn insert(txn: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    txn.execute_unprepared(&format!("INSERT INTO t VALUES ({id})"))
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_commit_keeps_the_writes_and_a_rollback_drops_them() {
    let db = database().await;
    let kept = write_transaction(&db, &(), |txn, _| {
        Box::pin(async move {
            insert(txn, 1).await?;
            Ok(Finish::Commit("kept"))
        })
    })
    .await;
    assert_eq!(kept.ok(), Some("kept"));
    let dropped = write_transaction(&db, &(), |txn, _| {
        Box::pin(async move {
            insert(txn, 2).await?;
            Ok(Finish::Rollback("dry run"))
        })
    })
    .await;
    assert_eq!(dropped.ok(), Some("dry run"));
    assert_eq!(rows(&db).await, 1);
}

#[tokio::test]
async fn an_attempt_that_lost_a_race_runs_again_on_a_new_transaction() {
    let db = database().await;
    let attempts = AtomicU32::new(0);
    let done = write_transaction(&db, &attempts, |txn, attempts| {
        Box::pin(async move {
            let attempt = attempts.fetch_add(1, Ordering::Relaxed) + 1;
            insert(txn, 1).await?;
            if attempt < 3 {
                // The first two attempts' inserts are rolled back, so the third can insert again.
                return Err(AppError::contention("deadlock detected"));
            }
            Ok(Finish::Commit(attempt))
        })
    })
    .await;
    assert_eq!(done.ok(), Some(3));
    assert_eq!(rows(&db).await, 1);
}

#[tokio::test]
async fn after_the_last_attempt_the_caller_is_told_to_come_back() {
    let db = database().await;
    let attempts = AtomicU32::new(0);
    let result: AppResult<()> = write_transaction(&db, &attempts, |_, attempts| {
        Box::pin(async move {
            attempts.fetch_add(1, Ordering::Relaxed);
            Err(AppError::contention("could not serialize access"))
        })
    })
    .await;
    assert_eq!(attempts.into_inner(), MAX_ATTEMPTS);
    let err = result.expect_err("every attempt failed");
    assert_eq!((err.code(), err.http_status()), ("UNAVAILABLE", 503));
    assert_eq!(err.retry_after(), Some(1));
}

#[tokio::test]
async fn other_errors_are_not_retried_and_nothing_is_written() {
    let db = database().await;
    let attempts = AtomicU32::new(0);
    let result: AppResult<()> = write_transaction(&db, &attempts, |txn, attempts| {
        Box::pin(async move {
            attempts.fetch_add(1, Ordering::Relaxed);
            insert(txn, 1).await?;
            insert(txn, 1).await?; // a unique violation: a bug, not a race
            Ok(Finish::Commit(()))
        })
    })
    .await;
    assert_eq!(attempts.into_inner(), 1);
    assert_eq!(result.expect_err("duplicate key").code(), "INTERNAL");
    assert_eq!(rows(&db).await, 0);
}

#[tokio::test]
async fn a_database_busy_at_begin_is_not_tried_again() {
    let path = std::env::temp_dir().join(format!("partnergraph-begin-{}.db", std::process::id()));
    let open = || {
        let mut options =
            sea_orm::ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
        options
            .max_connections(1)
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|o| o.busy_timeout(std::time::Duration::ZERO));
        Database::connect(options)
    };
    let (holder, writer) = (open().await.expect("open"), open().await.expect("open"));
    holder
        .execute_unprepared("BEGIN IMMEDIATE")
        .await
        .expect("holder takes the write lock");
    let attempts = AtomicU32::new(0);
    let result: AppResult<()> = write_transaction(&writer, &attempts, |_, attempts| {
        Box::pin(async move {
            attempts.fetch_add(1, Ordering::Relaxed);
            Ok(Finish::Commit(()))
        })
    })
    .await;
    let err = result.expect_err("the write lock is held");
    assert_eq!((err.code(), err.retry_after()), ("UNAVAILABLE", Some(1)));
    assert_eq!(attempts.into_inner(), 0, "the write never began");
    holder
        .execute_unprepared("ROLLBACK")
        .await
        .expect("rollback");
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }
}

async fn cache_size(db: &impl ConnectionTrait) -> i64 {
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        "PRAGMA cache_size",
    ))
    .await
    .expect("pragma")
    .expect("row")
    .try_get_by_index(0)
    .expect("cache_size")
}

#[tokio::test]
async fn a_sqlite_write_has_the_large_page_cache_and_gives_it_back_however_it_ends() {
    let db = database().await;
    let during = write_transaction(&db, &(), |txn, _| {
        Box::pin(async move { Ok(Finish::Commit(cache_size(txn).await)) })
    })
    .await
    .expect("commit");
    assert_eq!(during.to_string(), crate::db::SQLITE_WRITE_CACHE_SIZE);
    assert_eq!(
        cache_size(&db).await.to_string(),
        crate::db::SQLITE_CACHE_SIZE
    );
    // A rollback, and a write that fails, give it back too.
    let rolled_back = write_transaction(&db, &(), |txn, _| {
        Box::pin(async move { Ok(Finish::Rollback(cache_size(txn).await)) })
    })
    .await
    .expect("rollback");
    assert_eq!(rolled_back.to_string(), crate::db::SQLITE_WRITE_CACHE_SIZE);
    assert_eq!(
        cache_size(&db).await.to_string(),
        crate::db::SQLITE_CACHE_SIZE
    );
    let failed: AppResult<()> = write_transaction(&db, &(), |txn, _| {
        Box::pin(async move {
            assert_eq!(
                cache_size(txn).await.to_string(),
                crate::db::SQLITE_WRITE_CACHE_SIZE
            );
            Err(AppError::Validation("refused".into()))
        })
    })
    .await;
    assert!(matches!(failed, Err(AppError::Validation(_))));
    assert_eq!(
        cache_size(&db).await.to_string(),
        crate::db::SQLITE_CACHE_SIZE
    );
}
