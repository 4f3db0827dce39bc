//! The inputs of the contract actions (`contracts`).

use async_graphql::{InputObject, ID};

use super::contract_templates::NewContractTemplateInput;
use crate::domain::ApprovalOption;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::scalars::Date;

/// A switch of the selected partners' contracts.
#[derive(InputObject)]
pub struct SwitchPartnerContractsInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners.
    pub selection: PartnerSelectionInput,
    /// A template of the campaign to switch to; give this or `newTemplate`.
    pub template_id: Option<ID>,
    /// New terms, created as a template of the campaign with the switch.
    pub new_template: Option<NewContractTemplateInput>,
    /// The day the new contract starts (default: today in the account's time zone).
    pub effective_date: Option<Date>,
    /// For a temporary contract: its last day.
    pub end_date: Option<Date>,
    /// For a temporary contract: the template it falls back to after `endDate` (without one it
    /// expires).
    pub fallback_template_id: Option<ID>,
    /// REPLACE (takes effect without the partner) or PROPOSE (the partner must accept).
    #[graphql(default_with = "ApprovalOption::Replace")]
    pub approval: ApprovalOption,
    /// The comment to the partner on the change, kept in the contract history (`comment`); this
    /// server sends no e-mail.
    pub comment: Option<String>,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// Suspend or reinstate the selected partnerships.
#[derive(InputObject)]
pub struct PartnerStandingInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners.
    pub selection: PartnerSelectionInput,
    /// Why (kept in the contract history).
    pub comment: Option<String>,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// An expiry of the selected partners' contracts.
#[derive(InputObject)]
pub struct ExpirePartnersInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners.
    pub selection: PartnerSelectionInput,
    /// The contracts end at the last second of this day in the account's time zone (23:59:59,
    /// or earlier on a day whose clocks change at its end); today or earlier
    /// expires them now, a later day schedules the expiry (the contract's `expiresAt`; a
    /// temporary contract keeps its own end and fallback beside it).
    pub expire_on: Date,
    /// Also withdraw the partners' pending proposals and scheduled switches.
    #[graphql(default)]
    pub withdraw_pending_switches: bool,
    /// Expired for non-compliance (internal; never shown to the partner).
    #[graphql(default)]
    pub non_compliant: bool,
    /// The comment to the partner on the expiry, kept in the contract history (`comment`); this
    /// server sends no e-mail.
    pub comment: Option<String>,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// Upcoming changes to withdraw before they take effect.
#[derive(InputObject)]
pub struct WithdrawUpcomingContractChangesInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners.
    pub selection: PartnerSelectionInput,
    /// Withdraw scheduled switches.
    #[graphql(default)]
    pub switches: bool,
    /// Withdraw scheduled expiries (the current contract then runs on as it was, a temporary one
    /// to its own end and fallback).
    #[graphql(default)]
    pub expiries: bool,
    /// Withdraw pending proposals.
    #[graphql(default)]
    pub proposals: bool,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// A partner's answer to its pending proposal.
#[derive(InputObject)]
pub struct RecordProposalAnswerInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// The partners whose answer this is (normally one).
    pub selection: PartnerSelectionInput,
    /// Accepted (true) or declined.
    pub accept: bool,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}
