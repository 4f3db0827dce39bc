//! What the parsed operations expand to, fragments spread in, checked before anything else
//! walks them: fields, depth, aliases, root fields and spreads, computed once per fragment so
//! that fragments spread into fragments cannot make the check itself explode, and the nesting
//! of selection sets across fragments, computed without recursion.

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};

use super::Limits;
use crate::error::AppError;
use crate::graphql::shape::complete::RUNTIME_TYPE;

/// What a selection set expands to, fragments spread in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Fields selected, counting every time a fragment is spread.
    pub fields: u64,
    /// Fragment spreads, counting every time the fragment holding them is spread.
    pub spreads: u64,
    /// Fields selected under an alias.
    pub aliases: u64,
    /// Deepest field nesting (`{ a { b } }` is 2).
    pub depth: u64,
    /// Fields at the set's own level (root fields, for an operation).
    pub top: u64,
}

/// Refuses a document whose operations expand past the field, depth, alias or root-field
/// limits; `VALIDATION` naming the limit.
pub fn check_shape(doc: &ExecutableDocument, limits: &Limits) -> Result<(), AppError> {
    check_nesting_with_fragments(doc, limits.max_nesting)?;
    let mut expander = Expander {
        doc,
        done: HashMap::new(),
        open: Vec::new(),
    };
    let mut total = Shape::default();
    let mut roots = 0u64;
    for set in operation_sets(doc) {
        let shape = expander.set(set)?;
        total.fields = total.fields.saturating_add(shape.fields);
        total.spreads = total.spreads.saturating_add(shape.spreads);
        total.aliases = total.aliases.saturating_add(shape.aliases);
        total.depth = total.depth.max(shape.depth);
        roots = roots.max(shape.top);
    }
    let over = |what: &str, actual: u64, max: usize| {
        AppError::Validation(format!(
            "the query selects {actual} {what}; at most {max} are accepted"
        ))
    };
    if total.depth > limits.max_depth as u64 {
        return Err(AppError::Validation(format!(
            "the query nests fields {} deep; at most {} levels are accepted",
            total.depth, limits.max_depth
        )));
    }
    if total.fields > limits.max_fields as u64 {
        return Err(over("fields", total.fields, limits.max_fields));
    }
    // Fragments of nothing but spreads select no field, yet every walk of the document visits
    // each spread: spreads count toward the same limit.
    if total.fields.saturating_add(total.spreads) > limits.max_fields as u64 {
        return Err(AppError::Validation(format!(
            "the query spreads fragments {} times beside its {} fields; at most {} selections are accepted",
            total.spreads, total.fields, limits.max_fields
        )));
    }
    if total.aliases > limits.max_aliases as u64 {
        return Err(over("aliased fields", total.aliases, limits.max_aliases));
    }
    if roots > limits.max_root_fields as u64 {
        return Err(over("root fields", roots, limits.max_root_fields));
    }
    Ok(())
}

/// The fragments a selection set spreads, each with the nesting of selection sets it stands at
/// (1: directly in the set), and the set's own deepest nesting of selection sets.
fn spreads(set: &SelectionSet) -> (Vec<(&str, usize)>, usize) {
    let (mut out, mut deepest) = (Vec::new(), 1);
    let mut stack = vec![(set, 1usize)];
    while let Some((set, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if !field.node.selection_set.node.items.is_empty() {
                        stack.push((&field.node.selection_set.node, depth + 1));
                    }
                }
                Selection::InlineFragment(inline) => {
                    stack.push((&inline.node.selection_set.node, depth + 1))
                }
                Selection::FragmentSpread(spread) => {
                    out.push((spread.node.fragment_name.node.as_str(), depth))
                }
            }
        }
    }
    (out, deepest)
}

