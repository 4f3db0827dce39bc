//! `partner_attributes`: tag-like attributes of a partner profile (business model, promotional area,
//! audience country, category), keyed by (partner_id, kind, value).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_attributes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
