//! `custom_fields`: brand-defined questions about partners in a campaign, in display order;
//! a deleted field stays as a tombstone (`deleted_at`) that no reader shows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_fields")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
    pub name: String,
    pub display_type: String,
    pub position: i32,
    pub required: bool,
    pub created_at: DateTimeUtc,
    /// What the field asks, shown under its name.
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    /// When the field was deleted: a tombstone, so saved filters naming it match nothing.
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
