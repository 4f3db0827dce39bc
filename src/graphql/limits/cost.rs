//! The cost model, in the spirit of GitHub's and Shopify's: every object a query may return
//! costs 1, a list multiplies what its items cost by how many it may hold (a connection's page
//! size, `first` or `last`, 50 when neither is given; other lists an estimate), scalars are
//! free, and the fields whose work does not show in the objects they return carry their real
//! weight: `totalCount` (a COUNT over the filter), each facet (a GROUP BY over the filter) and a
//! `search` term in a connection's filter (a text search over the campaign). Lists that are not
//! connections are charged an estimate of their length: a few per partner or account, more for
//! the lists of a whole campaign, which have no page size. Each mutation carries the weight of
//! a write over a selection, and the searches in its input.
//!
//! The requested cost is computed from the document before it runs (a request over the limit
//! never runs); the actual cost from the response, counting what was really returned.

use async_graphql::parser::types::{BaseType, Field, Selection, SelectionSet, Type};
use async_graphql_value::ConstValue;

use crate::graphql::shape::complete::FieldVisitor;
use crate::graphql::shape::types::{named, Kind};
use crate::graphql::shape::Operation;
use crate::service::paging;

/// What `totalCount` adds to a connection.
pub const TOTAL_COUNT: u64 = 200;
/// What each facet (`facets { countries … }`) adds.
pub const FACET: u64 = 500;
/// What a `search` in a connection's filter adds (the text search over the campaign).
pub const SEARCH: u64 = 200;
/// What each further `search` term of the same filter adds (one more text match per row of the
/// same scan).
pub const SEARCH_TERM: u64 = 10;
/// What each mutation adds: a write, and for a bulk action the selection it resolves over the
/// campaign (a `search` in that selection's filter adds [`SEARCH`] too).
pub const MUTATION: u64 = 200;
/// The page size a connection is charged for when `first` and `last` are absent: the page it
/// serves.
pub const DEFAULT_PAGE: u64 = paging::DEFAULT_PAGE_SIZE;
/// The largest page a connection serves (a larger `first` is refused when it runs).
pub const MAX_PAGE: u64 = paging::MAX_PAGE_SIZE;
/// How many items a list that is not a connection is expected to hold.
pub const LIST_ESTIMATE: u64 = 5;
/// How many items a list of a whole campaign (its groups, terms, custom fields, list columns,
/// saved views) is charged for: these have no page size, and each item may open connections of
/// its own (a group's `members`). An account's campaigns and users are few, charged as other
/// lists.
pub const CATALOG_ESTIMATE: u64 = 100;
/// The lists charged [`CATALOG_ESTIMATE`], by parent type and field.
const CATALOGS: &[(&str, &str)] = &[
    ("Query", "partnerGroups"),
    ("Query", "partnerColumns"),
    ("Query", "partnerViews"),
    ("Campaign", "partnerGroups"),
    ("Campaign", "contractTemplates"),
    ("Query", "contractTemplates"),
    ("Campaign", "customFields"),
    // A file row's groups: up to every group of the campaign ("Remove All").
    ("BulkEditRow", "joins"),
    ("BulkEditRow", "leaves"),
];

/// Lists that are not connections but take `first` (the number of items), by parent type and
/// field, with the number served when it is not given and the most: charged what they serve.
const PAGED_LISTS: &[(&str, &str, u64, u64)] = &[(
    "BulkEditPartnerGroupsPayload",
    "rows",
    crate::graphql::mutation::group_file::ROWS_PAGE,
    crate::graphql::mutation::group_file::MAX_ROWS_PAGE,
)];

/// The type whose every field is a facet.
const FACETS_TYPE: &str = "PartnerFacets";

/// The cost of running `op` as requested: every page full.
pub fn requested(op: &Operation<'_>) -> u64 {
    let Some(root) = op.root_type() else {
        return 0;
    };
    selection(op, root, &op.definition.selection_set.node, None)
}

/// The cost of the fields `set` selects on a value of type `ty` (an object, or the most
/// expensive object type an interface or union can be). `page` is the page size when `ty` is
/// a connection.
///
/// Every selection is charged where it stands, as the executor runs it: a field selected twice
/// under one response key is resolved twice, each copy with its own arguments and
/// sub-selection, and a fragment spread twice is run twice, so each is charged again (the
/// shape check has already bounded how many selections the fragments expand to).
fn selection(op: &Operation<'_>, ty: &str, set: &SelectionSet, page: Option<u64>) -> u64 {
    if op.types.kind(ty) == Some(Kind::Abstract) {
        let Some(info) = op.types.get(ty) else {
            return 0;
        };
        return info
            .possible
            .iter()
            .map(|object| selection(op, object, set, page))
            .max()
            .unwrap_or(0);
    }
    let mut total = 0u64;
    for item in &set.items {
        if !op.included(item.node.directives()) {
            continue;
        }
        let cost = match &item.node {
            Selection::Field(f) => field(op, ty, &f.node, page),
            Selection::FragmentSpread(spread) => {
                match op
                    .doc
                    .fragments
                    .get(spread.node.fragment_name.node.as_str())
                {
                    Some(fragment)
                        if op
                            .types
                            .applies(fragment.node.type_condition.node.on.node.as_str(), ty) =>
                    {
                        selection(op, ty, &fragment.node.selection_set.node, page)
                    }
                    _ => 0,
                }
            }
            Selection::InlineFragment(inline) if op.inline_applies(&inline.node, ty) => {
                selection(op, ty, &inline.node.selection_set.node, page)
            }
            Selection::InlineFragment(_) => 0,
        };
        total = total.saturating_add(cost);
    }
    total
}

