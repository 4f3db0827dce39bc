//! Counting over a campaign's index: the rows each facet condition of a filter keeps, their
//! intersection for a total, and for each facet the intersection of every condition but its
//! own, tallied per value. The conditions mean exactly what `filter_sql` makes of them.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

use super::bitset::Bitset;
use super::build::CampaignIndex;
use super::dimension::{Multi, Single};
use crate::service::partners::filter::{FacetDimension, PartnerFilter};
use crate::service::partners::listing::size_rank;

/// A facet value: text (codes, enum names) or a number (ids, size ranks).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    /// A code or an enum name.
    Text(String),
    /// An id or a size rank.
    Number(i64),
}

/// A facet's counts: each value (`None`: no value) with its number of partners.
pub type Tally = Vec<(Option<Value>, i64)>;

fn names<T: Copy>(values: &[T], name: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    values.iter().map(|v| name(*v)).collect()
}

fn among(value: Option<&String>, wanted: &[&str]) -> bool {
    value.is_some_and(|v| wanted.contains(&v.as_str()))
}

/// The rows a condition keeps: a set (the dimensions a partner has lists of), or a test of
/// each position's code (the dimensions with one value each). A test costs nothing until it
/// is applied, and applied to a few thousand rows it is far cheaper than a set of them all.
enum Kept<'a> {
    Rows(Bitset),
    Codes {
        codes: &'a [u16],
        accepted: Vec<bool>,
    },
}

impl<'a> Kept<'a> {
    fn codes<T: Eq + Hash + Clone>(
        column: &'a Single<T>,
        wanted: impl Fn(Option<&T>) -> bool,
    ) -> Self {
        Kept::Codes {
            codes: &column.codes,
            accepted: column.accepting(wanted),
        }
    }

    fn into_rows(self) -> Bitset {
        match self {
            Kept::Rows(rows) => rows,
            Kept::Codes { codes, accepted } => Bitset::from_codes(codes, &accepted),
        }
    }
}

/// The rows `f`'s own condition on `dimension` keeps; `None` when it has none.
fn condition<'a>(
    ix: &'a CampaignIndex,
    f: &PartnerFilter,
    groups: &BTreeSet<i64>,
    dimension: FacetDimension,
) -> Option<Kept<'a>> {
    let len = ix.len;
    match dimension {
        FacetDimension::Country if !f.countries.is_empty() => Some(Kept::codes(&ix.country, |v| {
            v.is_some_and(|c| f.countries.contains(c))
        })),
        FacetDimension::Group if !f.group_ids.is_empty() || f.in_no_group => {
            // Ids that are not groups of the campaign match no one (see `filter_sql`).
            let valid: Vec<i64> = f
                .group_ids
                .iter()
                .copied()
                .filter(|g| groups.contains(g))
                .collect();
            let mut rows = ix.groups.with_any(&valid, len);
            if f.in_no_group {
                rows.union(&ix.groups.with_some(len).complement());
            }
            Some(Kept::Rows(rows))
        }
        FacetDimension::ContractStatus if !f.contract_statuses.is_empty() => {
            let wanted = names(&f.contract_statuses, |s| s.as_str());
            Some(Kept::codes(&ix.contract_status, |v| among(v, &wanted)))
        }
        FacetDimension::ContractTemplate if !f.contract_template_ids.is_empty() => Some(
            Kept::Rows(ix.templates.with_any(&f.contract_template_ids, len)),
        ),
        FacetDimension::RelationshipType if !f.relationship_types.is_empty() => {
            let wanted = names(&f.relationship_types, |s| s.as_str());
            Some(Kept::codes(&ix.relationship_type, |v| among(v, &wanted)))
        }
        FacetDimension::Size if !f.sizes.is_empty() => {
            let ranks: Vec<i64> = f.sizes.iter().map(|s| i64::from(size_rank(*s))).collect();
            Some(Kept::codes(&ix.size_rank, |v| {
                v.is_some_and(|r| ranks.contains(r))
            }))
        }
        FacetDimension::RelationshipStage if !f.relationship_stages.is_empty() => {
            let wanted = names(&f.relationship_stages, |s| s.as_str());
            Some(Kept::codes(&ix.relationship_stage, |v| among(v, &wanted)))
        }
        FacetDimension::BusinessModel if !f.business_models.is_empty() => {
            let wanted: Vec<String> = f
                .business_models
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect();
            Some(Kept::Rows(ix.business_models.with_any(&wanted, len)))
        }
        FacetDimension::AssignedTo if !f.assigned_user_ids.is_empty() || f.unassigned => {
            Some(Kept::codes(&ix.assigned_user, |v| match v {
                Some(id) => f.assigned_user_ids.contains(id),
                None => f.unassigned,
            }))
        }
        FacetDimension::ProspectingSource if !f.prospecting_sources.is_empty() => {
            let wanted = names(&f.prospecting_sources, |s| s.as_str());
            Some(Kept::codes(&ix.prospecting_source, |v| among(v, &wanted)))
        }
        _ => None,
    }
}

