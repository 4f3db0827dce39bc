//! The committed `schema.graphql` is the contract clients generate code from: it must be what
//! the running server answers to the standard introspection query (any drift fails), and
//! everything in it must carry a description (the playground and generated clients show them).

use serde_json::{json, Value};

use crate::introspection::{differences, from_introspection, from_sdl, undocumented, QUERY};
use crate::support::{backend_tests, TestApp};

fn committed_sdl() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists at the repository root")
}

/// The canonical form of what the running server answers to the introspection query.
async fn introspected(app: &TestApp) -> Value {
    let data = app.data(QUERY, json!({})).await;
    from_introspection(&data["__schema"])
}

fn report(differences: &[String]) -> String {
    let shown: Vec<&str> = differences.iter().take(40).map(String::as_str).collect();
    format!(
        "{} difference(s) between schema.graphql and introspection; run `cargo run -- export-schema` \
         and commit the result:\n{}",
        differences.len(),
        shown.join("\n")
    )
}

backend_tests! {
    async fn committed_schema_is_what_the_server_introspects(app) {
        let live = introspected(&app).await;
        let committed = from_sdl(&committed_sdl());
        let found = differences(&committed, &live);
        assert!(found.is_empty(), "{}", report(&found));
        // The comparison saw the parts that matter to clients.
        assert_eq!(live["queryType"], "Query");
        assert_eq!(live["mutationType"], "Mutation");
        assert_eq!(live["types"]["DateTime"]["specifiedByURL"], "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6");
        assert!(live["directives"]["specifiedBy"].is_object());
    }

    async fn the_drift_check_notices_every_kind_of_change(app) {
        let live = introspected(&app).await;
        let sdl = committed_sdl();
        let changed = |from: &str, to: &str| {
            assert!(sdl.contains(from), "schema.graphql contains {from:?}");
            differences(&from_sdl(&sdl.replacen(from, to, 1)), &live)
        };
        let cases = [
            // A directive on a scalar.
            (" @specifiedBy(url: \"https://datatracker.ietf.org/doc/html/rfc8259\")", "", "/types/JSON/specifiedByURL"),
            // Nullability of a field.
            ("role: UserRole!", "role: UserRole", "/types/AccountUser/fields/role/type"),
            // A description.
            ("Partners per size.", "Partners by size.", "/types/PartnerFacets/fields/sizes/description"),
            // An argument's default value.
            ("\tonlyErrors: Boolean! = false", "\tonlyErrors: Boolean! = true", "/args/onlyErrors/defaultValue"),
            // A root type's name.
            ("query: Query", "query: QueryRoot", "/queryType"),
            // Directive definitions: locations, repeatability, an argument's description.
            (") on SCALAR", ") on SCALAR | OBJECT", "/directives/specifiedBy/locations"),
            ("directive @oneOf on", "directive @oneOf repeatable on", "/directives/oneOf/isRepeatable"),
            ("\tSkipped when true.", "\tSkipped when false.", "/directives/skip/args/if/description"),
            // An enum value, deprecated.
            ("\tEXTRA_LARGE\n", "\tEXTRA_LARGE @deprecated(reason: \"gone\")\n", "/types/PartnerSize/enumValues/EXTRA_LARGE/isDeprecated"),
            // An interface.
            ("type Campaign implements Node {", "type Campaign {", "/types/Campaign/interfaces"),
        ];
        for (from, to, path) in cases {
            let found = changed(from, to);
            assert!(found.iter().any(|d| d.contains(path)), "{from:?} → {to:?} went unnoticed at {path}: {found:#?}");
        }
        // A type missing from the file, and one the server does not have.
        let found = changed("scalar Upload ", "scalar Attachment ");
        assert!(found.contains(&"/types/Attachment: only in schema.graphql".to_owned()), "{found:#?}");
        assert!(found.contains(&"/types/Upload: only in introspection".to_owned()), "{found:#?}");
    }
}

#[tokio::test]
async fn committed_schema_is_the_exported_sdl() {
    assert!(
        committed_sdl() == partnergraph::graphql::sdl().await,
        "schema.graphql is out of date: run `cargo run -- export-schema` and commit the result"
    );
}

#[tokio::test]
async fn every_type_field_argument_and_value_is_documented() {
    let missing = undocumented(&from_sdl(&partnergraph::graphql::sdl().await));
    assert!(
        missing.is_empty(),
        "schema elements without a description: {missing:#?}"
    );
}

#[test]
fn the_documentation_check_notices_a_missing_description() {
    let sdl = "\"A thing.\"\ntype Query {\n\t\"Its id.\"\n\tid: ID!\n\tname(\"How.\" style: String, short: Boolean): String!\n}\n\"An enum.\"\nenum E { \"One.\" ONE TWO }\n";
    assert_eq!(
        undocumented(&from_sdl(sdl)),
        vec!["E.TWO", "Query.name", "Query.name(short:)"]
    );
}

#[tokio::test]
async fn only_enum_fields_without_a_stored_value_are_nullable() {
    let schema = from_sdl(&partnergraph::graphql::sdl().await);
    let types = schema["types"].as_object().unwrap();
    let mut nullable = Vec::new();
    for (name, t) in types.iter().filter(|(_, t)| t["kind"] == "OBJECT") {
        for (field, f) in t["fields"].as_object().unwrap() {
            let ty = f["type"].as_str().unwrap();
            let named = ty.trim_matches(|c| c == '[' || c == ']' || c == '!');
            if types.get(named).is_some_and(|t| t["kind"] == "ENUM") && !ty.ends_with('!') {
                nullable.push(format!("{name}.{field}"));
            }
        }
    }
    // Each of these has a nullable column: no size, platform, source, contract or approval
    // recorded; a column that cannot be sorted by.
    assert_eq!(
        nullable,
        vec![
            "MediaProperty.platform",
            "Partner.size",
            "Partner.prospectingSource",
            "Partner.contractStatus",
            "PartnerColumn.sortField",
            "PartnerContract.approvalOption",
        ]
    );
}
