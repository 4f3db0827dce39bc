//! Writing a checked bulk-edit plan as a bulk action over the partners its rows change:
//! multi-row INSERTs and per-group DELETEs in chunks — a few hundred statements for 50,000 rows,
//! never one per row. The engine writes one activity entry per changed partner.

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction, EntityTrait, Set};

use super::plan::FilePlan;
use crate::auth::Permission;
use crate::error::AppResult;
use crate::service::bulk::{BulkAction, Run};
use crate::service::groups::{MembershipChange, ACTIVITY_ACTION};

use entity::partner_group_member as pgm;

/// Rows per multi-row INSERT (5 columns × 1,000 stays far below the bind-parameter limits).
const ROWS_PER_INSERT: usize = 1_000;
/// Partner ids per DELETE.
const IDS_PER_DELETE: usize = 5_000;

/// Every row of a plan without errors, as one bulk action.
pub struct FileChanges<'p>(pub &'p FilePlan);

impl BulkAction for FileChanges<'_> {
    type Counts = ();
    const ACTIVITY: &'static str = ACTIVITY_ACTION;
    const PERMISSION: Permission = Permission::ManageGroups;

    fn state(&self, run: Run<'_>) -> String {
        MembershipChange::default().state(run)
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({ "source": "file", "rows": self.0.rows.len() })
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(apply(db, run, self.0))
    }
}

async fn apply(db: &DatabaseTransaction, run: Run<'_>, plan: &FilePlan) -> AppResult<()> {
    let mut joining: Vec<pgm::ActiveModel> = Vec::new();
    let mut leaving: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for row in &plan.rows {
        let Some((partner_id, _)) = row.partner else {
            continue;
        };
        for group in &row.joins {
            joining.push(pgm::ActiveModel {
                group_id: Set(group.id),
                partner_id: Set(partner_id),
                account_id: Set(run.auth.account_id),
                campaign_id: Set(run.campaign_id),
                added_at: Set(run.now),
            });
        }
        for group in &row.leaves {
            leaving.entry(group.id).or_default().push(partner_id);
        }
    }
    for (group_id, partners) in &leaving {
        for chunk in partners.chunks(IDS_PER_DELETE) {
            let mut delete = Query::delete();
            delete
                .from_table(pgm::Entity)
                .and_where(Expr::col(pgm::Column::AccountId).eq(run.auth.account_id))
                .and_where(Expr::col(pgm::Column::CampaignId).eq(run.campaign_id))
                .and_where(Expr::col(pgm::Column::GroupId).eq(*group_id))
                .and_where(Expr::col(pgm::Column::PartnerId).is_in(chunk.iter().copied()));
            db.execute(&delete).await?;
        }
    }
    while !joining.is_empty() {
        let rest = joining.split_off(joining.len().min(ROWS_PER_INSERT));
        // A membership created concurrently since the preview was read is simply kept.
        pgm::Entity::insert_many(std::mem::replace(&mut joining, rest))
            .on_conflict(
                OnConflict::columns([pgm::Column::GroupId, pgm::Column::PartnerId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
