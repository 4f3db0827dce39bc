//! The integration suite: one binary, every test against the real server over HTTP, on SQLite
//! and (when `TEST_DATABASE_URL` is set) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod auth;
mod cli;
mod create_partner;
mod demo;
mod group_changes;
mod group_file;
mod groups;
mod list_facet_index;
mod list_facets;
mod list_filters;
mod list_index_pages;
mod list_search;
mod list_sorting;
mod list_support;
mod list_views;
mod nodes;
mod paging;
mod races;
mod rest_errors;
mod rest_groups;
mod rest_support;
mod schema;
mod statements;

use serde_json::Value;

/// The `extensions.code` of the first error of a response.
pub fn first_error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
