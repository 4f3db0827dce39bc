//! The canonical form of a schema read from SDL text (parsed with
//! `async_graphql::parser::parse_schema`), in the shape `from_introspection` gives.

use std::collections::BTreeMap;

use async_graphql::parser::types::{
    ConstDirective, DirectiveDefinition, DirectiveLocation, InputValueDefinition, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::parser::{Pos, Positioned};
use serde_json::{json, Map, Value};

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
