//! Facet counts of the partner list: one field per filter-bar dimension, each computed only
//! when selected. A bucket's `value` has exactly the type its `PartnerFilter` field takes (an
//! enum, an `ID`, a country code), so a client passes it back without a cast; the partners with
//! no value in a dimension ("no group", "unassigned"…) are counted apart, under `none`.

use std::sync::Arc;

use async_graphql::{Context, Object, ID};

use crate::domain::{
    BusinessModel, ContractStatus, PartnerSize, ProspectingSource, RelationshipStage,
    RelationshipType,
};
use crate::error::AppResult;
use crate::graphql::context::{auth, db, facet_indexes};
use crate::service::partners::facet_counts::FacetCounts;
use crate::service::partners::facets::FacetBucket as Bucket;

use super::facet_buckets::{
    typed, BusinessModelFacetBucket, ContractStatusFacetBucket, CountryFacetBucket, IdFacetBucket,
    PartnerSizeFacetBucket, ProspectingSourceFacetBucket, RelationshipStageFacetBucket,
    RelationshipTypeFacetBucket,
};
use crate::service::partners::filter::FacetDimension;
use crate::service::partners::ListQuery;

/// The fields of `PartnerFacets` (and of `FacetNoneCounts`) with their dimensions.
const FIELDS: [(&str, FacetDimension); 10] = [
    ("countries", FacetDimension::Country),
    ("groups", FacetDimension::Group),
    ("contractStatuses", FacetDimension::ContractStatus),
    ("contractTemplates", FacetDimension::ContractTemplate),
    ("relationshipTypes", FacetDimension::RelationshipType),
    ("sizes", FacetDimension::Size),
    ("relationshipStages", FacetDimension::RelationshipStage),
    ("businessModels", FacetDimension::BusinessModel),
    ("assignedTo", FacetDimension::AssignedTo),
    ("prospectingSources", FacetDimension::ProspectingSource),
];

/// The facets of a partner list.
pub struct PartnerFacets(Arc<FacetCounts>);

impl PartnerFacets {
    /// The facets of `query`, for the selection `ctx` resolves (`facets { ... }`, its `none`
    /// counts included).
    pub fn new(ctx: &Context<'_>, query: ListQuery) -> Self {
        let look = ctx.look_ahead();
        let none = look.field("none");
        let selected: Vec<FacetDimension> = FIELDS
            .iter()
            .filter(|(field, _)| look.field(field).exists() || none.field(field).exists())
            .map(|(_, dimension)| *dimension)
            .collect();
        PartnerFacets(Arc::new(FacetCounts::new(query, selected)))
    }
}

/// The buckets of one dimension, as the service counted them (a "none" bucket included).
async fn buckets(
    counts: &FacetCounts,
    ctx: &Context<'_>,
    dimension: FacetDimension,
) -> async_graphql::Result<Vec<Bucket>> {
    let (db, auth, indexes) = (db(ctx)?, auth(ctx)?, facet_indexes(ctx)?);
    Ok(counts.facet(db, auth, indexes, dimension).await?)
}

/// The buckets of one dimension with a value, typed by `value`.
async fn count<T, B: From<(String, T, i64)>>(
    counts: &FacetCounts,
    ctx: &Context<'_>,
    dimension: FacetDimension,
    value: impl Fn(String) -> AppResult<T>,
) -> async_graphql::Result<Vec<B>> {
    Ok(typed(buckets(counts, ctx, dimension).await?, value)?)
}

/// An id value as the id filters take it.
fn id(value: String) -> AppResult<ID> {
    Ok(ID(value))
}

/// Counts per value for the filter bar.
#[Object]
impl PartnerFacets {
    /// Partners per country (ISO 3166-1 alpha-2, as `countries` takes it).
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CountryFacetBucket>> {
        count(&self.0, ctx, FacetDimension::Country, Ok).await
    }

