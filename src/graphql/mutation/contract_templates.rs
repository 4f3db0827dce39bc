//! `createContractTemplate`, and the new terms a switch can define on the spot.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::domain::PayoutType;
use crate::graphql::context::{auth, db, now};
use crate::graphql::ids;
use crate::graphql::types::contract::ContractTemplate;
use crate::graphql::types::decimal::Decimal;
use crate::graphql::types::user_error::UserError;
use crate::service::contracts::templates::{self, NewTemplate};

/// New contract terms.
#[derive(InputObject)]
pub struct NewContractTemplateInput {
    /// Name (1 to 200 characters).
    pub name: String,
    /// What the terms say (up to 2,000 characters).
    pub description: Option<String>,
    /// How the payout is computed.
    pub payout_type: PayoutType,
    /// A percentage (0 to 100) or an amount per action (0 to 1,000,000), at most 4 decimals.
    pub payout_value: Decimal,
    /// Currency of a fixed payout (ISO 4217); null or blank: the campaign's.
    pub currency: Option<String>,
    /// Days' notice a switch away from these terms needs (0 to 365).
    #[graphql(default)]
    pub notice_period_days: i32,
}

impl NewContractTemplateInput {
    pub(super) fn into_service(self) -> NewTemplate {
        NewTemplate {
            name: self.name,
            description: self.description,
            payout_type: self.payout_type,
            payout_value: self.payout_value.0,
            currency: self.currency,
            notice_period_days: self.notice_period_days,
        }
    }
}

/// A template to create in a campaign.
#[derive(InputObject)]
pub struct CreateContractTemplateInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// The terms.
    pub template: NewContractTemplateInput,
}

/// The result of `createContractTemplate`.
#[derive(SimpleObject)]
pub struct CreateContractTemplatePayload {
    /// The new template, unless the input was refused.
    pub template: Option<ContractTemplate>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Contract templates.
#[derive(Default)]
pub struct ContractTemplateMutation;

/// Contract templates.
#[Object]
impl ContractTemplateMutation {
    /// Creates a contract template of a campaign (needs `MANAGE_CONTRACTS`).
    async fn create_contract_template(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign and the terms.")] input: CreateContractTemplateInput,
    ) -> async_graphql::Result<CreateContractTemplatePayload> {
        let refused = |user_errors| CreateContractTemplatePayload {
            template: None,
            user_errors,
        };
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["campaignId"], &err))),
        };
        let created = templates::create(
            db(ctx)?,
            auth(ctx)?,
            campaign_id,
            input.template.into_service(),
            now(ctx)?,
        )
        .await?;
        Ok(match created {
            Ok(template) => CreateContractTemplatePayload {
                template: Some(ContractTemplate(template)),
                user_errors: Vec::new(),
            },
            Err(errors) => refused(UserError::all(errors)),
        })
    }
}
