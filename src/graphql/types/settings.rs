//! Small value types of a partner: address and the relationship's settings.

use async_graphql::{SimpleObject, ID};

use crate::service::settings::client_cost;

use entity::{campaign_partner, partner};

/// A postal address.
#[derive(SimpleObject, Clone, Debug)]
pub struct Address {
    /// First address line.
    pub line1: Option<String>,
    /// Second address line.
    pub line2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// State or province (ISO 3166-2).
    pub state_province: Option<String>,
    /// Country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
}

impl From<&partner::Model> for Address {
    fn from(p: &partner::Model) -> Self {
        Address {
            line1: p.address_line1.clone(),
            line2: p.address_line2.clone(),
            city: p.city.clone(),
            postal_code: p.postal_code.clone(),
            state_province: p.state_province.clone(),
            country: p.country.clone(),
        }
    }
}

/// How often the partner's promotions are reviewed and audited.
#[derive(SimpleObject, Clone, Debug)]
pub struct ComplianceSettings {
    /// Review schedule override (`DEFAULT`, `WEEKLY`, `MONTHLY`, `QUARTERLY`); null uses the program default.
    pub review_frequency: Option<String>,
    /// Share of the partner's actions audited, in percent; null uses the program default.
    pub audit_rate_percent: Option<i32>,
}

impl From<&campaign_partner::Model> for ComplianceSettings {
    fn from(r: &campaign_partner::Model) -> Self {
        ComplianceSettings {
            review_frequency: r.compliance_review_frequency.clone(),
            audit_rate_percent: r.compliance_audit_rate,
        }
    }
}

/// Whether client costs are charged for the partner, and how.
#[derive(SimpleObject, Clone, Debug)]
pub struct ClientCostSettings {
    /// Client costs are enabled for the partner.
    pub enabled: bool,
    /// Default cost type (`PAYOUT_PLUS_FEE`, `FIXED_FEE`, `PERCENT_FEE`).
    pub cost_type: Option<String>,
    /// Cost types charged for the events of some action trackers instead of the default, in
    /// tracker order.
    pub exceptions: Vec<ClientCostException>,
}

/// Another cost type for the events of one action tracker.
#[derive(SimpleObject, Clone, Debug)]
pub struct ClientCostException {
    /// The action tracker (`Campaign.actionTrackers`).
    pub action_tracker_id: ID,
    /// The cost type charged for its events instead of the default.
    pub cost_type: String,
}

impl From<&campaign_partner::Model> for ClientCostSettings {
    fn from(r: &campaign_partner::Model) -> Self {
        ClientCostSettings {
            enabled: r.client_cost_enabled,
            cost_type: r.client_cost_type.clone(),
            exceptions: client_cost::exceptions_of(r.client_cost_exceptions.as_deref())
                .into_iter()
                .map(|e| ClientCostException {
                    action_tracker_id: ID(e.action_tracker_id),
                    cost_type: e.cost_type,
                })
                .collect(),
        }
    }
}

/// How the partner's events are tracked and synced to the partner's own system.
#[derive(SimpleObject, Clone, Debug)]
pub struct TrackingSettings {
    /// Integration type (`NONE`, `PIXEL`, `POSTBACK`).
    pub integration_type: Option<String>,
    /// Postback URL the partner receives events at.
    pub postback_url: Option<String>,
    /// Tracking pixel URL of the partner.
    pub pixel_url: Option<String>,
}

impl From<&campaign_partner::Model> for TrackingSettings {
    fn from(r: &campaign_partner::Model) -> Self {
        TrackingSettings {
            integration_type: r.tracking_integration_type.clone(),
            postback_url: r.tracking_postback_url.clone(),
            pixel_url: r.tracking_pixel_url.clone(),
        }
    }
}
