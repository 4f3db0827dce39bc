//! Partners as one campaign sees them: the partner's own profile joined with the campaign
//! relationship. A partner exists for a caller only through a relationship with one of the
//! caller's campaigns.

pub mod columns;
mod create;
pub mod display;
pub mod facet_counts;
pub mod facet_index;
pub mod facets;
pub mod filter;
pub mod filter_bounds;
pub mod filter_sql;
pub mod id_list;
mod keyset;
mod list;
pub mod listing;
mod prepare;
mod query;
pub mod relations;
pub mod search_sql;
pub mod shared_facets;
pub mod sort;
mod sort_keys;
mod sort_values;
mod terms;

pub use create::{create_direct_partner, NewPartner};
pub use list::list;
pub use prepare::prepare;
pub(crate) use query::list_condition;
pub(crate) use query::select_prefixed;
pub use query::{count, existing_ids, find, find_in_account, find_many, list_page};

/// A partner in one campaign: the shared profile and this campaign's relationship.
#[derive(Clone, Debug)]
pub struct PartnerRecord {
    /// The partner's own profile.
    pub profile: entity::partner::Model,
    /// The brand's relationship with the partner in one campaign.
    pub relationship: entity::campaign_partner::Model,
    /// The account user assigned to manage the partner (read with the row).
    pub assigned_user: Option<entity::account_user::Model>,
}

/// A list of a campaign's partners: which ones, in which order.
#[derive(Clone, Debug)]
pub struct ListQuery {
    /// The campaign listed.
    pub campaign_id: i64,
    /// Which partners.
    pub filter: filter::PartnerFilter,
    /// In which order.
    pub order: sort::SortOrder,
    /// The group ids the filter names that are groups of this campaign; the filter's other
    /// group ids (another campaign's or account's, or none at all) match nothing.
    pub campaign_groups: std::collections::BTreeSet<i64>,
    /// The custom field ids the filter names that are deleted fields of this campaign: their
    /// conditions match nothing.
    pub deleted_fields: std::collections::BTreeSet<i64>,
    /// The campaign's list version when the request was checked, read before any of its rows:
    /// the facet index answers only when it is current with it.
    pub list_version: i64,
    /// The time the list is read at: what "recently expired" and "upcoming expiry" are
    /// measured from (the server's clock).
    pub now: chrono::DateTime<chrono::Utc>,
}

/// Identifies a partner within a campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartnerKey {
    /// The campaign.
    pub campaign_id: i64,
    /// The partner.
    pub partner_id: i64,
}
