//! One campaign's slot: the index held (its memory counted in the metrics while it is held)
//! and the lock its (re)building takes.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::build::CampaignIndex;
use super::memory;

/// A campaign's index once read, and the lock its (re)building holds.
#[derive(Default)]
pub struct Slot {
    index: Mutex<Option<Arc<CampaignIndex>>>,
    /// Held while the index is read, so it is read once however many requests ask.
    pub building: Arc<tokio::sync::Mutex<()>>,
    /// When the slot was last used (for evicting the least recently used).
    pub used: AtomicU64,
    /// The estimated heap bytes of the index held.
    bytes: AtomicUsize,
    /// Whether the lock is held to apply logged changes (short: worth waiting for), rather
    /// than to read the index whole.
    pub patching: std::sync::atomic::AtomicBool,
}

impl Slot {
    /// The index held, if it is current with `version` (read at it, or brought up to a later
    /// one by another request since the caller read its version) for `account_id`.
    pub fn fresh(&self, version: i64, account_id: i64) -> Option<Arc<CampaignIndex>> {
        let held = self.index.lock().unwrap_or_else(|e| e.into_inner());
        held.as_ref()
            .filter(|ix| ix.version >= version && ix.account_id == account_id)
            .cloned()
    }

    /// The index held for `account_id`, whatever its version.
    pub fn held(&self, account_id: i64) -> Option<Arc<CampaignIndex>> {
        let held = self.index.lock().unwrap_or_else(|e| e.into_inner());
        held.as_ref()
            .filter(|ix| ix.account_id == account_id)
            .cloned()
    }

    /// The number of partners of the index held, if any.
    pub fn size(&self) -> Option<usize> {
        let held = self.index.lock().unwrap_or_else(|e| e.into_inner());
        held.as_ref().map(|ix| ix.len)
    }

    /// The estimated heap bytes of the index held (0: none).
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Holds `index` instead of what was held.
    pub fn store(&self, index: Option<Arc<CampaignIndex>>) {
        memory::held(index.as_deref());
        self.bytes
            .store(index.as_deref().map_or(0, memory::bytes), Ordering::Relaxed);
        let old = std::mem::replace(
            &mut *self.index.lock().unwrap_or_else(|e| e.into_inner()),
            index,
        );
        memory::released(old.as_deref());
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let held = self.index.get_mut().unwrap_or_else(|e| e.into_inner());
        memory::released(held.as_deref());
    }
}
