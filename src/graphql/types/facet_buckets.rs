//! The bucket types of the facets: one per dimension, its `value` in exactly the type the
//! matching `PartnerFilter` field takes.

use async_graphql::{SimpleObject, ID};

use crate::domain::{
    BusinessModel, ContractStatus, PartnerSize, ProspectingSource, RelationshipStage,
    RelationshipType,
};
use crate::error::AppResult;
use crate::service::partners::facets::FacetBucket as Bucket;

/// Declares the bucket type of a facet whose values have the type `$value`.
macro_rules! facet_bucket {
    ($name:ident, $value:ty, $doc:literal, $value_doc:literal) => {
        #[doc = $doc]
        #[derive(SimpleObject, Clone, Debug)]
        pub struct $name {
            #[doc = $value_doc]
            pub value: $value,
            /// What to show: the name of the group, template or user; otherwise the value itself.
            pub label: String,
            /// Partners with this value under the other filters.
            pub count: i64,
        }

        impl From<(String, $value, i64)> for $name {
            fn from((label, value, count): (String, $value, i64)) -> Self {
                $name {
                    value,
                    label,
                    count,
                }
            }
        }
    };
}

facet_bucket!(
    CountryFacetBucket,
    String,
    "A country and how many partners are located in it.",
    "The country (ISO 3166-1 alpha-2), as `PartnerFilter.countries` takes it."
);
facet_bucket!(
    IdFacetBucket,
    ID,
    "A group, contract template or account user and how many partners it has.",
    "Its numeric id, as `PartnerFilter.groupIds`, `contractTemplateIds` or `assignedUserIds` takes it."
);
facet_bucket!(
    ContractStatusFacetBucket,
    ContractStatus,
    "A partnership state and how many partners are in it.",
    "The state, as `PartnerFilter.contractStatuses` takes it."
);
facet_bucket!(
    RelationshipTypeFacetBucket,
    RelationshipType,
    "A relationship type and how many partners have it.",
    "The type, as `PartnerFilter.relationshipTypes` takes it."
);
facet_bucket!(
    PartnerSizeFacetBucket,
    PartnerSize,
    "A partner size and how many partners have it.",
    "The size, as `PartnerFilter.sizes` takes it."
);
facet_bucket!(
    RelationshipStageFacetBucket,
    RelationshipStage,
    "A relationship stage and how many partners are in it.",
    "The stage, as `PartnerFilter.relationshipStages` takes it."
);
facet_bucket!(
    BusinessModelFacetBucket,
    BusinessModel,
    "A business model and how many partners run it.",
    "The model, as `PartnerFilter.businessModels` takes it."
);
facet_bucket!(
    ProspectingSourceFacetBucket,
    ProspectingSource,
    "A prospecting source and how many partners were found through it.",
    "The source, as `PartnerFilter.prospectingSources` takes it."
);

/// The buckets of a facet that have a value, each read by `value`.
pub(super) fn typed<T, B: From<(String, T, i64)>>(
    buckets: Vec<Bucket>,
    value: impl Fn(String) -> AppResult<T>,
) -> AppResult<Vec<B>> {
    buckets
        .into_iter()
        .filter_map(|bucket| {
            let Bucket {
                value: v,
                label,
                count,
            } = bucket;
            v.map(|v| Ok(B::from((label, value(v)?, count))))
        })
        .collect()
}
