//! One canonical form of a schema, read either from an introspection answer or from SDL text
//! (parsed with `async_graphql::parser::parse_schema`), so the committed `schema.graphql` can
//! be compared with what the running server answers: types, kinds, descriptions, fields,
//! arguments and their default values, input fields, enum values, interfaces, possible types,
//! deprecations, `specifiedByURL`, `isOneOf` and directives.

mod sdl;

use serde_json::{json, Map, Value};

pub use sdl::from_sdl;

/// The standard introspection query (graphql-js `getIntrospectionQuery` with descriptions,
/// `specifiedByUrl`, `directiveIsRepeatable`, `inputValueDeprecation` and `oneOf`).
pub const QUERY: &str = r#"query IntrospectionQuery {
  __schema {
    queryType { name kind }
    mutationType { name kind }
    subscriptionType { name kind }
    types { ...FullType }
    directives {
      name
      description
      isRepeatable
      locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}

fragment FullType on __Type {
  kind
  name
  description
  specifiedByURL
  isOneOf
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}

fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}

fragment TypeRef on __Type {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType {
  kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}"#;

/// The scalars every GraphQL schema has; SDL leaves them out.
const BUILT_IN_SCALARS: [&str; 5] = ["Int", "Float", "String", "Boolean", "ID"];

// ---------------------------------------------------------------------------------------------
// From an introspection answer (`data.__schema`).

fn type_ref(t: &Value) -> String {
    match t["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_ref(&t["ofType"])),
        Some("LIST") => format!("[{}]", type_ref(&t["ofType"])),
        _ => t["name"].as_str().unwrap_or("?").to_owned(),
    }
}

fn names(list: &Value) -> Value {
    match list.as_array() {
        None => Value::Null,
        Some(items) => {
            let mut names: Vec<String> = items.iter().map(type_ref).collect();
            names.sort();
            json!(names)
        }
    }
}

fn deprecation(item: &Value) -> (Value, Value) {
    (
        item["isDeprecated"].clone(),
        item["deprecationReason"].clone(),
    )
}

fn input_values(list: &Value) -> Value {
    let Some(items) = list.as_array() else {
        return Value::Null;
    };
    let mut out = Map::new();
    for v in items {
        let (deprecated, reason) = deprecation(v);
        out.insert(
            v["name"].as_str().unwrap_or_default().to_owned(),
            json!({
                "description": v["description"],
                "type": type_ref(&v["type"]),
                "defaultValue": v["defaultValue"],
                "isDeprecated": deprecated,
                "deprecationReason": reason,
            }),
        );
    }
    Value::Object(out)
}

/// The canonical form of an introspection answer's `__schema`.
pub fn from_introspection(schema: &Value) -> Value {
    let mut types = Map::new();
    for t in schema["types"].as_array().expect("types") {
        let name = t["name"].as_str().expect("a type name");
        let builtin_scalar = t["kind"] == "SCALAR" && BUILT_IN_SCALARS.contains(&name);
        if name.starts_with("__") || builtin_scalar {
            continue;
        }
        let fields = t["fields"].as_array().map(|fields| {
            let mut out = Map::new();
            for f in fields {
                let (deprecated, reason) = deprecation(f);
                out.insert(
                    f["name"].as_str().unwrap_or_default().to_owned(),
                    json!({
                        "description": f["description"],
                        "type": type_ref(&f["type"]),
                        "args": input_values(&f["args"]),
                        "isDeprecated": deprecated,
                        "deprecationReason": reason,
                    }),
                );
            }
            Value::Object(out)
        });
        let enum_values = t["enumValues"].as_array().map(|values| {
            let mut out = Map::new();
            for v in values {
                let (deprecated, reason) = deprecation(v);
                out.insert(
                    v["name"].as_str().unwrap_or_default().to_owned(),
                    json!({ "description": v["description"], "isDeprecated": deprecated, "deprecationReason": reason }),
                );
            }
            Value::Object(out)
        });
        // async-graphql answers null for the interfaces of an interface; the spec asks for a
        // list (empty: ours implement none).
        let interfaces = match (&t["kind"], &t["interfaces"]) {
            (kind, Value::Null) if kind == "INTERFACE" => json!([]),
            (_, list) => names(list),
        };
        types.insert(
            name.to_owned(),
            json!({
                "kind": t["kind"],
                "description": t["description"],
                "specifiedByURL": t["specifiedByURL"],
                "isOneOf": t["isOneOf"],
                "fields": fields.unwrap_or(Value::Null),
                "inputFields": input_values(&t["inputFields"]),
                "interfaces": interfaces,
                "enumValues": enum_values.unwrap_or(Value::Null),
                "possibleTypes": names(&t["possibleTypes"]),
            }),
        );
    }
    let mut directives = Map::new();
    for d in schema["directives"].as_array().expect("directives") {
        let mut locations: Vec<String> = d["locations"]
            .as_array()
            .expect("locations")
            .iter()
            .map(|l| l.as_str().unwrap_or_default().to_owned())
            .collect();
        locations.sort();
        directives.insert(
            d["name"].as_str().unwrap_or_default().to_owned(),
            json!({
                "description": d["description"],
                "isRepeatable": d["isRepeatable"],
                "locations": locations,
                "args": input_values(&d["args"]),
            }),
        );
    }
    json!({
        "queryType": schema["queryType"]["name"],
        "mutationType": schema["mutationType"]["name"],
        "subscriptionType": schema["subscriptionType"]["name"],
        "types": types,
        "directives": directives,
    })
}

// ---------------------------------------------------------------------------------------------
// Comparing and checking.

/// Every place where `committed` and `live` differ, as `path: committed ≠ live`.
pub fn differences(committed: &Value, live: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff("", committed, live, &mut out);
    out
}

fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                let here = format!("{path}/{key}");
                match y.get(key) {
                    Some(other) => diff(&here, value, other, out),
                    None => out.push(format!("{here}: only in schema.graphql")),
                }
            }
            for key in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(format!("{path}/{key}: only in introspection"));
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: schema.graphql has {a}, introspection {b}")),
    }
}

/// Every type, field, argument, input field, enum value and directive without a description.
pub fn undocumented(schema: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    let blank = |v: &Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    let members = |path: String, list: &Value, missing: &mut Vec<String>| {
        for (name, item) in list.as_object().into_iter().flatten() {
            let here = format!("{path}.{name}");
            if blank(&item["description"]) {
                missing.push(here.clone());
            }
            for (arg, value) in item["args"].as_object().into_iter().flatten() {
                if blank(&value["description"]) {
                    missing.push(format!("{here}({arg}:)"));
                }
            }
        }
    };
    for (name, t) in schema["types"].as_object().expect("types") {
        if blank(&t["description"]) {
            missing.push(name.clone());
        }
        members(name.clone(), &t["fields"], &mut missing);
        members(name.clone(), &t["inputFields"], &mut missing);
        members(name.clone(), &t["enumValues"], &mut missing);
    }
    members("@".to_owned(), &schema["directives"], &mut missing);
    missing
}
