//! Queries the round trip and the migration steps use to look at a database.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

pub async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    let stmt = Statement::from_string(db.get_database_backend(), sql);
    let mut names: Vec<String> = db
        .query_all_raw(stmt)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect();
    names.sort();
    names
}

/// User tables, without the migration bookkeeping table.
pub async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
    };
    let mut names = strings(db, sql).await;
    names.retain(|n| n != "seaql_migrations");
    names
}

/// Named indexes (those the migrations create: `ix_*` / `ux_*`).
pub async fn indexes(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index'",
        _ => "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()",
    };
    let mut names = strings(db, sql).await;
    names.retain(|n| n.starts_with("ix_") || n.starts_with("ux_"));
    names
}

pub async fn insert_account(db: &DatabaseConnection, sid: &str) -> i64 {
    let sql = format!(
        "INSERT INTO accounts (sid, name, time_zone, created_at) \
         VALUES ('{sid}', 'Brand', 'UTC', CURRENT_TIMESTAMP) RETURNING id"
    );
    let stmt = Statement::from_string(db.get_database_backend(), sql);
    let row = db.query_one_raw(stmt).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

pub async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    let stmt = Statement::from_string(
        db.get_database_backend(),
        format!("SELECT COUNT(*) FROM {table}"),
    );
    let row = db.query_one_raw(stmt).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

pub async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql).await.unwrap();
}

/// Foreign keys of `table` as `<name> <ON DELETE action>`. SQLite keeps no constraint names, so
/// there the name is rebuilt the way the migrations make it: `fk_<table>_<column>`.
pub async fn foreign_keys(db: &DatabaseConnection, table: &str) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Sqlite => format!(
            "SELECT 'fk_{table}_' || \"from\" || ' ' || on_delete \
             FROM pragma_foreign_key_list('{table}')"
        ),
        _ => format!(
            "SELECT conname::text || ' ' || \
             CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' END \
             FROM pg_constraint WHERE contype = 'f' AND conrelid = '{table}'::regclass"
        ),
    };
    strings(db, &sql).await
}

/// SQLite's stored `CREATE TABLE` of `table`.
pub async fn sqlite_ddl(db: &DatabaseConnection, table: &str) -> String {
    let sql = format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'");
    strings(db, &sql).await.remove(0)
}

/// A `CREATE TABLE` without its foreign key clauses (SQLite writes them after the columns).
/// A table's DDL up to its foreign key clauses (and without the closing parenthesis).
pub fn without_foreign_keys(ddl: &str) -> &str {
    let columns = ddl.split(", FOREIGN KEY").next().unwrap();
    columns.strip_suffix(" )").unwrap_or(columns)
}
