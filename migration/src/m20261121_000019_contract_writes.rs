//! Cheaper writes of the contract actions, which write 100,000 contract records and history
//! entries at a time:
//! - On PostgreSQL `partner_contracts` and `contract_history` lose their foreign keys, as the
//!   memberships did in `000011`: each is a per-row trigger that queries and locks the row it
//!   points to. Measured at 1M partners, inserting 100,000 contract records took 5.8 s with the
//!   six keys and 1.1 s without. Both tables are written only by the contract services, inside
//!   their transactions, from rows they have just read (templates, users, campaigns, accounts
//!   and partners are never deleted). SQLite keeps its keys: there each is one primary-key probe
//!   (0.18 s of a 0.75 s insert of 100,000 records), and dropping them would mean rebuilding
//!   both tables and the triggers of `000017`.
//! - The scheduled-change runner finds due changes campaign by campaign: the two indexes over
//!   every campaign's records by status and date (`000016`) become one by campaign, status and
//!   start date; (campaign, status, end date) exists since `000005`. Finding which campaigns
//!   have something due is then one index probe per campaign instead of reading every due
//!   record (2.4 s for 100,000 due switches on SQLite).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::common::{create_indexes, drop_indexes, drop_keys, index, key, restore_keys, Key};
use crate::m20261121_000016_contract_lifecycle::runner_indexes;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PartnerContracts {
    Table,
    AccountId,
    CampaignId,
    PartnerId,
    TemplateId,
    FallbackTemplateId,
    CreatedByUserId,
    Status,
    StartDate,
}

#[derive(DeriveIden, Clone, Copy)]
enum ContractHistory {
    Table,
    AccountId,
    CampaignId,
    PartnerId,
    ContractId,
    TemplateId,
    UserId,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
}

#[derive(DeriveIden)]
enum Partners {
    Table,
}

#[derive(DeriveIden)]
enum ContractTemplates {
    Table,
}

#[derive(DeriveIden)]
enum AccountUsers {
    Table,
}

/// Each table with the keys PostgreSQL drops, as `000005` made them (history first: it points
/// at the records).
fn keys() -> Vec<(DynIden, Vec<Key>)> {
    use ContractHistory as Ch;
    use ForeignKeyAction::{Cascade, SetNull};
    use PartnerContracts as Pc;
    vec![
        (
            Ch::Table.into_iden(),
            vec![
                key(Ch::AccountId, Accounts::Table, Cascade),
                key(Ch::CampaignId, Campaigns::Table, Cascade),
                key(Ch::PartnerId, Partners::Table, Cascade),
                key(Ch::ContractId, Pc::Table, SetNull),
                key(Ch::TemplateId, ContractTemplates::Table, SetNull),
                key(Ch::UserId, AccountUsers::Table, SetNull),
            ],
        ),
        (
            Pc::Table.into_iden(),
            vec![
                key(Pc::AccountId, Accounts::Table, Cascade),
                key(Pc::CampaignId, Campaigns::Table, Cascade),
                key(Pc::PartnerId, Partners::Table, Cascade),
                key(Pc::TemplateId, ContractTemplates::Table, SetNull),
                key(Pc::FallbackTemplateId, ContractTemplates::Table, SetNull),
                key(Pc::CreatedByUserId, AccountUsers::Table, SetNull),
            ],
        ),
    ]
}

/// The runner's index by campaign (`000016`'s [`runner_indexes`] before).
fn campaign_indexes() -> Vec<IndexCreateStatement> {
    use PartnerContracts as Pc;
    vec![index(
        "ix_pc_campaign_status_start",
        Pc::Table,
        &[Pc::CampaignId, Pc::Status, Pc::StartDate],
    )]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, runner_indexes()).await?;
        create_indexes(manager, campaign_indexes()).await?;
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for (table, keys) in keys() {
            drop_keys(manager, &table, &keys).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            // Records first: history entries may point at records the cleanup deletes.
            for (table, keys) in keys().into_iter().rev() {
                restore_keys(manager, &table, &keys).await?;
            }
        }
        drop_indexes(manager, campaign_indexes()).await?;
        create_indexes(manager, runner_indexes()).await
    }
}
