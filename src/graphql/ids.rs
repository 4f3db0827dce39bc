//! Reading id arguments: each accepts the product's numeric id or the matching global id.

use async_graphql::ID;

use crate::domain::global_id::numeric_or_global;
use crate::domain::GlobalId;
use crate::error::AppError;

/// A campaign id argument.
pub fn campaign_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "campaign", |g| match g {
        GlobalId::Campaign(n) => Some(n),
        _ => None,
    })
}

/// An account user id argument.
pub fn user_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "account user", |g| match g {
        GlobalId::AccountUser(n) => Some(n),
        _ => None,
    })
}

/// A partner id argument within `campaign_id`: a numeric partner id, or a global partner id of
/// that campaign.
pub fn partner_id(id: &ID, campaign_id: i64) -> Result<i64, AppError> {
    numeric_or_global(id, "partner", |g| match g {
        GlobalId::Partner {
            campaign_id: c,
            partner_id,
        } if c == campaign_id => Some(partner_id),
        _ => None,
    })
}
