//! The contract lifecycle: templates get a currency and a notice period; history entries can
//! flag an expiry as non-compliance; indexes let the scheduled-change runner find due changes
//! of every campaign (upcoming switches by start, contracts ending by end) and the campaign-wide
//! list of changes read newest first.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{boolean, integer, string_len_null};

use crate::common::{create_indexes, drop_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ContractTemplates {
    Table,
    Currency,
    NoticePeriodDays,
}

#[derive(DeriveIden, Clone, Copy)]
enum ContractHistory {
    Table,
    CampaignId,
    CreatedAt,
    NonCompliant,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerContracts {
    Table,
    Status,
    StartDate,
    EndDate,
}

/// The runner's indexes over every campaign's records (replaced in `000019`).
pub(crate) fn runner_indexes() -> Vec<IndexCreateStatement> {
    use PartnerContracts as Pc;
    vec![
        index(
            "ix_pc_status_start",
            Pc::Table,
            &[Pc::Status, Pc::StartDate],
        ),
        index("ix_pc_status_end", Pc::Table, &[Pc::Status, Pc::EndDate]),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    let mut all = runner_indexes();
    all.push(index(
        "ix_contract_history_campaign_created",
        ContractHistory::Table,
        &[ContractHistory::CampaignId, ContractHistory::CreatedAt],
    ));
    all
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ContractTemplates::Table)
                    .add_column(string_len_null(ContractTemplates::Currency, 3))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ContractTemplates::Table)
                    .add_column(integer(ContractTemplates::NoticePeriodDays).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ContractHistory::Table)
                    .add_column(boolean(ContractHistory::NonCompliant).default(false))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, indexes()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, indexes()).await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ContractHistory::Table)
                    .drop_column(ContractHistory::NonCompliant)
                    .to_owned(),
            )
            .await?;
        for column in [
            ContractTemplates::Currency,
            ContractTemplates::NoticePeriodDays,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ContractTemplates::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
