//! Contracts: `contract_templates`, `partner_contracts`, `contract_history`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_indexes, drop_indexes, drop_tables, fk_cascade, fk_set_null, index};
use crate::m20261121_000001_accounts::{AccountUsers, Accounts, Campaigns};
use crate::m20261121_000002_partners::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ContractTemplates {
    Table,
    Id,
    AccountId,
    CampaignId,
    Name,
    Description,
    PayoutType,
    PayoutValue,
    IsDefault,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PartnerContracts {
    Table,
    Id,
    AccountId,
    CampaignId,
    PartnerId,
    TemplateId,
    Name,
    Status,
    StartDate,
    EndDate,
    IsTemporary,
    FallbackTemplateId,
    ApprovalOption,
    Comment,
    CreatedByUserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ContractHistory {
    Table,
    Id,
    AccountId,
    CampaignId,
    PartnerId,
    ContractId,
    Action,
    TemplateId,
    EffectiveDate,
    Comment,
    UserId,
    CreatedAt,
}

fn indexes() -> Vec<IndexCreateStatement> {
    use ContractHistory as Ch;
    use ContractTemplates as Ct;
    use PartnerContracts as Pc;
    vec![
        index(
            "ix_contract_templates_campaign",
            Ct::Table,
            &[Ct::CampaignId],
        ),
        index(
            "ix_pc_campaign_partner_status",
            Pc::Table,
            &[Pc::CampaignId, Pc::PartnerId, Pc::Status],
        ),
        index(
            "ix_pc_campaign_template_status",
            Pc::Table,
            &[Pc::CampaignId, Pc::TemplateId, Pc::Status],
        ),
        index(
            "ix_pc_campaign_status_end",
            Pc::Table,
            &[Pc::CampaignId, Pc::Status, Pc::EndDate],
        ),
        index(
            "ix_contract_history_partner",
            Ch::Table,
            &[Ch::CampaignId, Ch::PartnerId, Ch::CreatedAt],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ContractHistory as Ch;
        use ContractTemplates as Ct;
        use PartnerContracts as Pc;
        manager
            .create_table(
                Table::create()
                    .table(Ct::Table)
                    .col(big_pk_auto(Ct::Id))
                    .col(big_integer(Ct::AccountId))
                    .col(big_integer(Ct::CampaignId))
                    .col(string(Ct::Name))
                    .col(text_null(Ct::Description))
                    .col(string_len(Ct::PayoutType, 32))
                    .col(double(Ct::PayoutValue))
                    .col(boolean(Ct::IsDefault).default(false))
                    .col(timestamp_with_time_zone(Ct::CreatedAt))
                    .foreign_key(&mut fk_cascade(Ct::Table, Ct::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(Ct::Table, Ct::CampaignId, Campaigns::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Pc::Table)
                    .col(big_pk_auto(Pc::Id))
                    .col(big_integer(Pc::AccountId))
                    .col(big_integer(Pc::CampaignId))
                    .col(big_integer(Pc::PartnerId))
                    .col(big_integer_null(Pc::TemplateId))
                    .col(string(Pc::Name))
                    .col(string_len(Pc::Status, 32))
                    .col(timestamp_with_time_zone(Pc::StartDate))
                    .col(timestamp_with_time_zone_null(Pc::EndDate))
                    .col(boolean(Pc::IsTemporary).default(false))
                    .col(big_integer_null(Pc::FallbackTemplateId))
                    .col(string_len_null(Pc::ApprovalOption, 32))
                    .col(text_null(Pc::Comment))
                    .col(big_integer_null(Pc::CreatedByUserId))
                    .col(timestamp_with_time_zone(Pc::CreatedAt))
                    .col(timestamp_with_time_zone(Pc::UpdatedAt))
                    .foreign_key(&mut fk_cascade(Pc::Table, Pc::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(Pc::Table, Pc::CampaignId, Campaigns::Table))
                    .foreign_key(&mut fk_cascade(Pc::Table, Pc::PartnerId, Partners::Table))
                    .foreign_key(&mut fk_set_null(Pc::Table, Pc::TemplateId, Ct::Table))
                    .foreign_key(&mut fk_set_null(
                        Pc::Table,
                        Pc::FallbackTemplateId,
                        Ct::Table,
                    ))
                    .foreign_key(&mut fk_set_null(
                        Pc::Table,
                        Pc::CreatedByUserId,
                        AccountUsers::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Ch::Table)
                    .col(big_pk_auto(Ch::Id))
                    .col(big_integer(Ch::AccountId))
                    .col(big_integer(Ch::CampaignId))
                    .col(big_integer(Ch::PartnerId))
                    .col(big_integer_null(Ch::ContractId))
                    .col(string_len(Ch::Action, 32))
                    .col(big_integer_null(Ch::TemplateId))
                    .col(timestamp_with_time_zone_null(Ch::EffectiveDate))
                    .col(text_null(Ch::Comment))
                    .col(big_integer_null(Ch::UserId))
                    .col(timestamp_with_time_zone(Ch::CreatedAt))
                    .foreign_key(&mut fk_cascade(Ch::Table, Ch::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(Ch::Table, Ch::CampaignId, Campaigns::Table))
                    .foreign_key(&mut fk_cascade(Ch::Table, Ch::PartnerId, Partners::Table))
                    .foreign_key(&mut fk_set_null(Ch::Table, Ch::ContractId, Pc::Table))
                    .foreign_key(&mut fk_set_null(Ch::Table, Ch::TemplateId, Ct::Table))
                    .foreign_key(&mut fk_set_null(Ch::Table, Ch::UserId, AccountUsers::Table))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, indexes()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, indexes()).await?;
        drop_tables(
            manager,
            [
                ContractHistory::Table.into_iden(),
                PartnerContracts::Table.into_iden(),
                ContractTemplates::Table.into_iden(),
            ],
        )
        .await
    }
}
