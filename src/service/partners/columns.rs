//! The column catalog of the My Partners list: every column a column picker offers, with a
//! stable key, whether it sorts and filters, and the `Partner` fields that fill it; one column per
//! custom field of the campaign.

use sea_orm::ConnectionTrait;

use crate::auth::AuthContext;
use crate::domain::limits::MAX_VIEW_COLUMNS;
use crate::domain::{CustomFieldDisplayType, PartnerOrderField, UserErrorCode};
use crate::error::AppResult;
use crate::service::catalog;
use crate::service::validation::Checker;

/// The kind of value a column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, async_graphql::Enum)]
pub enum ColumnType {
    /// Plain text.
    Text,
    /// A number.
    Number,
    /// An instant (RFC 3339).
    DateTime,
    /// A calendar date.
    Date,
    /// Yes or no.
    Boolean,
    /// One value of an enumeration.
    Enum,
    /// Several values.
    List,
    /// A link.
    Url,
    /// An account user.
    User,
    /// Contracts: current, pending and upcoming.
    Contracts,
    /// The answer to a custom field.
    CustomField,
}

/// One column of the list.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Stable key (`customField:<id>` for custom fields).
    pub key: String,
    /// Header text.
    pub label: String,
    /// What the column shows.
    pub column_type: ColumnType,
    /// The `orderBy` field that sorts by it, if it sorts.
    pub sort_field: Option<PartnerOrderField>,
    /// The `PartnerFilter` field that filters by it, if it filters.
    pub filter_field: Option<&'static str>,
    /// The `Partner` selection that fills it.
    pub selection: String,
    /// The custom field it shows, for custom field columns.
    pub custom_field_id: Option<i64>,
}

type Builtin = (
    &'static str,
    &'static str,
    ColumnType,
    Option<PartnerOrderField>,
    Option<&'static str>,
    &'static str,
);

const BUILTIN: &[Builtin] = &[
    ("access", "Access", ColumnType::Url, None, None, "accessUrl"),
    ("partner", "Partner", ColumnType::Text, Some(PartnerOrderField::Name), Some("search"), "name partnerId location"),
    ("partnerId", "Partner ID", ColumnType::Number, Some(PartnerOrderField::PartnerId), Some("search"), "partnerId"),
    ("directPartner", "Direct partner", ColumnType::Boolean, None, Some("relationshipTypes"), "isDirect"),
    ("groups", "Groups", ColumnType::List, None, Some("groupIds"), "groups { groupId name }"),
    (
        "contract",
        "Contract",
        ColumnType::Contracts,
        None,
        Some("contractTemplateIds"),
        "currentContract { name status endDate expiresAt } pendingContracts { name startDate } upcomingContracts { name startDate }",
    ),
    ("dateJoined", "Date joined", ColumnType::DateTime, Some(PartnerOrderField::DateJoined), Some("dateJoined"), "dateJoined"),
    ("country", "Country", ColumnType::Text, Some(PartnerOrderField::Country), Some("countries"), "country"),
    ("stateProvince", "State/Province", ColumnType::Text, None, Some("stateProvinces"), "stateProvince"),
    ("size", "Size", ColumnType::Enum, Some(PartnerOrderField::Size), Some("sizes"), "size"),
    ("email", "Email", ColumnType::Text, None, None, "email"),
    ("mediaProperties", "Media properties", ColumnType::List, None, None, "mediaProperties { propertyType platform name url followers }"),
    ("businessModel", "Business model", ColumnType::List, None, Some("businessModels"), "businessModels"),
    ("socialReach", "Social reach", ColumnType::Number, Some(PartnerOrderField::SocialReach), Some("socialReach"), "socialReach"),
    (
        "marketplaceApplicationDate",
        "Marketplace application date",
        ColumnType::DateTime,
        Some(PartnerOrderField::MarketplaceApplicationDate),
        Some("marketplaceApplicationDate"),
        "marketplaceApplicationDate",
    ),
    ("audienceCountry", "Audience country", ColumnType::List, None, Some("audienceCountries"), "audienceCountries"),
    ("assignedTo", "Assigned to", ColumnType::User, None, Some("assignedUserIds"), "assignedTo { userId name }"),
    ("description", "Description", ColumnType::Text, None, None, "description"),
    ("promotionalAreas", "Promotional areas", ColumnType::List, None, Some("promotionalAreas"), "promotionalAreas"),
    ("contactName", "Contact name", ColumnType::List, None, None, "contactNames"),
    ("address", "Address", ColumnType::Text, None, None, "address { line1 line2 city postalCode stateProvince country }"),
    (
        "mozDomainAuthority",
        "Moz domain authority",
        ColumnType::Number,
        Some(PartnerOrderField::MozDomainAuthority),
        Some("mozDomainAuthority"),
        "mozDomainAuthority",
    ),
    ("categories", "Categories", ColumnType::List, None, None, "categories"),
    ("prospectingSource", "Prospecting source", ColumnType::Enum, None, Some("prospectingSources"), "prospectingSource"),
    (
        "relationshipStage",
        "Relationship stage",
        ColumnType::Enum,
        Some(PartnerOrderField::RelationshipStage),
        Some("relationshipStages"),
        "relationshipStage",
    ),
    ("contractStatus", "Contract status", ColumnType::Enum, None, Some("contractStatuses"), "contractStatus"),
    ("report", "Report", ColumnType::Url, None, None, "performanceReportUrl"),
];

