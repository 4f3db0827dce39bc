//! The values of a keyset cursor: a row's sort value for a key as JSON (dates as RFC 3339), and
//! a cursor's value as the SQL value its condition binds — refusing what no row can hold, so a
//! forged cursor is malformed rather than a failing statement.

use chrono::{DateTime, Utc};
use sea_orm::Value;
use serde_json::{json, Value as Json};

use crate::domain::PartnerOrderField;

use entity::campaign_partner as cp;

/// Whether the key is a date (RFC 3339 text in a cursor).
fn is_date(field: PartnerOrderField) -> bool {
    matches!(
        field,
        PartnerOrderField::DateJoined | PartnerOrderField::MarketplaceApplicationDate
    )
}

/// Whether the key is text.
fn is_text(field: PartnerOrderField) -> bool {
    matches!(
        field,
        PartnerOrderField::Name | PartnerOrderField::Country | PartnerOrderField::RelationshipStage
    )
}

/// The JSON form of a row's value for `field` (dates as RFC 3339).
pub(super) fn row_value(field: PartnerOrderField, r: &cp::Model) -> Json {
    let date = |d: Option<DateTime<Utc>>| d.map_or(Json::Null, |d| json!(d.to_rfc3339()));
    match field {
        PartnerOrderField::Name => json!(r.partner_name),
        PartnerOrderField::PartnerId => json!(r.partner_id),
        PartnerOrderField::DateJoined => date(r.date_joined),
        PartnerOrderField::Country => json!(r.country),
        PartnerOrderField::Size => json!(r.size_rank),
        PartnerOrderField::SocialReach => json!(r.social_reach),
        PartnerOrderField::MozDomainAuthority => json!(r.moz_domain_authority),
        PartnerOrderField::MarketplaceApplicationDate => date(r.marketplace_applied_at),
        PartnerOrderField::RelationshipStage => json!(r.relationship_stage),
    }
}

/// The SQL value of a cursor value; `None` for a missing value, `Err` for a forged cursor.
pub(super) fn sql_value(field: PartnerOrderField, v: &Json) -> Result<Option<Value>, ()> {
    if v.is_null() {
        return Ok(None);
    }
    if is_date(field) {
        let text = v.as_str().ok_or(())?;
        let date = DateTime::parse_from_rfc3339(text)
            .map_err(|_| ())?
            .with_timezone(&Utc);
        // Only a time a row can hold: the server sets these dates, and the facet index sorts
        // them as nanoseconds since the epoch (the years 1677 to 2262); a forged year 10000
        // compared differently on each database.
        date.timestamp_nanos_opt().ok_or(())?;
        return Ok(Some(date.into()));
    }
    if is_text(field) {
        let text = v.as_str().ok_or(())?;
        // No text a row holds has a NUL, which PostgreSQL cannot take as a parameter.
        if text.contains('\0') {
            return Err(());
        }
        return Ok(Some(text.to_owned().into()));
    }
    Ok(Some(v.as_i64().ok_or(())?.into()))
}
