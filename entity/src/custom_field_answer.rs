//! `custom_field_answers`: a partner's answer to a custom field (text, number, date or file value).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_field_answers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub campaign_id: i64,
    pub field_id: i64,
    pub partner_id: i64,
    #[sea_orm(column_type = "Text", nullable)]
    pub text_value: Option<String>,
    /// `text_value` case-folded by the server (`str::to_lowercase`), for `contains`.
    #[sea_orm(column_type = "Text", nullable)]
    pub text_folded: Option<String>,
    pub number_value: Option<f64>,
    pub date_value: Option<Date>,
    pub file_url: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
