//! What the Notes REST API and the campaign routes answer with:
//! - `notes.updated_at`: when a note was last edited (null until it is; the product's
//!   `ModificationDate` is this, or the creation time), and `ix_notes_campaign`
//!   (campaign_id, id) for a campaign's notes in id order, the REST list's order;
//! - `campaigns.state` (`ACTIVE`, `PAUSED`, `ENDED`; every existing campaign is `ACTIVE`);
//! - `ix_activity_log_campaign_created` (campaign_id, created_at, id): a campaign's activity
//!   feed, newest first, read in index order (the partner index has the partner in between).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{string_len, timestamp_with_time_zone_null};

use crate::common::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notes {
    Table,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    State,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Notes::Table)
                    .add_column(timestamp_with_time_zone_null(Notes::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Campaigns::Table)
                    .add_column(string_len(Campaigns::State, 32).default("ACTIVE"))
                    .to_owned(),
            )
            .await?;
        run_all(
            manager,
            &[
                "CREATE INDEX ix_notes_campaign ON notes (campaign_id, id)",
                "CREATE INDEX ix_activity_log_campaign_created ON activity_log (campaign_id, created_at, id)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_all(
            manager,
            &[
                "DROP INDEX ix_activity_log_campaign_created",
                "DROP INDEX ix_notes_campaign",
                "ALTER TABLE campaigns DROP COLUMN state",
                "ALTER TABLE notes DROP COLUMN updated_at",
            ],
        )
        .await
    }
}
