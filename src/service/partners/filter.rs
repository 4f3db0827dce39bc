//! `PartnerFilter`: everything the My Partners filter bar (both screens) can ask, plus `and` /
//! `or` / `not` for API users. OR within one filter, AND across filters. It compiles to SQL in
//! `filter_sql`; nothing is ever filtered in Rust.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{
    BusinessModel, ContractStage, ContractStatus, PartnerSize, ProspectingSource,
    RelationshipStage, RelationshipType, TermsUpdate,
};
use crate::error::{AppError, AppResult};

/// The window of "recently expired" when the client sets none.
pub const DEFAULT_RECENTLY_EXPIRED_DAYS: i64 = 30;

/// An inclusive range; either end may be open.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Range<T> {
    /// Lowest value matched.
    pub min: Option<T>,
    /// Highest value matched.
    pub max: Option<T>,
}

impl<T: PartialOrd + std::fmt::Debug> Range<T> {
    /// `VALIDATION` when `min` is above `max`.
    pub fn check(&self, name: &str) -> AppResult<()> {
        match (&self.min, &self.max) {
            (Some(min), Some(max)) if min > max => Err(AppError::Validation(format!(
                "`{name}`: the lower bound {min:?} is above the upper bound {max:?}"
            ))),
            _ => Ok(()),
        }
    }

    /// Whether either end is set.
    pub fn is_set(&self) -> bool {
        self.min.is_some() || self.max.is_some()
    }
}

/// A condition on the answers to one custom field.
#[derive(Clone, Debug, PartialEq)]
pub enum CustomFieldCondition {
    /// The answer is one of these options (dropdown, multiple choice), or has any of them (checkboxes).
    AnyOf(Vec<i64>),
    /// The answer has every one of these options (checkboxes).
    AllOf(Vec<i64>),
    /// The text answer contains this text, case-insensitively (paragraph).
    Contains(String),
    /// The number answer lies in the range (number).
    Number(Range<f64>),
    /// The date answer lies in the range (date).
    Date(Range<NaiveDate>),
    /// The partner answered the field (`true`) or did not (`false`).
    HasAnswer(bool),
}

/// A condition on one custom field of the campaign.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomFieldFilter {
    /// The field.
    pub field_id: i64,
    /// What its answer must satisfy.
    pub condition: CustomFieldCondition,
}

/// The filters of the My Partners list. Empty lists and `None` mean "no condition".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartnerFilter {
    /// Name, partner id or website contains this text (case-insensitive, literal).
    pub search: Option<String>,
    /// Partnership state (legacy screen).
    pub contract_statuses: Vec<ContractStatus>,
    /// Partnership stage (new screen).
    pub contract_stages: Vec<ContractStage>,
    /// Member of any of these groups...
    pub group_ids: Vec<i64>,
    /// ...or of no group at all.
    pub in_no_group: bool,
    /// Currently signed to any of these contract templates.
    pub contract_template_ids: Vec<i64>,
    /// Has any of these changes to its terms.
    pub terms_updates: Vec<TermsUpdate>,
    /// The window of `RECENTLY_EXPIRED`, in days.
    pub recently_expired_days: i64,
    /// Direct or marketplace.
    pub relationship_types: Vec<RelationshipType>,
    /// Located in any of these countries.
    pub countries: Vec<String>,
    /// Located in any of these states or provinces.
    pub state_provinces: Vec<String>,
    /// Has an audience in any of these countries.
    pub audience_countries: Vec<String>,
    /// Promotes in any of these countries.
    pub promotional_areas: Vec<String>,
    /// Of any of these sizes.
    pub sizes: Vec<PartnerSize>,
    /// Conditions on custom fields (all must hold).
    pub custom_fields: Vec<CustomFieldFilter>,
    /// In any of these relationship stages.
    pub relationship_stages: Vec<RelationshipStage>,
    /// Runs any of these business models.
    pub business_models: Vec<BusinessModel>,
    /// Assigned to any of these users...
    pub assigned_user_ids: Vec<i64>,
    /// ...or to nobody.
    pub unassigned: bool,
    /// Found through any of these sources.
    pub prospecting_sources: Vec<ProspectingSource>,
    /// Joined within this range.
    pub date_joined: Range<DateTime<Utc>>,
    /// Applied through the marketplace within this range.
    pub marketplace_application_date: Range<DateTime<Utc>>,
    /// Social reach within this range.
    pub social_reach: Range<i64>,
    /// Moz domain authority within this range.
    pub moz_domain_authority: Range<i32>,
    /// Every one of these filters holds.
    pub and: Vec<PartnerFilter>,
    /// At least one of these filters holds.
    pub or: Vec<PartnerFilter>,
    /// This filter does not hold.
    pub not: Option<Box<PartnerFilter>>,
}