/// The key of a custom field's column.
pub fn custom_field_key(field_id: i64) -> String {
    format!("customField:{field_id}")
}

/// Every column: the built-in ones, then one per custom field (`(id, name, display type)`).
pub fn catalog(custom_fields: &[(i64, String, Option<CustomFieldDisplayType>)]) -> Vec<Column> {
    let mut columns: Vec<Column> = BUILTIN
        .iter()
        .map(
            |(key, label, column_type, sort_field, filter_field, selection)| Column {
                key: (*key).to_owned(),
                label: (*label).to_owned(),
                column_type: *column_type,
                sort_field: *sort_field,
                filter_field: *filter_field,
                selection: (*selection).to_owned(),
                custom_field_id: None,
            },
        )
        .collect();
    for (id, name, display) in custom_fields {
        columns.push(Column {
            key: custom_field_key(*id),
            label: name.clone(),
            column_type: ColumnType::CustomField,
            sort_field: None,
            filter_field: (*display != Some(CustomFieldDisplayType::File)).then_some("customFields"),
            selection: format!("customFields(ids: [\"{id}\"]) {{ text number date fileUrl options {{ optionId label }} }}"),
            custom_field_id: Some(*id),
        });
    }
    columns
}

/// The catalog of one campaign of the caller: the built-in columns and its custom fields.
pub async fn for_campaign(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<Column>> {
    let fields: Vec<_> = catalog::custom_fields(db, auth, campaign_id)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name, CustomFieldDisplayType::parse(&f.display_type)))
        .collect();
    Ok(catalog(&fields))
}

/// Checks columns chosen for a view or an export (`columns` user errors): at least one, at most
/// [`MAX_VIEW_COLUMNS`], each a key of the campaign's catalog, none twice.
pub fn check(check: &mut Checker, asked: &[String], catalog: &[Column]) {
    if asked.is_empty() {
        check.push(
            "columns",
            UserErrorCode::Required,
            "choose at least one column",
        );
    }
    if asked.len() > MAX_VIEW_COLUMNS {
        check.push(
            "columns",
            UserErrorCode::TooLong,
            format!(
                "columns has {} entries; at most {MAX_VIEW_COLUMNS} are allowed",
                asked.len()
            ),
        );
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for key in asked {
        if !catalog.iter().any(|c| &c.key == key) {
            check.push(
                "columns",
                UserErrorCode::Invalid,
                format!(
                    "{} is not a column of this campaign's partner list",
                    crate::error::quoted(key)
                ),
            );
        } else if !seen.insert(key.as_str()) {
            check.push(
                "columns",
                UserErrorCode::Invalid,
                format!("column {} is chosen twice", crate::error::quoted(key)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_custom_fields_follow() {
        let columns = catalog(&[(9, "Niche".into(), Some(CustomFieldDisplayType::Dropdown))]);
        let mut keys: Vec<&str> = columns.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys.last().copied(), Some("customField:9"));
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }

    #[test]
    fn an_unknown_key_is_quoted_not_echoed_whole() {
        let mut checker = Checker::default();
        let long = "k".repeat(100_000);
        check(&mut checker, &[long], &catalog(&[]));
        let errors = checker.finish().expect_err("an unknown key");
        assert!(errors[0].message.len() < 200, "{}", errors[0].message);
        assert!(errors[0].message.contains("(100000 characters)"));
    }
}
