//! A variable the request leaves out is absent where it stands, as the GraphQL specification
//! says (CoerceArgumentValues; input object coercion): an argument or input field given only
//! such a variable is not given at all, so an input that tells "omitted keeps" from "null
//! clears" (`updateCustomField`'s `description`, `updatePartnerRelationship`'s
//! `prospectingSource`) keeps the value. async-graphql reads a left-out nullable variable as
//! `null` (the parser's `VariableDefinition::default_value`), which cleared them.
//!
//! Before the document runs, such arguments and input fields are taken out of the operation
//! that runs and the fragments it spreads, and a declaration nothing uses any more goes too (the
//! validator would call it unused); in a list the variable stands for `null`, as the
//! specification says. A variable with a default, or of a non-null type, is left as it is (its
//! default applies, or the validator asks for it). Variables belong to their operation: another
//! operation of the document changes nothing, unless it spreads a fragment the running one
//! spreads too and declares the variable otherwise (the shared fragment cannot be both), in
//! which case that variable reads as `null` as before.

use std::collections::HashSet;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::Name;
use async_graphql_value::Value;

use super::collect::Operation;
use super::types::{named, Kind};

/// What to take out of a document: the running operation's left-out variables.
#[derive(Debug, Default)]
pub struct LeftOut {
    /// The running operation's name (`None`: the document's only operation).
    operation: Option<Name>,
    /// The variables absent where they stand.
    names: HashSet<Name>,
}

/// The variables `op` declares nullable and without a default that its request leaves out.
/// Only variables of an input type the schema has, that the operation uses: a declaration the
/// validator must refuse (an unknown or output type, a variable nothing uses) stays for it to
/// refuse, whether or not the request sends the variable.
pub fn left_out(op: &Operation<'_>) -> LeftOut {
    let used = used_by(op.doc, op.definition);
    let mut names: HashSet<Name> = op
        .definition
        .variable_definitions
        .iter()
        .map(|d| &d.node)
        .filter(|d| d.default_value.is_none() && d.var_type.node.nullable)
        .filter(|d| !op.variables.contains_key(&d.name.node))
        .filter(|d| used.contains(&d.name.node))
        .filter(|d| {
            let name = named(&d.var_type.node);
            matches!(name, "String" | "Int" | "Float" | "Boolean" | "ID")
                || matches!(
                    op.types.kind(name),
                    Some(Kind::Scalar | Kind::Enum | Kind::Input)
                )
        })
        .map(|d| d.name.node.clone())
        .collect();
    let operation = named_operations(op.doc)
        .into_iter()
        .find(|(_, def)| std::ptr::eq(*def, op.definition))
        .and_then(|(name, _)| name);
    let reached = fragments_reached(op.doc, op.definition);
    for (_, other) in named_operations(op.doc) {
        if std::ptr::eq(other, op.definition)
            || fragments_reached(op.doc, other).is_disjoint(&reached)
        {
            continue;
        }
        for d in &other.variable_definitions {
            let d = &d.node;
            if d.default_value.is_some() || !d.var_type.node.nullable {
                names.remove(&d.name.node);
            }
        }
    }
    LeftOut { operation, names }
}

