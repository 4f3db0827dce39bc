//! Schema migrations of partnergraph (see `docs/DATA_MODEL.md`), for SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261121_000001_accounts;
mod m20261121_000002_partners;
mod m20261121_000003_relationships;
mod m20261121_000004_groups;
mod m20261121_000005_contracts;
mod m20261121_000006_custom_fields;
mod m20261121_000007_notes_activity;
mod m20261121_000008_partner_listing;
mod m20261121_000009_partner_views;
mod m20261121_000010_group_names;
mod m20261121_000011_lean_foreign_keys;
mod m20261121_000012_list_lookups;
mod m20261121_000013_list_versions;
mod m20261121_000014_campaign_partner_emails;
mod m20261121_000015_user_permissions;
mod m20261121_000016_contract_lifecycle;
mod m20261121_000017_list_changes;
mod m20261121_000018_search_statistics;
mod m20261121_000019_contract_writes;
mod m20261121_000020_change_log_plans;
mod m20261121_000021_date_joined_changes;
mod m20261121_000022_stage_order;
mod m20261121_000023_notes_and_campaign_state;
mod m20261121_000024_partner_access_tokens;
mod m20261121_000025_partner_exports;
mod m20261121_000026_custom_field_management;
mod m20261121_000027_client_cost_exceptions;
mod m20261201_000028_bulk_write_triggers;
mod m20261201_000029_open_contract_records;
mod m20261201_000030_single_change_rows;
mod m20261201_000031_partial_record_indexes;
mod m20261201_000032_scheduled_expiries;
mod m20261201_000033_change_log_pauses;
mod m20261201_000034_group_entries_in_campaign;
mod m20261201_000035_folded_answer_text;
mod m20261201_000036_sigma_folding;
mod m20261201_000037_unread_activity_index;
mod m20261202_000038_stage_copy_pause;

/// Runs the partnergraph migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_accounts::Migration),
            Box::new(m20261121_000002_partners::Migration),
            Box::new(m20261121_000003_relationships::Migration),
            Box::new(m20261121_000004_groups::Migration),
            Box::new(m20261121_000005_contracts::Migration),
            Box::new(m20261121_000006_custom_fields::Migration),
            Box::new(m20261121_000007_notes_activity::Migration),
            Box::new(m20261121_000008_partner_listing::Migration),
            Box::new(m20261121_000009_partner_views::Migration),
            Box::new(m20261121_000010_group_names::Migration),
            Box::new(m20261121_000011_lean_foreign_keys::Migration),
            Box::new(m20261121_000012_list_lookups::Migration),
            Box::new(m20261121_000013_list_versions::Migration),
            Box::new(m20261121_000014_campaign_partner_emails::Migration),
            Box::new(m20261121_000015_user_permissions::Migration),
            Box::new(m20261121_000016_contract_lifecycle::Migration),
            Box::new(m20261121_000017_list_changes::Migration),
            Box::new(m20261121_000018_search_statistics::Migration),
            Box::new(m20261121_000019_contract_writes::Migration),
            Box::new(m20261121_000020_change_log_plans::Migration),
            Box::new(m20261121_000021_date_joined_changes::Migration),
            Box::new(m20261121_000022_stage_order::Migration),
            Box::new(m20261121_000023_notes_and_campaign_state::Migration),
            Box::new(m20261121_000024_partner_access_tokens::Migration),
            Box::new(m20261121_000025_partner_exports::Migration),
            Box::new(m20261121_000026_custom_field_management::Migration),
            Box::new(m20261121_000027_client_cost_exceptions::Migration),
            Box::new(m20261201_000028_bulk_write_triggers::Migration),
            Box::new(m20261201_000029_open_contract_records::Migration),
            Box::new(m20261201_000030_single_change_rows::Migration),
            Box::new(m20261201_000031_partial_record_indexes::Migration),
            Box::new(m20261201_000032_scheduled_expiries::Migration),
            Box::new(m20261201_000033_change_log_pauses::Migration),
            Box::new(m20261201_000034_group_entries_in_campaign::Migration),
            Box::new(m20261201_000035_folded_answer_text::Migration),
            Box::new(m20261201_000036_sigma_folding::Migration),
            Box::new(m20261201_000037_unread_activity_index::Migration),
            Box::new(m20261202_000038_stage_copy_pause::Migration),
        ]
    }
}
