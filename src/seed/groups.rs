//! Partner groups: 8-15 per campaign with sizes skewed from 5 up to 50,000 members (capped by
//! the campaign's partners). Members are drawn as the campaign's relationships stream by
//! (selection sampling), so each group gets exactly its size without holding the campaign's
//! partners in memory.

use chrono::{DateTime, Utc};
use rand::Rng;

use super::generator::Generator;
use super::insert::next;
use super::pick::{between, days_ago, distinct, log_uniform};
use super::relationships::Rel;
use super::tables::{PARTNER_GROUPS, PARTNER_GROUP_MEMBERS};
use super::words::GROUP_NAMES;

/// The largest group the generator makes.
pub(crate) const MAX_GROUP_SIZE: usize = 50_000;

/// The smallest group the generator makes (when the campaign has that many partners).
pub(crate) const MIN_GROUP_SIZE: usize = 5;

/// A group of a campaign and the members it still needs.
pub(crate) struct GroupPlan {
    /// The group's id.
    pub id: i64,
    /// Members still to draw.
    pub needed: usize,
    /// When the group was created (members are added later).
    pub created_at: DateTime<Utc>,
}

impl Generator {
    /// The groups of campaign `c` (setup rows); the first one is as large as allowed.
    pub(crate) fn plan_groups(&mut self, c: usize) {
        let total = self.campaigns[c].total;
        let count = self.rng.random_range(8..=15);
        let cap = total.min(MAX_GROUP_SIZE);
        let floor = total.min(MIN_GROUP_SIZE);
        for (n, name) in distinct(&mut self.rng, GROUP_NAMES.len(), count)
            .into_iter()
            .enumerate()
        {
            let size = if n == 0 {
                cap
            } else {
                (log_uniform(&mut self.rng, MIN_GROUP_SIZE as f64, cap as f64).round() as usize)
                    .clamp(floor, cap)
            };
            let id = next(&mut self.ids.group);
            let created_at = days_ago(&mut self.rng, self.now, 1_000);
            let updated_at = between(&mut self.rng, created_at, self.now);
            self.batch.rows(&PARTNER_GROUPS).push([
                id.into(),
                self.account_id.into(),
                self.campaigns[c].id.into(),
                GROUP_NAMES[name].into(),
                created_at.into(),
                updated_at.into(),
            ]);
            self.campaigns[c].groups.push(GroupPlan {
                id,
                needed: size,
                created_at,
            });
        }
    }

    /// Adds the relationship's partner to the groups of campaign `c` that draw it.
    pub(crate) fn group_memberships(&mut self, c: usize, rel: &Rel) {
        let remaining = self.campaigns[c].total.saturating_sub(rel.k);
        if remaining == 0 {
            return;
        }
        for g in 0..self.campaigns[c].groups.len() {
            let group = &mut self.campaigns[c].groups[g];
            if group.needed == 0
                || (group.needed < remaining && self.rng.random_range(0..remaining) >= group.needed)
            {
                continue;
            }
            group.needed -= 1;
            let (id, created_at) = (group.id, group.created_at);
            let added_at = between(&mut self.rng, created_at.max(rel.created_at), self.now);
            self.batch.rows(&PARTNER_GROUP_MEMBERS).push([
                id.into(),
                rel.partner_id.into(),
                self.account_id.into(),
                rel.campaign_id.into(),
                added_at.into(),
            ]);
        }
    }
}
