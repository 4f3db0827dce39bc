//! The facet index: a campaign's facet columns held in memory, so the filter bar's counts and
//! a list's total under facet filters (country, groups, contract status and the rest of the ten
//! dimensions, combined with `and`) are counted in milliseconds instead of by scanning hundreds
//! of thousands of rows per facet. It also knows which rows such a filter matches (their
//! relationship row ids): when they are at most `page_rows`, a page is read by those ids,
//! sorted and cut in SQL, instead of by the filter (`super::list`).
//!
//! It is exact, never stale: every write to what it holds bumps the campaign's list version
//! (triggers, migration 000013), and each use reads the version first (one indexed lookup).
//! An index read at an older version is not used; it is read again, once per campaign however
//! many requests ask (a per-campaign lock):
//! - for a campaign of fewer than `background_from` partners, at once, and the request waits;
//! - for a larger one (reading a million partners takes seconds), in the background, while
//!   requests are counted in SQL as before; the first request after the rebuild uses it.
//!
//! Filters with any other condition (search, ranges, custom fields, terms updates, `or`,
//! `not`, ...) are always counted in SQL. At most [`CAMPAIGNS`] campaigns are held; the least
//! recently used goes first.

mod bitset;
mod build;
mod eval;
mod labels;
mod memory;
mod slot;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use super::facets::FacetBucket;
use super::filter::{FacetDimension, PartnerFilter, DEFAULT_RECENTLY_EXPIRED_DAYS};
use super::ListQuery;
use crate::auth::AuthContext;
use crate::error::{AppError, AppResult};
use crate::observability::{record_facet_index, FacetIndexUse};
use build::CampaignIndex;
use slot::Slot;

use entity::{campaign, campaign_list_version as version, campaign_partner as cp};

/// Campaigns whose index is held at once (about 33 MB each at a million partners).
pub const CAMPAIGNS: usize = 8;

/// The default size from which a campaign's index is read in the background.
pub const BACKGROUND_FROM: usize = 50_000;

/// The default number of matches up to which a page is read by the relationship row ids the
/// index found rather than by the filter, per backend. Fetching a row by primary key costs
/// about 1.2 µs on SQLite and 3 µs on PostgreSQL at a million partners. SQLite's plan for a
/// filter with many matches probes and sorts them all (about 95 ms for 12,000 matches of a
/// country + group + status filter, against 39 ms by row ids); PostgreSQL walks the sort index
/// and tests the filter instead, which beats the row ids from some 10,000 matches (18 ms for
/// the same 12,000, against 29 ms).
pub fn default_page_rows(backend: DbBackend) -> usize {
    match backend {
        DbBackend::Postgres => 10_000,
        _ => 30_000,
    }
}

/// The largest `page_rows`: each row id is a bound parameter, and SQLite takes at most 32,766
/// per statement (PostgreSQL 65,535).
pub const PAGE_ROWS_MAX: usize = 30_000;

/// The facet indexes of the server's campaigns (shared by all requests).
pub struct FacetIndexes {
    slots: Mutex<HashMap<i64, Arc<Slot>>>,
    clock: AtomicU64,
    background_from: usize,
    page_rows: usize,
}

/// The settings of the embedded default (SQLite).
impl Default for FacetIndexes {
    fn default() -> Self {
        FacetIndexes::new(BACKGROUND_FROM, default_page_rows(DbBackend::Sqlite))
    }
}

/// A list query's rows as the index knows them.
#[derive(Clone, Debug)]
pub struct Selection {
    /// How many partners match.
    pub count: i64,
    /// Their relationship rows (`campaign_partners.id`, ascending by partner), when asked for
    /// and few enough.
    pub rows: Option<Vec<i64>>,
}

/// Whether the index can answer `f`: conditions on the ten facet dimensions only, and nested
/// `and`s of such filters.
pub fn supported(f: &PartnerFilter) -> bool {
    let mut rest = FacetDimension::ALL
        .iter()
        .fold(f.clone(), |rest, d| rest.without(*d));
    let nested = std::mem::take(&mut rest.and);
    // Only read with a terms-update condition, which is not supported anyway.
    rest.recently_expired_days = DEFAULT_RECENTLY_EXPIRED_DAYS;
    rest == PartnerFilter::all() && nested.iter().all(supported)
}

