//! SQLite: the server's commits leave the write-ahead log to a background task, which copies
//! it into the database file within moments; a commit checkpoints by itself only once the log
//! is large. SQLite only: PostgreSQL has no such log to copy
//! (its checkpoints are the server's own), so there is no PostgreSQL variant of these tests.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database, Statement};

use crate::support::{Backend, TestApp};

/// The file behind a test app's SQLite URL.
fn file_of(app: &TestApp) -> std::path::PathBuf {
    let url = app.db_url();
    let path = url
        .strip_prefix("sqlite://")
        .and_then(|rest| rest.split('?').next())
        .expect("an SQLite file URL");
    path.into()
}

/// `sql`'s first column as an integer on `db`.
async fn number(db: &impl ConnectionTrait, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .expect("a number")
}

/// How many partners are named `name` in a copy of the database's main file alone (without
/// its log): what a checkpoint has copied there. `None` while the copy is torn by a
/// checkpoint writing it.
async fn named_in_main_file(app: &TestApp, name: &str) -> Option<i64> {
    let copy = std::env::temp_dir().join(format!("partnergraph-main-{}.db", std::process::id()));
    std::fs::copy(file_of(app), &copy).expect("copy the main file");
    let db = Database::connect(format!("sqlite://{}?mode=ro", copy.display()))
        .await
        .ok()?;
    let found = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) FROM partners WHERE name = '{name}'"),
        ))
        .await
        .ok()
        .flatten()
        .and_then(|row| row.try_get_by_index::<i64>(0).ok());
    db.close().await.ok();
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", copy.display())).ok();
    }
    found
}

#[tokio::test]
async fn small_commits_do_not_checkpoint_and_the_background_task_copies_the_log() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    app.seed_account(3, 7).await;
    // The server's connections leave the log alone up to 512 MiB, and cut it back to 64 MiB.
    assert_eq!(number(&app.db, "PRAGMA wal_autocheckpoint").await, 131_072);
    assert_eq!(number(&app.db, "PRAGMA journal_size_limit").await, 64 << 20);

    // A small write (far below SQLite's own threshold of 1,000 pages, so no commit would have
    // copied it) reaches the main file through the background task.
    rename(&app, "Checkpointed Partner").await;
    until_in_main_file(&app, "Checkpointed Partner").await;

    // Once everything was copied, the next write starts the log over: SQLite then writes the
    // log's header anew, with a new checkpoint sequence number and new salts (appended to, the
    // header would stay as it was).
    let first = log_header(&app);
    rename(&app, "Checkpointed Again").await;
    until_in_main_file(&app, "Checkpointed Again").await;
    assert_ne!(
        log_header(&app),
        first,
        "the log was appended to, not started over"
    );
}

/// The checkpoint sequence number and the two salts of the database's log (bytes 12 to 24 of
/// its header).
fn log_header(app: &TestApp) -> Vec<u8> {
    let log = std::fs::read(format!("{}-wal", file_of(app).display())).expect("the log");
    log[12..24].to_vec()
}

/// Renames the first partner to `name` through the server's pool.
async fn rename(app: &TestApp, name: &str) {
    let written = app
        .db
        .execute_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "UPDATE partners SET name = '{name}' WHERE id = (SELECT MIN(id) FROM partners)"
            ),
        ))
        .await
        .expect("update");
    assert_eq!(written.rows_affected(), 1);
}

/// Waits (up to 10 s) until a partner named `name` is in the main file.
async fn until_in_main_file(app: &TestApp, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while named_in_main_file(app, name).await != Some(1) {
        assert!(
            Instant::now() < deadline,
            "the write never reached the main file"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn command_line_pools_keep_sqlites_own_checkpoint() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let (db, _) =
        partnergraph::db::connect(&partnergraph::config::DatabaseConfig::for_url(app.db_url()))
            .await
            .expect("connect");
    // SQLite's default: a commit past 1,000 pages checkpoints (no task runs beside a command).
    assert_eq!(number(&db, "PRAGMA wal_autocheckpoint").await, 1000);
    assert!(partnergraph::db::checkpoint::wants_checkpointer(
        &app.db_url()
    ));
    assert!(!partnergraph::db::checkpoint::wants_checkpointer(
        "sqlite::memory:"
    ));
    assert!(!partnergraph::db::checkpoint::wants_checkpointer(
        "postgres://localhost/x"
    ));
    // A database the server only reads has no log of its own to copy.
    assert!(!partnergraph::db::checkpoint::wants_checkpointer(
        "sqlite://x.db?mode=ro"
    ));
}
