//! The schema as SDL, saying everything introspection answers. async-graphql's export (with
//! `@specifiedBy`) writes the types; the directive definitions are written here from the
//! schema's own introspection, because the library's export leaves out the descriptions of
//! their arguments and the built-in directives no type uses (`@deprecated`, `@oneOf`).

use std::fmt::Write;

use async_graphql::{SDLExportOptions, Value};

use super::AppSchema;

/// What the directive definitions are written from.
const DIRECTIVES: &str = "{ __schema { directives { name description isRepeatable locations \
    args(includeDeprecated: true) { name description defaultValue isDeprecated deprecationReason \
    type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

/// The SDL of `schema`: its types, then every directive it knows, then the schema definition.
pub async fn export(schema: &AppSchema) -> String {
    let types = schema.sdl_with_options(SDLExportOptions::new().include_specified_by());
    let (head, roots) = types
        .rfind("\nschema {")
        .map_or((types.as_str(), ""), |at| types.split_at(at + 1));
    // The library writes its directives after the last type, separated from it by a blank line.
    let head = match head.find("\ndirective @") {
        Some(first) => head[..first]
            .rfind("\n\n")
            .map_or(head, |end| &head[..end + 2]),
        None => head,
    };
    let answer = schema.execute(DIRECTIVES).await;
    let directives = answer.data.into_json().unwrap_or_default();
    let mut out = head.to_owned();
    for directive in directives["__schema"]["directives"]
        .as_array()
        .into_iter()
        .flatten()
    {
        write_directive(&mut out, directive);
    }
    out.push_str(roots);
    out
}

fn text(value: &serde_json::Value) -> &str {
    value.as_str().unwrap_or_default()
}

fn type_ref(t: &serde_json::Value) -> String {
    match text(&t["kind"]) {
        "NON_NULL" => format!("{}!", type_ref(&t["ofType"])),
        "LIST" => format!("[{}]", type_ref(&t["ofType"])),
        _ => text(&t["name"]).to_owned(),
    }
}

/// A description as a block string at `indent` tabs, as async-graphql writes the others.
fn write_description(out: &mut String, indent: usize, description: &serde_json::Value) {
    let Some(description) = description.as_str() else {
        return;
    };
    let tabs = "\t".repeat(indent);
    let _ = writeln!(out, "{tabs}\"\"\"");
    for line in description.replace("\"\"\"", "\\\"\"\"").lines() {
        let _ = writeln!(out, "{tabs}{line}");
    }
    let _ = writeln!(out, "{tabs}\"\"\"");
}

fn write_directive(out: &mut String, d: &serde_json::Value) {
    write_description(out, 0, &d["description"]);
    let _ = write!(out, "directive @{}", text(&d["name"]));
    let args = d["args"].as_array().map(Vec::as_slice).unwrap_or_default();
    if !args.is_empty() {
        out.push_str("(\n");
        for arg in args {
            write_description(out, 1, &arg["description"]);
            let _ = write!(out, "\t{}: {}", text(&arg["name"]), type_ref(&arg["type"]));
            if let Some(default) = arg["defaultValue"].as_str() {
                let _ = write!(out, " = {default}");
            }
            if arg["isDeprecated"] == true {
                match arg["deprecationReason"].as_str() {
                    Some(reason) => {
                        let _ = write!(out, " @deprecated(reason: {})", Value::from(reason));
                    }
                    None => out.push_str(" @deprecated"),
                }
            }
            out.push('\n');
        }
        out.push(')');
    }
    if d["isRepeatable"] == true {
        out.push_str(" repeatable");
    }
    let locations: Vec<&str> = d["locations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(text)
        .collect();
    let _ = writeln!(out, " on {}\n", locations.join(" | "));
}
