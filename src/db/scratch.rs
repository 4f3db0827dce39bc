//! A PostgreSQL database made for one test, dropped with its connections when the value is
//! (a failing test's too), so test runs leave no databases behind on the server they use.

use sea_orm::{ConnectionTrait, Database, DbErr};

/// A fresh, empty database on a PostgreSQL server, dropped on drop.
pub struct ScratchDatabase {
    /// Its URL.
    pub url: String,
    admin_url: String,
    name: String,
}

impl ScratchDatabase {
    /// Creates a database named `prefix`, `_` and 16 random hex digits on the server of
    /// `admin_url` (a `postgres://` URL naming a database the user may create databases from).
    pub async fn create(admin_url: &str, prefix: &str) -> Result<ScratchDatabase, DbErr> {
        let name = format!("{prefix}_{:016x}", rand::random::<u64>());
        let admin = Database::connect(admin_url).await?;
        let created = admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await;
        admin.close().await.ok();
        created?;
        let (base, query) = match admin_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (admin_url, String::new()),
        };
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        Ok(ScratchDatabase {
            url: format!("{server}/{name}{query}"),
            admin_url: admin_url.to_owned(),
            name,
        })
    }

    async fn drop_now(admin_url: &str, name: &str) -> Result<(), DbErr> {
        let admin = Database::connect(admin_url).await?;
        // `WITH (FORCE)` (PostgreSQL 13 and later) ends the connections still open, such as a
        // stopped server's pools; a pool that connects again at that moment makes the drop
        // fail ("being accessed by other users"), so it is tried a few times.
        let mut dropped = Ok(());
        for attempt in 0..5 {
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            dropped = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .map(|_| ());
            if dropped.is_ok() {
                break;
            }
        }
        admin.close().await.ok();
        dropped
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // A thread with a runtime of its own: a drop inside a test's runtime cannot block on a
        // future of that runtime.
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?
                .block_on(Self::drop_now(&admin_url, &name))
                .map_err(|e| e.to_string())
        })
        .join()
        .unwrap_or_else(|_| Err("its thread panicked".to_owned()));
        if let Err(e) = dropped {
            eprintln!("database {} left behind: {e}", self.name);
        }
    }
}
