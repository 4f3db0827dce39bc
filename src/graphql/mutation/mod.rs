//! The mutation root, merged from one object per capability.

mod access_url;
mod account_links;
mod assign;
mod bulk;
mod contract_inputs;
mod contract_templates;
mod contracts;
mod custom_field_answers;
mod custom_field_options;
mod custom_fields;
mod group_changes;
mod group_file;
mod groups;
mod invite;
mod notes;
mod partner_settings;
mod partners;
mod users;
mod views;

use async_graphql::MergedObject;

/// Every mutation of the API.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    partners::PartnerMutation,
    views::ViewMutation,
    groups::GroupMutation,
    group_changes::GroupChangeMutation,
    group_file::GroupFileMutation,
    users::UserMutation,
    assign::AssignMutation,
    contract_templates::ContractTemplateMutation,
    contracts::ContractMutation,
    notes::NoteMutation,
    partner_settings::PartnerSettingsMutation,
    account_links::AccountLinkMutation,
    access_url::AccessUrlMutation,
    invite::InviteMutation,
    custom_fields::CustomFieldMutation,
    custom_field_options::CustomFieldOptionMutation,
    custom_field_answers::CustomFieldAnswerMutation,
);
