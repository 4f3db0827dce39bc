//! The JavaScript tools some tests drive (`tests/js/<tool>`, each with its pinned packages):
//! whether they can run here, and what a test does when they cannot — say why and skip, unless
//! `PARTNERGRAPH_REQUIRE_JS_TESTS=1` (as `.ci/run` sets) makes a missing tool a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder of a tool (`tests/js/<name>`).
pub fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/js")
        .join(name)
}

/// Why the tool in `dir` cannot run (node missing, or a package of `packages` not installed).
pub fn missing(dir: &Path, packages: &[&str]) -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not installed".into());
    }
    packages
        .iter()
        .find(|p| {
            !dir.join("node_modules")
                .join(p)
                .join("package.json")
                .exists()
        })
        .map(|p| {
            format!(
                "{p} is not installed in {} (run `npm ci --prefix {}`)",
                dir.display(),
                dir.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(dir)
                    .display()
            )
        })
}

/// `true` when nothing is missing; otherwise prints why `test` is skipped and answers false, or
/// fails when `PARTNERGRAPH_REQUIRE_JS_TESTS=1` asks for the tools.
pub fn ready(test: &str, missing: Option<String>) -> bool {
    let Some(why) = missing else {
        return true;
    };
    let required = std::env::var("PARTNERGRAPH_REQUIRE_JS_TESTS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "{test} cannot run: {why}, and PARTNERGRAPH_REQUIRE_JS_TESTS=1"
    );
    eprintln!("{test} skipped: {why} (set PARTNERGRAPH_REQUIRE_JS_TESTS=1 to make this a failure)");
    false
}