    /// Partners per group (a partner counts once in each of its groups; the value is what
    /// `groupIds` takes).
    async fn groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<IdFacetBucket>> {
        count(&self.0, ctx, FacetDimension::Group, id).await
    }

    /// Partners per partnership state.
    async fn contract_statuses(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ContractStatusFacetBucket>> {
        count(&self.0, ctx, FacetDimension::ContractStatus, |v| {
            ContractStatus::from_stored(&v)
        })
        .await
    }

    /// Partners per contract template they are currently signed to (the value is what
    /// `contractTemplateIds` takes).
    async fn contract_templates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<IdFacetBucket>> {
        count(&self.0, ctx, FacetDimension::ContractTemplate, id).await
    }

    /// Partners per relationship type.
    async fn relationship_types(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RelationshipTypeFacetBucket>> {
        count(&self.0, ctx, FacetDimension::RelationshipType, |v| {
            RelationshipType::from_stored(&v)
        })
        .await
    }

    /// Partners per size.
    async fn sizes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PartnerSizeFacetBucket>> {
        count(&self.0, ctx, FacetDimension::Size, |v| {
            PartnerSize::from_stored(&v)
        })
        .await
    }

    /// Partners per relationship stage.
    async fn relationship_stages(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RelationshipStageFacetBucket>> {
        count(&self.0, ctx, FacetDimension::RelationshipStage, |v| {
            RelationshipStage::from_stored(&v)
        })
        .await
    }

    /// Partners per business model (a partner counts once for each of its models).
    async fn business_models(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<BusinessModelFacetBucket>> {
        count(&self.0, ctx, FacetDimension::BusinessModel, |v| {
            BusinessModel::from_stored(&v)
        })
        .await
    }

    /// Partners per assigned account user (the value is what `assignedUserIds` takes).
    async fn assigned_to(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<IdFacetBucket>> {
        count(&self.0, ctx, FacetDimension::AssignedTo, id).await
    }

    /// Partners per prospecting source.
    async fn prospecting_sources(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ProspectingSourceFacetBucket>> {
        count(&self.0, ctx, FacetDimension::ProspectingSource, |v| {
            ProspectingSource::from_stored(&v)
        })
        .await
    }

    /// Partners with no value in a dimension (no group, unassigned, no country…), under the
    /// other filters: the "none" entries of the filter bar.
    async fn none(&self) -> FacetNoneCounts {
        FacetNoneCounts(Arc::clone(&self.0))
    }
}

/// Partners with no value in a dimension, each counted like that dimension's facet.
pub struct FacetNoneCounts(Arc<FacetCounts>);

impl FacetNoneCounts {
    async fn count(
        &self,
        ctx: &Context<'_>,
        dimension: FacetDimension,
    ) -> async_graphql::Result<i64> {
        let buckets = buckets(&self.0, ctx, dimension).await?;
        Ok(buckets
            .iter()
            .filter(|b| b.value.is_none())
            .map(|b| b.count)
            .sum())
    }
}

/// Partners with no value in a dimension, under the other filters (0 when there are none).
#[Object]
impl FacetNoneCounts {
    /// Partners with no country recorded.
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        self.count(ctx, FacetDimension::Country).await
    }

    /// Partners in no group (the filter `inNoGroup: true`).
    async fn groups(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        self.count(ctx, FacetDimension::Group).await
    }

    /// Partners without a contract yet (no partnership state).
    async fn contract_statuses(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        self.count(ctx, FacetDimension::ContractStatus).await
    }

    /// Partners with no size recorded.
    async fn sizes(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        self.count(ctx, FacetDimension::Size).await
    }

    /// Partners assigned to nobody (the filter `unassigned: true`).
    async fn assigned_to(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        self.count(ctx, FacetDimension::AssignedTo).await
    }

    /// Partners with no prospecting source recorded.
    async fn prospecting_sources(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        self.count(ctx, FacetDimension::ProspectingSource).await
    }
}
