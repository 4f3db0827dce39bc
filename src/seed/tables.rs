//! The tables the generator writes in bulk, with the columns in the order rows are pushed.

/// A table and the columns of its generated rows.
pub(crate) struct Table {
    /// SQL table name.
    pub name: &'static str,
    /// Columns, in the order of the values of each row.
    pub columns: &'static [&'static str],
    /// Whether the table has an `id` key the generator assigns (and whose sequence it resets).
    pub has_id: bool,
    /// Position in `ALL`.
    pub index: usize,
}

const fn t(
    index: usize,
    name: &'static str,
    has_id: bool,
    columns: &'static [&'static str],
) -> Table {
    Table {
        name,
        columns,
        has_id,
        index,
    }
}

/// `partners`.
#[rustfmt::skip]
pub(crate) static PARTNERS: Table = t(0, "partners", true, &[
    "id", "name", "website_url", "description", "country", "state_province", "address_line1",
    "address_line2", "city", "postal_code", "email", "phone", "currency", "size", "social_reach",
    "moz_domain_authority", "created_at", "updated_at",
]);

/// `partner_attributes`.
#[rustfmt::skip]
pub(crate) static PARTNER_ATTRIBUTES: Table = t(1, "partner_attributes", false, &[
    "partner_id", "kind", "value",
]);

/// `media_properties`.
#[rustfmt::skip]
pub(crate) static MEDIA_PROPERTIES: Table = t(2, "media_properties", true, &[
    "id", "partner_id", "property_type", "platform", "name", "url", "followers", "monthly_visits",
    "created_at",
]);

/// `partner_contacts`.
#[rustfmt::skip]
pub(crate) static PARTNER_CONTACTS: Table = t(3, "partner_contacts", true, &[
    "id", "partner_id", "name", "email", "phone", "title", "is_primary",
]);

/// `campaign_partners`.
#[rustfmt::skip]
pub(crate) static CAMPAIGN_PARTNERS: Table = t(8, "campaign_partners", true, &[
    "id", "account_id", "campaign_id", "partner_id", "relationship_type", "relationship_stage",
    "prospecting_source", "contract_status", "date_joined", "marketplace_applied_at",
    "assigned_user_id", "access_url_eligible", "compliance_review_frequency",
    "compliance_audit_rate", "client_cost_enabled", "client_cost_type", "tracking_integration_type",
    "tracking_postback_url", "tracking_pixel_url", "created_at", "updated_at", "partner_name",
    "search_text", "country", "state_province", "size_rank", "social_reach", "moz_domain_authority",
    "email",
]);

/// `partner_account_links`.
#[rustfmt::skip]
pub(crate) static PARTNER_ACCOUNT_LINKS: Table = t(9, "partner_account_links", true, &[
    "id", "account_id", "partner_id", "linked_partner_id", "link_reason", "created_at",
]);

/// `partner_groups`.
#[rustfmt::skip]
pub(crate) static PARTNER_GROUPS: Table = t(5, "partner_groups", true, &[
    "id", "account_id", "campaign_id", "name", "created_at", "updated_at",
]);

/// `partner_group_members`.
#[rustfmt::skip]
pub(crate) static PARTNER_GROUP_MEMBERS: Table = t(10, "partner_group_members", false, &[
    "group_id", "partner_id", "account_id", "campaign_id", "added_at",
]);

/// `contract_templates`.
#[rustfmt::skip]
pub(crate) static CONTRACT_TEMPLATES: Table = t(4, "contract_templates", true, &[
    "id", "account_id", "campaign_id", "name", "description", "payout_type", "payout_value",
    "is_default", "created_at",
]);

/// `partner_contracts`.
#[rustfmt::skip]
pub(crate) static PARTNER_CONTRACTS: Table = t(11, "partner_contracts", true, &[
    "id", "account_id", "campaign_id", "partner_id", "template_id", "name", "status", "start_date",
    "end_date", "is_temporary", "fallback_template_id", "expires_at", "approval_option", "comment",
    "created_by_user_id", "created_at", "updated_at",
]);

/// `contract_history`.
#[rustfmt::skip]
pub(crate) static CONTRACT_HISTORY: Table = t(12, "contract_history", true, &[
    "id", "account_id", "campaign_id", "partner_id", "contract_id", "action", "template_id",
    "effective_date", "comment", "user_id", "created_at",
]);

/// `custom_fields`.
#[rustfmt::skip]
pub(crate) static CUSTOM_FIELDS: Table = t(6, "custom_fields", true, &[
    "id", "account_id", "campaign_id", "name", "display_type", "position", "required", "created_at",
]);

/// `custom_field_options`.
#[rustfmt::skip]
pub(crate) static CUSTOM_FIELD_OPTIONS: Table = t(7, "custom_field_options", true, &[
    "id", "account_id", "field_id", "label", "position",
]);

/// `custom_field_answers`.
#[rustfmt::skip]
pub(crate) static CUSTOM_FIELD_ANSWERS: Table = t(13, "custom_field_answers", true, &[
    "id", "account_id", "campaign_id", "field_id", "partner_id", "text_value", "text_folded",
    "number_value", "date_value", "file_url", "updated_at",
]);

/// `custom_field_answer_options`.
#[rustfmt::skip]
pub(crate) static CUSTOM_FIELD_ANSWER_OPTIONS: Table = t(14, "custom_field_answer_options", false, &[
    "field_id", "partner_id", "option_id", "account_id", "campaign_id",
]);

/// `notes`.
#[rustfmt::skip]
pub(crate) static NOTES: Table = t(15, "notes", true, &[
    "id", "account_id", "campaign_id", "partner_id", "author_user_id", "note_type", "body",
    "created_at",
]);

/// `activity_log`.
#[rustfmt::skip]
pub(crate) static ACTIVITY_LOG: Table = t(16, "activity_log", true, &[
    "id", "account_id", "campaign_id", "partner_id", "user_id", "action", "details", "created_at",
]);

/// Every table, parents before children (the order rows are inserted in).
pub(crate) static ALL: [&Table; 17] = [
    &PARTNERS,
    &PARTNER_ATTRIBUTES,
    &MEDIA_PROPERTIES,
    &PARTNER_CONTACTS,
    &CONTRACT_TEMPLATES,
    &PARTNER_GROUPS,
    &CUSTOM_FIELDS,
    &CUSTOM_FIELD_OPTIONS,
    &CAMPAIGN_PARTNERS,
    &PARTNER_ACCOUNT_LINKS,
    &PARTNER_GROUP_MEMBERS,
    &PARTNER_CONTRACTS,
    &CONTRACT_HISTORY,
    &CUSTOM_FIELD_ANSWERS,
    &CUSTOM_FIELD_ANSWER_OPTIONS,
    &NOTES,
    &ACTIVITY_LOG,
];

#[cfg(test)]
mod tests {
    #[test]
    fn indexes_match_positions() {
        for (i, table) in super::ALL.iter().enumerate() {
            assert_eq!(table.index, i, "{}", table.name);
        }
    }
}
