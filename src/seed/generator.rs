//! The generator of one account's bulk data: it owns the random source, the id counters and the
//! plan of each campaign, and turns the account's partners into batches of `INSERT`s, one chunk
//! of partners at a time (so a million partners never sit in memory at once).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::DbBackend;

use super::custom_fields::FieldPlan;
use super::groups::GroupPlan;
use super::insert::{Batch, Ids, Prepared};
use super::pick::{chance, Rng8};
use crate::error::AppResult;

/// What the generator knows of one campaign of the account.
pub(crate) struct CampaignPlan {
    /// The campaign's id.
    pub id: i64,
    /// Partners still to be drawn into the campaign (selection sampling keeps the total exact).
    pub joins_needed: usize,
    /// Relationships generated so far (the coverage index of the next one).
    pub joined: usize,
    /// Relationships the campaign ends up with.
    pub total: usize,
    /// Contract templates: (id, name); the first is the default.
    pub templates: Vec<(i64, String)>,
    /// Custom fields with their options.
    pub fields: Vec<FieldPlan>,
    /// Partner groups with the members they still need.
    pub groups: Vec<GroupPlan>,
}

/// Everything the generator needs to know, and keeps, across the chunks of one account.
pub(crate) struct Generator {
    /// The random source (deterministic per seed and account).
    pub rng: Rng8,
    /// Id counters shared by every account of the run.
    pub ids: Ids,
    /// Rows of the chunk being generated.
    pub batch: Batch,
    /// The run's reference time ("now"); every date is relative to it.
    pub now: DateTime<Utc>,
    /// The account's id.
    pub account_id: i64,
    /// The account's users (the administrator first).
    pub users: Vec<i64>,
    /// The account's campaigns.
    pub campaigns: Vec<CampaignPlan>,
    /// Partners to generate for the account.
    pub partners_total: usize,
    /// Partners generated so far.
    pub partners_done: usize,
    /// The id of the account's first partner (ids are consecutive).
    pub first_partner_id: i64,
    /// How often each base name was used, to number repeats ("Coupon Cabin 2").
    pub names: HashMap<String, u32>,
    /// Fingerprints of the web domains given out, to keep them (and e-mails) unique.
    pub domains: HashSet<u64>,
    /// Partners per chunk.
    pub chunk_size: usize,
    /// The database backend statements are built for.
    pub backend: DbBackend,
    /// Whether the final rows (account links) were produced.
    pub finished: bool,
}

impl Generator {
    /// The statements of the next chunk and the number of partners it holds; `None` when done.
    pub(crate) fn next_chunk(&mut self) -> AppResult<Option<(usize, Prepared)>> {
        if self.partners_done >= self.partners_total {
            if self.finished {
                return Ok(None);
            }
            self.finished = true;
            self.account_links();
            return self.take().map(|s| Some((0, s)));
        }
        let count = self
            .chunk_size
            .min(self.partners_total - self.partners_done);
        for _ in 0..count {
            self.partner_with_relationships();
        }
        self.take().map(|s| Some((count, s)))
    }

    /// The rows generated so far, ready to load; the batch starts over empty.
    pub(crate) fn take(&mut self) -> AppResult<Prepared> {
        std::mem::replace(&mut self.batch, Batch::new()).prepare(self.backend)
    }

    /// One partner, its profile rows, and its relationship with each campaign it joins.
    fn partner_with_relationships(&mut self) {
        let index = self.partners_done;
        let partner = self.partner(index);
        let remaining = self.partners_total - index;
        for c in 0..self.campaigns.len() {
            let campaign = &mut self.campaigns[c];
            // Selection sampling: exactly `total` of the account's partners join the campaign.
            let joins = campaign.joins_needed > 0
                && (campaign.joins_needed >= remaining
                    || chance(
                        &mut self.rng,
                        campaign.joins_needed as f64 / remaining as f64,
                    ));
            if !joins {
                continue;
            }
            campaign.joins_needed -= 1;
            let rel = self.relationship(c, &partner);
            self.campaigns[c].joined += 1;
            self.group_memberships(c, &rel);
            self.contracts(c, &rel);
            self.answers(c, &rel);
            self.notes(&rel);
        }
        self.partners_done += 1;
    }
}
