//! The classifier on codes, and on real errors of both databases; the pauses.

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

use super::*;

#[test]
fn deadlocks_serialization_failures_and_busy_sqlite_are_retryable() {
    for code in ["40P01", "40001"] {
        assert!(retryable_code(DbBackend::Postgres, code), "{code}");
    }
    // SQLITE_BUSY, SQLITE_LOCKED and their extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT,
    // BUSY_TIMEOUT, LOCKED_SHAREDCACHE, LOCKED_VTAB).
    for code in ["5", "6", "261", "517", "773", "262", "518"] {
        assert!(retryable_code(DbBackend::Sqlite, code), "{code}");
    }
}

#[test]
fn other_errors_are_not_retried() {
    // Unique and foreign-key violations, a statement timeout, a syntax error, an undefined table.
    for code in [
        "23505", "23503", "57014", "42601", "42P01", "40P02", "5", "6",
    ] {
        assert!(!retryable_code(DbBackend::Postgres, code), "{code}");
    }
    // SQLITE_ERROR, SQLITE_CONSTRAINT_UNIQUE, SQLITE_FULL, SQLITE_READONLY, not a number.
    for code in ["1", "2067", "13", "8", "40P01", ""] {
        assert!(!retryable_code(DbBackend::Sqlite, code), "{code}");
    }
    assert!(!retryable_code(DbBackend::MySql, "40001"));
    assert!(!is_retryable(&DbErr::Custom(
        "deadlock detected".to_owned()
    )));
    assert!(!is_retryable(&DbErr::RecordNotFound("40P01".to_owned())));
}

#[test]
fn pauses_grow_with_jitter_and_run_out() {
    let mut backoff = Backoff::new();
    let mut pauses = Vec::new();
    while let Some(pause) = backoff.next_pause() {
        pauses.push(pause);
    }
    assert_eq!(pauses.len() as u32, MAX_ATTEMPTS - 1);
    assert_eq!(backoff.attempts(), MAX_ATTEMPTS);
    for (i, pause) in pauses.iter().enumerate() {
        let base = FIRST_PAUSE * 2u32.pow(i as u32);
        assert!(
            *pause >= base / 2 && *pause <= base * 3 / 2,
            "{i}: {pause:?}"
        );
    }
}

async fn sqlite_without_waiting(path: &std::path::Path) -> DatabaseConnection {
    let mut options = ConnectOptions::new(format!("sqlite://{}?mode=rwc", path.display()));
    options
        .max_connections(1)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| o.busy_timeout(Duration::ZERO));
    Database::connect(options).await.expect("open sqlite")
}

#[tokio::test]
async fn a_real_busy_sqlite_is_retryable_and_a_unique_violation_is_not() {
    let path = std::env::temp_dir().join(format!("partnergraph-retry-{}.db", std::process::id()));
    let (a, b) = (
        sqlite_without_waiting(&path).await,
        sqlite_without_waiting(&path).await,
    );
    a.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .await
        .expect("table");
    a.execute_unprepared("BEGIN IMMEDIATE")
        .await
        .expect("begin");
    let busy = b
        .execute_unprepared("BEGIN IMMEDIATE")
        .await
        .expect_err("the other connection holds the write lock");
    assert!(is_retryable(&busy), "{busy:?}");
    a.execute_unprepared("INSERT INTO t VALUES (1)")
        .await
        .expect("insert");
    let duplicate = a
        .execute_unprepared("INSERT INTO t VALUES (1)")
        .await
        .expect_err("duplicate key");
    assert!(!is_retryable(&duplicate), "{duplicate:?}");
    a.execute_unprepared("ROLLBACK").await.expect("rollback");
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }
}

/// Two sessions that wait for each other's advisory lock: PostgreSQL picks one to fail with
/// `40P01`. Runs when `TEST_DATABASE_URL` names a PostgreSQL server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_postgres_deadlock_is_retryable() {
    let Some(url) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    // One connection per pool: session locks belong to the connection.
    let session = || {
        let mut options = ConnectOptions::new(url.clone());
        options.max_connections(1).sqlx_logging(false);
        Database::connect(options)
    };
    let (a, b) = (
        session().await.expect("connect"),
        session().await.expect("connect"),
    );
    let keys = [
        rand::random::<i32>() as i64,
        rand::random::<i32>() as i64 + (1 << 40),
    ];
    let lock = |key: i64| format!("SELECT pg_advisory_lock({key})");
    a.execute_unprepared(&lock(keys[0]))
        .await
        .expect("a takes 1");
    b.execute_unprepared(&lock(keys[1]))
        .await
        .expect("b takes 2");
    // Each side now waits for the other's key; the first to return is the deadlock victim. It
    // keeps its session lock until it lets go, so the winner finishes only after that.
    let (done, mut finished) = tokio::sync::mpsc::unbounded_channel();
    for (side, db, key) in [(0, &a, keys[1]), (1, &b, keys[0])] {
        let (db, sql, done) = (db.clone(), lock(key), done.clone());
        tokio::spawn(async move {
            done.send((side, db.execute_unprepared(&sql).await.map(|_| ())))
                .ok();
        });
    }
    let (victim, failed) = finished.recv().await.expect("one side returns");
    let failed = failed.expect_err("the first to return is the deadlock victim");
    assert!(is_retryable(&failed), "{failed:?}");
    [&a, &b][victim]
        .execute_unprepared("SELECT pg_advisory_unlock_all()")
        .await
        .expect("unlock");
    let (_, won) = finished.recv().await.expect("the other side returns");
    assert!(won.is_ok(), "{won:?}");
    a.execute_unprepared("SELECT pg_advisory_unlock_all()")
        .await
        .ok();
    b.execute_unprepared("SELECT pg_advisory_unlock_all()")
        .await
        .ok();
}
