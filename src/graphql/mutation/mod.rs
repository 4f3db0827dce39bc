//! The mutation root, merged from one object per capability.

mod access_url;
mod account_links;
mod action_trackers;
mod assign;
mod bulk;
mod contract_inputs;
mod contract_templates;
mod contracts;
mod custom_field_answers;
mod custom_field_options;
mod custom_fields;
mod export;
mod group_changes;
pub(crate) mod group_file;
mod groups;
mod invite;
mod notes;
mod partner_settings;
mod partners;
mod users;
mod views;

use async_graphql::MergedObject;

/// Every mutation of the API, in two groups: a merged object nests one level per object it
/// merges, and one flat list of every capability nested deeper than the compiler's recursion
/// limit allows.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    PartnerAndListMutations,
    ActionMutations,
    CustomFieldMutations,
);

/// Partners, the list's views, groups, users, exports.
#[derive(MergedObject, Default)]
pub struct PartnerAndListMutations(
    partners::PartnerMutation,
    views::ViewMutation,
    groups::GroupMutation,
    group_changes::GroupChangeMutation,
    group_file::GroupFileMutation,
    users::UserMutation,
    export::ExportMutation,
    action_trackers::ActionTrackerMutation,
);

/// What is done to partners: assignments, contracts, notes, settings, links, access, invitations.
#[derive(MergedObject, Default)]
pub struct ActionMutations(
    assign::AssignMutation,
    contract_templates::ContractTemplateMutation,
    contracts::ContractMutation,
    notes::NoteMutation,
    partner_settings::PartnerSettingsMutation,
    account_links::AccountLinkMutation,
    access_url::AccessUrlMutation,
    invite::InviteMutation,
);

/// Custom fields: the fields, their options, partners' answers.
#[derive(MergedObject, Default)]
pub struct CustomFieldMutations(
    custom_fields::CustomFieldMutation,
    custom_field_options::CustomFieldOptionMutation,
    custom_field_answers::CustomFieldAnswerMutation,
);
