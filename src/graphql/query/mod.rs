//! The query root, merged from one object per capability.

mod contracts;
mod groups;
mod node;
mod partners;
mod viewer;
mod views;

use async_graphql::MergedObject;

/// Every query of the API.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    node::NodeQuery,
    groups::GroupQuery,
    viewer::ViewerQuery,
    partners::PartnerQuery,
    views::ViewQuery,
    contracts::ContractQuery,
);
