//! The test harness itself: a test's PostgreSQL database does not outlive its app.

use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};

use crate::support::{Backend, TestApp};

async fn exists(admin_url: &str, name: &str) -> bool {
    let admin = Database::connect(admin_url).await.expect("connect");
    let row = admin
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 AS one FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await
        .expect("pg_database");
    admin.close().await.ok();
    row.is_some()
}

/// Dropping an app (as every test does at its end, failed or not) drops its PostgreSQL
/// database, even with connections to it still open, so runs leave nothing on the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tests_postgres_database_is_dropped_with_its_app() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        eprintln!("TEST_DATABASE_URL is not a PostgreSQL URL: skipped");
        return;
    };
    let url = app.db_url();
    let path = url.rsplit('/').next().expect("a database name");
    let name = path.split('?').next().unwrap_or(path).to_owned();
    let open = Database::connect(&url)
        .await
        .expect("connect to the app's database");
    assert!(exists(&admin_url, &name).await, "{name} was created");
    drop(app);
    assert!(
        !exists(&admin_url, &name).await,
        "{name} outlived its app (a connection was still open to it)"
    );
    open.close().await.ok();
}
