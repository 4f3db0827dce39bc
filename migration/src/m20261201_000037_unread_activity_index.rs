//! Drops `ix_activity_log_account_created` (account_id, created_at): no query reads the activity
//! log by account alone (the feed is a campaign's, `ix_activity_log_campaign_created`, or a
//! partner's, `ix_activity_log_partner`), but every entry written paid for it, and a bulk action
//! writes one per partner it changes: 100,000 entries took 0.53–0.67 s with the table's four
//! indexes and 0.48 s with three (PostgreSQL, `psql`, rolled back). Down makes it again.

use sea_orm_migration::prelude::*;

use crate::common::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(manager, &["DROP INDEX ix_activity_log_account_created"]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(
            manager,
            &["CREATE INDEX ix_activity_log_account_created ON activity_log (account_id, created_at)"],
        )
        .await
    }
}
