//! `PartnerFilter` and `PartnerOrder`: the filter bar and sorting of the My Partners list.
//! Several values in one field match any of them; several fields must all match. Filters
//! enter as [`PartnerFilterInput`], which checks their shape before these fields are parsed.

use async_graphql::{InputObject, ID};

use super::ranges::{DateRange, DateTimeRange, FloatRange, IntRange};
use crate::domain::country::{parse_country, parse_subdivision};
use crate::domain::{
    BusinessModel, ContractStage, ContractStatus, OrderDirection, PartnerOrderField, PartnerSize,
    ProspectingSource, RelationshipStage, RelationshipType, TermsUpdate,
};
use crate::error::{AppError, AppResult};
use crate::graphql::ids;
use crate::service::partners::filter::{
    self, CustomFieldCondition, CustomFieldFilter as FieldFilter, DEFAULT_RECENTLY_EXPIRED_DAYS,
};
use crate::service::partners::sort::SortKey;

pub use super::filter_shape::{FilterJson, PartnerFilterInput};

/// A condition on one custom field; set exactly one of the conditions, as the field's display type allows.
#[derive(InputObject, Clone, Debug)]
pub struct CustomFieldFilter {
    /// The custom field (numeric or global id).
    pub field_id: ID,
    /// Dropdown / multiple choice: the answer is this option (numeric option id).
    pub equals: Option<ID>,
    /// Dropdown / multiple choice / checkboxes: the answer is (or includes) any of these options.
    pub any_of: Option<Vec<ID>>,
    /// Checkboxes: the answer includes all of these options.
    pub all_of: Option<Vec<ID>>,
    /// Paragraph: the answer contains this text (case-insensitive).
    pub contains: Option<String>,
    /// Number: the answer lies in this range.
    pub number_range: Option<FloatRange>,
    /// Date: the answer lies in this range.
    pub date_range: Option<DateRange>,
    /// Any type: the partner answered the field (`true`) or did not (`false`).
    pub has_answer: Option<bool>,
}

/// Which partners to list. Every field is optional; lists match any of their values, and an
/// empty list narrows nothing, as if left out (`countries: []`, `or: []`: every partner, as a
/// filter bar with nothing picked shows; the same in the list, its facets and a bulk
/// selection). At most
/// 8 levels of `and` / `or` / `not`, 100 filters per `and` / `or`, 500 filters and custom field
/// conditions in all, 1,000 values per list, 5,000 values in all, 200 characters of text.
#[derive(InputObject, Clone, Debug, Default)]
#[graphql(name = "PartnerFilter")]
pub struct PartnerFilterFields {
    /// Name, partner id or website contains this text (case-insensitive; `%` and `_` are literal).
    pub search: Option<String>,
    /// State of the partnership (legacy screen): active, expired, suspended.
    pub contract_statuses: Option<Vec<ContractStatus>>,
    /// Stage of the partnership (new screen): active (including suspended) or expired.
    pub contract_stages: Option<Vec<ContractStage>>,
    /// Member of any of these partner groups.
    pub group_ids: Option<Vec<ID>>,
    /// Member of no group at all (combined with `groupIds`: either).
    pub in_no_group: Option<bool>,
    /// Currently signed to any of these contract templates (the contract in force, active or
    /// suspended).
    pub contract_template_ids: Option<Vec<ID>>,
    /// Has any of these updates to its terms.
    pub terms_updates: Option<Vec<TermsUpdate>>,
    /// The window of `RECENTLY_EXPIRED`, in days (default 30).
    pub recently_expired_within_days: Option<i32>,
    /// Direct or marketplace partners.
    pub relationship_types: Option<Vec<RelationshipType>>,
    /// Located in any of these countries (ISO 3166-1 alpha-2).
    pub countries: Option<Vec<String>>,
    /// Located in any of these states or provinces (ISO 3166-2, e.g. `US-CA`).
    pub state_provinces: Option<Vec<String>>,
    /// Has an audience in any of these countries.
    pub audience_countries: Option<Vec<String>>,
    /// Promotes in any of these countries.
    pub promotional_areas: Option<Vec<String>>,
    /// Of any of these sizes.
    pub sizes: Option<Vec<PartnerSize>>,
    /// Conditions on custom fields (all must hold).
    pub custom_fields: Option<Vec<CustomFieldFilter>>,
    /// In any of these relationship stages.
    pub relationship_stages: Option<Vec<RelationshipStage>>,
    /// Runs any of these business models.
    pub business_models: Option<Vec<BusinessModel>>,
    /// Assigned to any of these account users.
    pub assigned_user_ids: Option<Vec<ID>>,
    /// Assigned to nobody (combined with `assignedUserIds`: either).
    pub unassigned: Option<bool>,
    /// Found through any of these prospecting sources.
    pub prospecting_sources: Option<Vec<ProspectingSource>>,
    /// Joined within this range.
    pub date_joined: Option<DateTimeRange>,
    /// Applied through the marketplace within this range.
    pub marketplace_application_date: Option<DateTimeRange>,
    /// Social reach (followers) within this range.
    pub social_reach: Option<IntRange>,
    /// Moz domain authority within this range.
    pub moz_domain_authority: Option<IntRange>,
    /// Every one of these filters holds.
    pub and: Option<Vec<PartnerFilterFields>>,
    /// At least one of these filters holds (an empty list narrows nothing).
    pub or: Option<Vec<PartnerFilterFields>>,
    /// This filter does not hold: every partner it does not keep, those with no value in its
    /// fields too (`not: { sizes: [LARGE] }` keeps the partners of no size).
    pub not: Option<Box<PartnerFilterFields>>,
}

