//! `partner_exports`: exports of the partner list, each fetched through a short-lived download
//! URL (only the SHA-256 of its token is stored).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_exports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
    pub user_id: i64,
    pub credential_id: i64,
    pub token_hash: String,
    #[sea_orm(column_type = "Text")]
    pub spec: String,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
