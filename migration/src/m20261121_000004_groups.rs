//! Partner groups of a campaign: `partner_groups`, `partner_group_members`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_indexes, drop_indexes, drop_tables, fk_cascade, index};
use crate::m20261121_000001_accounts::{Accounts, Campaigns};
use crate::m20261121_000002_partners::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PartnerGroups {
    Table,
    Id,
    AccountId,
    CampaignId,
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum PartnerGroupMembers {
    Table,
    GroupId,
    PartnerId,
    AccountId,
    CampaignId,
    AddedAt,
}

fn indexes() -> Vec<IndexCreateStatement> {
    use PartnerGroupMembers as Pgm;
    use PartnerGroups as Pg;
    vec![
        index(
            "ix_partner_groups_campaign_name",
            Pg::Table,
            &[Pg::CampaignId, Pg::Name],
        ),
        index("ix_partner_groups_account", Pg::Table, &[Pg::AccountId]),
        index(
            "ix_pgm_campaign_partner",
            Pgm::Table,
            &[Pgm::CampaignId, Pgm::PartnerId, Pgm::GroupId],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PartnerGroupMembers as Pgm;
        use PartnerGroups as Pg;
        manager
            .create_table(
                Table::create()
                    .table(Pg::Table)
                    .col(big_pk_auto(Pg::Id))
                    .col(big_integer(Pg::AccountId))
                    .col(big_integer(Pg::CampaignId))
                    .col(string(Pg::Name))
                    .col(timestamp_with_time_zone(Pg::CreatedAt))
                    .col(timestamp_with_time_zone(Pg::UpdatedAt))
                    .foreign_key(&mut fk_cascade(Pg::Table, Pg::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(Pg::Table, Pg::CampaignId, Campaigns::Table))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Pgm::Table)
                    .col(big_integer(Pgm::GroupId))
                    .col(big_integer(Pgm::PartnerId))
                    .col(big_integer(Pgm::AccountId))
                    .col(big_integer(Pgm::CampaignId))
                    .col(timestamp_with_time_zone(Pgm::AddedAt))
                    .primary_key(Index::create().col(Pgm::GroupId).col(Pgm::PartnerId))
                    .foreign_key(&mut fk_cascade(Pgm::Table, Pgm::GroupId, Pg::Table))
                    .foreign_key(&mut fk_cascade(Pgm::Table, Pgm::PartnerId, Partners::Table))
                    .foreign_key(&mut fk_cascade(Pgm::Table, Pgm::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(
                        Pgm::Table,
                        Pgm::CampaignId,
                        Campaigns::Table,
                    ))
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
                PartnerGroupMembers::Table.into_iden(),
                PartnerGroups::Table.into_iden(),
            ],
        )
        .await
    }
}
