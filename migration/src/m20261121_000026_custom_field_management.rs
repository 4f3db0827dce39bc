//! Custom field management: a field's `description` (the product's Custom Fields API shows
//! one), and `deleted_at`, which keeps a deleted field as a tombstone so a saved filter naming
//! it still reads (it matches nothing) while ids that never were the campaign's stay unknown.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{text_null, timestamp_with_time_zone_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CustomFields {
    Table,
    Description,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(CustomFields::Table)
                    .add_column(text_null(CustomFields::Description))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CustomFields::Table)
                    .add_column(timestamp_with_time_zone_null(CustomFields::DeletedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [CustomFields::DeletedAt, CustomFields::Description] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CustomFields::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
