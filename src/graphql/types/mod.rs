//! The GraphQL output types: wrappers over service records, never entities themselves.

pub mod account;
pub mod account_link;
pub mod action_tracker;
pub mod activity;
pub mod campaign;
pub mod connection;
pub mod contract;
pub mod contract_history;
pub mod custom_field;
pub mod decimal;
pub mod facet_buckets;
pub mod facets;
pub mod group;
pub mod media;
pub mod node;
pub mod note;
pub mod page_info;
pub mod partner;
mod partner_loading;
pub mod scalars;
pub mod settings;
pub mod upcoming_changes;
pub mod user_error;
pub mod views;
