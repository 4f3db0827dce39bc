//! GraphQL input types shared by several fields.

pub mod filter_shape;
pub mod partner_filter;
pub mod ranges;
pub mod selection;