/// The dimensions a filter bar shows counts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FacetDimension {
    /// `countries`.
    Country,
    /// `group_ids` / `in_no_group`.
    Group,
    /// `contract_statuses`.
    ContractStatus,
    /// `contract_template_ids`.
    ContractTemplate,
    /// `relationship_types`.
    RelationshipType,
    /// `sizes`.
    Size,
    /// `relationship_stages`.
    RelationshipStage,
    /// `business_models`.
    BusinessModel,
    /// `assigned_user_ids` / `unassigned`.
    AssignedTo,
    /// `prospecting_sources`.
    ProspectingSource,
}

impl FacetDimension {
    /// Every dimension.
    pub const ALL: [FacetDimension; 10] = [
        FacetDimension::Country,
        FacetDimension::Group,
        FacetDimension::ContractStatus,
        FacetDimension::ContractTemplate,
        FacetDimension::RelationshipType,
        FacetDimension::Size,
        FacetDimension::RelationshipStage,
        FacetDimension::BusinessModel,
        FacetDimension::AssignedTo,
        FacetDimension::ProspectingSource,
    ];
}

impl PartnerFilter {
    /// A filter that matches everything.
    pub fn all() -> Self {
        PartnerFilter {
            recently_expired_days: DEFAULT_RECENTLY_EXPIRED_DAYS,
            ..Default::default()
        }
    }

    /// Checks ranges and the `recently_expired_days` window, here and in nested filters.
    pub fn check(&self) -> AppResult<()> {
        self.date_joined.check("dateJoined")?;
        self.marketplace_application_date
            .check("marketplaceApplicationDate")?;
        self.social_reach.check("socialReach")?;
        self.moz_domain_authority.check("mozDomainAuthority")?;
        if !(1..=3650).contains(&self.recently_expired_days) {
            return Err(AppError::Validation(format!(
                "`recentlyExpiredWithinDays` must be between 1 and 3650, got {}",
                self.recently_expired_days
            )));
        }
        for cf in &self.custom_fields {
            match &cf.condition {
                CustomFieldCondition::Number(r) => r.check("customFields.number")?,
                CustomFieldCondition::Date(r) => r.check("customFields.date")?,
                _ => {}
            }
        }
        for nested in self.and.iter().chain(&self.or).chain(self.not.as_deref()) {
            nested.check()?;
        }
        Ok(())
    }

    /// Every custom field id the filter names (nested filters included).
    pub fn custom_field_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.custom_fields.iter().map(|c| c.field_id).collect();
        for nested in self.and.iter().chain(&self.or).chain(self.not.as_deref()) {
            ids.extend(nested.custom_field_ids());
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Every group id the filter names, nested ones included.
    pub fn group_ids(&self) -> Vec<i64> {
        let mut ids = self.group_ids.clone();
        for nested in self.and.iter().chain(&self.or).chain(self.not.as_deref()) {
            ids.extend(nested.group_ids());
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The same filter without its own top-level condition on `dimension` (faceted search:
    /// a facet counts values under every other filter).
    pub fn without(&self, dimension: FacetDimension) -> Self {
        let mut f = self.clone();
        match dimension {
            FacetDimension::Country => f.countries.clear(),
            FacetDimension::Group => {
                f.group_ids.clear();
                f.in_no_group = false;
            }
            FacetDimension::ContractStatus => f.contract_statuses.clear(),
            FacetDimension::ContractTemplate => f.contract_template_ids.clear(),
            FacetDimension::RelationshipType => f.relationship_types.clear(),
            FacetDimension::Size => f.sizes.clear(),
            FacetDimension::RelationshipStage => f.relationship_stages.clear(),
            FacetDimension::BusinessModel => f.business_models.clear(),
            FacetDimension::AssignedTo => {
                f.assigned_user_ids.clear();
                f.unassigned = false;
            }
            FacetDimension::ProspectingSource => f.prospecting_sources.clear(),
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverted_ranges_are_rejected_even_when_nested() {
        let mut inner = PartnerFilter::all();
        inner.social_reach = Range {
            min: Some(10),
            max: Some(1),
        };
        let mut outer = PartnerFilter::all();
        outer.or.push(inner);
        let err = outer
            .check()
            .err()
            .map(|e| e.public_message())
            .unwrap_or_default();
        assert!(err.contains("socialReach"), "{err}");
    }

    #[test]
    fn without_clears_only_its_own_dimension() {
        let mut f = PartnerFilter::all();
        f.countries = vec!["US".into()];
        f.group_ids = vec![1];
        let g = f.without(FacetDimension::Country);
        assert!(g.countries.is_empty());
        assert_eq!(g.group_ids, vec![1]);
    }
}
