//! `partner_views`: a user's saved view of the My Partners list (columns, filter, sort as JSON).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_views")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
    pub user_id: i64,
    pub name: String,
    /// JSON array of column keys.
    #[sea_orm(column_type = "Text")]
    pub columns: String,
    /// JSON object: a `PartnerFilter` input.
    #[sea_orm(column_type = "Text")]
    pub filter: String,
    /// JSON array of `PartnerOrder` inputs.
    #[sea_orm(column_type = "Text")]
    pub order_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
