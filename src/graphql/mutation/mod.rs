//! The mutation root, merged from one object per capability.

mod access_url;
mod account_links;
mod action_trackers;
mod assign;
mod bulk;
mod contract_inputs;
mod contract_templates;
mod contracts;
mod export;
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

/// Every mutation of the API, in two groups: a merged object nests one level per object it
/// merges, and one flat list of every capability nested deeper than the compiler's recursion
/// limit allows.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(PartnerAndListMutations, ActionMutations);

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
