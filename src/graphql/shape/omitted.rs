//! A variable the request leaves out is absent where it stands, as the GraphQL specification
//! says (CoerceArgumentValues; input object coercion): an argument or input field given only
//! such a variable is not given at all, so an input that tells "omitted keeps" from "null
//! clears" (`updateCustomField`'s `description`, `updatePartnerRelationship`'s
//! `prospectingSource`) keeps the value. async-graphql reads a left-out nullable variable as
//! `null` (the parser's `VariableDefinition::default_value`), which cleared them.
//!
//! Before the document runs, such arguments and input fields are taken out of it, and the
//! variable's declaration too once nothing uses it any more (the validator would call it
//! unused); in a list the variable stands for `null`, as the specification says. A variable
//! with a default, or of a non-null type, is left as it is (its default applies, or the
//! validator asks for it), as is one that another operation of the document declares so.

use std::collections::HashSet;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::Name;
use async_graphql_value::Value;

use super::collect::Operation;

/// The variables `op` declares nullable and without a default that its request leaves out.
pub fn left_out(op: &Operation<'_>) -> HashSet<Name> {
    let mut names: HashSet<Name> = op
        .definition
        .variable_definitions
        .iter()
        .map(|d| &d.node)
        .filter(|d| d.default_value.is_none() && d.var_type.node.nullable)
        .filter(|d| !op.variables.contains_key(&d.name.node))
        .map(|d| d.name.node.clone())
        .collect();
    // Declared otherwise by another operation, whose use of it a rewrite would break.
    for other in operations(op.doc) {
        for d in &other.variable_definitions {
            let d = &d.node;
            if d.default_value.is_some() || !d.var_type.node.nullable {
                names.remove(&d.name.node);
            }
        }
    }
    names
}

/// Takes the arguments and input fields given only a variable of `names` out of `doc`, a list
/// item that is one becomes `null`, and declarations of `names` nothing uses any more go.
pub fn drop_left_out(doc: &mut ExecutableDocument, names: &HashSet<Name>) {
    if names.is_empty() {
        return;
    }
    for op in operations_mut(doc) {
        rewrite_set(&mut op.selection_set.node, names);
    }
    for fragment in doc.fragments.values_mut() {
        rewrite_set(&mut fragment.node.selection_set.node, names);
    }
    let mut used = HashSet::new();
    for op in operations(doc) {
        uses_in_set(&op.selection_set.node, &mut used);
        for directive in &op.directives {
            for (_, value) in &directive.node.arguments {
                uses_in_value(&value.node, &mut used);
            }
        }
    }
    for fragment in doc.fragments.values() {
        for directive in &fragment.node.directives {
            for (_, value) in &directive.node.arguments {
                uses_in_value(&value.node, &mut used);
            }
        }
        uses_in_set(&fragment.node.selection_set.node, &mut used);
    }
    for op in operations_mut(doc) {
        op.variable_definitions
            .retain(|d| !names.contains(&d.node.name.node) || used.contains(&d.node.name.node));
    }
}

fn operations(doc: &ExecutableDocument) -> Vec<&OperationDefinition> {
    match &doc.operations {
        DocumentOperations::Single(op) => vec![&op.node],
        DocumentOperations::Multiple(ops) => ops.values().map(|op| &op.node).collect(),
    }
}

fn operations_mut(doc: &mut ExecutableDocument) -> Vec<&mut OperationDefinition> {
    match &mut doc.operations {
        DocumentOperations::Single(op) => vec![&mut op.node],
        DocumentOperations::Multiple(ops) => ops.values_mut().map(|op| &mut op.node).collect(),
    }
}

fn is_left_out(value: &Value, names: &HashSet<Name>) -> bool {
    matches!(value, Value::Variable(name) if names.contains(name))
}

fn rewrite_set(set: &mut SelectionSet, names: &HashSet<Name>) {
    for selection in &mut set.items {
        match &mut selection.node {
            Selection::Field(field) => {
                let field = &mut field.node;
                field
                    .arguments
                    .retain(|(_, value)| !is_left_out(&value.node, names));
                for (_, value) in &mut field.arguments {
                    rewrite_value(&mut value.node, names);
                }
                rewrite_set(&mut field.selection_set.node, names);
            }
            Selection::InlineFragment(fragment) => {
                rewrite_set(&mut fragment.node.selection_set.node, names);
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

fn rewrite_value(value: &mut Value, names: &HashSet<Name>) {
    match value {
        Value::Object(fields) => {
            fields.retain(|_, value| !is_left_out(value, names));
            for value in fields.values_mut() {
                rewrite_value(value, names);
            }
        }
        Value::List(items) => {
            for item in items {
                if is_left_out(item, names) {
                    *item = Value::Null;
                } else {
                    rewrite_value(item, names);
                }
            }
        }
        _ => {}
    }
}

fn uses_in_set(set: &SelectionSet, used: &mut HashSet<Name>) {
    for selection in &set.items {
        for directive in selection.node.directives() {
            for (_, value) in &directive.node.arguments {
                uses_in_value(&value.node, used);
            }
        }
        match &selection.node {
            Selection::Field(field) => {
                for (_, value) in &field.node.arguments {
                    uses_in_value(&value.node, used);
                }
                uses_in_set(&field.node.selection_set.node, used);
            }
            Selection::InlineFragment(fragment) => {
                uses_in_set(&fragment.node.selection_set.node, used);
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

fn uses_in_value(value: &Value, used: &mut HashSet<Name>) {
    match value {
        Value::Variable(name) => {
            used.insert(name.clone());
        }
        Value::Object(fields) => fields.values().for_each(|v| uses_in_value(v, used)),
        Value::List(items) => items.iter().for_each(|v| uses_in_value(v, used)),
        _ => {}
    }
}
