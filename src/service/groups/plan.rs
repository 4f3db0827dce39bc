//! Executing a checked membership change with set-based statements. The selection is fixed
//! first — its partner ids copied into a temporary table — so every later statement sees the
//! same partners even when the selection's filter reads the memberships being changed (a
//! filter on groups), and a costly filter runs once.

use chrono::Utc;
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, Func, OnConflict, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ConnectionTrait, DbBackend};

use super::change::{ChangeOutcome, ACTIVITY_ACTION};
use crate::auth::AuthContext;
use crate::error::{AppError, AppResult};

use entity::{activity_log as log, campaign_partner as cp, partner_group_member as pgm};

/// The temporary table holding a change's selection.
const SELECTION: &str = "bulk_selection";

/// A checked change: the selection as SQL and the groups involved (sorted, distinct, valid).
pub(crate) struct Plan {
    /// The campaign.
    pub campaign_id: i64,
    /// The selected partners, as a condition on `campaign_partners`.
    pub selected: Condition,
    /// Groups joined.
    pub add: Vec<i64>,
    /// Groups left.
    pub remove: Vec<i64>,
    /// Leave every group not in `add`.
    pub remove_from_all: bool,
}

impl Plan {
    /// Runs the statements (`write`) or counts what they would change. `db` must be a
    /// transaction: the selection lives in a temporary table until it ends.
    pub async fn execute(
        &self,
        db: &impl ConnectionTrait,
        auth: &AuthContext,
        write: bool,
    ) -> AppResult<ChangeOutcome> {
        let mut outcome = ChangeOutcome {
            matched: self.fix_selection(db).await?,
            ..Default::default()
        };
        if outcome.matched > 0 {
            outcome = self.apply(db, auth, write, outcome).await?;
        }
        // Dropped now, so the transaction can run another plan (an update adds, then removes).
        let schema = match db.get_database_backend() {
            DbBackend::Postgres => "pg_temp",
            _ => "temp",
        };
        db.execute_unprepared(&format!("DROP TABLE {schema}.{SELECTION}"))
            .await?;
        Ok(outcome)
    }

    /// Copies the selected partner ids into the temporary table; returns how many.
    async fn fix_selection(&self, db: &impl ConnectionTrait) -> AppResult<i64> {
        let create = match db.get_database_backend() {
            // ON COMMIT DROP also clears it when the transaction ends early on an error.
            DbBackend::Postgres => format!(
                "CREATE TEMPORARY TABLE {SELECTION} (partner_id BIGINT PRIMARY KEY) ON COMMIT DROP"
            ),
            _ => format!("CREATE TEMPORARY TABLE {SELECTION} (partner_id INTEGER PRIMARY KEY)"),
        };
        db.execute_unprepared(&create).await?;
        let mut rows = Query::select();
        rows.column((cp::Entity, cp::Column::PartnerId))
            .from(cp::Entity)
            .cond_where(self.selected.clone());
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(SELECTION))
            .columns([Alias::new("partner_id")])
            .select_from(rows)
            .map_err(AppError::internal)?;
        Ok(db.execute(&insert).await?.rows_affected() as i64)
    }

    async fn apply(
        &self,
        db: &impl ConnectionTrait,
        auth: &AuthContext,
        write: bool,
        mut outcome: ChangeOutcome,
    ) -> AppResult<ChangeOutcome> {
        // Activity first: whether a partner is affected is read from the memberships before the change.
        let affected = self.affected();
        outcome.affected = if write {
            let details = serde_json::json!({
                "add": self.add, "remove": self.remove, "removeFromAll": self.remove_from_all,
            });
            insert_activity(db, auth, self.campaign_id, affected, &details).await?
        } else {
            count(db, selected_rows(affected)).await?
        };
        if let Some(leaving) = self.leaving() {
            let cond = Condition::all()
                .add(Expr::col(pgm::Column::CampaignId).eq(self.campaign_id))
                .add(leaving)
                .add(Expr::col(pgm::Column::PartnerId).in_subquery(fixed_ids()));
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
                .column(selected_id())
                .expr(Expr::val(auth.account_id))
                .expr(Expr::val(self.campaign_id))
                .expr(Expr::val(now))
                .from(Alias::new(SELECTION))
                .cond_where(Condition::all().add(not_member(group)));
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
                    .map_err(AppError::internal)?
                    // A concurrent identical change may have added the same rows meanwhile.
                    .on_conflict(
                        OnConflict::columns([pgm::Column::GroupId, pgm::Column::PartnerId])
                            .do_nothing()
                            .to_owned(),
                    );
                db.execute(&insert).await?.rows_affected() as i64
            } else {
                count(db, rows).await?
            };
        }
        Ok(outcome)
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

    /// A selected partner (a `bulk_selection` row) is affected when it misses a group it joins
    /// or holds a membership it leaves.
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
                .and_where(Expr::col((m.clone(), pgm::Column::PartnerId)).equals(selected_id()))
                .and_where(Expr::col((m, pgm::Column::CampaignId)).eq(self.campaign_id))
                // `group_id` is unqualified: inside this subquery it can only name `m`'s.
                .and_where(leaving);
            any = any.add(Expr::exists(q));
        }
        any
    }
}

/// `SELECT partner_id FROM bulk_selection`.
fn fixed_ids() -> SelectStatement {
    let mut q = Query::select();
    q.column(Alias::new("partner_id"))
        .from(Alias::new(SELECTION));
    q
}

/// `bulk_selection.partner_id`: later statements read the fixed selection, not the campaign.
fn selected_id() -> (Alias, Alias) {
    (Alias::new(SELECTION), Alias::new("partner_id"))
}

/// `SELECT 1 FROM bulk_selection WHERE cond`.
fn selected_rows(cond: Condition) -> SelectStatement {
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from(Alias::new(SELECTION))
        .cond_where(cond);
    q
}

/// `NOT EXISTS (membership of the current bulk_selection row in group)`.
fn not_member(group: i64) -> SimpleExpr {
    let m = Alias::new("m");
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from_as(pgm::Entity, m.clone())
        .and_where(Expr::col((m.clone(), pgm::Column::GroupId)).eq(group))
        .and_where(Expr::col((m, pgm::Column::PartnerId)).equals(selected_id()));
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
        .column(selected_id())
        .expr(Expr::val(auth.user_id))
        .expr(Expr::val(ACTIVITY_ACTION))
        .expr(Expr::val(details.to_string()))
        .expr(Expr::val(Utc::now()))
        .from(Alias::new(SELECTION))
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
