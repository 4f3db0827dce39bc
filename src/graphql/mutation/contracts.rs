//! The contract actions over a selection (switch, suspend, reinstate, expire, withdraw upcoming
//! changes, a partner's answer to a proposal); their inputs are in `contract_inputs`. Dates are the
//! account's calendar days: a switch starts at the first instant of its effective date, a
//! contract ends at the last second of its end (or "expire on") date, in the account's time zone.

use async_graphql::{ComplexObject, Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::bulk;
use super::contract_inputs::{
    ExpirePartnersInput, PartnerStandingInput, RecordProposalAnswerInput,
    SwitchPartnerContractsInput, WithdrawUpcomingContractChangesInput,
};
use crate::domain::SkipReason;
use crate::graphql::context::{auth, db, now};
use crate::graphql::ids;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::contract::{template_by_id, ContractTemplate};
use crate::graphql::types::user_error::UserError;
use crate::service::accounts;
use crate::service::bulk::{BulkAction, Outcome};
use crate::service::contracts::{
    self, AnswerProposal, ChangeCounts, Expire, Suspend, Switch, SwitchCounts, TemplateRef,
    WithdrawUpcoming,
};

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
#[graphql(complex)]
pub struct ContractActionPayload {
    /// Partners in the selection.
    pub matched_count: i64,
    /// Partners whose contracts changed (each gets an activity and a history entry).
    pub affected_count: i64,
    /// Partners skipped, per reason (in a dry run too).
    pub skipped: Vec<SkippedPartners>,
    /// A switch's template (the new one's id for `newTemplate`; null when no partner was
    /// switched to the new terms, which are then not kept, and in a dry run).
    pub template_id: Option<ID>,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What a contract action did (or, in a dry run, would do).
#[ComplexObject]
impl ContractActionPayload {
    /// A switch's template as an object (`templateId` is its id): the terms switched to; null
    /// as `templateId` is.
    async fn template(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ContractTemplate>> {
        let id = self
            .template_id
            .as_ref()
            .and_then(|id| id.parse::<i64>().ok());
        template_by_id(ctx, id).await
    }
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
        self.template_id
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
    bulk::permitted::<A>(ctx)?;
    let refused = |errors| Ok(ContractActionPayload::refused(errors, dry_run));
    // Every input problem at once: the action's and the selection's.
    let (action, target) = match (action, bulk::target(campaign_id, selection)) {
        (Ok(action), Ok(target)) => (action, target),
        (Err(mut errors), Err(more)) => {
            errors.extend(more);
            return refused(errors);
        }
        (Err(errors), _) | (_, Err(errors)) => return refused(errors),
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
    // Every problem is reported together, in the order of the fields.
    let mut errors = Vec::new();
    let template = match (&input.template_id, input.new_template.take()) {
        (Some(id), None) => read_id(id, "templateId").map(TemplateRef::Existing),
        (None, Some(new)) => Ok(TemplateRef::New(new.into_service())),
        _ => Err(UserError::unreadable(
            &["templateId"],
            &crate::error::AppError::Validation(
                "give exactly one of templateId and newTemplate".into(),
            ),
        )),
    }
    .map_err(|e| errors.extend(e))
    .ok();
    let today = contracts::today(now, tz);
    for (field, day) in [
        ("effectiveDate", &input.effective_date),
        ("endDate", &input.end_date),
    ] {
        if let Some(Err(e)) = day.as_ref().map(|day| within_reach(field, day.0, today)) {
            errors.extend(e);
        }
    }
    let fallback = input
        .fallback_template_id
        .as_ref()
        .map(|id| read_id(id, "fallbackTemplateId"))
        .transpose()
        .map_err(|e| errors.extend(e))
        .ok();
    let (Some(template), Some(fallback)) = (template, fallback) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let day = input.effective_date.as_ref().map_or(today, |d| d.0);
    Ok(Switch {
        template,
        effective: contracts::start_of(day, tz),
        days_ahead: (day - today).num_days(),
        end: input.end_date.as_ref().map(|d| contracts::end_of(d.0, tz)),
        end_days_ahead: input.end_date.as_ref().map(|d| (d.0 - today).num_days()),
        fallback,
        approval: input.approval,
        comment: input.comment.take(),
    })
}

/// The contract actions.
#[derive(Default)]
pub struct ContractMutation;

/// The contract actions.
#[Object]
impl ContractMutation {
    /// Switches the selected partners to existing or new terms (needs `MANAGE_CONTRACTS`, and
    /// `EXPIRE_PARTNERS` too for a temporary contract without a fallback, which expires the
    /// partnership at its end).
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
    /// stays (needs `MANAGE_CONTRACTS`, and `EXPIRE_PARTNERS` too to withdraw expiries).
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
