//! What the facet indexes of a server hold and weigh: the slots of its campaigns, the budget
//! of bytes they stay within (the least recently used go first), and how often an index was
//! read whole or brought up to date.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::build::CampaignIndex;
use super::slot::Slot;

/// Every campaign's slot, shared with the background reads.
pub(super) type Slots = Arc<Mutex<HashMap<i64, Arc<Slot>>>>;

/// How often this server's indexes were read whole and brought up to date from the change log,
/// and what they weigh (tests and operators tell these apart; `/metrics` has them too).
#[derive(Clone, Debug, Default)]
pub struct IndexUsage(Arc<[AtomicU64; 3]>);

impl IndexUsage {
    /// Indexes read whole (at once or in the background).
    pub fn reads(&self) -> u64 {
        self.0[0].load(Ordering::Relaxed)
    }

    /// Indexes brought up to date with the changes logged since their version.
    pub fn patches(&self) -> u64 {
        self.0[1].load(Ordering::Relaxed)
    }

    /// The estimated heap bytes of the indexes held after the last one was stored.
    pub fn held_bytes(&self) -> u64 {
        self.0[2].load(Ordering::Relaxed)
    }

    pub(super) fn count(&self, which: usize) {
        self.0[which].fetch_add(1, Ordering::Relaxed);
    }
}

/// Holds `index` in `slot` (that of `campaign_id`), then lets the least recently used other
/// campaigns' indexes go until all fit in `max_bytes`; an index larger than the budget on its
/// own is not kept (the request that read it still uses it).
pub(super) fn store(
    slots: &Slots,
    max_bytes: usize,
    usage: &IndexUsage,
    slot: &Slot,
    campaign_id: i64,
    index: Option<Arc<CampaignIndex>>,
) {
    slot.store(index);
    let mut slots = slots.lock().unwrap_or_else(|e| e.into_inner());
    let mut total: usize = slots.values().map(|s| s.bytes()).sum();
    while total > max_bytes {
        let oldest = slots
            .iter()
            .filter(|(id, s)| **id != campaign_id && s.bytes() > 0)
            .min_by_key(|(_, s)| s.used.load(Ordering::Relaxed))
            .map(|(id, _)| *id);
        let Some(id) = oldest else { break };
        if let Some(evicted) = slots.remove(&id) {
            total = total.saturating_sub(evicted.bytes());
            evicted.store(None);
        }
    }
    if total > max_bytes {
        total = total.saturating_sub(slot.bytes());
        slot.store(None);
    }
    usage.0[2].store(total as u64, Ordering::Relaxed);
}