/// Refuses selection sets nested deeper than `max` once fragments are spread in (fields, inline
/// fragments and spreads all count: `{ ... { ...F } }` with `fragment F { ... { a } }` is 4),
/// and fragments that spread themselves, without recursing. Everything that walks the document
/// afterwards (the shape and cost checks, the validator, the executor) recurses through
/// selection sets and spreads, so a deep nesting spread over many fragments, each within the
/// text's own nesting limit, would otherwise overflow the stack.
fn check_nesting_with_fragments(doc: &ExecutableDocument, max: usize) -> Result<(), AppError> {
    // Each defined fragment: the spreads of defined fragments in it, and its own depth.
    type Spreads<'a> = (Vec<(&'a str, usize)>, usize);
    let children: HashMap<&str, Spreads<'_>> = doc
        .fragments
        .iter()
        .map(|(name, fragment)| {
            let (spread, deepest) = spreads(&fragment.node.selection_set.node);
            let defined = spread
                .into_iter()
                .filter(|(child, _)| doc.fragments.contains_key(*child))
                .collect();
            (name.as_str(), (defined, deepest))
        })
        .collect();
    // The deepest nesting each finished fragment reaches, spreads followed.
    let mut height: HashMap<&str, usize> = HashMap::new();
    let mut open: std::collections::HashSet<&str> = Default::default();
    for &start in children.keys() {
        if height.contains_key(start) {
            continue;
        }
        // Depth-first, with the path on an explicit stack: (fragment, next spread to visit).
        let mut path: Vec<(&str, usize)> = vec![(start, 0)];
        open.insert(start);
        while let Some((name, next)) = path.last_mut() {
            let name: &str = name;
            match children[name].0.get(*next) {
                Some(&(child, _)) => {
                    *next += 1;
                    if open.contains(child) {
                        return Err(AppError::Validation(format!(
                            "fragment {child} spreads itself"
                        )));
                    }
                    if !height.contains_key(child) {
                        if path.len() >= max {
                            return Err(nested_too_deep(max));
                        }
                        open.insert(child);
                        path.push((child, 0));
                    }
                }
                None => {
                    let (spread, own) = &children[name];
                    let reach = spread.iter().map(|(child, at)| at + height[child]);
                    let deepest = reach.fold(*own, usize::max);
                    if deepest > max {
                        return Err(nested_too_deep(max));
                    }
                    height.insert(name, deepest);
                    open.remove(name);
                    path.pop();
                }
            }
        }
    }
    for set in operation_sets(doc) {
        let (spread, own) = spreads(set);
        let reach = spread
            .iter()
            .filter_map(|(child, at)| Some(at + height.get(child)?));
        if reach.fold(own, usize::max) > max {
            return Err(nested_too_deep(max));
        }
    }
    Ok(())
}

fn nested_too_deep(max: usize) -> AppError {
    AppError::Validation(format!(
        "the query nests selections more than {max} deep once its fragments are spread in"
    ))
}

fn operation_sets(doc: &ExecutableDocument) -> Vec<&SelectionSet> {
    match &doc.operations {
        DocumentOperations::Single(op) => vec![&op.node.selection_set.node],
        DocumentOperations::Multiple(ops) => {
            ops.values().map(|op| &op.node.selection_set.node).collect()
        }
    }
}

struct Expander<'a> {
    doc: &'a ExecutableDocument,
    /// Fragments already expanded.
    done: HashMap<&'a str, Shape>,
    /// Fragments being expanded (a spread of one of these is a cycle).
    open: Vec<&'a str>,
}

impl<'a> Expander<'a> {
    fn set(&mut self, set: &'a SelectionSet) -> Result<Shape, AppError> {
        let mut shape = Shape::default();
        for selection in &set.items {
            let part = match &selection.node {
                Selection::Field(field) => {
                    if field.node.response_key().node.as_str() == RUNTIME_TYPE {
                        return Err(AppError::Validation(format!(
                            "the response key {RUNTIME_TYPE} is reserved: choose another alias"
                        )));
                    }
                    let inner = self.set(&field.node.selection_set.node)?;
                    Shape {
                        fields: inner.fields.saturating_add(1),
                        spreads: inner.spreads,
                        aliases: inner
                            .aliases
                            .saturating_add(u64::from(field.node.alias.is_some())),
                        depth: inner.depth + 1,
                        top: 1,
                    }
                }
                Selection::InlineFragment(inline) => self.set(&inline.node.selection_set.node)?,
                Selection::FragmentSpread(spread) => {
                    let inner = self.fragment(spread.node.fragment_name.node.as_str())?;
                    Shape {
                        spreads: inner.spreads.saturating_add(1),
                        ..inner
                    }
                }
            };
            shape.fields = shape.fields.saturating_add(part.fields);
            shape.spreads = shape.spreads.saturating_add(part.spreads);
            shape.aliases = shape.aliases.saturating_add(part.aliases);
            shape.depth = shape.depth.max(part.depth);
            shape.top = shape.top.saturating_add(part.top);
        }
        Ok(shape)
    }

