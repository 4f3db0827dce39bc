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

/// A partner id argument outside a campaign (account links): a numeric partner id, or a global
/// partner id of any campaign (the partner is the same; the service checks it is the caller's).
pub fn account_partner_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "partner", |g| match g {
        GlobalId::Partner { partner_id, .. } => Some(partner_id),
        _ => None,
    })
}

/// A partner group id argument.
pub fn group_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "partner group", |g| match g {
        GlobalId::PartnerGroup(n) => Some(n),
        _ => None,
    })
}

/// A contract template id argument.
pub fn template_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "contract template", |g| match g {
        GlobalId::ContractTemplate(n) => Some(n),
        _ => None,
    })
}

/// A custom field id argument.
pub fn custom_field_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "custom field", |g| match g {
        GlobalId::CustomField(n) => Some(n),
        _ => None,
    })
}

/// A custom field option id argument (options are plain numbers).
pub fn option_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "custom field option", |_| None)
}

/// Reads a list of id arguments with one of the readers above.
pub fn many(ids: &[ID], read: fn(&ID) -> Result<i64, AppError>) -> Result<Vec<i64>, AppError> {
    ids.iter().map(read).collect()
}

/// A saved partner view id argument.
pub fn view_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "partner view", |g| match g {
        GlobalId::PartnerView(n) => Some(n),
        _ => None,
    })
}

/// A note id argument (notes are plain numbers).
pub fn note_id(id: &ID) -> Result<i64, AppError> {
    numeric_or_global(id, "note", |_| None)
}

/// An id argument of a kind without global ids (`what` names it in errors).
pub fn plain(id: &ID, what: &str) -> Result<i64, AppError> {
    numeric_or_global(id, what, |_| None)
}

/// An action tracker id argument.
pub fn action_tracker_id(id: &ID) -> Result<i64, AppError> {
    plain(id, "action tracker")
}
