//! `account_users`: a user of a brand account, with their role (ADMINISTRATOR, EDITOR, READ_ONLY).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub title: Option<String>,
    pub created_at: DateTimeUtc,
    /// What the user may do: permission names joined by commas; null for the role's preset.
    #[sea_orm(column_type = "Text", nullable)]
    pub permissions: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
