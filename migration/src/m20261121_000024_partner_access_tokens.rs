//! `partner_access_tokens`: the single-use tokens of the short-lived access URLs a brand issues
//! for a partner eligible for access. Only the SHA-256 of a token is kept (like API
//! credentials); `used_at` marks it spent, `expires_at` ends it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, big_pk_auto, string_len, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

use crate::common::run_all;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PartnerAccessTokens {
    Table,
    Id,
    AccountId,
    CampaignId,
    PartnerId,
    TokenHash,
    IssuedByUserId,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PartnerAccessTokens as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(big_pk_auto(T::Id))
                    .col(big_integer(T::AccountId))
                    .col(big_integer(T::CampaignId))
                    .col(big_integer(T::PartnerId))
                    .col(string_len(T::TokenHash, 64))
                    .col(big_integer_null(T::IssuedByUserId))
                    .col(timestamp_with_time_zone(T::ExpiresAt))
                    .col(timestamp_with_time_zone_null(T::UsedAt))
                    .col(timestamp_with_time_zone(T::CreatedAt))
                    .to_owned(),
            )
            .await?;
        run_all(
            manager,
            &[
                "CREATE UNIQUE INDEX ux_partner_access_tokens_hash ON partner_access_tokens (token_hash)",
                "CREATE INDEX ix_partner_access_tokens_partner ON partner_access_tokens (campaign_id, partner_id)",
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PartnerAccessTokens::Table).to_owned())
            .await
    }
}
