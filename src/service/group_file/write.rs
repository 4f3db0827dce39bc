//! Writing a checked bulk-edit plan: multi-row INSERTs and per-group DELETEs in chunks, and one
//! activity entry per changed partner — a few hundred statements for 50,000 rows, never one
//! per row.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use super::plan::FilePlan;
use crate::auth::AuthContext;
use crate::error::AppResult;
use crate::service::groups::ACTIVITY_ACTION;

use entity::{activity_log, partner_group_member as pgm};

/// Rows per multi-row INSERT (7 columns × 1,000 stays far below the bind-parameter limits).
const ROWS_PER_INSERT: usize = 1_000;
/// Partner ids per DELETE.
const IDS_PER_DELETE: usize = 5_000;

/// Applies every row of `plan` (which must have no errors) on `db`, normally a transaction.
pub async fn apply(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    plan: &FilePlan,
) -> AppResult<()> {
    let now = Utc::now();
    let mut joining: Vec<pgm::ActiveModel> = Vec::new();
    let mut leaving: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut activity: Vec<activity_log::ActiveModel> = Vec::new();
    for row in &plan.rows {
        let Some((partner_id, _)) = row.partner else {
            continue;
        };
        if row.joins.is_empty() && row.leaves.is_empty() {
            continue;
        }
        for group in &row.joins {
            joining.push(pgm::ActiveModel {
                group_id: Set(group.id),
                partner_id: Set(partner_id),
                account_id: Set(auth.account_id),
                campaign_id: Set(campaign_id),
                added_at: Set(now),
            });
        }
        for group in &row.leaves {
            leaving.entry(group.id).or_default().push(partner_id);
        }
        let details = serde_json::json!({
            "source": "file",
            "row": row.row,
            "add": row.joins.iter().map(|g| g.id).collect::<Vec<_>>(),
            "remove": row.leaves.iter().map(|g| g.id).collect::<Vec<_>>(),
        });
        activity.push(activity_log::ActiveModel {
            account_id: Set(auth.account_id),
            campaign_id: Set(Some(campaign_id)),
            partner_id: Set(Some(partner_id)),
            user_id: Set(Some(auth.user_id)),
            action: Set(ACTIVITY_ACTION.to_owned()),
            details: Set(Some(details.to_string())),
            created_at: Set(now),
            ..Default::default()
        });
    }
    for (group_id, partners) in &leaving {
        for chunk in partners.chunks(IDS_PER_DELETE) {
            let mut delete = Query::delete();
            delete
                .from_table(pgm::Entity)
                .and_where(Expr::col(pgm::Column::AccountId).eq(auth.account_id))
                .and_where(Expr::col(pgm::Column::CampaignId).eq(campaign_id))
                .and_where(Expr::col(pgm::Column::GroupId).eq(*group_id))
                .and_where(Expr::col(pgm::Column::PartnerId).is_in(chunk.iter().copied()));
            db.execute(&delete).await?;
        }
    }
    insert_chunks(db, joining).await?;
    for chunk in chunked(activity) {
        activity_log::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

async fn insert_chunks(db: &impl ConnectionTrait, rows: Vec<pgm::ActiveModel>) -> AppResult<()> {
    for chunk in chunked(rows) {
        // A membership created concurrently since the preview was read is simply kept.
        pgm::Entity::insert_many(chunk)
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

fn chunked<T>(mut rows: Vec<T>) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(ROWS_PER_INSERT));
        out.push(rows);
        rows = rest;
    }
    out
}
