//! Facet counts of the partner list: one field per filter-bar dimension, each computed only
//! when selected.

use async_graphql::{Context, Object, SimpleObject};

use crate::graphql::context::{auth, db, facet_indexes};
use crate::service::partners::facet_counts::FacetCounts;
use crate::service::partners::facets::FacetBucket as Bucket;
use crate::service::partners::filter::FacetDimension;
use crate::service::partners::ListQuery;

/// The fields of `PartnerFacets` with their dimensions.
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

/// One value of a facet and how many partners have it.
#[derive(SimpleObject, Clone, Debug)]
pub struct FacetBucket {
    /// The value to filter by: an enum name, a country code, or a numeric id (groups, contract
    /// templates, users); null for "none" (no group, unassigned, no country...).
    pub value: Option<String>,
    /// What to show: a group, template or user name; otherwise the value itself.
    pub label: String,
    /// Partners with this value under the other filters.
    pub count: i64,
}

/// The facets of a partner list.
pub struct PartnerFacets(FacetCounts);

impl PartnerFacets {
    /// The facets of `query`, for the selection `ctx` resolves (`facets { ... }`).
    pub fn new(ctx: &Context<'_>, query: ListQuery) -> Self {
        let look = ctx.look_ahead();
        let selected: Vec<FacetDimension> = FIELDS
            .iter()
            .filter(|(field, _)| look.field(field).exists())
            .map(|(_, dimension)| *dimension)
            .collect();
        PartnerFacets(FacetCounts::new(query, selected))
    }

    async fn count(
        &self,
        ctx: &Context<'_>,
        dimension: FacetDimension,
    ) -> async_graphql::Result<Vec<FacetBucket>> {
        let (db, auth, indexes) = (db(ctx)?, auth(ctx)?, facet_indexes(ctx)?);
        let buckets = self.0.facet(db, auth, indexes, dimension).await?;
        Ok(buckets
            .into_iter()
            .map(
                |Bucket {
                     value,
                     label,
                     count,
                 }| FacetBucket {
                    value,
                    label,
                    count,
                },
            )
            .collect())
    }
}

/// Counts per value for the filter bar.
#[Object]
impl PartnerFacets {
    /// Partners per country.
    async fn countries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::Country).await
    }

    /// Partners per group (a partner counts once in each of its groups; null: in no group).
    async fn groups(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::Group).await
    }

    /// Partners per partnership state (null: no contract yet).
    async fn contract_statuses(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::ContractStatus).await
    }

    /// Partners per contract template they are currently signed to.
    async fn contract_templates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::ContractTemplate).await
    }

    /// Partners per relationship type.
    async fn relationship_types(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::RelationshipType).await
    }

    /// Partners per size.
    async fn sizes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::Size).await
    }

    /// Partners per relationship stage.
    async fn relationship_stages(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::RelationshipStage).await
    }

    /// Partners per business model (a partner counts once for each of its models).
    async fn business_models(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::BusinessModel).await
    }

    /// Partners per assigned account user (null: unassigned).
    async fn assigned_to(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::AssignedTo).await
    }

    /// Partners per prospecting source (null: none recorded).
    async fn prospecting_sources(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<FacetBucket>> {
        self.count(ctx, FacetDimension::ProspectingSource).await
    }
}
