//! The activity entries of group mutations (`PARTNER_GROUP_CREATED`, `_UPDATED`, `_DELETED`)
//! were written without a campaign, so no campaign's feed showed them; the server now writes
//! them for the group's campaign. This gives the existing ones theirs, from the `campaignId`
//! their details hold (the group's, written by the server for the same account). Down takes it
//! away again.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const ACTIONS: &str = "('PARTNER_GROUP_CREATED', 'PARTNER_GROUP_UPDATED', 'PARTNER_GROUP_DELETED')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let campaign = match manager.get_database_backend() {
            DbBackend::Postgres => "CAST(CAST(details AS json)->>'campaignId' AS BIGINT)",
            _ => "CAST(json_extract(details, '$.campaignId') AS INTEGER)",
        };
        // Only where the campaign is the entry's account's (it always is; a damaged entry stays
        // as it was).
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE activity_log SET campaign_id = {campaign} \
                 WHERE campaign_id IS NULL AND action IN {ACTIONS} AND EXISTS \
                 (SELECT 1 FROM campaigns c WHERE c.id = {campaign} AND c.account_id = activity_log.account_id)"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE activity_log SET campaign_id = NULL WHERE partner_id IS NULL AND action IN {ACTIONS}"
            ))
            .await?;
        Ok(())
    }
}
