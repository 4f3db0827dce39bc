//! What a bulk-edit file's rows refer to, read in chunks: the campaign's partners named by the
//! file (with names) and their current group memberships.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::ConnectionTrait;

use crate::auth::AuthContext;
use crate::error::AppResult;

use entity::{campaign_partner as cp, partner, partner_group_member as pgm};

/// Ids per statement: well inside SQLite's and PostgreSQL's bind-parameter limits.
pub const CHUNK: usize = 5_000;

/// The campaign's partners among `ids`, by id, with their names.
pub async fn partner_names(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ids: &[i64],
) -> AppResult<HashMap<i64, String>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let mut q = Query::select();
        q.column((cp::Entity, cp::Column::PartnerId))
            .column((partner::Entity, partner::Column::Name))
            .from(cp::Entity)
            .inner_join(
                partner::Entity,
                Expr::col((partner::Entity, partner::Column::Id))
                    .equals((cp::Entity, cp::Column::PartnerId)),
            )
            .and_where(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id))
            .and_where(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(campaign_id))
            .and_where(Expr::col((cp::Entity, cp::Column::PartnerId)).is_in(chunk.iter().copied()));
        for row in db.query_all(&q).await? {
            out.insert(row.try_get("", "partner_id")?, row.try_get("", "name")?);
        }
    }
    Ok(out)
}

/// The groups of the campaign each of these partners is in.
pub async fn memberships(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ids: &[i64],
) -> AppResult<HashMap<i64, HashSet<i64>>> {
    let mut out: HashMap<i64, HashSet<i64>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let mut q = Query::select();
        q.column(pgm::Column::PartnerId)
            .column(pgm::Column::GroupId)
            .from(pgm::Entity)
            .and_where(Expr::col(pgm::Column::AccountId).eq(auth.account_id))
            .and_where(Expr::col(pgm::Column::CampaignId).eq(campaign_id))
            .and_where(Expr::col(pgm::Column::PartnerId).is_in(chunk.iter().copied()));
        for row in db.query_all(&q).await? {
            out.entry(row.try_get("", "partner_id")?)
                .or_default()
                .insert(row.try_get("", "group_id")?);
        }
    }
    Ok(out)
}
