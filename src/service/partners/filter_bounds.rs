//! The content bounds of a parsed `PartnerFilter`: values per list, the SQL parameters the whole
//! filter compiles to, and the length and characters of its texts. (Its shape — nesting, width,
//! number of filters — is measured on the raw input before parsing, where the parser would
//! otherwise recurse: `graphql::inputs::filter_shape`.)

use super::filter::{CustomFieldCondition, PartnerFilter};
use crate::domain::limits::{
    MAX_FILTER_BOUND_VALUES, MAX_FILTER_LIST_VALUES, MAX_FILTER_TEXT_CHARS,
};
use crate::domain::text::{forbidden_char, forbidden_char_message, Lines};
use crate::error::{AppError, AppResult};

fn list(name: &str, len: usize) -> AppResult<()> {
    if len > MAX_FILTER_LIST_VALUES {
        return Err(AppError::Validation(format!(
            "`{name}` has {len} values; a filter list may hold at most {MAX_FILTER_LIST_VALUES}"
        )));
    }
    Ok(())
}

fn text(name: &str, value: &str, lines: Lines) -> AppResult<()> {
    let chars = value.chars().count();
    if chars > MAX_FILTER_TEXT_CHARS {
        return Err(AppError::Validation(format!(
            "`{name}` is {chars} characters long; at most {MAX_FILTER_TEXT_CHARS} are allowed"
        )));
    }
    if let Some(c) = forbidden_char(value, lines) {
        return Err(AppError::Validation(format!(
            "`{name}` {}",
            forbidden_char_message(c)
        )));
    }
    Ok(())
}

/// Checks the lists and texts of `f` and of its nested filters.
fn check_content(f: &PartnerFilter) -> AppResult<()> {
    if let Some(search) = &f.search {
        text("search", search, Lines::Single)?;
    }
    for (name, len) in [
        ("contractStatuses", f.contract_statuses.len()),
        ("contractStages", f.contract_stages.len()),
        ("groupIds", f.group_ids.len()),
        ("contractTemplateIds", f.contract_template_ids.len()),
        ("termsUpdates", f.terms_updates.len()),
        ("relationshipTypes", f.relationship_types.len()),
        ("countries", f.countries.len()),
        ("stateProvinces", f.state_provinces.len()),
        ("audienceCountries", f.audience_countries.len()),
        ("promotionalAreas", f.promotional_areas.len()),
        ("sizes", f.sizes.len()),
        ("customFields", f.custom_fields.len()),
        ("relationshipStages", f.relationship_stages.len()),
        ("businessModels", f.business_models.len()),
        ("assignedUserIds", f.assigned_user_ids.len()),
        ("prospectingSources", f.prospecting_sources.len()),
    ] {
        list(name, len)?;
    }
    for cf in &f.custom_fields {
        match &cf.condition {
            CustomFieldCondition::AnyOf(options) => list("customFields.anyOf", options.len())?,
            CustomFieldCondition::AllOf(options) => list("customFields.allOf", options.len())?,
            CustomFieldCondition::Contains(value) => {
                text("customFields.contains", value, Lines::Multi)?
            }
            _ => {}
        }
    }
    for nested in f.and.iter().chain(&f.or).chain(f.not.as_deref()) {
        check_content(nested)?;
    }
    Ok(())
}

fn ends<T>(r: &super::filter::Range<T>) -> usize {
    usize::from(r.min.is_some()) + usize::from(r.max.is_some())
}

/// At least as many SQL parameters as `filter_sql::condition` binds for `f` on either backend
/// (a unit test holds the two together).
pub fn bound_values(f: &PartnerFilter) -> usize {
    let nonempty = |len: usize, extra: usize| if len == 0 { 0 } else { len + extra };
    let mut n = 0;
    if f.search.is_some() {
        n += 2; // SQLite: the FTS phrase and the LIKE pattern.
    }
    n += f.contract_statuses.len() + 2 * f.contract_stages.len();
    n += f.group_ids.len() + usize::from(f.in_no_group);
    n += nonempty(f.contract_template_ids.len(), 2);
    n += 4 * f.terms_updates.len();
    n += f.relationship_types.len() + f.countries.len() + f.state_provinces.len();
    n += nonempty(f.audience_countries.len(), 1) + nonempty(f.promotional_areas.len(), 1);
    n += f.sizes.len() + f.relationship_stages.len() + f.prospecting_sources.len();
    n += nonempty(f.business_models.len(), 1) + f.assigned_user_ids.len();
    for cf in &f.custom_fields {
        n += match &cf.condition {
            CustomFieldCondition::AnyOf(options) => 2 + options.len(),
            CustomFieldCondition::AllOf(options) => 3 * options.len(),
            CustomFieldCondition::Contains(_) => 3,
            CustomFieldCondition::Number(r) => 2 + ends(r),
            CustomFieldCondition::Date(r) => 2 + ends(r),
            CustomFieldCondition::HasAnswer(_) => 2,
        };
    }
    n += ends(&f.date_joined) + ends(&f.marketplace_application_date);
    n += ends(&f.social_reach) + ends(&f.moz_domain_authority);
    n + f
        .and
        .iter()
        .chain(&f.or)
        .chain(f.not.as_deref())
        .map(bound_values)
        .sum::<usize>()
}

