//! `changePartnerGroups`: the bulk pattern — a selection (ids, or a filter minus exclusions),
//! a change, an optional dry run, counts and `userErrors`.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::error::AppError;
use crate::graphql::context::{auth, clock, db};
use crate::graphql::ids;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::user_error::UserError;
use crate::service::groups::{self, ChangeOutcome, GroupChange, MAX_GROUPS_PER_CHANGE};

/// A change of group memberships over a selection of a campaign's partners.
#[derive(InputObject)]
pub struct ChangePartnerGroupsInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners.
    pub selection: PartnerSelectionInput,
    /// Groups the partners join (already being a member is not an error; at most 100).
    #[graphql(default)]
    pub add: Vec<ID>,
    /// Groups the partners leave (at most 100).
    #[graphql(default)]
    pub remove: Vec<ID>,
    /// The partners leave every group of the campaign except those in `add`.
    #[graphql(default)]
    pub remove_from_all: bool,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// What `changePartnerGroups` did (or, in a dry run, would do).
#[derive(SimpleObject, Default)]
pub struct ChangePartnerGroupsPayload {
    /// Partners in the selection.
    pub matched_count: i64,
    /// Partners whose memberships change (each gets an activity entry).
    pub affected_count: i64,
    /// Memberships created.
    pub added_count: i64,
    /// Memberships removed.
    pub removed_count: i64,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

impl ChangePartnerGroupsPayload {
    fn refused(user_errors: Vec<UserError>, dry_run: bool) -> Self {
        ChangePartnerGroupsPayload {
            dry_run,
            user_errors,
            ..Default::default()
        }
    }

    fn done(outcome: ChangeOutcome, dry_run: bool) -> Self {
        ChangePartnerGroupsPayload {
            matched_count: outcome.matched,
            affected_count: outcome.affected,
            added_count: outcome.added,
            removed_count: outcome.removed,
            dry_run,
            user_errors: Vec::new(),
        }
    }
}

fn group_ids(list: &[ID], field: &str) -> Result<Vec<i64>, Vec<UserError>> {
    UserError::at_most(&[field], list.len(), MAX_GROUPS_PER_CHANGE)?;
    list.iter()
        .map(ids::group_id)
        .collect::<Result<_, AppError>>()
        .map_err(|err| UserError::unreadable(&[field], &err))
}

/// Bulk changes of group memberships.
#[derive(Default)]
pub struct GroupChangeMutation;

/// Bulk changes of group memberships.
#[Object]
impl GroupChangeMutation {
    /// Adds the selected partners to groups and/or removes them from groups, in one
    /// transaction of set-based statements. Idempotent; with `dryRun` it only counts. With any
    /// user error (unknown group, group of another campaign, empty selection) nothing is written.
    async fn change_partner_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The campaign, the partners (`selection`), the groups to join and leave, and `dryRun`."
        )]
        input: ChangePartnerGroupsInput,
    ) -> async_graphql::Result<ChangePartnerGroupsPayload> {
        // Before the input is read, as every bulk action's (`bulk::permitted`).
        auth(ctx)?.require(groups::CHANGE_PERMISSION)?;
        let dry_run = input.dry_run;
        let read = || -> Result<GroupChange, Vec<UserError>> {
            let campaign_id = ids::campaign_id(&input.campaign_id)
                .map_err(|err| UserError::unreadable(&["campaignId"], &err))?;
            Ok(GroupChange {
                campaign_id,
                add: group_ids(&input.add, "add")?,
                remove: group_ids(&input.remove, "remove")?,
                remove_from_all: input.remove_from_all,
                dry_run,
                selection: input.selection.into_service(campaign_id)?,
            })
        };
        let change = match read() {
            Ok(change) => change,
            Err(errors) => return Ok(ChangePartnerGroupsPayload::refused(errors, dry_run)),
        };
        Ok(
            match groups::change_partner_groups(db(ctx)?, auth(ctx)?, change, clock(ctx)?).await? {
                Ok(outcome) => ChangePartnerGroupsPayload::done(outcome, dry_run),
                Err(errors) => ChangePartnerGroupsPayload::refused(UserError::all(errors), dry_run),
            },
        )
    }
}
