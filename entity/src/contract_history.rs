//! `contract_history`: the audit trail of contract actions for a partner in a campaign.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
    pub partner_id: i64,
    pub contract_id: Option<i64>,
    pub action: String,
    pub template_id: Option<i64>,
    pub effective_date: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    /// An expiry for non-compliance (internal, never shown to the partner).
    pub non_compliant: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
