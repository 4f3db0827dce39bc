//! What the held indexes weigh: an estimate of each index's heap bytes, added to the
//! `partnergraph_facet_index_bytes` gauge when an index is stored and taken off when it is
//! replaced or its campaign's slot is dropped.

use std::collections::HashMap;
use std::mem::size_of;

use super::build::CampaignIndex;
use super::dimension::{Multi, Single};
use crate::observability::record_facet_index_memory;

/// Heap bytes of the values of a string dimension (beyond the `String`s themselves).
trait HeapBytes {
    fn heap_bytes(&self) -> usize;
}

impl HeapBytes for i64 {
    fn heap_bytes(&self) -> usize {
        0
    }
}

impl HeapBytes for String {
    fn heap_bytes(&self) -> usize {
        self.capacity()
    }
}

impl<T: HeapBytes> HeapBytes for Option<T> {
    fn heap_bytes(&self) -> usize {
        self.as_ref().map_or(0, T::heap_bytes)
    }
}

/// A hash map's table: its slots (key, value and a control byte each).
fn table<K, V>(map: &HashMap<K, V>) -> usize {
    map.capacity() * (size_of::<K>() + size_of::<V>() + 1)
}

fn single<T: HeapBytes + Eq + std::hash::Hash + Clone>(d: &Single<T>) -> usize {
    // The lookup map holds a second copy of each value.
    let values: usize = d.values.iter().map(HeapBytes::heap_bytes).sum();
    d.codes.capacity() * size_of::<u16>()
        + d.values.capacity() * size_of::<Option<T>>()
        + 2 * values
        + d.lookup_capacity() * (size_of::<Option<T>>() + size_of::<u16>() + 1)
}

fn multi<T: HeapBytes>(d: &Multi<T>) -> usize {
    table(&d.members)
        + d.members
            .iter()
            .map(|(value, positions)| value.heap_bytes() + positions.capacity() * size_of::<u32>())
            .sum::<usize>()
}

/// The estimated heap bytes of an index.
pub fn bytes(ix: &CampaignIndex) -> usize {
    size_of::<CampaignIndex>()
        + ix.rows.capacity() * size_of::<i64>()
        + ix.partners.capacity() * size_of::<i64>()
        + ix.date_joined.capacity() * size_of::<i64>()
        + table(&ix.joined)
        + single(&ix.country)
        + single(&ix.contract_status)
        + single(&ix.relationship_type)
        + single(&ix.relationship_stage)
        + single(&ix.prospecting_source)
        + single(&ix.size_rank)
        + single(&ix.assigned_user)
        + multi(&ix.groups)
        + multi(&ix.templates)
        + multi(&ix.business_models)
}

fn record(ix: Option<&CampaignIndex>, sign: i64) {
    if let Some(ix) = ix {
        let bytes = i64::try_from(bytes(ix)).unwrap_or(i64::MAX);
        record_facet_index_memory(sign * bytes, sign);
    }
}

/// An index is now held.
pub fn held(ix: Option<&CampaignIndex>) {
    record(ix, 1);
}

/// An index is no longer held.
pub fn released(ix: Option<&CampaignIndex>) {
    record(ix, -1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_weighs_at_least_its_row_ids() {
        let empty = bytes(&CampaignIndex::default());
        let ix = CampaignIndex {
            rows: (0..10_000).collect(),
            ..Default::default()
        };
        assert!(bytes(&ix) >= empty + 10_000 * size_of::<i64>());
    }
}
