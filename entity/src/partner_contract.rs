//! `partner_contracts`: contracts assigned to a partner in a campaign (active, pending, upcoming,
//! temporary with a fallback template, ...).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_contracts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
    pub partner_id: i64,
    pub template_id: Option<i64>,
    pub name: String,
    pub status: String,
    pub start_date: DateTimeUtc,
    pub end_date: Option<DateTimeUtc>,
    pub is_temporary: bool,
    pub fallback_template_id: Option<i64>,
    /// A scheduled expiry of an open record (null when none, and once the record closes).
    pub expires_at: Option<DateTimeUtc>,
    pub approval_option: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
