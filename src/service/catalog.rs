//! The per-campaign definitions partners are described with: contract templates, custom fields,
//! groups. (Group management itself comes with the groups service.)

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder};

use crate::auth::AuthContext;
use crate::error::AppResult;

use entity::{contract_template, custom_field, partner_group};

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

/// Custom fields of a campaign of the caller's account, in display order.
pub async fn custom_fields(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<custom_field::Model>> {
    Ok(custom_field::Entity::find()
        .filter(custom_field::Column::AccountId.eq(auth.account_id))
        .filter(custom_field::Column::CampaignId.eq(campaign_id))
        .order_by_asc(custom_field::Column::Position)
        .order_by_asc(custom_field::Column::Id)
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