    fn fragment(&mut self, name: &'a str) -> Result<Shape, AppError> {
        if let Some(shape) = self.done.get(name) {
            return Ok(*shape);
        }
        if self.open.contains(&name) {
            return Err(AppError::Validation(format!(
                "fragment {name} spreads itself"
            )));
        }
        // A fragment the document does not define is the validator's to report.
        let Some((key, fragment)) = self.doc.fragments.get_key_value(name) else {
            return Ok(Shape::default());
        };
        self.open.push(key.as_str());
        let shape = self.set(&fragment.node.selection_set.node);
        self.open.pop();
        let shape = shape?;
        self.done.insert(key.as_str(), shape);
        Ok(shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{ ...F0 }` and fragments F0 … F`count` on Query: F`i` holds `body(i + 1)` (which may
    /// spread F`i + 1`), the last one `last`.
    fn fragments(count: usize, body: impl Fn(usize) -> String, last: &str) -> ExecutableDocument {
        let mut query = String::from("{ ...F0 }");
        for i in 0..count {
            query.push_str(&format!(" fragment F{i} on Query {{ {} }}", body(i + 1)));
        }
        query.push_str(&format!(" fragment F{count} on Query {{ {last} }}"));
        async_graphql::parser::parse_query(&query).expect("parses")
    }

    /// The message `check_shape` refuses `doc` with.
    fn refusal(doc: &ExecutableDocument) -> String {
        check_shape(doc, &Limits::default())
            .expect_err("refused")
            .public_message()
    }

    #[test]
    fn fragments_spread_into_fragments_are_expanded_once_each() {
        // F0 spreads F1 twice, F1 spreads F2 twice … : 2^40 fields once expanded.
        let doc = fragments(
            40,
            |n| format!("a: __typename ...F{n} ...F{n}"),
            "__typename",
        );
        assert!(refusal(&doc).contains("fields"), "{}", refusal(&doc));
    }

    #[test]
    fn a_long_chain_of_spreads_is_refused_before_anything_recurses() {
        let chain = |length| fragments(length, |n| format!("...F{n}"), "__typename");
        // Each spread is a level: 62 fragments in a chain nest 64 deep from the operation.
        assert!(check_shape(&chain(62), &Limits::default()).is_ok());
        for length in [63, 100_000] {
            let message = refusal(&chain(length));
            assert!(message.contains("64 deep"), "{message}");
        }
    }

    #[test]
    fn nesting_spread_over_fragments_counts_whole() {
        // 10 fragments, each nesting 10 inline fragments around the next spread: 110 deep,
        // though no fragment nests more than 11 in its own text.
        let wrapped = |n| format!("{}...F{n} {}", "... { ".repeat(10), "} ".repeat(10));
        let message = refusal(&fragments(10, wrapped, "__typename"));
        assert!(message.contains("64 deep"), "{message}");
    }

    #[test]
    fn fragments_of_spreads_alone_count_their_spreads() {
        // Each fragment spreads the next twice and selects nothing: 2^20 spreads.
        let doc = fragments(20, |n| format!("...F{n} ...F{n}"), "...Missing");
        assert!(
            refusal(&doc).contains("spreads fragments"),
            "{}",
            refusal(&doc)
        );
    }

    #[test]
    fn the_runtime_type_key_is_reserved() {
        let doc = async_graphql::parser::parse_query("{ node(id: \"1\") { _pgRuntimeType: id } }")
            .expect("parses");
        let err = check_shape(&doc, &Limits::default()).expect_err("refused");
        assert!(err.public_message().contains("reserved"));
    }

    #[test]
    fn a_fragment_cycle_is_refused_not_followed() {
        let doc = async_graphql::parser::parse_query(
            "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        )
        .expect("parses");
        assert!(check_shape(&doc, &Limits::default()).is_err());
    }
}
