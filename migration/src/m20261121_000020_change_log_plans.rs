//! PostgreSQL: the change-log triggers of migration 000017 find an UPDATE's changed rows without
//! joining the statement's old and new rows. PL/pgSQL plans a trigger's statement once per
//! connection, for the transition tables of its first call: after a small update (one partner
//! assigned) the connection kept a nested loop over the old and new rows, and its next
//! 100,000-row update compared 10^10 pairs — a bulk switch on a pooled connection ran for more
//! than five minutes. The rows are now grouped by id and the compared columns instead (a
//! changed row's old and new versions are two groups of one), which every plan does in
//! n log n at worst. SQLite's per-row triggers are unaffected.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::run_all;
use crate::m20261121_000017_list_changes::{postgres_functions_by_id, Compare};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn replace(manager: &SchemaManager<'_>, compare: Compare) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    run_all(manager, &postgres_functions_by_id(compare)).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace(manager, Compare::Grouped).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace(manager, Compare::Paired).await
    }
}
