//! `changePartnerGroups`, the bulk pattern: validate everything first, then a handful of
//! set-based statements in one transaction (count, activity entries, DELETE ... WHERE,
//! INSERT ... SELECT per added group). A dry run counts what the same statements would change.

use chrono::Utc;
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ConnectionTrait, TransactionSession, TransactionTrait};

use super::selection::{self, Selection};
use crate::auth::{AuthContext, Permission};
use crate::domain::UserErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::campaigns;
use crate::service::validation::{Checker, UserError};

use entity::{activity_log as log, campaign_partner as cp, partner_group_member as pgm};

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
    if campaigns::find(db, auth, change.campaign_id)
        .await?
        .is_none()
    {
        check.push(
            "campaignId",
            UserErrorCode::NotFound,
            format!("campaign {} not found", change.campaign_id),
        );
        return Ok(check.finish().map(|()| ChangeOutcome::default()));
    }
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
    let plan = Plan {
        campaign_id: change.campaign_id,
        selected,
        add: dedup(&change.add),
        remove: dedup(&change.remove),
        remove_from_all: change.remove_from_all,
    };
    let txn = db.begin().await?;
    let outcome = plan.execute(&txn, auth, !change.dry_run).await?;
    if outcome.matched == 0 {
        txn.rollback().await?;
        let mut check = Checker::default();
        check.push(
            "selection",
            UserErrorCode::EmptySelection,
            "the selection matches no partners",
        );
        return Ok(check.finish().map(|()| outcome));
    }
    if change.dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(Ok(outcome))
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

/// A checked change: the selection as SQL and the groups involved (sorted, distinct, valid).
pub(super) struct Plan {
    pub campaign_id: i64,
    pub selected: Condition,
    pub add: Vec<i64>,
    pub remove: Vec<i64>,
    pub remove_from_all: bool,
}

impl Plan {
    /// Runs the statements (`write`) or counts what they would change.
    pub async fn execute(
        &self,
        db: &impl ConnectionTrait,
        auth: &AuthContext,
        write: bool,
    ) -> AppResult<ChangeOutcome> {
        let mut outcome = ChangeOutcome {
            matched: count(db, self.selected_rows(self.selected.clone())).await?,
            ..Default::default()
        };
        if outcome.matched == 0 {
            return Ok(outcome);
        }
        // Activity first: whether a partner is affected is read from the memberships before the change.
        let affected = self.selected.clone().add(self.affected());
        outcome.affected = if write {
            let details = serde_json::json!({
                "add": self.add, "remove": self.remove, "removeFromAll": self.remove_from_all,
            });
            insert_activity(db, auth, self.campaign_id, affected, &details).await?
        } else {
            count(db, self.selected_rows(affected)).await?
        };
        if let Some(leaving) = self.leaving() {
            let cond = Condition::all()
                .add(Expr::col(pgm::Column::AccountId).eq(auth.account_id))
                .add(Expr::col(pgm::Column::CampaignId).eq(self.campaign_id))
                .add(leaving)
                .add(Expr::col(pgm::Column::PartnerId).in_subquery(self.selected_ids()));
            outcome.removed = if write {
                let mut delete = Query::delete();
                delete.from_table(pgm::Entity).cond_where(cond);
                db.execute(&delete).await?.rows_affected() as i64
            } else {
                let mut q = Query::select();
                q.expr(Expr::val(1)).from(pgm::Entity).cond_where(cond);
                count(db, q).await?
            };
        }
        let now = Utc::now();
        for &group in &self.add {
            let mut rows = Query::select();
            rows.expr(Expr::val(group))
                .column((cp::Entity, cp::Column::PartnerId))
                .expr(Expr::val(auth.account_id))
                .expr(Expr::val(self.campaign_id))
                .expr(Expr::val(now))
                .from(cp::Entity)
                .cond_where(self.selected.clone().add(not_member(group)));
            outcome.added += if write {
                let mut insert = Query::insert();
                insert
                    .into_table(pgm::Entity)
                    .columns([
                        pgm::Column::GroupId,
                        pgm::Column::PartnerId,
                        pgm::Column::AccountId,
                        pgm::Column::CampaignId,
                        pgm::Column::AddedAt,
                    ])
                    .select_from(rows)
                    .map_err(AppError::internal)?;
                db.execute(&insert).await?.rows_affected() as i64
            } else {
                count(db, rows).await?
            };
        }
        Ok(outcome)
    }

