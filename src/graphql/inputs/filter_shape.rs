//! The shape of a `PartnerFilter` — how deep `and` / `or` / `not` nest, how many filters each
//! `and` / `or` holds, how many filters and custom field conditions there are in all, how long
//! each list is — measured on the raw input value, without recursion, before anything parses
//! it. Parsing recurses into every nested filter (and each level costs the parser kilobytes of
//! stack: about 70 levels overflowed a 2 MiB worker thread in a debug build, 250 in release),
//! so a filter is refused here first; its content is checked after parsing
//! (`service::partners::filter_bounds`).
//!
//! The two input types here stand in for the derived ones wherever a filter enters: a refused
//! filter parses into `OverBounds`, and converting it to the service's filter is then the
//! `VALIDATION` error (or, in a mutation's input, the user error) that names the limit.

use std::borrow::Cow;

use async_graphql::registry::Registry;
use async_graphql::{InputType, InputValueResult, Json, Value};

use super::partner_filter::PartnerFilterFields;
use crate::domain::limits::{
    MAX_FILTER_BRANCHES, MAX_FILTER_DEPTH, MAX_FILTER_LIST_VALUES, MAX_FILTER_NODES,
};
use crate::error::{AppError, AppResult};
use crate::service::partners::filter::PartnerFilter;

/// Nesting of values a filter of [`MAX_FILTER_DEPTH`] levels can reach: a list and an object per
/// level, then a custom field condition's list, object, range object and value.
const MAX_VALUE_DEPTH: usize = 2 * MAX_FILTER_DEPTH + 4;

fn too_deep() -> String {
    format!("the filter is nested too deeply: at most {MAX_FILTER_DEPTH} levels of and / or / not")
}

/// Checks the shape of a filter given as a raw value (an argument, a variable, a saved view's
/// JSON); the message names the limit passed.
pub fn check(filter: &Value) -> Result<(), String> {
    // (value, nesting of values, level of the filter it belongs to, whether it is a filter)
    let mut pending: Vec<(&Value, usize, usize, bool)> = vec![(filter, 1, 1, true)];
    let mut nodes = 0;
    while let Some((value, depth, level, is_filter)) = pending.pop() {
        if depth > MAX_VALUE_DEPTH || level > MAX_FILTER_DEPTH {
            return Err(too_deep());
        }
        match value {
            Value::Object(fields) => {
                if is_filter {
                    nodes += 1;
                }
                for (key, inner) in fields {
                    let key = key.as_str();
                    let nested = is_filter && matches!(key, "and" | "or" | "not");
                    if is_filter && key == "customFields" {
                        nodes += match inner {
                            Value::List(conditions) => conditions.len(),
                            _ => 1,
                        };
                    }
                    if let Value::List(items) = inner {
                        check_list(key, items.len(), nested)?;
                        for item in items {
                            let level = level + usize::from(nested);
                            pending.push((item, depth + 2, level, nested));
                        }
                    } else {
                        pending.push((inner, depth + 1, level + usize::from(nested), nested));
                    }
                }
                if nodes > MAX_FILTER_NODES {
                    return Err(format!(
                        "the filter is too large: at most {MAX_FILTER_NODES} filters and custom field conditions in all"
                    ));
                }
            }
            Value::List(items) => {
                // A list where a filter or value belongs, inside another list.
                check_list("a list", items.len(), false)?;
                pending.extend(items.iter().map(|item| (item, depth + 1, level, false)));
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_list(key: &str, len: usize, branches: bool) -> Result<(), String> {
    if branches && len > MAX_FILTER_BRANCHES {
        return Err(format!(
            "`{key}` has {len} filters; at most {MAX_FILTER_BRANCHES} are allowed"
        ));
    }
    if len > MAX_FILTER_LIST_VALUES {
        return Err(format!(
            "`{key}` has {len} values; a filter list may hold at most {MAX_FILTER_LIST_VALUES}"
        ));
    }
    Ok(())
}

/// A `PartnerFilter` argument or input field: its shape is checked before its fields are parsed.
#[derive(Clone, Debug)]
pub enum PartnerFilterInput {
    /// Within bounds, parsed.
    Parsed(Box<PartnerFilterFields>),
    /// Over a bound: why (nothing was parsed).
    OverBounds(String),
}

impl PartnerFilterInput {
    /// Parses ids and codes; malformed ones, and a filter over its bounds, are `VALIDATION` errors.
    pub fn into_service(self) -> AppResult<PartnerFilter> {
        match self {
            PartnerFilterInput::Parsed(fields) => fields.into_service(),
            PartnerFilterInput::OverBounds(message) => Err(AppError::Validation(message)),
        }
    }
}

impl InputType for PartnerFilterInput {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        PartnerFilterFields::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        PartnerFilterFields::create_type_info(registry)
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        if let Some(Err(message)) = value.as_ref().map(check) {
            return Ok(PartnerFilterInput::OverBounds(message));
        }
        PartnerFilterFields::parse(value)
            .map(|fields| PartnerFilterInput::Parsed(Box::new(fields)))
            .map_err(|err| err.propagate())
    }

    fn to_value(&self) -> Value {
        match self {
            PartnerFilterInput::Parsed(fields) => fields.to_value(),
            PartnerFilterInput::OverBounds(_) => Value::Null,
        }
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

/// A `PartnerFilter` given as a `JSON` scalar (a saved view's filter): its shape is checked
/// before the value is converted to JSON (a conversion that recurses too).
#[derive(Clone, Debug)]
pub enum FilterJson {
    /// Within bounds.
    Json(serde_json::Value),
    /// Over a bound: why.
    OverBounds(String),
}

impl InputType for FilterJson {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        <Json<serde_json::Value> as InputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Json<serde_json::Value> as InputType>::create_type_info(registry)
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        if let Some(Err(message)) = value.as_ref().map(check) {
            return Ok(FilterJson::OverBounds(message));
        }
        <Json<serde_json::Value> as InputType>::parse(value)
            .map(|json| FilterJson::Json(json.0))
            .map_err(|err| err.propagate())
    }

    fn to_value(&self) -> Value {
        match self {
            FilterJson::Json(json) => Json(json.clone()).to_value(),
            FilterJson::OverBounds(_) => Value::Null,
        }
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}
