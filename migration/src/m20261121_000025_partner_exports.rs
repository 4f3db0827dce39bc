//! `partner_exports`: the exports of the partner list a user asked for, each reached through a
//! short-lived download URL. The export is stored as asked (filter as its `PartnerFilter` input,
//! order, columns, format) and run when the URL is fetched; only the SHA-256 of the URL's token
//! is kept, like API credentials and access tokens.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_pk_auto, string_len, text, timestamp_with_time_zone,
};

use crate::common::{fk_cascade, run_all};
use crate::m20261121_000001_accounts::{Accounts, Campaigns};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum PartnerExports {
    Table,
    Id,
    AccountId,
    CampaignId,
    UserId,
    CredentialId,
    TokenHash,
    Spec,
    ExpiresAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PartnerExports as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::AccountId))
                    .col(big_integer(T::CampaignId))
                    .col(big_integer(T::UserId))
                    .col(big_integer(T::CredentialId))
                    .col(string_len(T::TokenHash, 64))
                    .col(text(T::Spec))
                    .col(timestamp_with_time_zone(T::ExpiresAt))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .foreign_key(&mut fk_cascade(T::Table, T::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(T::Table, T::CampaignId, Campaigns::Table))
                    .to_owned(),
            )
            .await?;
        run_all(
            manager,
            &["CREATE UNIQUE INDEX ux_partner_exports_hash ON partner_exports (token_hash)"],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PartnerExports::Table).to_owned())
            .await
    }
}
