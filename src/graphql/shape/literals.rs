//! `Int` literals written into the document, checked before anything runs. async-graphql's
//! validator takes any integer where an `Int` goes and reads it only when its field runs, so
//! `auditRate: 3000000000` failed its field after the operation's earlier mutations had
//! written. Variables are checked in [`super::variables`]; this walks the arguments written
//! into the document, with the schema's argument and input field types.

use async_graphql::parser::types::{BaseType, Selection, SelectionSet, Type};
use async_graphql_value::Value;

use super::collect::Operation;
use super::types::{named, Kind};
use crate::error::AppError;

/// Checks every argument written into the operation's document (its fragments too).
pub fn check(op: &Operation<'_>) -> Result<(), AppError> {
    let Some(root) = op.root_type() else {
        return Ok(());
    };
    selections(op, root, &op.definition.selection_set.node)?;
    for fragment in op.doc.fragments.values() {
        let on = fragment.node.type_condition.node.on.node.as_str();
        selections(op, on, &fragment.node.selection_set.node)?;
    }
    Ok(())
}

/// The arguments of the fields `set` selects on a value of type `ty`, and of their
/// sub-selections (a fragment spread is checked once, as its own definition).
fn selections(op: &Operation<'_>, ty: &str, set: &SelectionSet) -> Result<(), AppError> {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let field = &field.node;
                let name = field.name.node.as_str();
                for (argument, value) in &field.arguments {
                    let argument = argument.node.as_str();
                    if let Some(arg_type) = op.types.argument(ty, name, argument) {
                        let mut path = format!("{name}({argument})");
                        literal(op, &value.node, arg_type, &mut path)?;
                    }
                }
                if let Some(field_type) = op.field_type(ty, name) {
                    selections(op, named(&field_type), &field.selection_set.node)?;
                }
            }
            Selection::InlineFragment(inline) => {
                let on = inline
                    .node
                    .type_condition
                    .as_ref()
                    .map_or(ty, |c| c.node.on.node.as_str());
                selections(op, on, &inline.node.selection_set.node)?;
            }
            Selection::FragmentSpread(_) => {}
        }
    }
    Ok(())
}

/// Checks a value written where `ty` goes: every `Int` in it fits 32 bits.
fn literal(
    op: &Operation<'_>,
    value: &Value,
    ty: &Type,
    path: &mut String,
) -> Result<(), AppError> {
    match (&ty.base, value) {
        // A variable is checked against its own declaration.
        (_, Value::Variable(_) | Value::Null) => Ok(()),
        (BaseType::List(item), Value::List(items)) => {
            for (index, item_value) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                literal(op, item_value, item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        // A single value stands for a list of one.
        (BaseType::List(item), other) => literal(op, other, item, path),
        (BaseType::Named(name), Value::Number(n)) if name.as_str() == "Int" => {
            if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) {
                Ok(())
            } else {
                let shown: String = n.to_string().chars().take(40).collect();
                Err(AppError::Validation(format!(
                    "{path}: {shown} is not an Int (a whole number from -2147483648 to \
                     2147483647)"
                )))
            }
        }
        (BaseType::Named(name), Value::Object(fields)) => {
            let Some(info) = op.types.get(name.as_str()) else {
                return Ok(());
            };
            if info.kind != Kind::Input {
                return Ok(());
            }
            for (field, field_value) in fields {
                if let Some(field_type) = info.fields.get(field.as_str()) {
                    let len = path.len();
                    path.push('.');
                    path.push_str(field.as_str());
                    literal(op, field_value, field_type, path)?;
                    path.truncate(len);
                }
            }
            Ok(())
        }
        // Anything else of the wrong type is the validator's to refuse.
        _ => Ok(()),
    }
}