fn field(op: &Operation<'_>, parent: &str, field: &Field, page: Option<u64>) -> u64 {
    let Some(ty) = op.field_type(parent, field.name.node.as_str()) else {
        return 0;
    };
    let weight = weight(op, parent, field, &ty);
    let child = named(&ty);
    if !matches!(op.types.kind(child), Some(Kind::Object | Kind::Abstract)) {
        return weight;
    }
    let child_page = is_connection(child).then(|| page_size(op, field));
    let each = 1u64.saturating_add(selection(op, child, &field.selection_set.node, child_page));
    let items = items(op, parent, field, &ty, page);
    weight.saturating_add(items.saturating_mul(each))
}

/// How many values a field of type `ty` may hold: 1, or for a list its expected length (the
/// parent connection's page for `nodes` and `edges`, the ids given to `nodes(ids:)`).
fn items(op: &Operation<'_>, parent: &str, field: &Field, ty: &Type, page: Option<u64>) -> u64 {
    let mut items = 1u64;
    let mut ty = ty;
    while let BaseType::List(inner) = &ty.base {
        let length = match (field.name.node.as_str(), page) {
            ("nodes" | "edges", Some(page)) if is_connection(parent) => page,
            ("nodes", _) if parent == op.types.query_root() => match op.argument(field, "ids") {
                Some(ConstValue::List(ids)) => ids.len() as u64,
                _ => LIST_ESTIMATE,
            },
            (name, _) if CATALOGS.contains(&(parent, name)) => CATALOG_ESTIMATE,
            (name, _) => match PAGED_LISTS
                .iter()
                .find(|(p, f, _, _)| (*p, *f) == (parent, name))
            {
                Some((_, _, default, max)) => match op.argument(field, "first") {
                    Some(ConstValue::Number(n)) => n.as_u64().unwrap_or(*max).min(*max),
                    _ => *default,
                },
                None => LIST_ESTIMATE,
            },
        };
        items = items.saturating_mul(length);
        ty = inner;
    }
    items
}

/// What a field adds beyond the objects it returns.
fn weight(op: &Operation<'_>, parent: &str, field: &Field, ty: &Type) -> u64 {
    let mut weight = 0;
    if field.name.node.starts_with("__") {
        return 0;
    }
    if parent == FACETS_TYPE {
        weight += FACET;
    }
    if field.name.node.as_str() == "totalCount" && is_connection(parent) {
        weight += TOTAL_COUNT;
    }
    let mutation = parent == op.types.mutation_root();
    if mutation {
        weight += MUTATION;
    }
    // A connection's filter, or anywhere in a mutation's input (a bulk action's selection).
    let terms = if is_connection(named(ty)) {
        searches(op.argument(field, "filter").as_ref())
    } else if mutation {
        searches(op.argument(field, "input").as_ref())
    } else {
        0
    };
    if terms > 0 {
        weight += SEARCH.saturating_add(SEARCH_TERM.saturating_mul(terms - 1));
    }
    weight
}

fn is_connection(type_name: &str) -> bool {
    type_name.ends_with("Connection")
}

/// The page a connection field asks for: `first` or `last`, else the default; never more than
/// the largest page.
fn page_size(op: &Operation<'_>, field: &Field) -> u64 {
    let size = |name| match op.argument(field, name) {
        Some(ConstValue::Number(n)) => n.as_u64(),
        _ => None,
    };
    match (size("first"), size("last")) {
        (None, None) => DEFAULT_PAGE,
        (a, b) => a.unwrap_or(0).max(b.unwrap_or(0)),
    }
    .min(MAX_PAGE)
}

/// How many non-empty `search` terms a filter has (at any depth of `and` / `or` / `not`).
fn searches(filter: Option<&ConstValue>) -> u64 {
    let mut count = 0u64;
    let mut stack: Vec<&ConstValue> = filter.into_iter().collect();
    while let Some(value) = stack.pop() {
        match value {
            ConstValue::Object(map) => {
                if matches!(map.get("search"), Some(ConstValue::String(s)) if !s.trim().is_empty())
                {
                    count += 1;
                }
                stack.extend(map.values());
            }
            ConstValue::List(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}

/// Adds up the actual cost while a response is completed: 1 per object returned, and the
/// weights of the fields that were answered.
#[derive(Debug, Default)]
pub struct Actual(pub u64);

impl FieldVisitor for Actual {
    fn field(&mut self, op: &Operation<'_>, parent: &str, field: &Field, value: &ConstValue) {
        if *value == ConstValue::Null {
            return;
        }
        let Some(ty) = op.field_type(parent, field.name.node.as_str()) else {
            return;
        };
        let mut cost = weight(op, parent, field, &ty);
        if matches!(
            op.types.kind(named(&ty)),
            Some(Kind::Object | Kind::Abstract)
        ) {
            cost += objects(value);
        }
        self.0 = self.0.saturating_add(cost);
    }
}

/// The objects in a value: 1 for an object, the non-null items of a list (nested lists too).
fn objects(value: &ConstValue) -> u64 {
    match value {
        ConstValue::Object(_) => 1,
        ConstValue::List(items) => items.iter().map(objects).sum(),
        _ => 0,
    }
}
