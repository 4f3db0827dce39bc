//! A bulk action logs its partners once. The change-log triggers (migrations 000017, 000020,
//! 000021, 000030) log every row a statement changes: a contract action over 100,000 partners
//! ran them for each of its two or three statements over the same partners (at a million
//! partners on PostgreSQL, 0.25–0.6 s a statement: comparing the old and new rows, then 100,000
//! log rows; on SQLite one version bump and one log row per row changed).
//!
//! `change_log_pauses` holds the campaigns whose changes the writer of the transaction logs
//! itself. The bulk engine inserts its campaign after fixing its selection, runs the action, logs
//! the selected partners once, at one new version, and deletes the row before the transaction
//! ends; the scheduled-change runner does the same for each round's partners
//! (`src/service/bulk/changes.rs`). The row is never committed: other transactions do
//! not see it (SQLite has one writer; PostgreSQL's uncommitted rows are the writer's own), and
//! a transaction that fails takes it with it. The triggers skip the rows of a paused campaign
//! (SQLite in each trigger's `WHEN`; PostgreSQL's functions return at once when every row of the
//! statement is of one, and leave such rows out otherwise), so a write to another campaign in
//! the same transaction (an invitation's) is still logged. SQLite's trigger of an UPDATE that
//! moves a row to another campaign or partner is unchanged (PostgreSQL's functions leave out a
//! paused side of a move too; no paused writer moves rows), and so are the triggers of profile
//! attributes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::run_all;
use crate::m20261121_000017_list_changes::{
    changed_pairs, postgres_log_function, sqlite_log, Compare,
};
use crate::m20261201_000030_single_change_rows::{split_update_triggers, tables};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ChangeLogPauses {
    Table,
    CampaignId,
}

/// SQLite: the row (`new` or `old`) is not of a paused campaign.
fn unpaused(row: &str) -> String {
    format!("NOT EXISTS (SELECT 1 FROM change_log_pauses WHERE campaign_id = {row}.campaign_id)")
}

/// SQLite: the insert, delete and update triggers of `table` (the update comparing `columns`),
/// honouring pauses or not.
fn sqlite_triggers(table: &str, columns: &str, pauses: bool) -> String {
    let when = |row: &str| {
        if pauses {
            format!(" WHEN {}", unpaused(row))
        } else {
            String::new()
        }
    };
    let also = if pauses {
        format!(" AND {}", unpaused("new"))
    } else {
        String::new()
    };
    format!(
        "DROP TRIGGER IF EXISTS tr_{table}_changes_insert; \
         CREATE TRIGGER tr_{table}_changes_insert AFTER INSERT ON {table}{} BEGIN {} END; \
         DROP TRIGGER IF EXISTS tr_{table}_changes_delete; \
         CREATE TRIGGER tr_{table}_changes_delete AFTER DELETE ON {table}{} BEGIN {} END; \
         DROP TRIGGER IF EXISTS tr_{table}_changes_move; {}",
        when("new"),
        sqlite_log("new.campaign_id", "new.partner_id"),
        when("old"),
        sqlite_log("old.campaign_id", "old.partner_id"),
        split_update_triggers(table, columns, &also),
    )
}

/// PostgreSQL: the function of `table` (an UPDATE compared by id over `columns`, grouped as
/// migration 000020 made it, where the table has an id), honouring pauses or not.
fn postgres_function(table: &str, columns: &str, pauses: bool) -> String {
    let by_id = (table != "partner_group_members").then_some((columns, Compare::Grouped));
    postgres_log_function(
        &format!("log_{table}_changes"),
        changed_pairs(by_id).each_ref().map(String::as_str),
        pauses,
    )
}

/// Every logged table's triggers (SQLite) or functions (PostgreSQL), honouring pauses or not.
async fn replace(manager: &SchemaManager<'_>, pauses: bool) -> Result<(), DbErr> {
    let sql: Vec<String> = tables()
        .iter()
        .map(|(table, columns)| match manager.get_database_backend() {
            DbBackend::Postgres => postgres_function(table, columns, pauses),
            // One string per table, so its statements share a connection.
            _ => sqlite_triggers(table, columns, pauses),
        })
        .collect();
    run_all(manager, &sql).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ChangeLogPauses::Table)
                    // A key (a transaction pauses a campaign once at a time), so that a
                    // PostgreSQL publication of every table can replicate its deletes.
                    .col(
                        ColumnDef::new(ChangeLogPauses::CampaignId)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .to_owned(),
            )
            .await?;
        replace(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace(manager, false).await?;
        manager
            .drop_table(Table::drop().table(ChangeLogPauses::Table).to_owned())
            .await
    }
}
