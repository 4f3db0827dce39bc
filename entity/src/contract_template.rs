//! `contract_templates`: a campaign's contract (payout terms) templates; one may be the default.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub payout_type: String,
    pub payout_value: f64,
    pub is_default: bool,
    pub created_at: DateTimeUtc,
    /// The currency of a fixed payout (ISO 4217); null: the campaign's.
    pub currency: Option<String>,
    /// Days' notice a switch away from these terms needs.
    pub notice_period_days: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
