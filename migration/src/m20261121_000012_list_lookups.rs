//! Lookups the My Partners page makes per partner of a page: the answers of option custom fields
//! (dropdowns, checkboxes) by `(campaign_id, partner_id)`. Their primary key leads with
//! `field_id`; SQLite skip-scans it, but PostgreSQL read the whole table (130 ms at a million
//! partners) for every page that showed such a column.

use sea_orm_migration::prelude::*;

use crate::common::{create_indexes, drop_indexes, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CustomFieldAnswerOptions {
    Table,
    CampaignId,
    PartnerId,
}

fn indexes() -> Vec<IndexCreateStatement> {
    use CustomFieldAnswerOptions as Cfao;
    vec![index(
        "ix_cfao_campaign_partner",
        Cfao::Table,
        &[Cfao::CampaignId, Cfao::PartnerId],
    )]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_indexes(manager, indexes()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, indexes()).await
    }
}
