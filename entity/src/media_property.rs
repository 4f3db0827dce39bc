//! `media_properties`: a partner's websites, mobile apps and social accounts, with their audience size.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media_properties")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partner_id: i64,
    pub property_type: String,
    pub platform: Option<String>,
    pub name: String,
    pub url: String,
    pub followers: Option<i64>,
    pub monthly_visits: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
