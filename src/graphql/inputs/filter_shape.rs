//! The shape of a `PartnerFilter` — how deep `and` / `or` / `not` nest, how many filters each
//! `and` / `or` holds, how many filters and custom field conditions there are in all, how long
//! each list and text is, how many values there are in all — measured on the raw input value,
//! without recursion, before anything parses it. Parsing recurses into every nested filter (and each level costs the parser kilobytes of
//! stack: about 70 levels overflowed a 2 MiB worker thread in a debug build, 250 in release),
//! so a filter is refused here first; its content is checked after parsing
//! (`service::partners::filter_bounds`).
//!
//! The two input types here stand in for the derived ones wherever a filter enters: a refused
//! filter parses into `OverBounds`, and converting it to the service's filter is then the
//! `VALIDATION` error (or, in a mutation's input, the user error) that names the limit.

use std::borrow::Cow;

use async_graphql::registry::Registry;
use async_graphql::{InputType, InputValueResult, Value};

use crate::graphql::types::scalars::Json;

use super::partner_filter::PartnerFilterFields;
use crate::domain::limits::{
    MAX_FILTER_BOUND_VALUES, MAX_FILTER_BRANCHES, MAX_FILTER_DEPTH, MAX_FILTER_LIST_VALUES,
    MAX_FILTER_NODES, MAX_FILTER_TEXT_CHARS,
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
    // (value, the field it is the value of, nesting of values, level of the filter it belongs
    // to, whether it is a filter)
    let mut pending: Vec<(&Value, &str, usize, usize, bool)> = vec![(filter, "filter", 1, 1, true)];
    let (mut nodes, mut values) = (0, 0);
    while let Some((value, key, depth, level, is_filter)) = pending.pop() {
        if depth > MAX_VALUE_DEPTH || level > MAX_FILTER_DEPTH {
            return Err(too_deep());
        }
        match value {
            Value::Object(fields) => {
                nodes += usize::from(is_filter);
                for (name, inner) in fields {
                    let name = name.as_str();
                    let nested = is_filter && matches!(name, "and" | "or" | "not");
                    if is_filter && name == "customFields" {
                        nodes += match inner {
                            Value::List(conditions) => conditions.len(),
                            _ => 1,
                        };
                    }
                    let level = level + usize::from(nested);
                    if let Value::List(items) = inner {
                        check_list(name, items.len(), nested)?;
                        values += if nested { 0 } else { items.len() };
                        pending.extend(items.iter().map(|i| (i, name, depth + 2, level, nested)));
                    } else {
                        pending.push((inner, name, depth + 1, level, nested));
                    }
                }
                if nodes > MAX_FILTER_NODES {
                    return Err(format!(
                        "the filter is too large: at most {MAX_FILTER_NODES} filters and custom field conditions in all"
                    ));
                }
                if values > MAX_FILTER_BOUND_VALUES {
                    return Err(format!(
                        "the filter is too large: it holds more than {MAX_FILTER_BOUND_VALUES} values in all, at most {MAX_FILTER_BOUND_VALUES} are allowed"
                    ));
                }
            }
            Value::List(items) => {
                // A list inside a list, where a filter or a value belongs.
                check_list(key, items.len(), false)?;
                pending.extend(items.iter().map(|i| (i, key, depth + 1, level, false)));
            }
            Value::String(text) => check_text(key, text)?,
            _ => {}
        }
    }
    Ok(())
}

/// No text of a filter (a search term, a `contains`, an id, a code, a date) is longer than
/// [`MAX_FILTER_TEXT_CHARS`]; the search term and `contains` are checked again, with their
/// characters, once parsed.
fn check_text(key: &str, text: &str) -> Result<(), String> {
    if text.len() > MAX_FILTER_TEXT_CHARS {
        let chars = text.chars().count();
        if chars > MAX_FILTER_TEXT_CHARS {
            let name = if key == "contains" {
                "customFields.contains"
            } else {
                key
            };
            return Err(format!(
                "`{name}` is {chars} characters long; at most {MAX_FILTER_TEXT_CHARS} are allowed"
            ));
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

impl PartnerFilterInput {
    /// A filter stored as its input's JSON (an export's), read back the way the API reads the
    /// argument: the same bounds and checks.
    pub fn from_json(json: &serde_json::Value) -> AppResult<PartnerFilter> {
        let value =
            Value::from_json(json.clone()).map_err(|e| AppError::Validation(e.to_string()))?;
        let input = <PartnerFilterInput as InputType>::parse(Some(value)).map_err(|err| {
            AppError::Validation(format!(
                "not a PartnerFilter: {}",
                err.into_server_error(Default::default()).message
            ))
        })?;
        input.into_service()
    }

    /// The input as JSON, as a client would send it (`{}` for a filter over its bounds, which
    /// is refused before it is stored).
    pub fn to_json(&self) -> serde_json::Value {
        self.to_value()
            .into_json()
            .unwrap_or_else(|_| serde_json::json!({}))
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
        <Json as InputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Json as InputType>::create_type_info(registry)
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        if let Some(Err(message)) = value.as_ref().map(check) {
            return Ok(FilterJson::OverBounds(message));
        }
        <Json as InputType>::parse(value)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn shape(filter: serde_json::Value) -> Result<(), String> {
        check(&Value::from_json(filter).unwrap_or(Value::Null))
    }

    /// Why `filter` is refused ("" when it is not).
    fn refusal(filter: serde_json::Value) -> String {
        shape(filter).err().unwrap_or_default()
    }

    fn nested(op: &str, levels: usize) -> serde_json::Value {
        (1..levels).fold(json!({ "countries": ["US"] }), |f, _| {
            if op == "not" {
                json!({ "not": f })
            } else {
                json!({ op: [f] })
            }
        })
    }

    #[test]
    fn nesting_width_and_count_of_filters_are_bounded() {
        for op in ["and", "or", "not"] {
            assert_eq!(shape(nested(op, 8)), Ok(()), "{op}");
            let err = refusal(nested(op, 9));
            assert!(err.contains("at most 8 levels"), "{op}: {err}");
        }
        assert!(refusal(json!({ "or": vec![json!({}); 101] })).contains("`or` has 101 filters"));
        assert_eq!(shape(json!({ "or": vec![json!({}); 100] })), Ok(()));
        let many = json!({ "and": (0..5).map(|_| json!({ "or": vec![json!({}); 99] })).collect::<Vec<_>>() });
        assert!(refusal(many).contains("at most 500 filters"));
        // Unknown keys nest no deeper than the filter could.
        let junk = (0..30).fold(json!(1), |v, _| json!({ "x": v }));
        assert!(refusal(junk).contains("nested too deeply"));
    }

    #[test]
    fn lists_values_and_texts_are_bounded_before_parsing() {
        assert!(
            refusal(json!({ "groupIds": vec!["1"; 1_001] })).contains("`groupIds` has 1001 values")
        );
        let six = vec![json!({ "countries": vec!["US"; 1_000] }); 6];
        assert!(refusal(json!({ "or": six })).contains("at most 5000"));
        assert!(refusal(json!({ "groupIds": ["9".repeat(201)] }))
            .contains("`groupIds` is 201 characters long"));
        let contains = json!({ "customFields": [{ "fieldId": "1", "contains": "é".repeat(201) }] });
        assert!(refusal(contains).contains("`customFields.contains` is 201"));
        assert_eq!(shape(json!({ "search": "é".repeat(200) })), Ok(()));
    }
}
