//! The facets one request selects, each counted the cheapest way available: all of them from
//! the facet index when it can answer the filter; else those that can share one statement
//! together (`shared_facets`), and the rest one statement each (`facets`). Each way runs once
//! per request, when the first facet asks.

use std::collections::HashMap;

use sea_orm::DatabaseConnection;
use tokio::sync::OnceCell;

use super::facet_index::FacetIndexes;
use super::facets::{self, FacetBucket};
use super::filter::FacetDimension;
use super::{shared_facets, ListQuery};
use crate::auth::AuthContext;
use crate::error::AppResult;

type Counts = HashMap<FacetDimension, Vec<FacetBucket>>;

/// The selected facets of one list query.
pub struct FacetCounts {
    query: ListQuery,
    /// The selected facets.
    selected: Vec<FacetDimension>,
    /// All selected facets, once the first is asked for, when the facet index can count them.
    indexed: OnceCell<Option<Counts>>,
    /// Otherwise: the selected facets counted in one statement, and their counts once the
    /// first of them is asked for.
    together: Vec<FacetDimension>,
    shared: OnceCell<Counts>,
}

impl FacetCounts {
    /// The facets `selected` of `query`; nothing is counted yet.
    pub fn new(query: ListQuery, selected: Vec<FacetDimension>) -> Self {
        FacetCounts {
            together: shared_facets::counted_together(&query, &selected),
            selected,
            query,
            indexed: OnceCell::new(),
            shared: OnceCell::new(),
        }
    }

    /// The buckets of `dimension` (one of the selected facets).
    pub async fn facet(
        &self,
        db: &DatabaseConnection,
        auth: &AuthContext,
        indexes: &FacetIndexes,
        dimension: FacetDimension,
    ) -> AppResult<Vec<FacetBucket>> {
        let indexed = self
            .indexed
            .get_or_try_init(|| indexes.facets(db, auth, &self.query, &self.selected))
            .await?;
        if let Some(counts) = indexed {
            return Ok(counts.get(&dimension).cloned().unwrap_or_default());
        }
        if self.together.contains(&dimension) {
            let shared = self
                .shared
                .get_or_try_init(|| {
                    shared_facets::count_together(db, auth, &self.query, &self.together)
                })
                .await?;
            return Ok(shared.get(&dimension).cloned().unwrap_or_default());
        }
        facets::facet(db, auth, &self.query, dimension).await
    }
}
