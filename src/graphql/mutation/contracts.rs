//! The contract actions over a selection (switch, suspend, reinstate, expire, withdraw upcoming
//! changes, a partner's answer to a proposal) and `createContractTemplate`. Dates are the
//! account's calendar days: a switch starts at the first instant of its effective date, a
//! contract ends at 23:59:59 of its end (or "expire on") date, in the account's time zone.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::bulk;
use crate::domain::{ApprovalOption, PayoutType, SkipReason};
use crate::graphql::context::{auth, db, now};
use crate::graphql::ids;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::contract::ContractTemplate;
use crate::graphql::types::scalars::Date;
use crate::graphql::types::user_error::UserError;
use crate::service::bulk::{BulkAction, Outcome};
use crate::service::contracts::{
    self, templates::NewTemplate, AnswerProposal, ChangeCounts, Expire, Suspend, Switch,
    SwitchCounts, TemplateRef, WithdrawUpcoming,
};
use crate::service::{accounts, contracts::templates};

/// New contract terms.
#[derive(InputObject)]
pub struct NewContractTemplateInput {
    /// Name (1 to 200 characters).
    pub name: String,
    /// What the terms say (up to 2,000 characters).
    pub description: Option<String>,
    /// How the payout is computed.
    pub payout_type: PayoutType,
    /// A percentage (0 to 100) or an amount per action.
    pub payout_value: f64,
    /// Currency of a fixed payout (ISO 4217); null: the campaign's.
    pub currency: Option<String>,
    /// Days' notice a switch away from these terms needs (0 to 365).
    #[graphql(default)]
    pub notice_period_days: i32,
}

