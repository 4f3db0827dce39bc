//! Completing a response as the GraphQL specification describes it. The executor leaves out
//! the key of a field that failed and builds objects in the order their fields finish; this
//! puts every requested key back in query order, a failed field as `null`, and lets a `null`
//! in a non-null position propagate to the nearest nullable parent (to `data` itself at the
//! root), so that clients normalising by the schema's types see what the schema promises.

use std::collections::HashSet;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, OperationType, Selection, SelectionSet, Type,
};
use async_graphql::parser::{Pos, Positioned};
use async_graphql::{Name, PathSegment, ServerError};
use async_graphql_value::ConstValue;

use super::collect::Operation;
use super::types::{named, Kind, TypeMap};

/// The alias under which an abstract-typed selection also asks for `__typename`, so that the
/// value's object type is known when it is completed; removed from the response.
pub const RUNTIME_TYPE: &str = "_pgRuntimeType";

/// A step of a path in the response.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

/// A path in the response.
type Path = Vec<Step>;

fn step(segment: &PathSegment) -> Step {
    match segment {
        PathSegment::Field(key) => Step::Key(key.clone()),
        PathSegment::Index(index) => Step::Index(*index),
    }
}

/// Asks every selection set of an interface or union type for the value's `__typename` (under
/// [`RUNTIME_TYPE`]) before the document runs; and every selection set that may select nothing
/// (each of its fields under `@skip`/`@include`, or in a fragment), the root's too: the executor
/// answers an object of no fields as `null`, which would read as a missing object (and, in a
/// non-null position, null its parents up to `data`). With the hidden field it stays an object,
/// completed to `{}`.
pub fn mark_abstract_selections(doc: &mut ExecutableDocument, types: &TypeMap) {
    let operations: Vec<&mut Positioned<async_graphql::parser::types::OperationDefinition>> =
        match &mut doc.operations {
            async_graphql::parser::types::DocumentOperations::Single(op) => vec![op],
            async_graphql::parser::types::DocumentOperations::Multiple(ops) => {
                ops.values_mut().collect()
            }
        };
    for op in operations {
        let root = match op.node.ty {
            OperationType::Query => types.query_root().to_owned(),
            OperationType::Mutation => types.mutation_root().to_owned(),
            OperationType::Subscription => continue,
        };
        mark(&mut op.node.selection_set.node, &root, types);
        keep_an_object(&mut op.node.selection_set.node);
    }
    for fragment in doc.fragments.values_mut() {
        let on = fragment.node.type_condition.node.on.node.to_string();
        mark(&mut fragment.node.selection_set.node, &on, types);
    }
}

