//! The per-campaign definitions partners are described with: contract templates, custom fields,
//! groups. (Group management itself comes with the groups service.)

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder};

use crate::auth::AuthContext;
use crate::error::AppResult;

use entity::{contract_template, custom_field, custom_field_option, partner_group};

/// Contract templates (terms) of a campaign of the caller's account.
pub async fn contract_templates(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<contract_template::Model>> {
    Ok(contract_template::Entity::find()
        .filter(contract_template::Column::AccountId.eq(auth.account_id))
        .filter(contract_template::Column::CampaignId.eq(campaign_id))
        .order_by_asc(contract_template::Column::Id)
        .all(db)
        .await?)
}

/// Custom fields of a campaign of the caller's account, in display order (deleted ones, kept
/// as tombstones, never).
pub async fn custom_fields(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<custom_field::Model>> {
    Ok(custom_field::Entity::find()
        .filter(custom_field::Column::AccountId.eq(auth.account_id))
        .filter(custom_field::Column::CampaignId.eq(campaign_id))
        .filter(custom_field::Column::DeletedAt.is_null())
        .order_by_asc(custom_field::Column::Position)
        .order_by_asc(custom_field::Column::Id)
        .all(db)
        .await?)
}

/// The options of these custom fields of the caller's account, each field's in display order
/// (one statement).
pub async fn custom_field_options(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    field_ids: &[i64],
) -> AppResult<Vec<custom_field_option::Model>> {
    if field_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(custom_field_option::Entity::find()
        .filter(custom_field_option::Column::AccountId.eq(auth.account_id))
        .filter(custom_field_option::Column::FieldId.is_in(field_ids.iter().copied()))
        .order_by_asc(custom_field_option::Column::FieldId)
        .order_by_asc(custom_field_option::Column::Position)
        .order_by_asc(custom_field_option::Column::Id)
        .all(db)
        .await?)
}

/// Partner groups of a campaign of the caller's account, by name ignoring case.
pub async fn groups(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<partner_group::Model>> {
    Ok(partner_group::Entity::find()
        .filter(partner_group::Column::AccountId.eq(auth.account_id))
        .filter(partner_group::Column::CampaignId.eq(campaign_id))
        .order_by(
            Func::lower(Expr::col(partner_group::Column::Name)),
            Order::Asc,
        )
        .order_by_asc(partner_group::Column::Name)
        .order_by_asc(partner_group::Column::Id)
        .all(db)
        .await?)
}
