//! Group names are unique within a campaign, ignoring (ASCII) case: a unique expression index
//! backs the service's check against concurrent creates and renames.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Expression indexes are written the same way on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_partner_groups_campaign_lower_name \
                 ON partner_groups (campaign_id, lower(name))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ux_partner_groups_campaign_lower_name")
            .await?;
        Ok(())
    }
}
