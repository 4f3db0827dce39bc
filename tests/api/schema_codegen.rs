//! The schema as client teams use it: graphql-codegen (TypeScript) generates the types of the
//! README's operations, the playground's first query and a filter bar (`tests/js/codegen`) from
//! `schema.graphql`, and the result (with a hand-written file using them) compiles under
//! `tsc --strict`. Without Node or the folder's `node_modules` (`npm ci --prefix
//! tests/js/codegen`) the test says why and skips, unless `PARTNERGRAPH_REQUIRE_JS_TESTS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use async_graphql::parser::parse_query;

use crate::js_tools;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a tool of `dir`'s `node_modules` through npx; fails with its output when it fails.
fn npx(dir: &Path, args: &[&str]) {
    let out = Command::new("npx")
        .args(["--no", "--"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("npx runs");
    assert!(
        out.status.success(),
        "`npx {}` failed ({}):\n{}\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Gives an anonymous operation starting on `line` a name.
fn named(line: &str, name: &str) -> String {
    if let Some(rest) = line.strip_prefix('{') {
        return format!("query {name} {{{rest}");
    }
    for keyword in ["query", "mutation"] {
        if let Some(rest) = line.strip_prefix(keyword) {
            if rest.starts_with('(') || rest.trim_start().starts_with('{') {
                return format!("{keyword} {name}{rest}");
            }
        }
    }
    line.to_owned()
}

/// The README's ```graphql blocks, each operation named (`Readme1`, `Readme2`, …).
fn readme_documents() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let mut documents = Vec::new();
    // The lines of the block being read, and the indentation of its fence.
    let mut block: Option<(Vec<String>, usize)> = None;
    let mut operations = 0;
    for line in readme.lines() {
        let text = line.trim_start();
        let indent = line.len() - text.len();
        match (&mut block, text) {
            (None, "```graphql") => block = Some((Vec::new(), indent)),
            (Some((lines, _)), "```") => {
                documents.push(lines.join("\n"));
                block = None;
            }
            (Some((lines, fence)), _) => {
                // An operation starts at the fence's indentation; its selections are deeper.
                let starts = ["{", "query", "mutation"]
                    .iter()
                    .any(|t| text.starts_with(t));
                if starts && indent == *fence {
                    operations += 1;
                    lines.push(named(text, &format!("Readme{operations}")));
                } else {
                    lines.push(text.to_owned());
                }
            }
            (None, _) => {}
        }
    }
    documents
}

/// Raw strings of `src/http` that are GraphQL documents with an operation: the playground's
/// first query, wherever it lives.
fn playground_documents() -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![root().join("src/http")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("src/http").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let candidates: Vec<String> = if path.extension().is_some_and(|e| e == "graphql") {
                vec![text]
            } else {
                text.split("r#\"")
                    .skip(1)
                    .filter_map(|s| s.split_once("\"#"))
                    .map(|(s, _)| s.to_owned())
                    .collect()
            };
            found.extend(candidates.into_iter().filter(|c| {
                parse_query(c).is_ok_and(|doc| doc.operations.iter().next().is_some())
            }));
        }
    }
    found
}

#[test]
fn a_generated_typescript_client_compiles_under_strict() {
    let dir = js_tools::dir("codegen");
    let missing = js_tools::missing(&dir, &["@graphql-codegen/cli", "typescript"]);
    if !js_tools::ready(
        "a_generated_typescript_client_compiles_under_strict",
        missing,
    ) {
        return;
    }
    let documents_dir = dir.join("generated/documents");
    std::fs::remove_dir_all(dir.join("generated")).ok();
    std::fs::create_dir_all(&documents_dir).expect("generated/documents");
    let readme = readme_documents();
    assert!(
        readme.len() >= 5,
        "the README's GraphQL examples: {readme:#?}"
    );
    let playground = playground_documents();
    assert!(
        !playground.is_empty(),
        "the playground's first query was not found under src/http"
    );
    for (name, documents) in [("readme", readme), ("playground", playground)] {
        for (i, document) in documents.iter().enumerate() {
            parse_query(document)
                .unwrap_or_else(|e| panic!("{name} example {i} is not GraphQL ({e}):\n{document}"));
            std::fs::write(documents_dir.join(format!("{name}-{i}.graphql")), document)
                .expect("write a document");
        }
    }
    npx(&dir, &["graphql-codegen", "--config", "codegen.yml"]);
    let generated = std::fs::read_to_string(dir.join("generated/graphql.ts"))
        .expect("codegen wrote generated/graphql.ts");
    for name in [
        "Readme1Query",
        "FirstLookQuery",
        "FilterBarQuery",
        "BulkEditPartnerGroupsMutation",
    ] {
        assert!(
            generated.contains(&format!("export type {name} ")),
            "{name} was generated"
        );
    }
    npx(&dir, &["tsc", "--project", "tsconfig.json"]);
}
