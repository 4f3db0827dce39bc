//! `PartnerGroup`: a named set of partners of a campaign.

use async_graphql::{Object, ID};
use chrono::{DateTime, Utc};

use crate::domain::GlobalId;

use entity::partner_group;

/// A named set of a campaign's partners, used to organise them and target terms.
pub struct PartnerGroup(pub partner_group::Model);

/// A named set of a campaign's partners, used to organise them and target terms.
#[Object]
impl PartnerGroup {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::PartnerGroup(self.0.id).encode())
    }

    /// Numeric id of the group (the REST API's `Id`).
    async fn group_id(&self) -> i64 {
        self.0.id
    }

    /// Numeric id of the group's campaign.
    async fn campaign_id(&self) -> i64 {
        self.0.campaign_id
    }

    /// The group's name (visible to the account only, never to partners).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// When the group was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
