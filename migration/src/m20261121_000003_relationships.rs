//! The brand-partner relationship: `campaign_partners` (one row per campaign and partner).

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{
    create_indexes, drop_indexes, drop_tables, fk_cascade, fk_set_null, index, unique_index,
};
use crate::m20261121_000001_accounts::{AccountUsers, Accounts, Campaigns};
use crate::m20261121_000002_partners::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CampaignPartners {
    Table,
    Id,
    AccountId,
    CampaignId,
    PartnerId,
    RelationshipType,
    RelationshipStage,
    ProspectingSource,
    ContractStatus,
    DateJoined,
    MarketplaceAppliedAt,
    AssignedUserId,
    AccessUrlEligible,
    ComplianceReviewFrequency,
    ComplianceAuditRate,
    ClientCostEnabled,
    ClientCostType,
    TrackingIntegrationType,
    TrackingPostbackUrl,
    TrackingPixelUrl,
    CreatedAt,
    UpdatedAt,
}

fn indexes() -> Vec<IndexCreateStatement> {
    use CampaignPartners as Cp;
    vec![
        unique_index(
            "ux_campaign_partners_campaign_partner",
            Cp::Table,
            &[Cp::CampaignId, Cp::PartnerId],
        ),
        index("ix_campaign_partners_account", Cp::Table, &[Cp::AccountId]),
        index("ix_campaign_partners_partner", Cp::Table, &[Cp::PartnerId]),
        index(
            "ix_cp_campaign_date_joined",
            Cp::Table,
            &[Cp::CampaignId, Cp::DateJoined, Cp::Id],
        ),
        index(
            "ix_cp_campaign_stage",
            Cp::Table,
            &[Cp::CampaignId, Cp::RelationshipStage],
        ),
        index(
            "ix_cp_campaign_type",
            Cp::Table,
            &[Cp::CampaignId, Cp::RelationshipType],
        ),
        index(
            "ix_cp_campaign_contract_status",
            Cp::Table,
            &[Cp::CampaignId, Cp::ContractStatus],
        ),
        index(
            "ix_cp_campaign_assigned_user",
            Cp::Table,
            &[Cp::CampaignId, Cp::AssignedUserId],
        ),
        index(
            "ix_cp_campaign_prospecting_source",
            Cp::Table,
            &[Cp::CampaignId, Cp::ProspectingSource],
        ),
        index(
            "ix_cp_campaign_marketplace_applied",
            Cp::Table,
            &[Cp::CampaignId, Cp::MarketplaceAppliedAt],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CampaignPartners as Cp;
        manager
            .create_table(
                Table::create()
                    .table(Cp::Table)
                    .col(big_pk_auto(Cp::Id))
                    .col(big_integer(Cp::AccountId))
                    .col(big_integer(Cp::CampaignId))
                    .col(big_integer(Cp::PartnerId))
                    .col(string_len(Cp::RelationshipType, 32))
                    .col(string_len(Cp::RelationshipStage, 32))
                    .col(string_len_null(Cp::ProspectingSource, 32))
                    .col(string_len_null(Cp::ContractStatus, 32))
                    .col(timestamp_with_time_zone_null(Cp::DateJoined))
                    .col(timestamp_with_time_zone_null(Cp::MarketplaceAppliedAt))
                    .col(big_integer_null(Cp::AssignedUserId))
                    .col(boolean(Cp::AccessUrlEligible).default(false))
                    .col(string_len_null(Cp::ComplianceReviewFrequency, 32))
                    .col(integer_null(Cp::ComplianceAuditRate))
                    .col(boolean(Cp::ClientCostEnabled).default(false))
                    .col(string_len_null(Cp::ClientCostType, 32))
                    .col(string_len_null(Cp::TrackingIntegrationType, 32))
                    .col(string_null(Cp::TrackingPostbackUrl))
                    .col(string_null(Cp::TrackingPixelUrl))
                    .col(timestamp_with_time_zone(Cp::CreatedAt))
                    .col(timestamp_with_time_zone(Cp::UpdatedAt))
                    .foreign_key(&mut fk_cascade(Cp::Table, Cp::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(Cp::Table, Cp::CampaignId, Campaigns::Table))
                    .foreign_key(&mut fk_cascade(Cp::Table, Cp::PartnerId, Partners::Table))
                    .foreign_key(&mut fk_set_null(
                        Cp::Table,
                        Cp::AssignedUserId,
                        AccountUsers::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, indexes()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, indexes()).await?;
        drop_tables(manager, [CampaignPartners::Table.into_iden()]).await
    }
}
