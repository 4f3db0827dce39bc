//! Granular permissions per account user: `account_users.permissions` holds the names of what
//! the user may do, joined by commas; null means the preset of the user's role.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::text_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AccountUsers {
    Table,
    Permissions,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AccountUsers::Table)
                    .add_column(text_null(AccountUsers::Permissions))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AccountUsers::Table)
                    .drop_column(AccountUsers::Permissions)
                    .to_owned(),
            )
            .await
    }
}
