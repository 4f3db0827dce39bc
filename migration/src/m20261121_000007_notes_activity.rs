//! Notes about partners and the account activity log: `notes`, `activity_log`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{create_indexes, drop_indexes, drop_tables, fk_cascade, fk_set_null, index};
use crate::m20261121_000001_accounts::{AccountUsers, Accounts, Campaigns};
use crate::m20261121_000002_partners::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Notes {
    Table,
    Id,
    AccountId,
    CampaignId,
    PartnerId,
    AuthorUserId,
    NoteType,
    Body,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub(crate) enum ActivityLog {
    Table,
    Id,
    AccountId,
    CampaignId,
    PartnerId,
    UserId,
    Action,
    Details,
    CreatedAt,
}

fn indexes() -> Vec<IndexCreateStatement> {
    use ActivityLog as Al;
    vec![
        index(
            "ix_notes_partner",
            Notes::Table,
            &[Notes::CampaignId, Notes::PartnerId, Notes::CreatedAt],
        ),
        index(
            "ix_activity_log_account_created",
            Al::Table,
            &[Al::AccountId, Al::CreatedAt],
        ),
        index(
            "ix_activity_log_partner",
            Al::Table,
            &[Al::CampaignId, Al::PartnerId, Al::CreatedAt],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ActivityLog as Al;
        manager
            .create_table(
                Table::create()
                    .table(Notes::Table)
                    .col(big_pk_auto(Notes::Id))
                    .col(big_integer(Notes::AccountId))
                    .col(big_integer(Notes::CampaignId))
                    .col(big_integer(Notes::PartnerId))
                    .col(big_integer_null(Notes::AuthorUserId))
                    .col(string_len(Notes::NoteType, 32))
                    .col(text(Notes::Body))
                    .col(timestamp_with_time_zone(Notes::CreatedAt))
                    .foreign_key(&mut fk_cascade(
                        Notes::Table,
                        Notes::AccountId,
                        Accounts::Table,
                    ))
                    .foreign_key(&mut fk_cascade(
                        Notes::Table,
                        Notes::CampaignId,
                        Campaigns::Table,
                    ))
                    .foreign_key(&mut fk_cascade(
                        Notes::Table,
                        Notes::PartnerId,
                        Partners::Table,
                    ))
                    .foreign_key(&mut fk_set_null(
                        Notes::Table,
                        Notes::AuthorUserId,
                        AccountUsers::Table,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Al::Table)
                    .col(big_pk_auto(Al::Id))
                    .col(big_integer(Al::AccountId))
                    .col(big_integer_null(Al::CampaignId))
                    .col(big_integer_null(Al::PartnerId))
                    .col(big_integer_null(Al::UserId))
                    .col(string_len(Al::Action, 64))
                    .col(text_null(Al::Details))
                    .col(timestamp_with_time_zone(Al::CreatedAt))
                    .foreign_key(&mut fk_cascade(Al::Table, Al::AccountId, Accounts::Table))
                    .foreign_key(&mut fk_cascade(Al::Table, Al::CampaignId, Campaigns::Table))
                    .foreign_key(&mut fk_cascade(Al::Table, Al::PartnerId, Partners::Table))
                    .foreign_key(&mut fk_set_null(Al::Table, Al::UserId, AccountUsers::Table))
                    .to_owned(),
            )
            .await?;
        create_indexes(manager, indexes()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_indexes(manager, indexes()).await?;
        drop_tables(
            manager,
            [ActivityLog::Table.into_iden(), Notes::Table.into_iden()],
        )
        .await
    }
}
