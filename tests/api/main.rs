//! The integration suite: one binary, every test against the real server over HTTP, on SQLite
//! and (when `TEST_DATABASE_URL` is set) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod access_url;
mod account_links;
mod activity;
mod answer_budget;
mod assign;
mod auth;
mod bounds_support;
mod checkpoint;
mod cli;
mod contract_catch_up;
mod contract_clock;
mod contract_dry_runs;
mod contract_due_first;
mod contract_entries;
mod contract_races;
mod contract_repeats;
mod contract_statements;
mod contract_support;
mod contracts;
mod create_partner;
mod custom_field_answers;
mod custom_fields;
mod demo;
mod export;
mod filter_bounds;
mod fuzz;
mod graphql_completion;
mod graphql_http;
mod graphql_limits;
mod group_changes;
mod group_file;
mod group_file_rows;
mod groups;
mod harness;
mod http_audit;
mod id_list_bounds;
mod introspection;
mod invite;
mod js_tools;
mod list_facet_index;
mod list_facets;
mod list_filters;
mod list_index_pages;
mod list_plans;
mod list_search;
mod list_sorting;
mod list_support;
mod list_views;
mod nodes;
mod notes;
mod observability;
mod omitted_variables;
mod paging;
mod partner_relations;
mod partner_settings;
mod permissions;
mod playground;
mod playground_browser;
mod races;
mod rate_limits;
mod request_clock;
mod rest_errors;
mod rest_groups;
mod rest_list_bounds;
mod rest_notes;
mod rest_support;
mod scheduled_expiry;
mod schema;
mod schema_codegen;
mod sdl;
mod serve;
mod slow_clients;
mod stage_copy;
mod statements;
mod stored_values;
mod tenancy;
mod text_bounds;
mod timeouts;
mod upcoming_changes;
mod upload_bounds;
mod user_races;
mod view_bounds;

use serde_json::Value;

/// The `extensions.code` of the first error of a response.
pub fn first_error_code(body: &Value) -> String {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
