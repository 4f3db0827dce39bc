//! `changePartnerGroups`: the membership change of `plan` over a selection, with its checks
//! (every problem reported together), on the bulk engine.

use crate::clock::Clock;
use futures_util::future::BoxFuture;
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};

use super::plan::{MembershipChange, MembershipCounts};
use crate::auth::{AuthContext, Permission};
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::bulk::{self, BulkAction, Run, Selection};
use crate::service::validation::{Checker, UserError};

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

/// Checks a change and applies it on the bulk engine: one transaction holding the campaign's
/// write lock from before the checks to the commit, so the groups checked are the groups written
/// to (none deleted meanwhile) and the counts and activity entries are of changes no concurrent
/// change has made already. With any user error nothing is written.
pub async fn change_partner_groups(
    db: &DatabaseConnection,
    auth: &AuthContext,
    change: GroupChange,
    clock: Clock,
) -> AppResult<Result<ChangeOutcome, Vec<UserError>>> {
    let request = bulk::Request {
        campaign_id: change.campaign_id,
        selection: change.selection,
        action: Checked(MembershipChange {
            add: dedup(&change.add),
            remove: dedup(&change.remove),
            remove_from_all: change.remove_from_all,
        }),
        dry_run: change.dry_run,
        clock,
    };
    Ok(bulk::run(db, auth, &request).await?.map(|o| ChangeOutcome {
        matched: o.matched,
        affected: o.affected,
        added: o.counts.added,
        removed: o.counts.removed,
    }))
}

/// The permission a change of memberships needs.
pub const CHANGE_PERMISSION: Permission = Permission::ManageGroups;

/// A membership change asked for by a caller: checked before it runs.
struct Checked(MembershipChange);

impl BulkAction for Checked {
    type Counts = MembershipCounts;
    const ACTIVITY: &'static str = ACTIVITY_ACTION;
    const PERMISSION: Permission = CHANGE_PERMISSION;

    fn validate(&self, check: &mut Checker) {
        let change = &self.0;
        for (field, ids) in [("add", &change.add), ("remove", &change.remove)] {
            if ids.len() > MAX_GROUPS_PER_CHANGE {
                check.push(
                    field,
                    UserErrorCode::Invalid,
                    format!("at most {MAX_GROUPS_PER_CHANGE} groups per change"),
                );
            }
        }
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
    }

    fn check<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
        check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            check_groups(db, run.auth, run.campaign_id, &self.0.add, "add", check).await?;
            check_groups(
                db,
                run.auth,
                run.campaign_id,
                &self.0.remove,
                "remove",
                check,
            )
            .await
        })
    }

    fn state(&self, run: Run<'_>) -> String {
        self.0.state(run)
    }

    fn input(&self) -> serde_json::Value {
        self.0.input()
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<MembershipCounts>> {
        self.0.apply(db, run)
    }
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
