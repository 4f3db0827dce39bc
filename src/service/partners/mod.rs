//! Partners as one campaign sees them: the partner's own profile joined with the campaign
//! relationship. A partner exists for a caller only through a relationship with one of the
//! caller's campaigns.

mod create;
mod query;
pub mod relations;

pub use create::{create_direct_partner, NewPartner};
pub use query::{count, find, find_many, list_page};

/// A partner in one campaign: the shared profile and this campaign's relationship.
#[derive(Clone, Debug)]
pub struct PartnerRecord {
    /// The partner's own profile.
    pub profile: entity::partner::Model,
    /// The brand's relationship with the partner in one campaign.
    pub relationship: entity::campaign_partner::Model,
}

/// Identifies a partner within a campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartnerKey {
    /// The campaign.
    pub campaign_id: i64,
    /// The partner.
    pub partner_id: i64,
}
