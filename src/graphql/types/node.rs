//! The Relay `Node` interface: anything addressable by an opaque global id.

use async_graphql::{Interface, ID};

use super::account::{Account, AccountUser};
use super::campaign::Campaign;
use super::contract::{ContractTemplate, PartnerContract};
use super::custom_field::CustomField;
use super::group::PartnerGroup;
use super::media::MediaProperty;
use super::partner::Partner;
use super::views::PartnerView;
use crate::service::nodes::NodeRecord;

/// An object with an opaque global id, fetchable with `node(id:)`.
// Values of this enum live for one response; boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    /// An account.
    Account(Account),
    /// An account user.
    AccountUser(AccountUser),
    /// A campaign.
    Campaign(Campaign),
    /// A partner in a campaign.
    Partner(Partner),
    /// A partner group.
    PartnerGroup(PartnerGroup),
    /// A partner's contract record.
    PartnerContract(PartnerContract),
    /// A contract template.
    ContractTemplate(ContractTemplate),
    /// A custom field.
    CustomField(CustomField),
    /// A media property.
    MediaProperty(MediaProperty),
    /// A saved view of the partner list.
    PartnerView(PartnerView),
}

impl From<NodeRecord> for Node {
    fn from(record: NodeRecord) -> Self {
        match record {
            NodeRecord::Account(m) => Node::Account(Account(m)),
            NodeRecord::AccountUser(m) => Node::AccountUser(AccountUser(m)),
            NodeRecord::Campaign(m) => Node::Campaign(Campaign(m)),
            NodeRecord::Partner(r) => Node::Partner(Partner(*r)),
            NodeRecord::PartnerGroup(m) => Node::PartnerGroup(PartnerGroup(m)),
            NodeRecord::PartnerContract(m) => Node::PartnerContract(PartnerContract(m)),
            NodeRecord::ContractTemplate(m) => Node::ContractTemplate(ContractTemplate(m)),
            NodeRecord::CustomField(m) => Node::CustomField(CustomField(m)),
            NodeRecord::MediaProperty(m) => Node::MediaProperty(MediaProperty(m)),
            NodeRecord::PartnerView(m) => Node::PartnerView(PartnerView(m)),
        }
    }
}
