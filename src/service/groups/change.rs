//! `changePartnerGroups`, the bulk pattern: every check first (all problems reported together),
//! then the set-based statements of `plan`, all in one transaction. A dry run counts what the
//! same statements would change and rolls back.

use sea_orm::{ConnectionTrait, TransactionTrait};

use super::plan::Plan;
use super::selection::{self, Selection};
use crate::auth::{AuthContext, Permission};
use crate::domain::UserErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::campaigns;
use crate::service::validation::{Checker, UserError};
use crate::service::write::{lock_campaign, write_transaction, Finish};

/// The most groups one change may add or remove.
pub const MAX_GROUPS_PER_CHANGE: usize = 100;

/// A change of group memberships over a selection of a campaign's partners.
#[derive(Clone, Debug)]
pub struct GroupChange {
    /// The campaign.
    pub campaign_id: i64,
    /// Which partners.
    pub selection: Selection,
    /// Groups the partners join.
    pub add: Vec<i64>,
    /// Groups the partners leave.
    pub remove: Vec<i64>,
    /// The partners leave every group not in `add`.
    pub remove_from_all: bool,
    /// Count only; write nothing.
    pub dry_run: bool,
}

/// What a change did (or, in a dry run, would do).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChangeOutcome {
    /// Partners in the selection.
    pub matched: i64,
    /// Partners whose memberships change.
    pub affected: i64,
    /// Memberships created.
    pub added: i64,
    /// Memberships removed.
    pub removed: i64,
}

/// Checks a change and applies it in one transaction; with any user error nothing is written.
/// The transaction holds the campaign's write lock from before the checks to the commit, so
/// the groups checked are the groups written to (none deleted meanwhile) and the counts and
/// activity entries are of changes no concurrent change has made already.
pub async fn change_partner_groups<C>(
    db: &C,
    auth: &AuthContext,
    change: GroupChange,
) -> AppResult<Result<ChangeOutcome, Vec<UserError>>>
where
    C: ConnectionTrait + TransactionTrait,
{
    auth.require(Permission::Write)?;
    let mut check = Checker::default();
    if !campaigns::check_exists(db, auth, change.campaign_id, &mut check).await? {
        return Ok(check.finish().map(|()| ChangeOutcome::default()));
    }
    for (field, ids) in [("add", &change.add), ("remove", &change.remove)] {
        if ids.len() > MAX_GROUPS_PER_CHANGE {
            check.push(
                field,
                UserErrorCode::Invalid,
                format!("at most {MAX_GROUPS_PER_CHANGE} groups per change"),
            );
        }
    }
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    write_transaction(db, &(auth, &change), |txn, &(auth, change)| {
        Box::pin(async move {
            lock_campaign(txn, change.campaign_id).await?;
            let plan = match checked_plan(txn, auth, change).await? {
                Ok(plan) => plan,
                Err(errors) => return Ok(Finish::Rollback(Err(errors))),
            };
            let outcome = plan.execute(txn, auth, !change.dry_run).await?;
            if outcome.matched == 0 {
                let mut check = Checker::default();
                check.push(
                    "selection",
                    UserErrorCode::EmptySelection,
                    "the selection matches no partners",
                );
                return Ok(Finish::Rollback(check.finish().map(|()| outcome)));
            }
            Ok(if change.dry_run {
                Finish::Rollback(Ok(outcome))
            } else {
                Finish::Commit(Ok(outcome))
            })
        })
    })
    .await
}

/// The change's plan, or every problem with its groups and selection.
async fn checked_plan(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    change: &GroupChange,
) -> AppResult<Result<Plan, Vec<UserError>>> {
    let mut check = Checker::default();
    check_groups(db, auth, change.campaign_id, &change.add, "add", &mut check).await?;
    check_groups(
        db,
        auth,
        change.campaign_id,
        &change.remove,
        "remove",
        &mut check,
    )
    .await?;
    if let Some(both) = change.add.iter().find(|g| change.remove.contains(g)) {
        check.push(
            "remove",
            UserErrorCode::Conflict,
            format!("group {both} is both added and removed"),
        );
    }
    if change.add.is_empty() && change.remove.is_empty() && !change.remove_from_all {
        check.push(
            "add",
            UserErrorCode::Required,
            "nothing to change: give add, remove or removeFromAll",
        );
    }
    let selected = selection::resolve(
        db,
        auth,
        change.campaign_id,
        &change.selection,
        "selection",
        &mut check,
    )
    .await?;
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let selected = selected.ok_or_else(|| AppError::internal("selection left unresolved"))?;
    Ok(Ok(Plan {
        campaign_id: change.campaign_id,
        selected,
        add: dedup(&change.add),
        remove: dedup(&change.remove),
        remove_from_all: change.remove_from_all,
    }))
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Reports group ids that are not groups of the account (`NOT_FOUND`, revealing nothing) or
/// belong to another campaign (`WRONG_CAMPAIGN`).
pub(super) async fn check_groups(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ids: &[i64],
    field: &str,
    check: &mut Checker,
) -> AppResult<()> {
    let found = super::find_many(db, auth, ids).await?;
    for id in ids {
        match found.get(id) {
            None => check.push(
                field,
                UserErrorCode::NotFound,
                format!("partner group {id} not found"),
            ),
            Some(g) if g.campaign_id != campaign_id => check.push(
                field,
                UserErrorCode::WrongCampaign,
                format!("partner group {id} belongs to another campaign"),
            ),
            Some(_) => {}
        }
    }
    Ok(())
}

/// The activity-log action of a membership change.
pub const ACTIVITY_ACTION: &str = "PARTNER_GROUPS_CHANGED";