/// The number of partners of a campaign of the caller's account.
async fn campaign_size(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<usize> {
    let n = cp::Entity::find()
        .filter(cp::Column::AccountId.eq(auth.account_id))
        .filter(cp::Column::CampaignId.eq(campaign_id))
        .count(db)
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The campaign's current list version (0 before its first write).
async fn current_version(db: &impl ConnectionTrait, campaign_id: i64) -> AppResult<i64> {
    Ok(version::Entity::find_by_id(campaign_id)
        .one(db)
        .await?
        .map_or(0, |v| v.version))
}

/// Bumps the list version of every campaign: for bulk loads that bypass the triggers (the
/// PostgreSQL seed runs as a replication role, which skips them).
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
    Ok(())
}

impl FacetIndexes {
    /// Indexes read in the background for campaigns of `background_from` partners or more,
    /// that give pages of at most `page_rows` matches their rows.
    pub fn new(background_from: usize, page_rows: usize) -> Self {
        FacetIndexes {
            slots: Mutex::default(),
            clock: AtomicU64::default(),
            background_from,
            page_rows: page_rows.min(PAGE_ROWS_MAX),
        }
    }

    /// The most matches whose relationship row ids a page query is given instead of its
    /// filter.
    pub fn page_rows(&self) -> usize {
        self.page_rows
    }

    fn slot(&self, campaign_id: i64) -> Arc<Slot> {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if !slots.contains_key(&campaign_id) && slots.len() >= CAMPAIGNS {
            let oldest = slots
                .iter()
                .min_by_key(|(_, s)| s.used.load(Ordering::Relaxed))
                .map(|(id, _)| *id);
            if let Some(id) = oldest {
                slots.remove(&id);
            }
        }
        let slot = slots.entry(campaign_id).or_default().clone();
        slot.used.store(tick, Ordering::Relaxed);
        slot
    }

    /// The index of the query's campaign as of now; `None` when the filter needs SQL or the
    /// index is being read in the background.
    async fn current(
        &self,
        db: &DatabaseConnection,
        auth: &AuthContext,
        query: &ListQuery,
    ) -> AppResult<Option<Arc<CampaignIndex>>> {
        if !supported(&query.filter) {
            record_facet_index(FacetIndexUse::SqlFilter);
            return Ok(None);
        }
        let campaign_id = query.campaign_id;
        // The version is read before the rows: an index is never newer than its number says.
        let version = current_version(db, campaign_id).await?;
        let slot = self.slot(campaign_id);
        if let Some(ix) = slot.fresh(version, auth.account_id) {
            record_facet_index(FacetIndexUse::Hit);
            return Ok(Some(ix));
        }
        let size = match slot.size() {
            Some(size) => size,
            None => campaign_size(db, auth, campaign_id).await?,
        };
        if size >= self.background_from {
            if let Ok(building) = slot.building.clone().try_lock_owned() {
                let (db, auth) = (db.clone(), auth.clone());
                tokio::spawn(async move {
                    let _building = building;
                    match build::build(&db, &auth, campaign_id, version).await {
                        Ok(ix) => slot.store(ix.map(Arc::new)),
                        Err(err) => tracing::warn!(campaign_id, ?err, "facet index not read"),
                    }
                });
            }
            record_facet_index(FacetIndexUse::SqlBackground);
            return Ok(None);
        }
        let _building = slot.building.lock().await;
        // Another request may have read it while this one waited.
        if let Some(ix) = slot.fresh(version, auth.account_id) {
            record_facet_index(FacetIndexUse::Hit);
            return Ok(Some(ix));
        }
        let ix = build::build(db, auth, campaign_id, version)
            .await?
            .map(Arc::new);
        slot.store(ix.clone());
        record_facet_index(match ix {
            Some(_) => FacetIndexUse::Read,
            None => FacetIndexUse::SqlTooManyValues,
        });
        Ok(ix)
    }

    /// What the index knows of the query's rows: how many, and which (their relationship row
    /// ids) when they are at most `max_rows`; `None` when the filter needs SQL or the index is
    /// being read in the background.
    pub async fn select(
        &self,
        db: &DatabaseConnection,
        auth: &AuthContext,
        query: &ListQuery,
        max_rows: usize,
    ) -> AppResult<Option<Selection>> {
        let Some(ix) = self.current(db, auth, query).await? else {
            return Ok(None);
        };
        let matched = eval::matching(&ix, &query.filter, &query.campaign_groups);
        let count = matched.count();
        let rows = (usize::try_from(count).unwrap_or(usize::MAX) <= max_rows).then(|| {
            matched
                .iter()
                .filter_map(|p| ix.rows.get(p as usize).copied())
                .collect()
        });
        Ok(Some(Selection { count, rows }))
    }

    /// The number of partners the query matches: from the index when it can count it, else
    /// in SQL.
    pub async fn count(
        &self,
        db: &DatabaseConnection,
        auth: &AuthContext,
        query: &ListQuery,
    ) -> AppResult<i64> {
        match self.select(db, auth, query, 0).await? {
            Some(selection) => Ok(selection.count),
            None => super::count(db, auth, query).await,
        }
    }

    /// The facets of `dimensions` under the query, when the index can count them; each as
    /// `super::facets::facet` would (same values, labels and counts).
    pub async fn facets(
        &self,
        db: &DatabaseConnection,
        auth: &AuthContext,
        query: &ListQuery,
        dimensions: &[FacetDimension],
    ) -> AppResult<Option<HashMap<FacetDimension, Vec<FacetBucket>>>> {
        let Some(ix) = self.current(db, auth, query).await? else {
            return Ok(None);
        };
        let tallies = eval::facets(&ix, &query.filter, &query.campaign_groups, dimensions);
        let mut facets = HashMap::new();
        for (dimension, tally) in tallies {
            facets.insert(
                dimension,
                labels::buckets(db, auth, dimension, tally).await?,
            );
        }
        Ok(Some(facets))
    }
}
