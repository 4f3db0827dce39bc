//! `assignPartners`: "Assign to" over a selection.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::bulk;
use crate::error::AppError;
use crate::graphql::ids;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::user_error::UserError;
use crate::service::assign::{Assign, AssignTo};

/// Who manages the selected partners from now on.
#[derive(InputObject)]
pub struct AssignPartnersInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners.
    pub selection: PartnerSelectionInput,
    /// The account user the partners are assigned to (numeric or global id); give this or
    /// `unassign`.
    pub user_id: Option<ID>,
    /// Clear the partners' account manager instead.
    #[graphql(default)]
    pub unassign: bool,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// What `assignPartners` did (or, in a dry run, would do).
#[derive(SimpleObject, Default)]
pub struct AssignPartnersPayload {
    /// Partners in the selection.
    pub matched_count: i64,
    /// Partners whose account manager changed (each gets an activity entry).
    pub affected_count: i64,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

fn assign_to(input: &AssignPartnersInput) -> Result<AssignTo, Vec<UserError>> {
    match (&input.user_id, input.unassign) {
        (Some(id), false) => ids::user_id(id)
            .map(AssignTo::User)
            .map_err(|err| UserError::unreadable(&["userId"], &err)),
        (None, true) => Ok(AssignTo::Nobody),
        _ => Err(UserError::unreadable(
            &["userId"],
            &AppError::Validation("give exactly one of userId and unassign: true".into()),
        )),
    }
}

/// "Assign to" over a selection.
#[derive(Default)]
pub struct AssignMutation;

/// "Assign to" over a selection.
#[Object]
impl AssignMutation {
    /// Sets (or with `unassign` clears) the account manager of every selected partner, in one
    /// transaction; needs `ASSIGN_PARTNERS`. The user must be one of the caller's account. With
    /// any user error nothing is written; with `dryRun` it only counts.
    async fn assign_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The campaign, the partners (`selection`), the user or `unassign`, and `dryRun`."
        )]
        input: AssignPartnersInput,
    ) -> async_graphql::Result<AssignPartnersPayload> {
        bulk::permitted::<Assign>(ctx)?;
        let dry_run = input.dry_run;
        let refused = |user_errors| AssignPartnersPayload {
            dry_run,
            user_errors,
            ..Default::default()
        };
        let to = match assign_to(&input) {
            Ok(to) => to,
            Err(errors) => return Ok(refused(errors)),
        };
        let target = match bulk::target(&input.campaign_id, input.selection) {
            Ok(target) => target,
            Err(errors) => return Ok(refused(errors)),
        };
        Ok(match bulk::run(ctx, target, Assign(to), dry_run).await? {
            Ok(outcome) => AssignPartnersPayload {
                matched_count: outcome.matched,
                affected_count: outcome.affected,
                dry_run,
                user_errors: Vec::new(),
            },
            Err(errors) => refused(errors),
        })
    }
}
