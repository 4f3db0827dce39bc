//! PostgreSQL samples `campaign_partners.search_text` ten times more finely (statistics target
//! 1,000 instead of 100), so it estimates how many partners a search matches: at the default it
//! guessed 100 matches of a million for `coupon` (there are 15,000) and sorted every match,
//! found through the trigram index, by partner id (68 ms) instead of walking the partner id
//! index until the page is full (3 ms). SQLite keeps no such statistics: nothing to do there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn set_statistics(manager: &SchemaManager<'_>, target: i32) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    db.execute_unprepared(&format!(
        "ALTER TABLE campaign_partners ALTER COLUMN search_text SET STATISTICS {target}"
    ))
    .await?;
    db.execute_unprepared("ANALYZE campaign_partners").await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_statistics(manager, 1_000).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // -1: the server's default_statistics_target again.
        set_statistics(manager, -1).await
    }
}
