//! `custom_field_answer_options`: the options a partner selected for a choice-type custom field,
//! keyed by (field_id, partner_id, option_id).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_field_answer_options")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub field_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
