//! Creating a direct partner: a brand adds a partner it recruited itself to one of its campaigns.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};

use super::listing::ListingColumns;
use super::{PartnerKey, PartnerRecord};
use crate::auth::{AuthContext, Permission};
use crate::domain::{
    attribute, BusinessModel, PartnerSize, RelationshipStage, RelationshipType, UserErrorCode,
};
use crate::error::AppResult;
use crate::service::activity;
use crate::service::validation::{Checker, UserError};
use crate::service::{accounts, campaigns};

use entity::{campaign_partner, partner, partner_attribute};

/// What a brand knows of a partner it adds directly.
#[derive(Clone, Debug, Default)]
pub struct NewPartner {
    /// The campaign the partner joins.
    pub campaign_id: i64,
    /// Display name.
    pub name: String,
    /// Contact e-mail.
    pub email: String,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
    /// Website.
    pub website_url: Option<String>,
    /// ISO 3166-2 state or province.
    pub state_province: Option<String>,
    /// Profile description.
    pub description: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// ISO 4217 currency.
    pub currency: Option<String>,
    /// Size on the partner size scale.
    pub size: Option<PartnerSize>,
    /// Business models.
    pub business_models: Vec<BusinessModel>,
    /// The account user who manages the partner.
    pub assigned_user_id: Option<i64>,
}

/// Adds a direct partner to a campaign: validates every field (all problems reported together),
/// then writes the profile, relationship, attributes and an activity entry in one transaction.
pub async fn create_direct_partner<C>(
    db: &C,
    auth: &AuthContext,
    input: NewPartner,
) -> AppResult<Result<PartnerRecord, Vec<UserError>>>
where
    C: ConnectionTrait + TransactionTrait,
{
    auth.require(Permission::Write)?;
    let mut check = Checker::default();
    let name = check.required_text("name", &input.name, 200);
    let email = check.email("email", &input.email);
    let country = check.country("country", &input.country);
    let website_url = check.url("websiteUrl", input.website_url.as_deref());
    let state_province =
        check.subdivision("stateProvince", input.state_province.as_deref(), &country);
    let description =
        check.optional_multiline_text("description", input.description.as_deref(), 5000);
    let phone = check.optional_text("phone", input.phone.as_deref(), 40);
    let currency = check.currency("currency", input.currency.as_deref());
    campaigns::check_exists(db, auth, input.campaign_id, &mut check).await?;
    if let Some(user_id) = input.assigned_user_id {
        if accounts::find_user(db, auth, user_id).await.is_err() {
            check.push(
                "assignedUserId",
                UserErrorCode::NotFound,
                format!("account user {user_id} not found"),
            );
        }
    }
    if check.is_ok("email") && email_taken(db, auth, input.campaign_id, &email).await? {
        check.push(
            "email",
            UserErrorCode::Conflict,
            format!("a partner with e-mail {email} is already in this campaign"),
        );
    }
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }

    let now = Utc::now();
    let txn = db.begin().await?;
    let profile = partner::ActiveModel {
        name: Set(name),
        website_url: Set(website_url),
        description: Set(description),
        country: Set(Some(country)),
        state_province: Set(state_province),
        email: Set(Some(email)),
        phone: Set(phone),
        currency: Set(currency),
        size: Set(input.size.map(|s| s.as_str().to_owned())),
        social_reach: Set(0),
        moz_domain_authority: Set(None),
        address_line1: Set(None),
        address_line2: Set(None),
        city: Set(None),
        postal_code: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut models = input.business_models.clone();
    models.sort();
    models.dedup();
    if !models.is_empty() {
        partner_attribute::Entity::insert_many(models.iter().map(|m| {
            partner_attribute::ActiveModel {
                partner_id: Set(profile.id),
                kind: Set(attribute::BUSINESS_MODEL.to_owned()),
                value: Set(m.as_str().to_owned()),
            }
        }))
        .exec(&txn)
        .await?;
    }
    let listing = ListingColumns::of(&profile);
    let relationship = campaign_partner::ActiveModel {
        account_id: Set(auth.account_id),
        campaign_id: Set(input.campaign_id),
        partner_id: Set(profile.id),
        relationship_type: Set(RelationshipType::Direct.as_str().to_owned()),
        relationship_stage: Set(RelationshipStage::Joined.as_str().to_owned()),
        prospecting_source: Set(None),
        contract_status: Set(None),
        date_joined: Set(Some(now)),
        marketplace_applied_at: Set(None),
        assigned_user_id: Set(input.assigned_user_id),
        access_url_eligible: Set(true),
        compliance_review_frequency: Set(None),
        compliance_audit_rate: Set(None),
        client_cost_enabled: Set(false),
        client_cost_type: Set(None),
        tracking_integration_type: Set(None),
        tracking_postback_url: Set(None),
        tracking_pixel_url: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        partner_name: Set(listing.partner_name),
        search_text: Set(listing.search_text),
        country: Set(listing.country),
        state_province: Set(listing.state_province),
        size_rank: Set(listing.size_rank),
        social_reach: Set(listing.social_reach),
        moz_domain_authority: Set(listing.moz_domain_authority),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let key = PartnerKey {
        campaign_id: input.campaign_id,
        partner_id: profile.id,
    };
    activity::record(&txn, auth, Some(key), "PARTNER_CREATED", None).await?;
    txn.commit().await?;
    Ok(Ok(PartnerRecord {
        profile,
        relationship,
    }))
}

async fn email_taken(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    email: &str,
) -> AppResult<bool> {
    let ids: Vec<i64> = partner::Entity::find()
        .select_only()
        .column(partner::Column::Id)
        .filter(partner::Column::Email.eq(email))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(false);
    }
    let found = campaign_partner::Entity::find()
        .filter(campaign_partner::Column::AccountId.eq(auth.account_id))
        .filter(campaign_partner::Column::CampaignId.eq(campaign_id))
        .filter(campaign_partner::Column::PartnerId.is_in(ids))
        .one(db)
        .await?;
    Ok(found.is_some())
}
