//! The kinds of multi-valued profile attributes kept in `partner_attributes`.

/// A business model of the partner (value: a `BusinessModel` name).
pub const BUSINESS_MODEL: &str = "BUSINESS_MODEL";
/// A country the partner promotes in (value: ISO 3166-1 alpha-2).
pub const PROMOTIONAL_AREA: &str = "PROMOTIONAL_AREA";
/// A country the partner's audience is in (value: ISO 3166-1 alpha-2).
pub const AUDIENCE_COUNTRY: &str = "AUDIENCE_COUNTRY";
/// A content category (free text, e.g. "Fashion").
pub const CATEGORY: &str = "CATEGORY";