/// Each top-level facet condition of `f` with its rows, and the rows of its nested `and`s.
fn conditions(
    ix: &CampaignIndex,
    f: &PartnerFilter,
    groups: &BTreeSet<i64>,
) -> (Vec<(FacetDimension, Bitset)>, Bitset) {
    let own = FacetDimension::ALL
        .iter()
        .filter_map(|d| condition(ix, f, groups, *d).map(|kept| (*d, kept.into_rows())))
        .collect();
    let mut nested = Bitset::full(ix.len);
    for inner in &f.and {
        nested.intersect(&matching(ix, inner, groups));
    }
    (own, nested)
}

/// The rows `f` keeps (`f` must be one `super::supported` accepts): the intersection of its
/// sets (sparse, mostly: group members, contract holders), then each remaining row tested
/// against its per-position conditions.
pub fn matching(ix: &CampaignIndex, f: &PartnerFilter, groups: &BTreeSet<i64>) -> Bitset {
    let (mut sets, mut tests) = (Vec::new(), Vec::new());
    for dimension in FacetDimension::ALL {
        match condition(ix, f, groups, dimension) {
            Some(Kept::Rows(rows)) => sets.push(rows),
            Some(Kept::Codes { codes, accepted }) => tests.push((codes, accepted)),
            None => {}
        }
    }
    sets.extend(f.and.iter().map(|inner| matching(ix, inner, groups)));
    let mut rows = match (sets.pop(), tests.pop()) {
        (Some(rows), test) => {
            tests.extend(test);
            rows
        }
        (None, Some((codes, accepted))) => Bitset::from_codes(codes, &accepted),
        (None, None) => Bitset::full(ix.len),
    };
    for set in &sets {
        rows.intersect(set);
    }
    if !tests.is_empty() {
        rows.retain(|p| {
            let p = p as usize;
            tests
                .iter()
                .all(|(codes, accepted)| accepted[usize::from(codes[p])])
        });
    }
    rows
}

fn tally_single<T: Clone>(column: &Single<T>, rows: &Bitset, wrap: fn(T) -> Value) -> Tally {
    let mut counts = vec![0i64; column.values.len()];
    for i in rows.iter() {
        counts[usize::from(column.codes[i as usize])] += 1;
    }
    column
        .values
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(v, n)| (v.clone().map(wrap), n))
        .collect()
}

fn tally_multi<T: Clone + Eq + Hash>(
    column: &Multi<T>,
    rows: &Bitset,
    wrap: fn(T) -> Value,
) -> Tally {
    column
        .members
        .iter()
        .map(|(v, positions)| {
            let n = positions.iter().filter(|p| rows.contains(**p)).count() as i64;
            (Some(wrap(v.clone())), n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn tally(ix: &CampaignIndex, dimension: FacetDimension, rows: &Bitset) -> Tally {
    match dimension {
        FacetDimension::Country => tally_single(&ix.country, rows, Value::Text),
        FacetDimension::ContractStatus => tally_single(&ix.contract_status, rows, Value::Text),
        FacetDimension::RelationshipType => tally_single(&ix.relationship_type, rows, Value::Text),
        FacetDimension::RelationshipStage => {
            tally_single(&ix.relationship_stage, rows, Value::Text)
        }
        FacetDimension::ProspectingSource => {
            tally_single(&ix.prospecting_source, rows, Value::Text)
        }
        FacetDimension::Size => tally_single(&ix.size_rank, rows, Value::Number),
        FacetDimension::AssignedTo => tally_single(&ix.assigned_user, rows, Value::Number),
        FacetDimension::ContractTemplate => tally_multi(&ix.templates, rows, Value::Number),
        FacetDimension::BusinessModel => tally_multi(&ix.business_models, rows, Value::Text),
        FacetDimension::Group => {
            let mut counts = tally_multi(&ix.groups, rows, Value::Number);
            let mut alone = ix.groups.with_some(ix.len).complement();
            alone.intersect(rows);
            if alone.count() > 0 {
                counts.push((None, alone.count()));
            }
            counts
        }
    }
}

/// The counts of each of `dimensions` under `f` without that dimension's own condition,
/// largest first (equal counts: "no value" first, then by value).
pub fn facets(
    ix: &CampaignIndex,
    f: &PartnerFilter,
    groups: &BTreeSet<i64>,
    dimensions: &[FacetDimension],
) -> HashMap<FacetDimension, Tally> {
    let (own, nested) = conditions(ix, f, groups);
    dimensions
        .iter()
        .map(|dimension| {
            let mut rows = nested.clone();
            for (_, kept) in own.iter().filter(|(d, _)| d != dimension) {
                rows.intersect(kept);
            }
            let mut counts = tally(ix, *dimension, &rows);
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            (*dimension, counts)
        })
        .collect()
}
