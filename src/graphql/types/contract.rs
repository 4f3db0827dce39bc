//! Contracts: templates (terms) and the contract records of partners.

use async_graphql::{Context, Object, ID};

use crate::domain::{ApprovalOption, ContractRecordStatus, GlobalId, PayoutType};
use crate::graphql::context::loader;
use crate::graphql::loaders::{to_gql, TemplateById};
use crate::graphql::types::decimal::Decimal;
use crate::graphql::types::scalars::DateTime;

use entity::{contract_template, partner_contract};

/// The template of an id through the request's DataLoader; `None` for no id.
pub(crate) async fn template_by_id(
    ctx: &Context<'_>,
    id: Option<i64>,
) -> async_graphql::Result<Option<ContractTemplate>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let template = loader(ctx)?
        .load_one(TemplateById(id))
        .await
        .map_err(to_gql)?;
    Ok(template.map(ContractTemplate))
}

/// A contract template: reusable terms a partner can be signed to.
pub struct ContractTemplate(pub contract_template::Model);

/// A contract template: reusable terms a partner can be signed to.
#[Object]
impl ContractTemplate {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::ContractTemplate(self.0.id).encode())
    }

    /// Numeric id of the template.
    async fn template_id(&self) -> i64 {
        self.0.id
    }

    /// Numeric id of the template's campaign.
    async fn campaign_id(&self) -> i64 {
        self.0.campaign_id
    }

    /// The template's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the terms say, in words.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// How the payout is computed.
    async fn payout_type(&self) -> async_graphql::Result<PayoutType> {
        Ok(PayoutType::from_stored(&self.0.payout_type)?)
    }

    /// The payout: a percentage or an amount in the template's currency, per `payoutType`.
    async fn payout_value(&self) -> Decimal {
        Decimal(self.0.payout_value)
    }

    /// Currency of a fixed payout (ISO 4217); null: the campaign's.
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }

    /// Days' notice a switch away from these terms needs.
    async fn notice_period_days(&self) -> i32 {
        self.0.notice_period_days
    }

    /// New partners get these terms by default.
    async fn is_default(&self) -> bool {
        self.0.is_default
    }
}

/// One contract record of a partner: the current contract, a pending proposal, an upcoming
/// switch or expiry, or a past one.
pub struct PartnerContract(pub partner_contract::Model);

/// One contract record of a partner: the current contract, a pending proposal, an upcoming
/// switch or expiry, or a past one.
#[Object]
impl PartnerContract {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::PartnerContract(self.0.id).encode())
    }

    /// Numeric id of the contract record.
    async fn contract_id(&self) -> i64 {
        self.0.id
    }

    /// Name of the terms.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Where the record stands.
    async fn status(&self) -> async_graphql::Result<ContractRecordStatus> {
        Ok(ContractRecordStatus::from_stored(&self.0.status)?)
    }

    /// The template the terms come from; null for terms defined on the spot.
    async fn template(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ContractTemplate>> {
        template_by_id(ctx, self.0.template_id).await
    }

    /// When the contract takes (or took) effect.
    async fn start_date(&self) -> DateTime {
        self.0.start_date.into()
    }

    /// When the contract ends (or ended); null when open-ended.
    async fn end_date(&self) -> Option<DateTime> {
        self.0.end_date.map(DateTime)
    }

    /// A scheduled expiry: the partnership expires then (the last second of the "expire on" day
    /// in the account's time zone), even before a temporary contract's own end; null when none is
    /// scheduled. A switch or fallback taking over the contract keeps it; withdrawing it
    /// (`withdrawUpcomingContractChanges(expiries: true)`) leaves the contract as it was.
    async fn expires_at(&self) -> Option<DateTime> {
        self.0.expires_at.map(DateTime)
    }

    /// A temporary contract falls back to another when it ends.
    async fn is_temporary(&self) -> bool {
        self.0.is_temporary
    }

    /// The contract a temporary one falls back to.
    async fn fallback_template(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<ContractTemplate>> {
        template_by_id(ctx, self.0.fallback_template_id).await
    }

    /// Whether the change needed the partner's approval; null when none was recorded.
    async fn approval_option(&self) -> async_graphql::Result<Option<ApprovalOption>> {
        let option = self.0.approval_option.as_deref();
        Ok(option.map(ApprovalOption::from_stored).transpose()?)
    }

    /// The comment to the partner on the change (this server sends no e-mail).
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    /// When the record was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }
}
