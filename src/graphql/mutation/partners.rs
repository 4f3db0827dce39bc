//! `createPartner`: a brand adds a direct partner to a campaign.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::domain::{BusinessModel, PartnerSize, UserErrorCode};
use crate::graphql::context::{auth, clock, db};
use crate::graphql::ids;
use crate::graphql::types::partner::Partner;
use crate::graphql::types::user_error::UserError;
use crate::service::partners::{self, NewPartner};

/// A partner the brand recruited itself (a direct partner).
#[derive(InputObject)]
pub struct CreatePartnerInput {
    /// The campaign the partner joins (numeric or global id).
    pub campaign_id: ID,
    /// Display name (1 to 200 characters).
    pub name: String,
    /// Contact e-mail; unique among the campaign's partners.
    pub email: String,
    /// Country (ISO 3166-1 alpha-2, e.g. `US`).
    pub country: String,
    /// Website (http or https URL).
    pub website_url: Option<String>,
    /// State or province (ISO 3166-2 within `country`, e.g. `US-CA`).
    pub state_province: Option<String>,
    /// Profile description.
    pub description: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Currency (ISO 4217, e.g. `USD`).
    pub currency: Option<String>,
    /// Size on the partner size scale.
    pub size: Option<PartnerSize>,
    /// Types of business the partner runs.
    #[graphql(default)]
    pub business_models: Vec<BusinessModel>,
    /// The account user to assign the partner to (numeric or global id).
    pub assigned_user_id: Option<ID>,
}

/// The result of `createPartner`.
#[derive(SimpleObject)]
pub struct CreatePartnerPayload {
    /// The new partner, unless the input was refused.
    pub partner: Option<Partner>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl CreatePartnerPayload {
    fn refused(field: &str, code: UserErrorCode, message: String) -> Self {
        CreatePartnerPayload {
            partner: None,
            user_errors: vec![UserError {
                field: vec!["input".into(), field.into()],
                code,
                message,
            }],
        }
    }
}

/// Mutations of partners.
#[derive(Default)]
pub struct PartnerMutation;

/// Mutations of partners.
#[Object]
impl PartnerMutation {
    /// Adds a direct partner to a campaign. Every problem with the input is reported in
    /// `userErrors` and nothing is written.
    async fn create_partner(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign and the new partner's profile.")] input: CreatePartnerInput,
    ) -> async_graphql::Result<CreatePartnerPayload> {
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => {
                return Ok(CreatePartnerPayload::refused(
                    "campaignId",
                    UserErrorCode::Invalid,
                    err.public_message(),
                ))
            }
        };
        let assigned_user_id = match input
            .assigned_user_id
            .as_ref()
            .map(ids::user_id)
            .transpose()
        {
            Ok(id) => id,
            Err(err) => {
                return Ok(CreatePartnerPayload::refused(
                    "assignedUserId",
                    UserErrorCode::Invalid,
                    err.public_message(),
                ))
            }
        };
        let new = NewPartner {
            campaign_id,
            name: input.name,
            email: input.email,
            country: input.country,
            website_url: input.website_url,
            state_province: input.state_province,
            description: input.description,
            phone: input.phone,
            currency: input.currency,
            size: input.size,
            business_models: input.business_models,
            assigned_user_id,
        };
        Ok(
            match partners::create_direct_partner(db(ctx)?, auth(ctx)?, new, &clock(ctx)?).await? {
                Ok(record) => CreatePartnerPayload {
                    partner: Some(Partner(record)),
                    user_errors: Vec::new(),
                },
                Err(errors) => CreatePartnerPayload {
                    partner: None,
                    user_errors: errors.into_iter().map(UserError::from).collect(),
                },
            },
        )
    }
}