/// Takes the arguments and input fields given only a left-out variable out of the running
/// operation and the fragments it spreads, makes a list item that is one `null`, and removes
/// the declarations of those variables no operation uses any more.
pub fn drop_left_out(doc: &mut ExecutableDocument, left_out: &LeftOut) {
    let names = &left_out.names;
    if names.is_empty() {
        return;
    }
    let running = named_operations(doc)
        .into_iter()
        .find(|(name, _)| name.as_ref() == left_out.operation.as_ref())
        .map(|(_, op)| fragments_reached(doc, op));
    let (Some(reached), Some(op)) = (running, operation_mut(doc, left_out.operation.as_ref()))
    else {
        return;
    };
    rewrite_set(&mut op.selection_set.node, names);
    for (name, fragment) in doc.fragments.iter_mut() {
        if reached.contains(name) {
            rewrite_set(&mut fragment.node.selection_set.node, names);
        }
    }
    let unused: Vec<(Option<Name>, HashSet<Name>)> = named_operations(doc)
        .into_iter()
        .map(|(name, op)| {
            let used = used_by(doc, op);
            let gone = names.iter().filter(|n| !used.contains(*n)).cloned();
            (name, gone.collect())
        })
        .collect();
    for (name, gone) in unused {
        if let Some(op) = operation_mut(doc, name.as_ref()) {
            op.variable_definitions.retain(|d| {
                let d = &d.node;
                !(gone.contains(&d.name.node)
                    && d.default_value.is_none()
                    && d.var_type.node.nullable)
            });
        }
    }
}

/// Every operation with its name (`None` for the only, anonymous one).
fn named_operations(doc: &ExecutableDocument) -> Vec<(Option<Name>, &OperationDefinition)> {
    match &doc.operations {
        DocumentOperations::Single(op) => vec![(None, &op.node)],
        DocumentOperations::Multiple(ops) => ops
            .iter()
            .map(|(name, op)| (Some(name.clone()), &op.node))
            .collect(),
    }
}

fn operation_mut<'a>(
    doc: &'a mut ExecutableDocument,
    name: Option<&Name>,
) -> Option<&'a mut OperationDefinition> {
    match (&mut doc.operations, name) {
        (DocumentOperations::Single(op), None) => Some(&mut op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get_mut(name).map(|op| &mut op.node),
        _ => None,
    }
}

/// The fragments `op` spreads, directly or through other fragments.
fn fragments_reached(doc: &ExecutableDocument, op: &OperationDefinition) -> HashSet<Name> {
    let mut reached = HashSet::new();
    let mut pending = Vec::new();
    spreads(&op.selection_set.node, &mut pending);
    while let Some(name) = pending.pop() {
        if reached.insert(name.clone()) {
            if let Some(fragment) = doc.fragments.get(&name) {
                spreads(&fragment.node.selection_set.node, &mut pending);
            }
        }
    }
    reached
}

fn spreads(set: &SelectionSet, out: &mut Vec<Name>) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => spreads(&field.node.selection_set.node, out),
            Selection::InlineFragment(fragment) => spreads(&fragment.node.selection_set.node, out),
            Selection::FragmentSpread(spread) => {
                out.push(spread.node.fragment_name.node.clone());
            }
        }
    }
}

