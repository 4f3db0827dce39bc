//! The facet index: a campaign's facet columns held in memory, so the filter bar's counts and
//! a list's total under facet filters (country, groups, contract status and the rest of the ten
//! dimensions, combined with `and`) are counted in milliseconds instead of by scanning hundreds
//! of thousands of rows per facet. It also knows which rows such a filter matches (their
//! relationship row ids): when they are at most `page_rows`, a page is read by those ids,
//! sorted and cut in SQL, instead of by the filter (`super::list`).
//!
//! It is exact, never stale: every write to what it holds bumps the campaign's list version and
//! logs the partners it changed (triggers, migrations 000013 and 000017), and each request reads
//! the version first (with its checks, in `prepare`). An index read at an older version is not used as it is:
//! it applies the changes logged since its version ([`patch`]), or when the log cannot bring it
//! up to date, it is read again, once per campaign however many requests ask (a per-campaign
//! lock):
//! - for a campaign of fewer than `background_from` partners, at once, and the request waits;
//! - for a larger one (reading a million partners takes seconds), in the background, while
//!   requests are counted in SQL as before; the first request after the rebuild uses it.
//!
//! Filters with any other condition (search, ranges, custom fields, terms updates, `or`,
//! `not`, ...) are always counted in SQL. The indexes held stay within a budget of bytes (their
//! estimated heap size, `FACET_INDEX_MAX_BYTES`): storing one lets the least recently used
//! campaigns' indexes go until they fit, and an index larger than the whole budget is used for
//! the request that read it and not kept. A campaign whose index was let go is read again when
//! next asked for; nothing is ever answered from an index that is not current.

mod bitset;
mod budget;
mod build;
mod dimension;
mod eval;
mod labels;
mod memory;
mod page;
mod patch;
mod slot;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use super::facets::FacetBucket;
use super::filter::{FacetDimension, PartnerFilter, DEFAULT_RECENTLY_EXPIRED_DAYS};
use super::ListQuery;
use crate::auth::AuthContext;
use crate::error::AppResult;
use crate::observability::{record_facet_index, FacetIndexUse};
use crate::service::paging::PageRequest;
pub use budget::IndexUsage;
use budget::{store, Slots};
use build::CampaignIndex;
pub use patch::invalidate_all;
use slot::Slot;

use entity::campaign_partner as cp;

/// The default `FACET_INDEX_MAX_BYTES`: 512 MiB (an index weighs about 40 MB at a million
/// partners).
pub const MAX_BYTES: usize = 512 * 1024 * 1024;

/// How long a request waits for another to apply the logged changes it also needs (applying
/// 100,000 partners' changes takes about a second at a million) before it counts in SQL.
const PATCH_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

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
    slots: Slots,
    clock: AtomicU64,
    background_from: usize,
    page_rows: usize,
    max_bytes: usize,
    usage: IndexUsage,
}

/// The settings of the embedded default (SQLite).
impl Default for FacetIndexes {
    fn default() -> Self {
        FacetIndexes::new(
            BACKGROUND_FROM,
            default_page_rows(DbBackend::Sqlite),
            MAX_BYTES,
        )
    }
}

/// A list query's rows as the index knows them.
#[derive(Clone, Debug)]
pub struct Selection {
    /// How many partners match.
    pub count: i64,
    /// Their relationship rows (`campaign_partners.id`; ascending by partner, then partners
    /// added since the index was read), when asked for and few enough; or only the rows of
    /// the page asked for, when the index picked them.
    pub rows: Option<Vec<i64>>,
    /// `rows` are the page's own (picked by the index), not every match.
    pub picked: bool,
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

impl FacetIndexes {
    /// Indexes read in the background for campaigns of `background_from` partners or more,
    /// that give pages of at most `page_rows` matches their rows.
    pub fn new(background_from: usize, page_rows: usize, max_bytes: usize) -> Self {
        FacetIndexes {
            slots: Slots::default(),
            clock: AtomicU64::default(),
            background_from,
            page_rows: page_rows.min(PAGE_ROWS_MAX),
            max_bytes,
            usage: IndexUsage::default(),
        }
    }

    /// How often the indexes were read whole or patched.
    pub fn usage(&self) -> IndexUsage {
        self.usage.clone()
    }

    /// The most matches whose relationship row ids a page query is given instead of its
    /// filter.
    pub fn page_rows(&self) -> usize {
        self.page_rows
    }

    fn slot(&self, campaign_id: i64) -> Arc<Slot> {
        let tick = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let slot = slots.entry(campaign_id).or_default().clone();
        slot.used.store(tick, Ordering::Relaxed);
        slot
    }

