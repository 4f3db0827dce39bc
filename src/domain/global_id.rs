//! Opaque Relay global ids: `base64url("<Type>:<id>[:<id>]")`.
//!
//! Clients treat them as opaque; the server parses them at the boundary into a `GlobalId`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::{quoted, AppError};

/// A parsed global id: which kind of node, and its numeric key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GlobalId {
    /// An account (tenant).
    Account(i64),
    /// A user of an account.
    AccountUser(i64),
    /// A campaign (program).
    Campaign(i64),
    /// A partner as one campaign sees it: (campaign id, partner id).
    Partner { campaign_id: i64, partner_id: i64 },
    /// A partner group.
    PartnerGroup(i64),
    /// A contract record of a partner.
    PartnerContract(i64),
    /// A contract template (terms).
    ContractTemplate(i64),
    /// A custom field of a campaign.
    CustomField(i64),
    /// A media property of a partner.
    MediaProperty(i64),
    /// A saved view of the partner list.
    PartnerView(i64),
}

impl GlobalId {
    /// The opaque string form.
    pub fn encode(&self) -> String {
        let raw = match self {
            GlobalId::Account(id) => format!("Account:{id}"),
            GlobalId::AccountUser(id) => format!("AccountUser:{id}"),
            GlobalId::Campaign(id) => format!("Campaign:{id}"),
            GlobalId::Partner {
                campaign_id,
                partner_id,
            } => format!("Partner:{campaign_id}:{partner_id}"),
            GlobalId::PartnerGroup(id) => format!("PartnerGroup:{id}"),
            GlobalId::PartnerContract(id) => format!("PartnerContract:{id}"),
            GlobalId::ContractTemplate(id) => format!("ContractTemplate:{id}"),
            GlobalId::CustomField(id) => format!("CustomField:{id}"),
            GlobalId::MediaProperty(id) => format!("MediaProperty:{id}"),
            GlobalId::PartnerView(id) => format!("PartnerView:{id}"),
        };
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Parses the opaque string form; a malformed id is a `VALIDATION` error.
    pub fn decode(text: &str) -> Result<Self, AppError> {
        let malformed = || AppError::Validation(format!("malformed id: {}", quoted(text)));
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|_| malformed())?;
        let raw = String::from_utf8(bytes).map_err(|_| malformed())?;
        let mut parts = raw.split(':');
        let kind = parts.next().ok_or_else(malformed)?;
        let mut next = || -> Result<i64, AppError> {
            parts
                .next()
                .and_then(|p| p.parse::<i64>().ok())
                .filter(|n| *n > 0)
                .ok_or_else(malformed)
        };
        let id = match kind {
            "Account" => GlobalId::Account(next()?),
            "AccountUser" => GlobalId::AccountUser(next()?),
            "Campaign" => GlobalId::Campaign(next()?),
            "Partner" => GlobalId::Partner {
                campaign_id: next()?,
                partner_id: next()?,
            },
            "PartnerGroup" => GlobalId::PartnerGroup(next()?),
            "PartnerContract" => GlobalId::PartnerContract(next()?),
            "ContractTemplate" => GlobalId::ContractTemplate(next()?),
            "CustomField" => GlobalId::CustomField(next()?),
            "MediaProperty" => GlobalId::MediaProperty(next()?),
            "PartnerView" => GlobalId::PartnerView(next()?),
            _ => return Err(malformed()),
        };
        if parts.next().is_some() {
            return Err(malformed());
        }
        Ok(id)
    }
}

/// Reads an id argument that may be either a global id of the expected kind or the product's
/// plain numeric id (`"12"`), so that REST users and GraphQL users can pass what they have.
pub fn numeric_or_global(
    text: &str,
    what: &str,
    pick: impl Fn(GlobalId) -> Option<i64>,
) -> Result<i64, AppError> {
    if let Ok(n) = text.parse::<i64>() {
        return if n > 0 {
            Ok(n)
        } else {
            Err(AppError::Validation(format!(
                "{what} must be a positive id"
            )))
        };
    }
    let id = GlobalId::decode(text)?;
    pick(id).ok_or_else(|| AppError::Validation(format!("id {} is not a {what} id", quoted(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_id_is_quoted_short() {
        let garbage = "x".repeat(90_000);
        for err in [
            GlobalId::decode(&garbage).err(),
            numeric_or_global(&garbage, "campaign", |_| None).err(),
        ] {
            let message = err.map(|e| format!("{e:?}")).unwrap_or_default();
            assert!(message.contains("(90000 characters)"), "{message}");
            assert!(message.len() < 200, "{}", message.len());
        }
    }

    #[test]
    fn partner_ids_round_trip() {
        let id = GlobalId::Partner {
            campaign_id: 7,
            partner_id: 42,
        };
        assert_eq!(GlobalId::decode(&id.encode()).ok(), Some(id));
    }

    #[test]
    fn garbage_is_a_validation_error() {
        for bad in [
            "",
            "!!!",
            "UGFydG5lcjox",
            "Q2FtcGFpZ246LTE",
            "Q2FtcGFpZ246MTox",
        ] {
            assert!(
                matches!(GlobalId::decode(bad), Err(AppError::Validation(_))),
                "{bad} should be rejected"
            );
        }
    }
}
