//! Services: the business logic, one module per capability. Each takes a connection (so a bulk
//! action can run inside one transaction) and the caller's `AuthContext`.

pub mod access_url;
pub mod account_links;
pub mod accounts;
pub mod action_trackers;
pub mod activity;
pub mod assign;
pub mod bulk;
pub mod campaigns;
pub mod catalog;
pub mod contracts;
pub mod custom_fields;
pub mod export;
pub mod group_file;
pub mod groups;
pub mod invite;
pub mod nodes;
pub mod notes;
pub mod paging;
pub mod partners;
pub mod public_url;
pub mod settings;
pub mod validation;
pub mod views;
pub mod write;
