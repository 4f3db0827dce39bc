//! The facet index also holds each partner's date joined: it picks a page in date-joined order
//! among its matches itself, and hands the page query only those rows. A change of
//! `campaign_partners.date_joined` therefore changes what the index holds, and its UPDATE now
//! bumps the campaign's list version and logs the partner like the other facet columns
//! (PostgreSQL's statement-level function of migration 000020 and SQLite's per-row trigger of
//! migration 000017, each with the column added).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::run_all;
use crate::m20261121_000017_list_changes::{
    postgres_function_by_id, sqlite_update_trigger, Compare, CAMPAIGN_PARTNER_COLUMNS,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLE: &str = "campaign_partners";

/// Replaces the table's UPDATE logging with one that compares `columns`.
async fn compare(manager: &SchemaManager<'_>, columns: &str) -> Result<(), DbErr> {
    let sql = match manager.get_database_backend() {
        DbBackend::Postgres => vec![postgres_function_by_id(TABLE, columns, Compare::Grouped)],
        // One string, so both run on one connection: the migration's statements may each
        // take another connection of the pool, which would still see the dropped trigger.
        _ => vec![format!(
            "DROP TRIGGER IF EXISTS tr_{TABLE}_changes_update; {}",
            sqlite_update_trigger(TABLE, columns)
        )],
    };
    run_all(manager, &sql).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        compare(manager, &format!("{CAMPAIGN_PARTNER_COLUMNS}, date_joined")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        compare(manager, CAMPAIGN_PARTNER_COLUMNS).await
    }
}
