//! One canonical form of a schema, read either from an introspection answer or from SDL text
//! (parsed with `async_graphql::parser::parse_schema`), so the committed `schema.graphql` can
//! be compared with what the running server answers: types, kinds, descriptions, fields,
//! arguments and their default values, input fields, enum values, interfaces, possible types,
//! deprecations, `specifiedByURL`, `isOneOf` and directives.

use std::collections::BTreeMap;

use async_graphql::parser::types::{
    ConstDirective, DirectiveDefinition, DirectiveLocation, InputValueDefinition, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::parser::{Pos, Positioned};
use serde_json::{json, Map, Value};

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
// From SDL.

fn description(d: &Option<Positioned<String>>) -> Value {
    d.as_ref().map_or(Value::Null, |d| json!(d.node))
}

fn directive<'a>(
    directives: &'a [Positioned<ConstDirective>],
    name: &str,
) -> Option<&'a ConstDirective> {
    directives
        .iter()
        .map(|d| &d.node)
        .find(|d| d.name.node.as_str() == name)
}

fn argument(d: &ConstDirective, name: &str) -> Value {
    d.arguments
        .iter()
        .find(|(n, _)| n.node.as_str() == name)
        .map_or(Value::Null, |(_, v)| {
            v.node.clone().into_json().expect("a JSON argument")
        })
}

/// `isDeprecated` and `deprecationReason` as introspection answers them for `@deprecated`.
fn sdl_deprecation(directives: &[Positioned<ConstDirective>]) -> (Value, Value) {
    match directive(directives, "deprecated") {
        None => (json!(false), Value::Null),
        Some(d) => (json!(true), argument(d, "reason")),
    }
}

fn sdl_input_values(values: &[Positioned<InputValueDefinition>]) -> Value {
    let mut out = Map::new();
    for v in values {
        let v = &v.node;
        let (deprecated, reason) = sdl_deprecation(&v.directives);
        out.insert(
            v.name.node.to_string(),
            json!({
                "description": description(&v.description),
                "type": v.ty.node.to_string(),
                "defaultValue": v.default_value.as_ref().map(|d| d.node.to_string()),
                "isDeprecated": deprecated,
                "deprecationReason": reason,
            }),
        );
    }
    Value::Object(out)
}

