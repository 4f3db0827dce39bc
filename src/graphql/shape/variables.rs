//! CoerceVariableValues of the GraphQL specification, before anything runs: every variable
//! the operation declares is present when required and of its declared type (lists, input
//! objects' fields, enum values, the built-in scalars), so that a wrong variable is a request
//! error rather than a field failing half-way through execution.

use async_graphql::parser::types::{BaseType, Type};
use async_graphql_value::ConstValue;

use async_graphql::ScalarType;

use super::collect::Operation;
use super::types::Kind;
use crate::error::AppError;
use crate::graphql::types::decimal::Decimal;
use crate::graphql::types::scalars::{Date, DateTime};

/// What async-graphql puts in an `Upload` variable for the request's file of that index.
const UPLOAD_PREFIX: &str = "#__graphql_file__:";

/// The defaults of the variables the operation declares and the request leaves out: the
/// executor must see them as given (`@skip(if: $flag)` with `$flag: Boolean = true` reads the
/// variable, not its default). A left-out variable without a default gets none: where it
/// stands it is absent ([`super::omitted`]), not `null`.
pub fn defaults(op: &Operation<'_>) -> Vec<(async_graphql::Name, ConstValue)> {
    op.definition
        .variable_definitions
        .iter()
        .filter(|d| !op.variables.contains_key(&d.node.name.node))
        .filter_map(|d| {
            let default = d.node.default_value.as_ref()?;
            Some((d.node.name.node.clone(), default.node.clone()))
        })
        .collect()
}

/// Checks the request's variables against the operation's declarations.
pub fn coerce(op: &Operation<'_>) -> Result<(), AppError> {
    for definition in &op.definition.variable_definitions {
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        let ty = &definition.var_type.node;
        match op.variables.get(name) {
            // A default is the document's own value: it must fit the type as a given one must.
            None if definition.default_value.is_some() => {
                if let Some(default) = definition.default_value() {
                    check(op, default, ty, name, &mut String::new())?;
                }
            }
            None if ty.nullable => {}
            None => {
                return Err(invalid(
                    name,
                    "",
                    format!("a value of type {ty} is required"),
                ));
            }
            Some(value) => check(op, value, ty, name, &mut String::new())?,
        }
    }
    Ok(())
}

fn invalid(variable: &str, path: &str, message: String) -> AppError {
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at {path}")
    };
    AppError::Validation(format!("variable ${variable}{at}: {message}"))
}

fn check(
    op: &Operation<'_>,
    value: &ConstValue,
    ty: &Type,
    variable: &str,
    path: &mut String,
) -> Result<(), AppError> {
    if *value == ConstValue::Null {
        return if ty.nullable {
            Ok(())
        } else {
            Err(invalid(
                variable,
                path,
                format!("null where {ty} is required"),
            ))
        };
    }
    match &ty.base {
        BaseType::List(item) => match value {
            ConstValue::List(items) => {
                for (index, item_value) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{index}]"));
                    check(op, item_value, item, variable, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            // A single value stands for a list of one.
            other => check(op, other, item, variable, path),
        },
        BaseType::Named(name) => named(op, value, name.as_str(), variable, path),
    }
}

/// The longest scalar message a variable's error repeats.
const MAX_SCALAR_MESSAGE_CHARS: usize = 240;

/// Parses `value` as the custom scalar `T`, as the field will: the scalar's own message when it
/// does not fit.
fn scalar<T: ScalarType + async_graphql::InputType>(
    value: &ConstValue,
    variable: &str,
    path: &str,
) -> Result<(), AppError> {
    <T as ScalarType>::parse(value.clone())
        .map(|_| ())
        .map_err(|e| {
            // `Failed to parse "Date": "2026-13-45" is not a date (YYYY-MM-DD)`, which may
            // quote the value: bounded, as every message that shows what it was sent.
            let message = e.into_server_error(Default::default()).message;
            let mut shown: String = message.chars().take(MAX_SCALAR_MESSAGE_CHARS).collect();
            if shown.len() < message.len() {
                shown.push('…');
            }
            invalid(variable, path, shown)
        })
}

fn named(
    op: &Operation<'_>,
    value: &ConstValue,
    name: &str,
    variable: &str,
    path: &mut String,
) -> Result<(), AppError> {
    let wrong = |path: &str| {
        let shown: String = value.to_string().chars().take(60).collect();
        invalid(
            variable,
            path,
            format!("{shown} is not a value of type {name}"),
        )
    };
    let Some(info) = op.types.get(name) else {
        return Ok(());
    };
    match info.kind {
        Kind::Scalar => {
            let fits = match (name, value) {
                ("Int", ConstValue::Number(n)) => {
                    n.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
                }
                ("Float", ConstValue::Number(_)) => true,
                ("String", ConstValue::String(_)) => true,
                ("Boolean", ConstValue::Boolean(_)) => true,
                ("ID", ConstValue::String(_)) => true,
                // As async-graphql's `ID` reads a number: a signed 64-bit integer.
                ("ID", ConstValue::Number(n)) => n.is_i64(),
                ("Int" | "Float" | "String" | "Boolean" | "ID", _) => false,
                // The custom scalars with a format parse here as they will when the field runs,
                // so a malformed value is a request error, not a field error, and the error
                // says what the scalar says (a `Decimal` with too many digits, ...).
                ("Date", value) => return scalar::<Date>(value, variable, path),
                ("DateTime", value) => return scalar::<DateTime>(value, variable, path),
                ("Decimal", value) => return scalar::<Decimal>(value, variable, path),
                // An `Upload` is filled from the multipart body: the value the `map` put there,
                // naming one of the request's files. Anything else (a string of the client's,
                // a file that is not there) would fail, or worse, when the field runs.
                ("Upload", ConstValue::String(s)) => s
                    .strip_prefix(UPLOAD_PREFIX)
                    .and_then(|i| i.parse::<usize>().ok())
                    .is_some_and(|i| i < op.uploads),
                ("Upload", _) => false,
                // `JSON` takes any value.
                _ => true,
            };
            if fits {
                Ok(())
            } else {
                Err(wrong(path))
            }
        }
        Kind::Enum => match value {
            ConstValue::String(s) if info.enum_values.contains(s.as_str()) => Ok(()),
            ConstValue::Enum(s) if info.enum_values.contains(s.as_str()) => Ok(()),
            _ => Err(wrong(path)),
        },
        Kind::Input => {
            let ConstValue::Object(fields) = value else {
                return Err(wrong(path));
            };
            for (field, field_value) in fields {
                let Some(field_type) = info.fields.get(field.as_str()) else {
                    return Err(invalid(
                        variable,
                        path,
                        format!(
                            "{name} has no field {}",
                            field.chars().take(60).collect::<String>()
                        ),
                    ));
                };
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(field.as_str());
                check(op, field_value, field_type, variable, path)?;
                path.truncate(len);
            }
            if let Some(missing) = info
                .required
                .iter()
                .find(|f| !fields.contains_key(f.as_str()))
            {
                return Err(invalid(
                    variable,
                    path,
                    format!("field {missing} of {name} is required"),
                ));
            }
            Ok(())
        }
        Kind::Object | Kind::Abstract => Err(wrong(path)),
    }
}
