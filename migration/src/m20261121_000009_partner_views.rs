//! Saved views of the My Partners list: a user's named choice of columns, filter and sort.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{create_indexes, drop_indexes, drop_tables, fk_cascade, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PartnerViews {
    Table,
    Id,
    AccountId,
    CampaignId,
    UserId,
    Name,
    Columns,
    Filter,
    OrderBy,
    CreatedAt,
    UpdatedAt,
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
enum AccountUsers {
    Table,
}

use PartnerViews as V;

fn indexes() -> Vec<IndexCreateStatement> {
    vec![unique_index(
        "ux_partner_views_user_campaign_name",
        V::Table,
        &[V::UserId, V::CampaignId, V::Name],
    )]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(V::Table)
                    .col(big_pk_auto(V::Id))
                    .col(big_integer(V::AccountId))
                    .col(big_integer(V::CampaignId))
                    .col(big_integer(V::UserId))
                    .col(string(V::Name))
                    .col(text(V::Columns))
                    .col(text(V::Filter))
                    .col(text(V::OrderBy))
                    .col(timestamp_with_time_zone(V::CreatedAt))
                    .col(timestamp_with_time_zone(V::UpdatedAt))
                    .foreign_key(&mut fk_cascade(V::Table, V::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(V::Table, V::CampaignId, Campaigns::Table))
                    .foreign_key(&mut fk_cascade(V::Table, V::UserId, AccountUsers::Table))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, indexes()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, indexes()).await?;
        drop_tables(manager, [V::Table.into_iden()]).await
    }
}
