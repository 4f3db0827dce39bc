//! Creating a direct partner: a brand adds a partner it recruited itself to one of its campaigns.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    SqlErr, TransactionTrait,
};

use super::listing::ListingColumns;
use super::{PartnerKey, PartnerRecord};
use crate::auth::{AuthContext, Permission};
use crate::domain::{
    attribute, BusinessModel, PartnerSize, RelationshipStage, RelationshipType, UserErrorCode,
};
use crate::error::{AppError, AppResult};
use crate::service::activity;
use crate::service::validation::{Checker, UserError};
use crate::service::write::{write_transaction, Finish};
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

/// The checked text fields of a new partner.
struct Checked {
    name: String,
    email: String,
    country: String,
    website_url: Option<String>,
    state_province: Option<String>,
    description: Option<String>,
    phone: Option<String>,
    currency: Option<String>,
}

/// Adds a direct partner to a campaign: validates every field (all problems reported together),
/// then checks the e-mail address and writes the profile, relationship, attributes and an
/// activity entry in one transaction. The address is unique within the campaign: the check
/// reads the relationships' unique index, and a concurrent create that got there first (past
/// the check, before our commit) trips that index — both answer the same `CONFLICT`.
pub async fn create_direct_partner<C>(
    db: &C,
    auth: &AuthContext,
    input: NewPartner,
    clock: &crate::clock::Clock,
) -> AppResult<Result<PartnerRecord, Vec<UserError>>>
where
    C: ConnectionTrait + TransactionTrait,
{
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    let name = check.required_text("name", &input.name, 200);
    let email = check.email("email", &input.email);
    let country = check.country("country", &input.country);
    let checked = Checked {
        website_url: check.url("websiteUrl", input.website_url.as_deref()),
        state_province: check.subdivision(
            "stateProvince",
            input.state_province.as_deref(),
            &country,
        ),
        description: check.optional_multiline_text(
            "description",
            input.description.as_deref(),
            5000,
        ),
        phone: check.optional_text("phone", input.phone.as_deref(), 40),
        currency: check.currency("currency", input.currency.as_deref()),
        name,
        email,
        country,
    };
    let context = (auth, &input, &checked, &check, clock);
    write_transaction(
        db,
        &context,
        |txn, &(auth, input, checked, check, clock)| {
            Box::pin(async move {
                let mut check = check.clone();
                campaigns::check_exists(txn, auth, input.campaign_id, &mut check).await?;
                let mut assigned_user = None;
                if let Some(user_id) = input.assigned_user_id {
                    match accounts::find_user(txn, auth, user_id).await {
                        Ok(user) => assigned_user = Some(user),
                        Err(AppError::NotFound(_)) => check.push(
                            "assignedUserId",
                            UserErrorCode::NotFound,
                            format!("account user {user_id} not found"),
                        ),
                        Err(err) => return Err(err),
                    }
                }
                let email = &checked.email;
                if check.is_ok("email") && email_taken(txn, auth, input.campaign_id, email).await? {
                    check.push("email", UserErrorCode::Conflict, email_conflict(email));
                }
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                Ok(
                    match insert(txn, auth, input, checked, assigned_user, clock.now()).await? {
                        Ok(record) => Finish::Commit(Ok(record)),
                        Err(errors) => Finish::Rollback(Err(errors)),
                    },
                )
            })
        },
    )
    .await
}

/// Writes the partner; a unique violation on the campaign's addresses is the `CONFLICT` of a
/// concurrent create with the same address.
async fn insert(
    txn: &impl ConnectionTrait,
    auth: &AuthContext,
    input: &NewPartner,
    checked: &Checked,
    assigned_user: Option<entity::account_user::Model>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Result<PartnerRecord, Vec<UserError>>> {
    let profile = partner::ActiveModel {
        name: Set(checked.name.clone()),
        website_url: Set(checked.website_url.clone()),
        description: Set(checked.description.clone()),
        country: Set(Some(checked.country.clone())),
        state_province: Set(checked.state_province.clone()),
        email: Set(Some(checked.email.clone())),
        phone: Set(checked.phone.clone()),
        currency: Set(checked.currency.clone()),
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
    .insert(txn)
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
        .exec(txn)
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
        email: Set(listing.email),
        ..Default::default()
    }
    .insert(txn)
    .await;
    let relationship = match relationship {
        Ok(relationship) => relationship,
        Err(err) => {
            return match err.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(m)) if m.contains("email") => {
                    Ok(Err(vec![UserError {
                        field: vec!["input".to_owned(), "email".to_owned()],
                        code: UserErrorCode::Conflict,
                        message: email_conflict(&checked.email),
                    }]))
                }
                _ => Err(err.into()),
            };
        }
    };
    let key = PartnerKey {
        campaign_id: input.campaign_id,
        partner_id: profile.id,
    };
    activity::record(txn, auth, Some(key), "PARTNER_CREATED", None, now).await?;
    Ok(Ok(PartnerRecord {
        profile,
        relationship,
        assigned_user,
    }))
}

fn email_conflict(email: &str) -> String {
    format!("a partner with e-mail {email} is already in this campaign")
}

/// Whether a partner of the campaign has this (lower-cased) address: one lookup in
/// `ux_campaign_partners_campaign_email`.
async fn email_taken(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    email: &str,
) -> AppResult<bool> {
    let found: Option<i64> = campaign_partner::Entity::find()
        .select_only()
        .column(campaign_partner::Column::PartnerId)
        .filter(campaign_partner::Column::CampaignId.eq(campaign_id))
        .filter(campaign_partner::Column::Email.eq(email))
        .filter(campaign_partner::Column::AccountId.eq(auth.account_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.is_some())
}