/// `VALIDATION` when a list, a text or the whole filter is over its bound.
pub fn check(f: &PartnerFilter) -> AppResult<()> {
    check_content(f)?;
    let n = bound_values(f);
    if n > MAX_FILTER_BOUND_VALUES {
        return Err(AppError::Validation(format!(
            "the filter is too large: it holds {n} values in all, at most {MAX_FILTER_BOUND_VALUES} are allowed"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{NaiveDate, Utc};
    use sea_orm::sea_query::{Expr, PostgresQueryBuilder, Query, SqliteQueryBuilder};
    use sea_orm::DbBackend;

    use super::*;
    use crate::domain::{
        BusinessModel, ContractStage, ContractStatus, PartnerSize, ProspectingSource,
        RelationshipStage, RelationshipType, TermsUpdate,
    };
    use crate::service::partners::filter::{CustomFieldFilter, Range};
    use crate::service::partners::filter_sql::{condition, FilterContext};

    /// A filter with every condition set, `n` values in each list.
    fn everything(n: usize) -> PartnerFilter {
        let ids: Vec<i64> = (1..=n as i64).collect();
        let codes: Vec<String> = (0..n).map(|_| "US".to_owned()).collect();
        let field = |field_id, condition| CustomFieldFilter {
            field_id,
            condition,
        };
        PartnerFilter {
            search: Some("coupon".into()),
            contract_statuses: ContractStatus::ALL.to_vec(),
            contract_stages: ContractStage::ALL.to_vec(),
            group_ids: ids.clone(),
            in_no_group: true,
            contract_template_ids: ids.clone(),
            terms_updates: TermsUpdate::ALL.to_vec(),
            relationship_types: RelationshipType::ALL.to_vec(),
            countries: codes.clone(),
            state_provinces: vec!["US-CA".into(); n],
            audience_countries: codes.clone(),
            promotional_areas: codes,
            sizes: PartnerSize::ALL.to_vec(),
            custom_fields: vec![
                field(1, CustomFieldCondition::AnyOf(ids.clone())),
                field(2, CustomFieldCondition::AllOf(ids.clone())),
                field(3, CustomFieldCondition::Contains("a_b".into())),
                field(
                    4,
                    CustomFieldCondition::Number(Range {
                        min: Some(1.0),
                        max: Some(2.0),
                    }),
                ),
                field(
                    5,
                    CustomFieldCondition::Date(Range {
                        min: NaiveDate::from_ymd_opt(2024, 1, 1),
                        max: None,
                    }),
                ),
                field(6, CustomFieldCondition::HasAnswer(false)),
            ],
            relationship_stages: RelationshipStage::ALL.to_vec(),
            business_models: BusinessModel::ALL.to_vec(),
            assigned_user_ids: ids,
            unassigned: true,
            prospecting_sources: ProspectingSource::ALL.to_vec(),
            date_joined: Range {
                min: Some(Utc::now()),
                max: Some(Utc::now()),
            },
            social_reach: Range {
                min: Some(1),
                max: Some(5),
            },
            moz_domain_authority: Range {
                min: None,
                max: Some(50),
            },
            ..PartnerFilter::all()
        }
    }

    fn parameters(f: &PartnerFilter, backend: DbBackend) -> usize {
        let cx = FilterContext {
            backend,
            now: Utc::now(),
            campaign_id: 1,
            campaign_groups: f.group_ids().into_iter().collect::<BTreeSet<_>>(),
            deleted_fields: BTreeSet::new(),
            search_in_sort_order: false,
        };
        let mut q = Query::select();
        q.expr(Expr::val(1))
            .from(entity::campaign_partner::Entity)
            .cond_where(condition(f, &cx));
        match backend {
            DbBackend::Postgres => q.build(PostgresQueryBuilder).1 .0.len(),
            _ => q.build(SqliteQueryBuilder).1 .0.len(),
        }
    }

    #[test]
    fn the_estimate_covers_every_parameter_the_sql_binds() {
        let mut nested = everything(3);
        nested.and = vec![everything(2), everything(1)];
        nested.or = vec![everything(4), PartnerFilter::all()];
        nested.not = Some(Box::new(everything(5)));
        for f in [everything(0), everything(1), everything(7), nested] {
            let estimate = bound_values(&f);
            for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
                let actual = parameters(&f, backend);
                assert!(actual <= estimate, "{backend:?}: {actual} > {estimate}");
                assert!(
                    estimate <= actual + actual / 4 + 8,
                    "{backend:?}: {estimate} ≫ {actual}"
                );
            }
        }
    }

    #[test]
    fn lists_texts_and_the_total_are_bounded() {
        let message = |f: &PartnerFilter| {
            check(f)
                .err()
                .map(|e| e.public_message())
                .unwrap_or_default()
        };
        let mut f = PartnerFilter::all();
        f.group_ids = (0..=MAX_FILTER_LIST_VALUES as i64).collect();
        assert!(
            message(&f).contains("`groupIds` has 1001 values"),
            "{}",
            message(&f)
        );
        f.group_ids.pop();
        assert_eq!(message(&f), "");
        f.search = Some("x".repeat(MAX_FILTER_TEXT_CHARS + 1));
        assert!(message(&f).contains("`search` is 201 characters long"));
        f.search = Some("nul\0".into());
        assert!(message(&f).contains("U+0000"));
        f.search = None;
        let mut inner = PartnerFilter::all();
        inner.custom_fields = vec![CustomFieldFilter {
            field_id: 1,
            condition: CustomFieldCondition::Contains("two\nlines".into()),
        }];
        f.not = Some(Box::new(inner.clone()));
        assert_eq!(message(&f), "");
        inner.custom_fields[0].condition = CustomFieldCondition::Contains("bell\u{7}".into());
        f.not = Some(Box::new(inner));
        assert!(message(&f).contains("customFields.contains"));
        f.not = None;
        let mut wide = PartnerFilter::all();
        wide.or = (0..6).map(|_| f.clone()).collect();
        assert!(
            message(&wide).contains("at most 5000"),
            "{}",
            message(&wide)
        );
    }
}
