//! The committed `schema.graphql` is the contract clients generate code from: it must match the
//! code, and everything in it must carry a description (the playground and generated clients show them).

fn undocumented(sdl: &str) -> Vec<String> {
    let mut missing = Vec::new();
    let (mut described, mut in_description) = (false, false);
    for line in sdl.lines() {
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        if in_description {
            if text == "\"\"\"" {
                in_description = false;
                described = true;
            }
            continue;
        }
        if let Some(rest) = text.strip_prefix("\"\"\"") {
            if rest.ends_with("\"\"\"") {
                described = true;
            } else {
                in_description = true;
            }
            continue;
        }
        let structural = text == "}"
            || text.starts_with(')')
            || text.starts_with("schema")
            || text.starts_with("query:")
            || text.starts_with("mutation:");
        if !structural && !described {
            missing.push(text.to_owned());
        }
        described = false;
    }
    missing
}

#[test]
fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists at the repository root");
    let current = partnergraph::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is out of date: run `cargo run -- export-schema` and commit the result"
    );
}

#[test]
fn every_type_field_argument_and_value_is_documented() {
    let missing = undocumented(&partnergraph::graphql::sdl());
    assert!(
        missing.is_empty(),
        "schema elements without a description: {missing:#?}"
    );
}

#[test]
fn the_documentation_check_notices_a_missing_description() {
    let sdl = "\"\"\"\nA thing.\n\"\"\"\ntype Thing {\n\t\"\"\"\n\tIts id.\n\t\"\"\"\n\tid: ID!\n\tname: String!\n}\n";
    assert_eq!(undocumented(sdl), vec!["name: String!".to_owned()]);
}
