//! Tenants and their users: `accounts`, `account_users`, `api_credentials`, `campaigns`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_indexes, drop_indexes, drop_tables, fk_cascade, index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Accounts {
    Table,
    Id,
    Sid,
    Name,
    TimeZone,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum AccountUsers {
    Table,
    Id,
    AccountId,
    Name,
    Email,
    Role,
    Title,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiCredentials {
    Table,
    Id,
    AccountId,
    UserId,
    TokenHash,
    Label,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum Campaigns {
    Table,
    Id,
    AccountId,
    Name,
    Currency,
    CreatedAt,
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        unique_index("ux_accounts_sid", Accounts::Table, &[Accounts::Sid]),
        unique_index(
            "ux_account_users_account_email",
            AccountUsers::Table,
            &[AccountUsers::AccountId, AccountUsers::Email],
        ),
        unique_index(
            "ux_api_credentials_token_hash",
            ApiCredentials::Table,
            &[ApiCredentials::TokenHash],
        ),
        index(
            "ix_api_credentials_account",
            ApiCredentials::Table,
            &[ApiCredentials::AccountId],
        ),
        index(
            "ix_campaigns_account",
            Campaigns::Table,
            &[Campaigns::AccountId],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(big_pk_auto(Accounts::Id))
                    .col(string_len(Accounts::Sid, 34))
                    .col(string(Accounts::Name))
                    .col(string_len(Accounts::TimeZone, 64))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountUsers::Table)
                    .col(big_pk_auto(AccountUsers::Id))
                    .col(big_integer(AccountUsers::AccountId))
                    .col(string(AccountUsers::Name))
                    .col(string(AccountUsers::Email))
                    .col(string_len(AccountUsers::Role, 32))
                    .col(string_null(AccountUsers::Title))
                    .col(timestamp_with_time_zone(AccountUsers::CreatedAt))
                    .foreign_key(&mut fk_cascade(
                        AccountUsers::Table,
                        AccountUsers::AccountId,
                        Accounts::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiCredentials::Table)
                    .col(big_pk_auto(ApiCredentials::Id))
                    .col(big_integer(ApiCredentials::AccountId))
                    .col(big_integer(ApiCredentials::UserId))
                    .col(string_len(ApiCredentials::TokenHash, 64))
                    .col(string(ApiCredentials::Label))
                    .col(timestamp_with_time_zone(ApiCredentials::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiCredentials::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiCredentials::RevokedAt))
                    .foreign_key(&mut fk_cascade(
                        ApiCredentials::Table,
                        ApiCredentials::AccountId,
                        Accounts::Table,
                    ))
                    .foreign_key(&mut fk_cascade(
                        ApiCredentials::Table,
                        ApiCredentials::UserId,
                        AccountUsers::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(big_pk_auto(Campaigns::Id))
                    .col(big_integer(Campaigns::AccountId))
                    .col(string(Campaigns::Name))
                    .col(string_len(Campaigns::Currency, 3))
                    .col(timestamp_with_time_zone(Campaigns::CreatedAt))
                    .foreign_key(&mut fk_cascade(
                        Campaigns::Table,
                        Campaigns::AccountId,
                        Accounts::Table,
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
                Campaigns::Table.into_iden(),
                ApiCredentials::Table.into_iden(),
                AccountUsers::Table.into_iden(),
                Accounts::Table.into_iden(),
            ],
        )
        .await
    }
}
