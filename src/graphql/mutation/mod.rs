//! The mutation root, merged from one object per capability.

mod partners;
mod views;

use async_graphql::MergedObject;

/// Every mutation of the API.
#[derive(MergedObject, Default)]
pub struct MutationRoot(partners::PartnerMutation, views::ViewMutation);
