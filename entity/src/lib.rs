//! SeaORM entities of the partnergraph schema (see `docs/DATA_MODEL.md`), one module per table.

pub mod account;
pub mod account_user;
pub mod action_tracker;
pub mod activity_log;
pub mod api_credential;
pub mod campaign;
pub mod campaign_list_version;
pub mod campaign_partner;
pub mod contract_history;
pub mod contract_template;
pub mod custom_field;
pub mod custom_field_answer;
pub mod custom_field_answer_option;
pub mod custom_field_option;
pub mod media_property;
pub mod note;
pub mod partner;
pub mod partner_access_token;
pub mod partner_account_link;
pub mod partner_attribute;
pub mod partner_contact;
pub mod partner_contract;
pub mod partner_export;
pub mod partner_group;
pub mod partner_group_member;
pub mod partner_view;

/// The `Entity` types under their table names, like `sea-orm-cli` generates.
pub mod prelude {
    pub use super::account::Entity as Account;
    pub use super::account_user::Entity as AccountUser;
    pub use super::activity_log::Entity as ActivityLog;
    pub use super::api_credential::Entity as ApiCredential;
    pub use super::campaign::Entity as Campaign;
    pub use super::campaign_list_version::Entity as CampaignListVersion;
    pub use super::campaign_partner::Entity as CampaignPartner;
    pub use super::contract_history::Entity as ContractHistory;
    pub use super::contract_template::Entity as ContractTemplate;
    pub use super::custom_field::Entity as CustomField;
    pub use super::custom_field_answer::Entity as CustomFieldAnswer;
    pub use super::custom_field_answer_option::Entity as CustomFieldAnswerOption;
    pub use super::custom_field_option::Entity as CustomFieldOption;
    pub use super::media_property::Entity as MediaProperty;
    pub use super::note::Entity as Note;
    pub use super::partner::Entity as Partner;
    pub use super::partner_account_link::Entity as PartnerAccountLink;
    pub use super::partner_attribute::Entity as PartnerAttribute;
    pub use super::partner_contact::Entity as PartnerContact;
    pub use super::partner_contract::Entity as PartnerContract;
    pub use super::partner_group::Entity as PartnerGroup;
    pub use super::partner_group_member::Entity as PartnerGroupMember;
    pub use super::partner_view::Entity as PartnerView;
}