fn mark(set: &mut SelectionSet, parent: &str, types: &TypeMap) {
    for selection in &mut set.items {
        match &mut selection.node {
            Selection::Field(field) => {
                let Some(ty) = types.field(parent, field.node.name.node.as_str()) else {
                    continue;
                };
                let child = named(ty).to_owned();
                if field.node.selection_set.node.items.is_empty() {
                    continue;
                }
                let set = &mut field.node.selection_set.node;
                if types.kind(&child) == Some(Kind::Abstract) {
                    set.items.push(runtime_type_field());
                }
                mark(set, &child, types);
                keep_an_object(set);
            }
            Selection::InlineFragment(inline) => {
                let on = inline
                    .node
                    .type_condition
                    .as_ref()
                    .map_or_else(|| parent.to_owned(), |c| c.node.on.node.to_string());
                mark(&mut inline.node.selection_set.node, &on, types);
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// Adds the hidden `__typename` to `set` unless one of its fields is selected whatever the
/// variables (no directive, not in a fragment) or it has the hidden field already.
fn keep_an_object(set: &mut SelectionSet) {
    let always = set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => {
            field.node.directives.is_empty()
                || field.node.response_key().node.as_str() == RUNTIME_TYPE
        }
        _ => false,
    });
    if !always {
        set.items.push(runtime_type_field());
    }
}

fn runtime_type_field() -> Positioned<Selection> {
    let at = Pos::default();
    Positioned::new(
        Selection::Field(Positioned::new(
            Field {
                alias: Some(Positioned::new(Name::new(RUNTIME_TYPE), at)),
                name: Positioned::new(Name::new("__typename"), at),
                arguments: Vec::new(),
                directives: Vec::new(),
                selection_set: Positioned::new(SelectionSet::default(), at),
            },
            at,
        )),
        at,
    )
}

/// The value is `null` where the schema promises a value: its parent must become `null`.
struct NullInNonNull;

/// Sees every field of the completed response (a field that was later nulled by a failing
/// sibling too: its work was done).
pub trait FieldVisitor {
    /// `field` of an object of type `parent` completed to `value`.
    fn field(&mut self, op: &Operation<'_>, parent: &str, field: &Field, value: &ConstValue);
}

impl FieldVisitor for () {
    fn field(&mut self, _: &Operation<'_>, _: &str, _: &Field, _: &ConstValue) {}
}

/// Completes `data` of `op` given the errors execution reported, showing each field to `visitor`.
pub fn complete(
    op: &Operation<'_>,
    data: ConstValue,
    errors: &[ServerError],
    visitor: &mut dyn FieldVisitor,
) -> ConstValue {
    let Some(root) = op.root_type() else {
        return data;
    };
    let mut failed_below = HashSet::new();
    for error in errors {
        let path: Path = error.path.iter().map(step).collect();
        for end in 0..path.len() {
            failed_below.insert(path[..end].to_vec());
        }
    }
    let mut walk = Walk {
        op,
        failed_below,
        visitor,
    };
    let set = [&op.definition.selection_set.node];
    match data {
        ConstValue::Object(map) => walk
            .object(root, &set, map, &mut Vec::new())
            .unwrap_or(ConstValue::Null),
        // Every root field failed: an empty root object, completed like any other.
        ConstValue::Null if !errors.is_empty() => walk
            .object(root, &set, IndexMap::new(), &mut Vec::new())
            .unwrap_or(ConstValue::Null),
        other => other,
    }
}

struct Walk<'o, 'a> {
    op: &'o Operation<'a>,
    visitor: &'o mut dyn FieldVisitor,
    /// Every path above a reported error: a `null` object there stands for children that
    /// failed, not for a missing object.
    failed_below: HashSet<Path>,
}

impl<'a> Walk<'_, 'a> {
    fn object(
        &mut self,
        ty: &str,
        sets: &[&'a SelectionSet],
        mut source: IndexMap<Name, ConstValue>,
        path: &mut Path,
    ) -> Result<ConstValue, NullInNonNull> {
        let mut out = IndexMap::new();
        for (key, fields) in self.op.collect(ty, sets) {
            if key == RUNTIME_TYPE {
                continue;
            }
            let value = source.shift_remove(key).unwrap_or(ConstValue::Null);
            let Some(field_type) = self.op.field_type(ty, fields[0].name.node.as_str()) else {
                // Not a field of the schema (validation refused the document): as it came.
                out.insert(Name::new(key), value);
                continue;
            };
            let sub: Vec<&'a SelectionSet> = fields.iter().map(|f| &f.selection_set.node).collect();
            path.push(Step::Key(key.to_owned()));
            let completed = self.value(&field_type, &sub, value, path);
            path.pop();
            match completed {
                Ok(value) => {
                    self.visitor.field(self.op, ty, fields[0], &value);
                    out.insert(Name::new(key), value);
                }
                Err(NullInNonNull) if field_type.nullable => {
                    out.insert(Name::new(key), ConstValue::Null);
                }
                Err(NullInNonNull) => return Err(NullInNonNull),
            }
        }
        Ok(ConstValue::Object(out))
    }

    fn value(
        &mut self,
        ty: &Type,
        sets: &[&'a SelectionSet],
        value: ConstValue,
        path: &mut Path,
    ) -> Result<ConstValue, NullInNonNull> {
        let name = named(ty);
        let composite = matches!(
            self.op.types.kind(name),
            Some(Kind::Object | Kind::Abstract)
        );
        match (&ty.base, value) {
            (BaseType::Named(_), ConstValue::Null)
                if composite && self.failed_below.contains(path.as_slice()) =>
            {
                // The object exists, but each of its fields failed.
                self.composite(name, sets, IndexMap::new(), path)
                    .map_err(|_| NullInNonNull)
                    .and_then(|v| non_null(ty, v))
            }
            (_, ConstValue::Null) => non_null(ty, ConstValue::Null),
            (BaseType::List(item), ConstValue::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item_value) in items.into_iter().enumerate() {
                    path.push(Step::Index(index));
                    let completed = self.value(item, sets, item_value, path);
                    path.pop();
                    match completed {
                        Ok(v) => out.push(v),
                        Err(NullInNonNull) if item.nullable => out.push(ConstValue::Null),
                        Err(NullInNonNull) => return non_null(ty, ConstValue::Null),
                    }
                }
                Ok(ConstValue::List(out))
            }
            (BaseType::Named(_), ConstValue::Object(map)) if composite => {
                match self.composite(name, sets, map, path) {
                    Ok(v) => Ok(v),
                    Err(NullInNonNull) => non_null(ty, ConstValue::Null),
                }
            }
            (_, other) => Ok(other),
        }
    }

    /// An object, interface or union value: abstract ones by the object type they turned out to be.
    fn composite(
        &mut self,
        name: &str,
        sets: &[&'a SelectionSet],
        map: IndexMap<Name, ConstValue>,
        path: &mut Path,
    ) -> Result<ConstValue, NullInNonNull> {
        if self.op.types.kind(name) == Some(Kind::Object) {
            return self.object(name, sets, map, path);
        }
        match map.get(RUNTIME_TYPE) {
            Some(ConstValue::String(object)) => {
                let object = object.clone();
                self.object(&object, sets, map, path)
            }
            // The type is unknown (all its fields failed): leave the value as it is.
            _ => Ok(ConstValue::Object(
                map.into_iter()
                    .filter(|(k, _)| k.as_str() != RUNTIME_TYPE)
                    .collect(),
            )),
        }
    }
}

/// `value` where `ty` allows it; a `null` where `ty` is non-null is a violation.
fn non_null(ty: &Type, value: ConstValue) -> Result<ConstValue, NullInNonNull> {
    if value == ConstValue::Null && !ty.nullable {
        Err(NullInNonNull)
    } else {
        Ok(value)
    }
}
