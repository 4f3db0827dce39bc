//! Tests of the generator against real databases: a temporary SQLite file each, a fresh
//! PostgreSQL database too when `TEST_DATABASE_URL` is set, and any database for the ignored
//! million-partner timing (`SEED_BENCH_URL`).

mod demo;
mod generate;

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::config::DatabaseConfig;
use crate::db::scratch::ScratchDatabase;

/// A migrated database: a fresh temporary SQLite file (removed on drop), or a fresh
/// PostgreSQL database on the server `TEST_DATABASE_URL` names.
pub(super) struct TempDb {
    pub(super) db: DatabaseConnection,
    sqlite_path: Option<String>,
    /// The PostgreSQL database, dropped after the connection (fields drop after `drop`).
    _postgres: Option<ScratchDatabase>,
}

impl Drop for TempDb {
    fn drop(&mut self) {
        if let Some(path) = &self.sqlite_path {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
}

async fn open(
    url: String,
    sqlite_path: Option<String>,
    postgres: Option<ScratchDatabase>,
) -> TempDb {
    let (db, _) = crate::db::connect(&DatabaseConfig::for_url(url))
        .await
        .expect("connect");
    crate::db::migrate(&db).await.expect("migrate");
    TempDb {
        db,
        sqlite_path,
        _postgres: postgres,
    }
}

/// A fresh SQLite database.
pub(super) async fn temp_sqlite() -> TempDb {
    let path = std::env::temp_dir().join(format!("seedtest_{:016x}.db", rand::random::<u64>()));
    let path = path.to_string_lossy().into_owned();
    open(format!("sqlite://{path}?mode=rwc"), Some(path), None).await
}

/// A fresh PostgreSQL database when `TEST_DATABASE_URL` names a server.
pub(super) async fn temp_postgres() -> Option<TempDb> {
    let admin_url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))?;
    let database = ScratchDatabase::create(&admin_url, "seedtest")
        .await
        .expect("create a database on TEST_DATABASE_URL's server");
    Some(open(database.url.clone(), None, Some(database)).await)
}

/// A fresh SQLite database, and a fresh PostgreSQL one when `TEST_DATABASE_URL` is set.
pub(super) async fn temp_dbs() -> Vec<TempDb> {
    let mut dbs = vec![temp_sqlite().await];
    dbs.extend(temp_postgres().await);
    dbs
}

/// The distinct strings of column `v` of a query.
pub(super) async fn strings(db: &DatabaseConnection, sql: &str) -> BTreeSet<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect(sql);
    rows.iter()
        .filter_map(|r| r.try_get::<String>("", "v").ok())
        .collect()
}

/// Column `n` of a one-row query.
pub(super) async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .expect(sql)
        .expect("a row");
    row.try_get::<i64>("", "n").expect("n")
}

/// The stored names of every value of an enumeration.
pub(super) fn all<T: Copy>(values: &[T], name: impl Fn(T) -> &'static str) -> BTreeSet<String> {
    values.iter().map(|v| name(*v).to_owned()).collect()
}