/// The byte offset of a parser position in `text`.
fn offset(text: &str, pos: Pos) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(pos.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = &text[line_start..];
    line_start
        + line
            .char_indices()
            .nth(pos.column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
}

/// Whether a directive definition says `repeatable`, read from the text: the parser answers
/// true for every definition (its `repeatable` rule also matches nothing).
fn is_repeatable(sdl: &str, d: &DirectiveDefinition) -> bool {
    let start = offset(sdl, d.name.pos);
    let end = d.locations.first().map_or(start, |l| offset(sdl, l.pos));
    let between = &sdl[start..end.max(start)];
    let after_arguments = between.rfind(')').map_or(between, |i| &between[i + 1..]);
    after_arguments
        .split_whitespace()
        .any(|w| w == "repeatable")
}

/// `FIELD_DEFINITION` for `DirectiveLocation::FieldDefinition`.
fn location_name(location: DirectiveLocation) -> String {
    let mut out = String::new();
    for (i, c) in format!("{location:?}").chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The canonical form of SDL text; panics when it does not parse.
pub fn from_sdl(sdl: &str) -> Value {
    let document = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
    let mut roots = None;
    let mut types = BTreeMap::new();
    let mut directives = Map::new();
    let mut implementors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for definition in &document.definitions {
        match definition {
            TypeSystemDefinition::Schema(s) => {
                let name = |n: &Option<Positioned<async_graphql::Name>>| {
                    n.as_ref().map_or(Value::Null, |n| json!(n.node.as_str()))
                };
                roots = Some((
                    name(&s.node.query),
                    name(&s.node.mutation),
                    name(&s.node.subscription),
                ));
            }
            TypeSystemDefinition::Directive(d) => {
                let d = &d.node;
                let mut locations: Vec<String> =
                    d.locations.iter().map(|l| location_name(l.node)).collect();
                locations.sort();
                directives.insert(
                    d.name.node.to_string(),
                    json!({
                        "description": description(&d.description),
                        "isRepeatable": is_repeatable(sdl, d),
                        "locations": locations,
                        "args": sdl_input_values(&d.arguments),
                    }),
                );
            }
            TypeSystemDefinition::Type(t) => {
                let t = &t.node;
                let name = t.name.node.to_string();
                let mut entry = json!({
                    "description": description(&t.description),
                    "specifiedByURL": null,
                    "isOneOf": null,
                    "fields": null,
                    "inputFields": null,
                    "interfaces": null,
                    "enumValues": null,
                    "possibleTypes": null,
                });
                let fields =
                    |fields: &[Positioned<async_graphql::parser::types::FieldDefinition>]| {
                        let mut out = Map::new();
                        for f in fields {
                            let f = &f.node;
                            let (deprecated, reason) = sdl_deprecation(&f.directives);
                            out.insert(
                                f.name.node.to_string(),
                                json!({
                                    "description": description(&f.description),
                                    "type": f.ty.node.to_string(),
                                    "args": sdl_input_values(&f.arguments),
                                    "isDeprecated": deprecated,
                                    "deprecationReason": reason,
                                }),
                            );
                        }
                        Value::Object(out)
                    };
                let sorted = |list: &[Positioned<async_graphql::Name>]| {
                    let mut names: Vec<String> = list.iter().map(|n| n.node.to_string()).collect();
                    names.sort();
                    names
                };
                match &t.kind {
                    TypeKind::Scalar => {
                        entry["kind"] = json!("SCALAR");
                        if let Some(d) = directive(&t.directives, "specifiedBy") {
                            entry["specifiedByURL"] = argument(d, "url");
                        }
                    }
                    TypeKind::Object(o) => {
                        entry["kind"] = json!("OBJECT");
                        entry["fields"] = fields(&o.fields);
                        entry["interfaces"] = json!(sorted(&o.implements));
                        for i in &o.implements {
                            implementors
                                .entry(i.node.to_string())
                                .or_default()
                                .push(name.clone());
                        }
                    }
                    TypeKind::Interface(i) => {
                        entry["kind"] = json!("INTERFACE");
                        entry["fields"] = fields(&i.fields);
                        entry["interfaces"] = json!(sorted(&i.implements));
                        entry["possibleTypes"] = json!([]);
                    }
                    TypeKind::Union(u) => {
                        entry["kind"] = json!("UNION");
                        entry["possibleTypes"] = json!(sorted(&u.members));
                    }
                    TypeKind::Enum(e) => {
                        entry["kind"] = json!("ENUM");
                        let mut out = Map::new();
                        for v in &e.values {
                            let v = &v.node;
                            let (deprecated, reason) = sdl_deprecation(&v.directives);
                            out.insert(
                                v.value.node.to_string(),
                                json!({ "description": description(&v.description), "isDeprecated": deprecated, "deprecationReason": reason }),
                            );
                        }
                        entry["enumValues"] = Value::Object(out);
                    }
                    TypeKind::InputObject(i) => {
                        entry["kind"] = json!("INPUT_OBJECT");
                        entry["inputFields"] = sdl_input_values(&i.fields);
                        entry["isOneOf"] = json!(directive(&t.directives, "oneOf").is_some());
                    }
                }
                types.insert(name, entry);
            }
        }
    }
    // An interface's possible types are the objects that declare they implement it.
    for (interface, mut objects) in implementors {
        if let Some(entry) = types.get_mut(&interface) {
            if entry["kind"] == "INTERFACE" {
                objects.sort();
                entry["possibleTypes"] = json!(objects);
            }
        }
    }
    // Without a schema definition, the roots are the types named Query, Mutation, Subscription.
    let roots = roots.unwrap_or_else(|| {
        let named = |n: &str| types.get(n).map_or(Value::Null, |_| json!(n));
        (named("Query"), named("Mutation"), named("Subscription"))
    });
    json!({
        "queryType": roots.0,
        "mutationType": roots.1,
        "subscriptionType": roots.2,
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
