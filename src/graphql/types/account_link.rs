//! `PartnerAccountLink`: two partners of the brand's account marked as belonging together.

use async_graphql::Object;

use super::scalars::DateTime;
use crate::service::account_links::LinkView;

/// A link of the partner with another partner of the account, as the partner sees it.
pub struct PartnerAccountLink(pub LinkView);

/// A link of the partner with another partner of the account, as the partner sees it.
#[Object]
impl PartnerAccountLink {
    /// Numeric id of the link (for `unlinkPartners`).
    async fn link_id(&self) -> i64 {
        self.0.link.id
    }

    /// Numeric id of the other partner.
    async fn linked_partner_id(&self) -> i64 {
        self.0.other_partner_id
    }

    /// The other partner's name.
    async fn linked_partner_name(&self) -> &str {
        &self.0.other_name
    }

    /// Why the two are linked.
    async fn reason(&self) -> &str {
        &self.0.link.link_reason
    }

    /// When they were linked.
    async fn created_at(&self) -> DateTime {
        self.0.link.created_at.into()
    }
}
