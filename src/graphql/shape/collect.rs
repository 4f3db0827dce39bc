//! One operation of a document with its variables, and the specification's CollectFields:
//! which fields a selection set asks of a value of a given object type, merged by response
//! key, in query order, with `@skip` / `@include` applied and each fragment visited once.

use std::collections::HashSet;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, Field, InlineFragment, OperationDefinition,
    OperationType, Selection, SelectionSet, Type,
};
use async_graphql::parser::Positioned;
use async_graphql::{Name, Variables};
use async_graphql_value::{ConstValue, Value};

use super::types::TypeMap;

/// The fields one selection asks of a value, by response key in query order.
pub type Collected<'a> = IndexMap<&'a str, Vec<&'a Field>>;

/// An operation of a document, ready to be walked against the schema's types.
pub struct Operation<'a> {
    /// The whole document (for its fragments).
    pub doc: &'a ExecutableDocument,
    /// The operation to run.
    pub definition: &'a OperationDefinition,
    /// The request's variables.
    pub variables: &'a Variables,
    /// The schema's types.
    pub types: &'a TypeMap,
    /// How many files the request carries (multipart): an `Upload` variable names one of them.
    pub uploads: usize,
}

impl<'a> Operation<'a> {
    /// The operation `name` selects (the only one when `name` is absent), if there is one.
    pub fn find(
        doc: &'a ExecutableDocument,
        name: Option<&str>,
        variables: &'a Variables,
        types: &'a TypeMap,
    ) -> Option<Operation<'a>> {
        let definition = match (&doc.operations, name) {
            (DocumentOperations::Single(op), None) => &op.node,
            (DocumentOperations::Single(_), Some(_)) => return None,
            (DocumentOperations::Multiple(ops), Some(name)) => &ops.get(name)?.node,
            (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
                &ops.values().next()?.node
            }
            (DocumentOperations::Multiple(_), None) => return None,
        };
        Some(Operation {
            doc,
            definition,
            variables,
            types,
            uploads: 0,
        })
    }

    /// The root type the operation reads (`None` for a subscription, which this API has not).
    pub fn root_type(&self) -> Option<&'a str> {
        match self.definition.ty {
            OperationType::Query => Some(self.types.query_root()),
            OperationType::Mutation => Some(self.types.mutation_root()),
            OperationType::Subscription => None,
        }
    }

    /// The type of field `field` of `ty`, including the introspection fields every type has.
    pub fn field_type(&self, ty: &str, field: &str) -> Option<Type> {
        match field {
            "__typename" => Type::new("String!"),
            "__schema" if ty == self.types.query_root() => Type::new("__Schema!"),
            "__type" if ty == self.types.query_root() => Type::new("__Type"),
            _ => self.types.field(ty, field).cloned(),
        }
    }

    /// CollectFields of the specification over several selection sets (a field selected twice
    /// under one response key merges its sub-selections).
    pub fn collect(&self, object: &str, sets: &[&'a SelectionSet]) -> Collected<'a> {
        let mut out = Collected::new();
        let mut visited = HashSet::new();
        for set in sets {
            self.collect_into(object, set, &mut out, &mut visited);
        }
        out
    }

    fn collect_into(
        &self,
        object: &str,
        set: &'a SelectionSet,
        out: &mut Collected<'a>,
        visited: &mut HashSet<&'a str>,
    ) {
        for selection in &set.items {
            if !self.included(selection.node.directives()) {
                continue;
            }
            match &selection.node {
                Selection::Field(field) => out
                    .entry(field.node.response_key().node.as_str())
                    .or_default()
                    .push(&field.node),
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if !visited.insert(name) {
                        continue;
                    }
                    let Some(fragment) = self.doc.fragments.get(name) else {
                        continue;
                    };
                    let condition = fragment.node.type_condition.node.on.node.as_str();
                    if self.types.applies(condition, object) {
                        self.collect_into(object, &fragment.node.selection_set.node, out, visited);
                    }
                }
                Selection::InlineFragment(inline) => {
                    if self.inline_applies(&inline.node, object) {
                        self.collect_into(object, &inline.node.selection_set.node, out, visited);
                    }
                }
            }
        }
    }

    /// Whether an inline fragment's type condition (if any) holds for a value of type `object`.
    pub fn inline_applies(&self, inline: &InlineFragment, object: &str) -> bool {
        inline
            .type_condition
            .as_ref()
            .is_none_or(|c| self.types.applies(c.node.on.node.as_str(), object))
    }

    /// Whether `@skip` / `@include` keep a selection.
    pub fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|d| {
            let flag = || {
                d.node
                    .get_argument("if")
                    .map(|v| self.resolve(&v.node))
                    .is_some_and(|v| v == ConstValue::Boolean(true))
            };
            match d.node.name.node.as_str() {
                "skip" => !flag(),
                "include" => flag(),
                _ => true,
            }
        })
    }

    /// An argument of a field with its variables resolved (a variable's default when the
    /// request leaves it out; `None` when the argument is absent).
    pub fn argument(&self, field: &Field, name: &str) -> Option<ConstValue> {
        field.get_argument(name).map(|v| self.resolve(&v.node))
    }

    fn resolve(&self, value: &Value) -> ConstValue {
        let lookup = |name: Name| -> Result<ConstValue, ()> { Ok(self.variable(&name)) };
        value
            .clone()
            .into_const_with(lookup)
            .unwrap_or(ConstValue::Null)
    }

    /// A variable's value, or its default, or null.
    pub fn variable(&self, name: &str) -> ConstValue {
        if let Some(value) = self.variables.get(name) {
            return value.clone();
        }
        self.definition
            .variable_definitions
            .iter()
            .find(|d| d.node.name.node.as_str() == name)
            .and_then(|d| d.node.default_value().cloned())
            .unwrap_or(ConstValue::Null)
    }
}
