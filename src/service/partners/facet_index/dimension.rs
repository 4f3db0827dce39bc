//! The two shapes of a dimension the facet index holds: one value per partner (a small code
//! per position) or any number of values per partner (the positions of each value).

use std::collections::HashMap;
use std::hash::Hash;

use super::bitset::Bitset;

/// A dimension with one value per partner: a code per position into `values`.
#[derive(Clone, Debug, Default)]
pub struct Single<T> {
    /// The code of each position's value.
    pub codes: Vec<u16>,
    /// The distinct values (`None`: no value), by code.
    pub values: Vec<Option<T>>,
    lookup: HashMap<Option<T>, u16>,
}

impl<T: Eq + Hash + Clone> Single<T> {
    /// Appends the next position's value; `false` when there are too many distinct values.
    pub(super) fn push(&mut self, value: Option<T>) -> bool {
        match self.code(value) {
            Some(code) => {
                self.codes.push(code);
                true
            }
            None => false,
        }
    }

    /// Sets the value of `position`; `false` when there are too many distinct values.
    pub(super) fn set(&mut self, position: usize, value: Option<T>) -> bool {
        match (self.code(value), self.codes.get_mut(position)) {
            (Some(code), Some(slot)) => {
                *slot = code;
                true
            }
            _ => false,
        }
    }

    /// The code of `value`, given one when new; `None` when the codes are used up.
    fn code(&mut self, value: Option<T>) -> Option<u16> {
        Some(match self.lookup.get(&value) {
            Some(code) => *code,
            None => {
                let Ok(code) = u16::try_from(self.values.len()) else {
                    return None;
                };
                self.values.push(value.clone());
                self.lookup.insert(value, code);
                code
            }
        })
    }

    /// The slots of the value-to-code map (for the memory estimate).
    pub fn lookup_capacity(&self) -> usize {
        self.lookup.capacity()
    }

    /// For each code, whether `wanted` accepts its value.
    pub fn accepting(&self, wanted: impl Fn(Option<&T>) -> bool) -> Vec<bool> {
        self.values.iter().map(|v| wanted(v.as_ref())).collect()
    }
}

/// A dimension a partner can have any number of values of: the positions of each value.
#[derive(Clone, Debug, Default)]
pub struct Multi<T> {
    /// Each value with its positions (ascending, no repeats).
    pub members: HashMap<T, Vec<u32>>,
}

impl<T: Eq + Hash + Clone> Multi<T> {
    pub(super) fn push(&mut self, value: T, position: u32) {
        self.members.entry(value).or_default().push(position);
    }

    /// Takes `positions` out of every value (before their values are read again).
    pub(super) fn remove(&mut self, positions: &Bitset) {
        for list in self.members.values_mut() {
            list.retain(|p| !positions.contains(*p));
        }
        self.members.retain(|_, list| !list.is_empty());
    }

    pub(super) fn finish(&mut self) {
        for positions in self.members.values_mut() {
            positions.sort_unstable();
            positions.dedup();
        }
    }

    /// The positions with any of `values`.
    pub fn with_any(&self, values: &[T], len: usize) -> Bitset {
        let mut rows = Bitset::empty(len);
        for positions in values.iter().filter_map(|v| self.members.get(v)) {
            for p in positions {
                rows.insert(*p);
            }
        }
        rows
    }

    /// The positions with at least one value.
    pub fn with_some(&self, len: usize) -> Bitset {
        let mut rows = Bitset::empty(len);
        for p in self.members.values().flatten() {
            rows.insert(*p);
        }
        rows
    }
}
