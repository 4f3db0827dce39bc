//! The membership change as a bulk action: the selected partners join groups and/or leave
//! groups (or every group but those joined), in set-based statements over the fixed selection.

use futures_util::future::BoxFuture;
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, OnConflict, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use super::change::ACTIVITY_ACTION;
use crate::auth::Permission;
use crate::error::{AppError, AppResult};
use crate::service::bulk::{fixed, json, BulkAction, Run};

use entity::partner_group_member as pgm;

/// The most groups a change's state probes one by one (beyond, it lists the partner's groups).
const PROBED_GROUPS: usize = 10;

/// Groups the selected partners join and leave (sorted, distinct, checked to be the campaign's).
#[derive(Clone, Debug, Default)]
pub(crate) struct MembershipChange {
    /// Groups joined.
    pub add: Vec<i64>,
    /// Groups left.
    pub remove: Vec<i64>,
    /// Leave every group not in `add`.
    pub remove_from_all: bool,
}

/// Memberships a change created and removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct MembershipCounts {
    /// Memberships created.
    pub added: i64,
    /// Memberships removed.
    pub removed: i64,
}

impl MembershipChange {
    /// The selection joins one group.
    pub fn join(group_id: i64) -> Self {
        MembershipChange {
            add: vec![group_id],
            ..Default::default()
        }
    }

    /// The selection leaves one group.
    pub fn leave(group_id: i64) -> Self {
        MembershipChange {
            remove: vec![group_id],
            ..Default::default()
        }
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

    async fn write(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<MembershipCounts> {
        let mut counts = MembershipCounts::default();
        if let Some(leaving) = self.leaving() {
            let mut delete = Query::delete();
            delete.from_table(pgm::Entity).cond_where(
                Condition::all()
                    .add(Expr::col(pgm::Column::CampaignId).eq(run.campaign_id))
                    .add(leaving)
                    .add(Expr::col(pgm::Column::PartnerId).in_subquery(fixed::ids())),
            );
            counts.removed = db.execute(&delete).await?.rows_affected() as i64;
        }
        for &group in &self.add {
            let mut rows = Query::select();
            rows.expr(Expr::val(group))
                .column((Alias::new(fixed::TABLE), Alias::new("partner_id")))
                .expr(Expr::val(run.auth.account_id))
                .expr(Expr::val(run.campaign_id))
                .expr(Expr::val(run.now))
                .from(Alias::new(fixed::TABLE))
                .and_where(Expr::exists(membership(group)).not());
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
                .on_conflict(
                    OnConflict::columns([pgm::Column::GroupId, pgm::Column::PartnerId])
                        .do_nothing()
                        .to_owned(),
                );
            counts.added += db.execute(&insert).await?.rows_affected() as i64;
        }
        Ok(counts)
    }
}

/// `SELECT 1 FROM partner_group_members m WHERE m.group_id = group AND m.partner_id = <the
/// selected partner>`.
fn membership(group: i64) -> SelectStatement {
    let m = Alias::new("m");
    let mut q = Query::select();
    q.expr(Expr::val(1))
        .from_as(pgm::Entity, m.clone())
        .and_where(Expr::col((m.clone(), pgm::Column::GroupId)).eq(group))
        .and_where(
            Expr::col((m, pgm::Column::PartnerId))
                .equals((Alias::new(fixed::TABLE), Alias::new("partner_id"))),
        );
    q
}

impl BulkAction for MembershipChange {
    type Counts = MembershipCounts;
    const ACTIVITY: &'static str = ACTIVITY_ACTION;
    const PERMISSION: Permission = Permission::ManageGroups;

    /// What the change is about for one partner: `{"member": {"12": true, "15": false}}`, one
    /// probe of the membership key per group joined or left (the common case: a few groups);
    /// `{"groups": [every group of the partner in the campaign]}` for `removeFromAll` or more than
    /// [`PROBED_GROUPS`] groups.
    fn state(&self, run: Run<'_>) -> String {
        let mut about: Vec<i64> = self.add.iter().chain(&self.remove).copied().collect();
        about.sort_unstable();
        about.dedup();
        if self.remove_from_all || about.is_empty() || about.len() > PROBED_GROUPS {
            let groups = json::int_array(
                run.backend,
                "group_id",
                &format!(
                    "FROM partner_group_members WHERE campaign_id = {} AND partner_id = {}",
                    run.campaign_id,
                    fixed::STATE_PARTNER
                ),
            );
            return json::object(&[("groups", groups)]);
        }
        let member: Vec<(String, String)> = about
            .iter()
            .map(|g| {
                let probe = format!(
                    "CASE WHEN EXISTS (SELECT 1 FROM partner_group_members WHERE group_id = {g} \
                     AND partner_id = {}) THEN 'true' ELSE 'false' END",
                    fixed::STATE_PARTNER
                );
                (g.to_string(), probe)
            })
            .collect();
        let fields: Vec<(&str, String)> = member
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        json::object(&[("member", json::object(&fields))])
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({
            "add": self.add, "remove": self.remove, "removeFromAll": self.remove_from_all,
        })
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<MembershipCounts>> {
        Box::pin(self.write(db, run))
    }
}