impl NewContractTemplateInput {
    fn into_service(self) -> NewTemplate {
        NewTemplate {
            name: self.name,
            description: self.description,
            payout_type: self.payout_type,
            payout_value: self.payout_value,
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
    /// Sent to the partner with the change.
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
    /// The contracts end at 23:59:59 of this day (account's time zone); today or earlier
    /// expires them now, a later day schedules the expiry.
    pub expire_on: Date,
    /// Also withdraw the partners' pending proposals and scheduled switches.
    #[graphql(default)]
    pub withdraw_pending_switches: bool,
    /// Expired for non-compliance (internal; never shown to the partner).
    #[graphql(default)]
    pub non_compliant: bool,
    /// The comment e-mailed to the partner.
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
    /// Withdraw scheduled expiries (the current contract then runs on).
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

/// Partners a contract action skipped for one reason.
#[derive(SimpleObject)]
pub struct SkippedPartners {
    /// Why.
    pub reason: SkipReason,
    /// How many.
    pub count: i64,
}

/// What a contract action did (or, in a dry run, would do).
#[derive(SimpleObject, Default)]
pub struct ContractActionPayload {
    /// Partners in the selection.
    pub matched_count: i64,
    /// Partners whose contracts changed (each gets an activity and a history entry).
    pub affected_count: i64,
    /// Partners skipped, per reason (in a dry run too).
    pub skipped: Vec<SkippedPartners>,
    /// A switch's template (the new one's id for `newTemplate`).
    pub template_id: Option<ID>,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

impl ContractActionPayload {
    fn refused(user_errors: Vec<UserError>, dry_run: bool) -> Self {
        ContractActionPayload {
            dry_run,
            user_errors,
            ..Default::default()
        }
    }
}

/// Counts every contract action reports.
trait Reported {
    fn skipped(&self) -> &contracts::Skipped;
    fn template_id(&self) -> Option<i64> {
        None
    }
    fn created_template(&self) -> bool {
        false
    }
}

impl Reported for ChangeCounts {
    fn skipped(&self) -> &contracts::Skipped {
        &self.skipped
    }
}

impl Reported for SwitchCounts {
    fn skipped(&self) -> &contracts::Skipped {
        &self.skipped
    }
    fn template_id(&self) -> Option<i64> {
        Some(self.template_id)
    }
    fn created_template(&self) -> bool {
        self.created
    }
}

async fn act<A>(
    ctx: &Context<'_>,
    campaign_id: &ID,
    selection: PartnerSelectionInput,
    action: Result<A, Vec<UserError>>,
    dry_run: bool,
) -> async_graphql::Result<ContractActionPayload>
where
    A: BulkAction,
    A::Counts: Reported,
{
    let refused = |errors| Ok(ContractActionPayload::refused(errors, dry_run));
    let action = match action {
        Ok(action) => action,
        Err(errors) => return refused(errors),
    };
    let target = match bulk::target(campaign_id, selection) {
        Ok(target) => target,
        Err(errors) => return refused(errors),
    };
    match bulk::run(ctx, target, action, dry_run).await? {
        Ok(Outcome {
            matched,
            affected,
            counts,
        }) => Ok(ContractActionPayload {
            matched_count: matched,
            affected_count: affected,
            skipped: counts
                .skipped()
                .0
                .iter()
                .map(|(reason, count)| SkippedPartners {
                    reason: *reason,
                    count: *count,
                })
                .collect(),
            // A dry run's new template was rolled back: it has no id.
            template_id: counts
                .template_id()
                .filter(|_| !(dry_run && counts.created_template()))
                .map(|id| ID(id.to_string())),
            dry_run,
            user_errors: Vec::new(),
        }),
        Err(errors) => refused(errors),
    }
}

/// The account's time zone and "now".
async fn clock(ctx: &Context<'_>) -> async_graphql::Result<(String, DateTime<Utc>)> {
    let account = accounts::current_account(db(ctx)?, auth(ctx)?).await?;
    Ok((account.time_zone, now(ctx)?))
}

/// Contract dates lie within [`contracts::MAX_DAYS_AWAY`] days of today.
fn within_reach(
    field: &str,
    day: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<(), Vec<UserError>> {
    if (day - today).num_days().abs() <= contracts::MAX_DAYS_AWAY {
        return Ok(());
    }
    Err(UserError::unreadable(
        &[field],
        &crate::error::AppError::Validation(format!(
            "a contract date must lie within {} days of today",
            contracts::MAX_DAYS_AWAY
        )),
    ))
}

fn read_id(id: &ID, field: &str) -> Result<i64, Vec<UserError>> {
    ids::template_id(id).map_err(|err| UserError::unreadable(&[field], &err))
}

fn switch_of(
    input: &mut SwitchPartnerContractsInput,
    tz: &str,
    now: DateTime<Utc>,
) -> Result<Switch, Vec<UserError>> {
    let template = match (&input.template_id, input.new_template.take()) {
        (Some(id), None) => TemplateRef::Existing(read_id(id, "templateId")?),
        (None, Some(new)) => TemplateRef::New(new.into_service()),
        _ => {
            return Err(UserError::unreadable(
                &["templateId"],
                &crate::error::AppError::Validation(
                    "give exactly one of templateId and newTemplate".into(),
                ),
            ))
        }
    };
    let today = contracts::today(now, tz);
    for (field, day) in [
        ("effectiveDate", &input.effective_date),
        ("endDate", &input.end_date),
    ] {
        if let Some(day) = day {
            within_reach(field, day.0, today)?;
        }
    }
    let day = input.effective_date.as_ref().map_or(today, |d| d.0);
    Ok(Switch {
        template,
        effective: contracts::start_of(day, tz),
        days_ahead: (day - today).num_days(),
        end: input.end_date.as_ref().map(|d| contracts::end_of(d.0, tz)),
        fallback: input
            .fallback_template_id
            .as_ref()
            .map(|id| read_id(id, "fallbackTemplateId"))
            .transpose()?,
        approval: input.approval,
        comment: input.comment.take(),
    })
}

/// Contract templates and the contract actions.
#[derive(Default)]
pub struct ContractMutation;

/// Contract templates and the contract actions.
#[Object]
impl ContractMutation {
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

    /// Switches the selected partners to existing or new terms (needs `MANAGE_CONTRACTS`).
    /// REPLACE effective today ends the current contract now; REPLACE later schedules an
    /// UPCOMING switch (replacing an earlier scheduled one); PROPOSE creates a PENDING proposal
    /// (replacing an earlier one) the partner must accept. Partners without a current contract,
    /// suspended, already on the template, or whose current terms' notice period reaches past the
    /// effective date are skipped (counted per reason), never rescheduled.
    async fn switch_partner_contracts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, the terms, dates, approval and `dryRun`.")]
        mut input: SwitchPartnerContractsInput,
    ) -> async_graphql::Result<ContractActionPayload> {
        let (tz, now) = clock(ctx).await?;
        let action = switch_of(&mut input, &tz, now);
        act(
            ctx,
            &input.campaign_id,
            input.selection,
            action,
            input.dry_run,
        )
        .await
    }

    /// Suspends the selected partnerships: contract status SUSPENDED until reinstated (needs
    /// `MANAGE_CONTRACTS`).
    async fn suspend_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, a comment and `dryRun`.")]
        input: PartnerStandingInput,
    ) -> async_graphql::Result<ContractActionPayload> {
        let action = Ok(Suspend {
            suspend: true,
            comment: input.comment,
        });
        act(
            ctx,
            &input.campaign_id,
            input.selection,
            action,
            input.dry_run,
        )
        .await
    }

    /// Reinstates the selected suspended partnerships (needs `MANAGE_CONTRACTS`).
    async fn reinstate_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, a comment and `dryRun`.")]
        input: PartnerStandingInput,
    ) -> async_graphql::Result<ContractActionPayload> {
        let action = Ok(Suspend {
            suspend: false,
            comment: input.comment,
        });
        act(
            ctx,
            &input.campaign_id,
            input.selection,
            action,
            input.dry_run,
        )
        .await
    }

    /// Expires the selected partners' contracts now or on a later day (needs
    /// `EXPIRE_PARTNERS`); expired now, contract status and relationship stage become EXPIRED.
    async fn expire_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, the day, the options and `dryRun`.")]
        input: ExpirePartnersInput,
    ) -> async_graphql::Result<ContractActionPayload> {
        let (tz, now) = clock(ctx).await?;
        let today = contracts::today(now, &tz);
        let action = within_reach("expireOn", input.expire_on.0, today).map(|()| Expire {
            end: contracts::end_of(input.expire_on.0, &tz),
            now: input.expire_on.0 <= today,
            withdraw_pending_switches: input.withdraw_pending_switches,
            non_compliant: input.non_compliant,
            comment: input.comment,
        });
        act(
            ctx,
            &input.campaign_id,
            input.selection,
            action,
            input.dry_run,
        )
        .await
    }

    /// "Modify settings / revert": withdraws the selected partners' scheduled switches,
    /// scheduled expiries and/or pending proposals before they take effect; the current contract
    /// stays (needs `MANAGE_CONTRACTS`).
    async fn withdraw_upcoming_contract_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, what to withdraw and `dryRun`.")]
        input: WithdrawUpcomingContractChangesInput,
    ) -> async_graphql::Result<ContractActionPayload> {
        let action = Ok(WithdrawUpcoming {
            switches: input.switches,
            expiries: input.expiries,
            proposals: input.proposals,
        });
        act(
            ctx,
            &input.campaign_id,
            input.selection,
            action,
            input.dry_run,
        )
        .await
    }

    /// Records the partners' answer to their pending proposal. This stands in for the partner
    /// (who answers in their own portal), for integrations and tests: accepted, the proposal
    /// becomes the contract on its effective date; declined, it is DECLINED and the current
    /// contract stays (needs `MANAGE_CONTRACTS`).
    async fn record_proposal_answer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, the answer and `dryRun`.")]
        input: RecordProposalAnswerInput,
    ) -> async_graphql::Result<ContractActionPayload> {
        let action = Ok(AnswerProposal {
            accept: input.accept,
        });
        act(
            ctx,
            &input.campaign_id,
            input.selection,
            action,
            input.dry_run,
        )
        .await
    }
}