    /// `SELECT 1 FROM campaign_partners WHERE cond`.
    fn selected_rows(&self, cond: Condition) -> SelectStatement {
        let mut q = Query::select();
        q.expr(Expr::val(1)).from(cp::Entity).cond_where(cond);
        q
    }

    /// `SELECT partner_id FROM campaign_partners WHERE <selection>`.
    fn selected_ids(&self) -> SelectStatement {
        let mut q = Query::select();
        q.column((cp::Entity, cp::Column::PartnerId))
            .from(cp::Entity)
            .cond_where(self.selected.clone());
        q
    }

    /// Which memberships the partners leave, as a condition on `partner_group_members`.
    fn leaving(&self) -> Option<SimpleExpr> {
        if self.remove_from_all {
            Some(if self.add.is_empty() {
                Expr::val(true)
            } else {
                Expr::col(pgm::Column::GroupId).is_not_in(self.add.iter().copied())
            })
        } else if self.remove.is_empty() {
            None
        } else {
            Some(Expr::col(pgm::Column::GroupId).is_in(self.remove.iter().copied()))
        }
    }

    /// A partner (a `campaign_partners` row) is affected when it misses a group it joins or
    /// holds a membership it leaves.
    fn affected(&self) -> Condition {
        let mut any = Condition::any();
        for &group in &self.add {
            any = any.add(not_member(group));
        }
        if let Some(leaving) = self.leaving() {
            let m = Alias::new("m");
            let mut q = Query::select();
            q.expr(Expr::val(1))
                .from_as(pgm::Entity, m.clone())
                .and_where(
                    Expr::col((m.clone(), pgm::Column::PartnerId))
                        .equals((cp::Entity, cp::Column::PartnerId)),
                )
                .and_where(Expr::col((m.clone(), pgm::Column::CampaignId)).eq(self.campaign_id))
                // `group_id` is unqualified: inside this subquery it can only name `m`'s.
                .and_where(leaving);
            any = any.add(Expr::exists(q));
        }
        any
    }
}

/// `NOT EXISTS (membership of the current campaign_partners row in group)`.
fn not_member(group: i64) -> SimpleExpr {
    let m = Alias::new("m");
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from_as(pgm::Entity, m.clone())
        .and_where(Expr::col((m.clone(), pgm::Column::GroupId)).eq(group))
        .and_where(
            Expr::col((m, pgm::Column::PartnerId)).equals((cp::Entity, cp::Column::PartnerId)),
        );
    Expr::exists(q).not()
}

async fn count(db: &impl ConnectionTrait, rows: SelectStatement) -> AppResult<i64> {
    let mut q = Query::select();
    q.expr_as(Func::count(Expr::val(1)), Alias::new("n"))
        .from_subquery(rows, Alias::new("t"));
    Ok(match db.query_one(&q).await? {
        Some(row) => row.try_get::<i64>("", "n")?,
        None => 0,
    })
}

/// One activity entry per partner matching `cond`, in one INSERT ... SELECT; returns how many.
async fn insert_activity(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    cond: Condition,
    details: &serde_json::Value,
) -> AppResult<i64> {
    let mut rows = Query::select();
    rows.expr(Expr::val(auth.account_id))
        .expr(Expr::val(campaign_id))
        .column((cp::Entity, cp::Column::PartnerId))
        .expr(Expr::val(auth.user_id))
        .expr(Expr::val(ACTIVITY_ACTION))
        .expr(Expr::val(details.to_string()))
        .expr(Expr::val(Utc::now()))
        .from(cp::Entity)
        .cond_where(cond);
    let mut insert = Query::insert();
    insert
        .into_table(log::Entity)
        .columns([
            log::Column::AccountId,
            log::Column::CampaignId,
            log::Column::PartnerId,
            log::Column::UserId,
            log::Column::Action,
            log::Column::Details,
            log::Column::CreatedAt,
        ])
        .select_from(rows)
        .map_err(AppError::internal)?;
    Ok(db.execute(&insert).await?.rows_affected() as i64)
}

/// The activity-log action of a membership change.
pub const ACTIVITY_ACTION: &str = "PARTNER_GROUPS_CHANGED";