/// The variables `op` uses: in its directives, its selections and the fragments it spreads.
fn used_by(doc: &ExecutableDocument, op: &OperationDefinition) -> HashSet<Name> {
    let mut used = HashSet::new();
    for directive in &op.directives {
        for (_, value) in &directive.node.arguments {
            uses_in_value(&value.node, &mut used);
        }
    }
    uses_in_set(&op.selection_set.node, &mut used);
    for name in fragments_reached(doc, op) {
        if let Some(fragment) = doc.fragments.get(&name) {
            for directive in &fragment.node.directives {
                for (_, value) in &directive.node.arguments {
                    uses_in_value(&value.node, &mut used);
                }
            }
            uses_in_set(&fragment.node.selection_set.node, &mut used);
        }
    }
    used
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

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::Variables;

    use super::*;
    use crate::graphql::shape::TypeMap;

    /// The document after the rewrite for `variables` and `operation`, as the names of each
    /// operation's declarations and each field's arguments (with the input fields of objects).
    fn rewritten(query: &str, variables: serde_json::Value, operation: Option<&str>) -> String {
        let mut doc = parse_query(query).expect("parses");
        let variables = Variables::from_json(variables);
        let types = TypeMap::default();
        let left = {
            let op = Operation::find(&doc, operation, &variables, &types).expect("the operation");
            left_out(&op)
        };
        drop_left_out(&mut doc, &left);
        let mut out = Vec::new();
        let mut ops = named_operations(&doc);
        ops.sort_by_key(|(name, _)| name.as_ref().map(ToString::to_string));
        for (name, op) in ops {
            let declared: Vec<String> = op
                .variable_definitions
                .iter()
                .map(|d| d.node.name.node.to_string())
                .collect();
            out.push(format!(
                "{}({})",
                name.map_or_else(String::new, |n| n.to_string()),
                declared.join(",")
            ));
            describe(&op.selection_set.node, &mut out);
        }
        let mut fragments: Vec<_> = doc.fragments.iter().collect();
        fragments.sort_by_key(|(name, _)| name.to_string());
        for (name, fragment) in fragments {
            out.push(format!("fragment {name}"));
            describe(&fragment.node.selection_set.node, &mut out);
        }
        out.join(" ")
    }

    fn describe(set: &SelectionSet, out: &mut Vec<String>) {
        for selection in &set.items {
            if let Selection::Field(field) = &selection.node {
                let args: Vec<String> = field
                    .node
                    .arguments
                    .iter()
                    .map(|(name, value)| format!("{}={}", name.node, value.node))
                    .collect();
                out.push(format!("{}[{}]", field.node.name.node, args.join(";")));
                describe(&field.node.selection_set.node, out);
            }
        }
    }

    #[test]
    fn a_left_out_variable_is_absent_where_it_stands_and_null_in_a_list() {
        let query = "mutation($f: ID!, $name: String, $d: String, $x: String, $given: String) {
            update(input: { id: $f, name: $name, description: $d, tags: [\"a\", $x] }, note: $d, also: $given) { id } }";
        assert_eq!(
            rewritten(query, serde_json::json!({ "f": "1", "name": "N", "given": null }), None),
            "(f,name,given) update[input={id: $f, name: $name, tags: [\"a\", null]};also=$given] id[]"
        );
    }

    #[test]
    fn a_declaration_the_validator_refuses_is_left_for_it() {
        // An unknown type, and a variable nothing uses: left declared, for the validator.
        let query = "query($a: Undefined, $b: String, $c: String) { f(c: $c) }";
        assert_eq!(rewritten(query, serde_json::json!({}), None), "(a,b) f[]");
    }

    #[test]
    fn a_default_or_a_non_null_type_is_left_as_it_is() {
        let query = "query($a: String = \"x\", $b: String!) { f(a: $a, b: $b) }";
        assert_eq!(
            rewritten(query, serde_json::json!({}), None),
            "(a,b) f[a=$a;b=$b]"
        );
    }

    #[test]
    fn only_the_running_operation_and_its_fragments_change() {
        let query = "
            mutation Rename($d: String) { update(d: $d) { ...Shared } }
            mutation Create($d: String = \"\") { create(d: $d) { id } }
            fragment Shared on T { id }";
        assert_eq!(
            rewritten(query, serde_json::json!({}), Some("Rename")),
            "Create(d) create[d=$d] id[] Rename() update[] fragment Shared id[]"
        );
        // A fragment both spread, one declaring the variable with a default: left alone.
        let shared = "
            query One($d: String) { a { ...F } }
            query Two($d: String = \"x\") { b { ...F } }
            fragment F on T { f(d: $d) }";
        assert_eq!(
            rewritten(shared, serde_json::json!({}), Some("One")),
            "One(d) a[] Two(d) b[] fragment F f[d=$d]"
        );
        // Both declaring it alike: the shared fragment loses it, and so do both declarations.
        let alike = "
            query One($d: String) { a { ...F } }
            query Two($d: String) { b { ...F } }
            fragment F on T { f(d: $d) }";
        assert_eq!(
            rewritten(alike, serde_json::json!({}), Some("One")),
            "One() a[] Two() b[] fragment F f[]"
        );
    }
}