    fn store(&self, slot: &Slot, campaign_id: i64, index: Option<Arc<CampaignIndex>>) {
        store(
            &self.slots,
            self.max_bytes,
            &self.usage,
            slot,
            campaign_id,
            index,
        );
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
        // The version was read before the rows (with the request's checks, `prepare`): an index
        // is never newer than its number says.
        let version = query.list_version;
        let slot = self.slot(campaign_id);
        if let Some(ix) = slot.fresh(version, auth.account_id) {
            record_facet_index(FacetIndexUse::Hit);
            return Ok(Some(ix));
        }
        if let Some(ix) = self.patched(db, auth, &slot, campaign_id, version).await? {
            return Ok(Some(ix));
        }
        let size = match slot.size() {
            Some(size) => size,
            None => campaign_size(db, auth, campaign_id).await?,
        };
        if size >= self.background_from {
            if let Ok(building) = slot.building.clone().try_lock_owned() {
                let (db, auth, usage) = (db.clone(), auth.clone(), self.usage.clone());
                let (slots, max_bytes) = (self.slots.clone(), self.max_bytes);
                tokio::spawn(async move {
                    let _building = building;
                    match build::build(&db, &auth, campaign_id, version).await {
                        Ok(ix) => {
                            usage.count(0);
                            let ix = ix.map(Arc::new);
                            store(&slots, max_bytes, &usage, &slot, campaign_id, ix);
                        }
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
        self.usage.count(0);
        self.store(&slot, campaign_id, ix.clone());
        record_facet_index(match ix {
            Some(_) => FacetIndexUse::Read,
            None => FacetIndexUse::SqlTooManyValues,
        });
        Ok(ix)
    }

    /// The held index brought to `version` with the changes logged since its own (while no
    /// other request builds or patches it); `None` when none is held or it must be read whole.
    async fn patched(
        &self,
        db: &DatabaseConnection,
        auth: &AuthContext,
        slot: &Slot,
        campaign_id: i64,
        version: i64,
    ) -> AppResult<Option<Arc<CampaignIndex>>> {
        let Some(held) = slot.held(auth.account_id) else {
            return Ok(None);
        };
        let _building = match slot.building.clone().try_lock_owned() {
            Ok(guard) => guard,
            // Another request is applying the same changes: its index will be current.
            Err(_) if slot.patching.load(Ordering::Relaxed) => {
                match tokio::time::timeout(PATCH_WAIT, slot.building.clone().lock_owned()).await {
                    Ok(guard) => guard,
                    Err(_) => return Ok(None),
                }
            }
            Err(_) => return Ok(None),
        };
        // Another request may have brought it up to date meanwhile.
        if let Some(ix) = slot.fresh(version, auth.account_id) {
            record_facet_index(FacetIndexUse::Hit);
            return Ok(Some(ix));
        }
        slot.patching.store(true, Ordering::Relaxed);
        let patched = patch::apply(db, auth, campaign_id, &held, version).await;
        slot.patching.store(false, Ordering::Relaxed);
        let Some(ix) = patched? else {
            return Ok(None);
        };
        let ix = Arc::new(ix);
        self.store(slot, campaign_id, Some(ix.clone()));
        record_facet_index(FacetIndexUse::Patched);
        self.usage.count(1);
        // Pruning writes: in the background, so a read never waits for a writer's lock.
        let (db, applied) = (db.clone(), held.version);
        tokio::spawn(async move {
            if let Err(err) = patch::prune(&db, campaign_id, applied).await {
                tracing::warn!(campaign_id, ?err, "facet index changes not pruned");
            }
        });
        Ok(Some(ix))
    }

    /// What the index knows of the query's rows: how many, and which (their relationship row
    /// ids) when they are at most `max_rows`. With `page` (the order and the page asked for),
    /// only the page's rows when the index can pick them ([`page::pick`]), however many match
    /// up to [`page::MOST`]. `None` when the filter needs SQL or the index is being read in the
    /// background.
    pub async fn select(
        &self,
        db: &DatabaseConnection,
        auth: &AuthContext,
        query: &ListQuery,
        max_rows: usize,
        page: Option<&PageRequest>,
    ) -> AppResult<Option<Selection>> {
        let Some(ix) = self.current(db, auth, query).await? else {
            return Ok(None);
        };
        let matched = eval::matching(&ix, &query.filter, &query.campaign_groups);
        let count = matched.count();
        let picked = match page {
            // `max_rows` 0 (`FACET_INDEX_PAGE_ROWS=0`): pages are always read by the filter.
            Some(request) if count <= page::MOST && max_rows > 0 => {
                let micros = db.get_database_backend() == DbBackend::Postgres;
                page::pick(&ix, &matched, &query.order, request, micros)?
            }
            _ => None,
        };
        let page_only = picked.is_some();
        let rows = picked.or_else(|| {
            (usize::try_from(count).unwrap_or(usize::MAX) <= max_rows).then(|| {
                matched
                    .iter()
                    .filter_map(|p| ix.rows.get(p as usize).copied())
                    .collect()
            })
        });
        Ok(Some(Selection {
            count,
            rows,
            picked: page_only,
        }))
    }

    /// The number of partners the query matches: from the index when it can count it, else
    /// in SQL.
    pub async fn count(
        &self,
        db: &DatabaseConnection,
        auth: &AuthContext,
        query: &ListQuery,
    ) -> AppResult<i64> {
        match self.select(db, auth, query, 0, None).await? {
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