/// One sort key of the partner list.
#[derive(InputObject, Clone, Copy, Debug)]
pub struct PartnerOrder {
    /// What to sort by.
    pub field: PartnerOrderField,
    /// Which way (default ascending).
    #[graphql(default_with = "OrderDirection::Asc")]
    pub direction: OrderDirection,
}

impl From<PartnerOrder> for SortKey {
    fn from(o: PartnerOrder) -> Self {
        SortKey {
            field: o.field,
            direction: o.direction,
        }
    }
}

fn countries(values: Option<Vec<String>>) -> AppResult<Vec<String>> {
    values
        .unwrap_or_default()
        .iter()
        .map(|c| parse_country(c))
        .collect()
}

impl CustomFieldFilter {
    fn into_service(self) -> AppResult<FieldFilter> {
        let field_id = ids::custom_field_id(&self.field_id)?;
        let mut conditions = Vec::new();
        if let Some(option) = &self.equals {
            conditions.push(CustomFieldCondition::AnyOf(vec![ids::option_id(option)?]));
        }
        if let Some(options) = &self.any_of {
            conditions.push(CustomFieldCondition::AnyOf(ids::many(
                options,
                ids::option_id,
            )?));
        }
        if let Some(options) = &self.all_of {
            conditions.push(CustomFieldCondition::AllOf(ids::many(
                options,
                ids::option_id,
            )?));
        }
        if let Some(text) = self.contains {
            conditions.push(CustomFieldCondition::Contains(text));
        }
        if let Some(r) = self.number_range {
            conditions.push(CustomFieldCondition::Number(r.into()));
        }
        if let Some(r) = self.date_range {
            conditions.push(CustomFieldCondition::Date(r.into()));
        }
        if let Some(answered) = self.has_answer {
            conditions.push(CustomFieldCondition::HasAnswer(answered));
        }
        if conditions.len() != 1 {
            return Err(AppError::Validation(format!(
                "custom field filter {}: set exactly one of equals, anyOf, allOf, contains, numberRange, dateRange, hasAnswer",
                field_id
            )));
        }
        let condition = conditions.remove(0);
        Ok(FieldFilter {
            field_id,
            condition,
        })
    }
}

impl PartnerFilterFields {
    /// Parses ids and codes; malformed ones are `VALIDATION` errors.
    pub fn into_service(self) -> AppResult<filter::PartnerFilter> {
        let days = self
            .recently_expired_within_days
            .map_or(DEFAULT_RECENTLY_EXPIRED_DAYS, i64::from);
        let nested =
            |list: Option<Vec<PartnerFilterFields>>| -> AppResult<Vec<filter::PartnerFilter>> {
                list.unwrap_or_default()
                    .into_iter()
                    .map(Self::into_service)
                    .collect()
            };
        Ok(filter::PartnerFilter {
            search: self.search,
            contract_statuses: self.contract_statuses.unwrap_or_default(),
            contract_stages: self.contract_stages.unwrap_or_default(),
            group_ids: ids::many(&self.group_ids.unwrap_or_default(), ids::group_id)?,
            in_no_group: self.in_no_group.unwrap_or(false),
            contract_template_ids: ids::many(
                &self.contract_template_ids.unwrap_or_default(),
                ids::template_id,
            )?,
            terms_updates: self.terms_updates.unwrap_or_default(),
            recently_expired_days: days,
            relationship_types: self.relationship_types.unwrap_or_default(),
            countries: countries(self.countries)?,
            state_provinces: self
                .state_provinces
                .unwrap_or_default()
                .iter()
                .map(|s| parse_subdivision(s))
                .collect::<AppResult<_>>()?,
            audience_countries: countries(self.audience_countries)?,
            promotional_areas: countries(self.promotional_areas)?,
            sizes: self.sizes.unwrap_or_default(),
            custom_fields: self
                .custom_fields
                .unwrap_or_default()
                .into_iter()
                .map(CustomFieldFilter::into_service)
                .collect::<AppResult<_>>()?,
            relationship_stages: self.relationship_stages.unwrap_or_default(),
            business_models: self.business_models.unwrap_or_default(),
            assigned_user_ids: ids::many(
                &self.assigned_user_ids.unwrap_or_default(),
                ids::user_id,
            )?,
            unassigned: self.unassigned.unwrap_or(false),
            prospecting_sources: self.prospecting_sources.unwrap_or_default(),
            date_joined: self.date_joined.into(),
            marketplace_application_date: self.marketplace_application_date.into(),
            social_reach: self.social_reach.into(),
            moz_domain_authority: self.moz_domain_authority.into(),
            and: nested(self.and)?,
            or: nested(self.or)?,
            not: self
                .not
                .map(|n| n.into_service().map(Box::new))
                .transpose()?,
        })
    }
}
