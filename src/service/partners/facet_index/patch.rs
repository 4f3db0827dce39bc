//! Bringing a held index up to the campaign's current list version by applying the changes
//! logged since its version (`campaign_list_changes`, migration 000017) instead of reading the
//! campaign again: the changed partners' facet values are read again (a few statements per
//! 5,000 partners) and written into a copy of the index, which then replaces it.
//!
//! An index is read whole instead when the log cannot bring it up to date: more partners
//! changed than a quarter of the campaign (or 1,000 in a small one), a version's changes are no
//! longer logged (pruned, or written by a bulk load that bypassed the triggers: a change of no
//! partner), a partner left the campaign, or a dimension ran out of codes. A bulk load that
//! bypasses the triggers logs such a change of no partner itself ([`invalidate_all`]).

use std::collections::BTreeSet;

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::bitset::Bitset;
use super::build::{facet_columns, related, CampaignIndex, Facets, Partners};
use crate::auth::AuthContext;
use crate::error::{AppError, AppResult};

use entity::{campaign, campaign_list_version as version, campaign_partner as cp};

/// Partners whose values are read again per statement.
const IDS_PER_STATEMENT: usize = 5_000;

/// How long a logged change is kept after an index of this process applied it, for the other
/// processes serving the same database (one that finds its changes gone reads its index whole).
pub const KEEP_SECONDS: i64 = 300;

/// The index `ix` brought to `version`, or `None` when it must be read whole.
pub async fn apply(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ix: &CampaignIndex,
    version: i64,
) -> AppResult<Option<CampaignIndex>> {
    if version <= ix.version {
        return Ok(None);
    }
    let most = (ix.len / 4).max(1_000);
    let backend = db.get_database_backend();
    let (p1, p2, p3, p4) = match backend {
        DbBackend::Postgres => ("$1", "$2", "$3", "$4"),
        _ => ("?", "?", "?", "?"),
    };
    let changes = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT version, partner_id FROM campaign_list_changes \
                 WHERE campaign_id = {p1} AND version > {p2} AND version <= {p3} LIMIT {p4}"
            ),
            [
                campaign_id.into(),
                ix.version.into(),
                version.into(),
                i64::try_from(most + 1).unwrap_or(i64::MAX).into(),
            ],
        ))
        .await?;
    if changes.len() > most {
        return Ok(None);
    }
    let mut versions = BTreeSet::new();
    let mut partners = BTreeSet::new();
    for row in &changes {
        versions.insert(row.try_get_by_index::<i64>(0)?);
        match row.try_get_by_index::<Option<i64>>(1)? {
            Some(partner) => partners.insert(partner),
            None => return Ok(None),
        };
    }
    // Every version since the index's must be there: its changes were logged and kept.
    if i64::try_from(versions.len()).ok() != Some(version - ix.version) {
        return Ok(None);
    }
    let partners: Vec<i64> = partners.into_iter().collect();
    let mut next = ix.clone();
    next.version = version;
    for chunk in partners.chunks(IDS_PER_STATEMENT) {
        let mut q = facet_columns(auth, campaign_id);
        q.and_where(Expr::col((cp::Entity, cp::Column::PartnerId)).is_in(chunk.iter().copied()));
        let rows = db.query_all(&q).await?;
        let mut found = BTreeSet::new();
        for row in &rows {
            let facets = Facets::of(row)?;
            found.insert(facets.partner);
            let fits = match position(&next, facets.partner) {
                Some(p) => facets.set(&mut next, p as usize),
                None => {
                    let (partner, p) = (facets.partner, next.len);
                    let fits = facets.push(&mut next);
                    next.joined.insert(partner, p as u32);
                    fits
                }
            };
            if !fits {
                return Ok(None);
            }
        }
        // A partner that left the campaign: its position cannot be taken out.
        if chunk
            .iter()
            .any(|p| !found.contains(p) && position(&next, *p).is_some())
        {
            return Ok(None);
        }
    }
    let mut changed = Bitset::empty(next.len);
    let mut positioned = Vec::with_capacity(partners.len());
    for partner in &partners {
        if let Some(p) = position(&next, *partner) {
            changed.insert(p);
            positioned.push(*partner);
        }
    }
    next.groups.remove(&changed);
    next.templates.remove(&changed);
    next.business_models.remove(&changed);
    for chunk in positioned.chunks(IDS_PER_STATEMENT) {
        // Ascending partner ids with their positions, looked up before `next` is written.
        let positions: Vec<(i64, u32)> = chunk
            .iter()
            .filter_map(|p| position(&next, *p).map(|at| (*p, at)))
            .collect();
        let lookup = |partner: i64| {
            positions
                .binary_search_by_key(&partner, |(p, _)| *p)
                .ok()
                .map(|i| positions[i].1)
        };
        related(
            db,
            auth,
            campaign_id,
            Partners::Ids(chunk),
            lookup,
            &mut next,
        )
        .await?;
    }
    next.groups.finish();
    next.templates.finish();
    next.business_models.finish();
    Ok(Some(next))
}

/// The position of `partner` in the index, if it has one.
fn position(ix: &CampaignIndex, partner: i64) -> Option<u32> {
    match ix.partners[..ix.sorted.min(ix.partners.len())].binary_search(&partner) {
        Ok(i) => u32::try_from(i).ok(),
        Err(_) => ix.joined.get(&partner).copied(),
    }
}

/// Forgets changes that indexes of this process have applied, once older than
/// [`KEEP_SECONDS`] (other processes may still need them).
pub async fn prune(db: &impl ConnectionTrait, campaign_id: i64, applied: i64) -> AppResult<()> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => format!(
            "DELETE FROM campaign_list_changes WHERE campaign_id = $1 AND version <= $2 \
             AND created_at < now() - interval '{KEEP_SECONDS} seconds'"
        ),
        _ => format!(
            "DELETE FROM campaign_list_changes WHERE campaign_id = ? AND version <= ? \
             AND created_at < datetime('now', '-{KEEP_SECONDS} seconds')"
        ),
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [campaign_id.into(), applied.into()],
    ))
    .await?;
    Ok(())
}

/// Bumps the list version of every campaign: for bulk loads that bypass the triggers (the
/// PostgreSQL seed runs as a replication role, which skips them). The change logged is of no
/// partner in particular: a held index is read whole again.
pub async fn invalidate_all(db: &impl ConnectionTrait) -> AppResult<()> {
    let mut insert = Query::insert();
    insert
        .into_table(version::Entity)
        .columns([version::Column::CampaignId, version::Column::Version])
        .select_from(
            Query::select()
                .column(campaign::Column::Id)
                .expr(Expr::val(1i64))
                .from(campaign::Entity)
                // SQLite's parser needs a WHERE between a SELECT and an upsert clause.
                .and_where(Expr::cust("1 = 1"))
                .to_owned(),
        )
        .map_err(AppError::internal)?
        .on_conflict(
            OnConflict::column(version::Column::CampaignId)
                .value(
                    version::Column::Version,
                    Expr::col((version::Entity, version::Column::Version)).add(1),
                )
                .to_owned(),
        );
    db.execute(&insert).await?;
    db.execute_unprepared(
        "INSERT INTO campaign_list_changes (campaign_id, version, partner_id) \
         SELECT campaign_id, version, NULL FROM campaign_list_versions",
    )
    .await?;
    Ok(())
}
