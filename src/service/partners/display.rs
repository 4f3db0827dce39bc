//! Values of a partner derived for display, shared by the API's fields and the list export.

/// City, state or province and country in one line (the "Partner" column's location).
pub fn location(profile: &entity::partner::Model) -> Option<String> {
    let parts: Vec<&str> = [
        profile.city.as_deref(),
        profile.state_province.as_deref(),
        profile.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Where the partner's Performance by Partner report lives (the "Report" column).
pub fn report_url(relationship: &entity::campaign_partner::Model) -> String {
    format!(
        "/reports/performance-by-partner?campaignId={}&partnerId={}",
        relationship.campaign_id, relationship.partner_id
    )
}
