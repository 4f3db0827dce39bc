//! A list request: one page of a list query and, when asked for, its total; through the facet
//! index when it knows the query's rows, else in SQL alone.

use sea_orm::DatabaseConnection;

use super::facet_index::FacetIndexes;
use super::filter::PartnerFilter;
use super::{count, list_page, ListQuery, PartnerRecord};
use crate::auth::AuthContext;
use crate::error::AppResult;
use crate::service::paging::{Page, PageRequest};

/// One page of `query` and, with `with_total`, the number of partners it matches.
pub async fn list(
    db: &DatabaseConnection,
    auth: &AuthContext,
    indexes: &FacetIndexes,
    query: &ListQuery,
    request: &PageRequest,
    with_total: bool,
) -> AppResult<(Page<PartnerRecord>, Option<i64>)> {
    // An unfiltered page without a total has nothing to gain from the index.
    let selection = if with_total || query.filter != PartnerFilter::all() {
        indexes
            .select(db, auth, query, indexes.page_rows(), Some(request))
            .await?
    } else {
        None
    };
    match selection {
        Some(selection) => {
            let page = list_page(db, auth, query, request, selection.rows.as_deref()).await?;
            Ok((page, with_total.then_some(selection.count)))
        }
        // The total is counted on a second connection while the page is read.
        None if with_total => {
            let (page, total) = tokio::try_join!(
                list_page(db, auth, query, request, None),
                count(db, auth, query)
            )?;
            Ok((page, Some(total)))
        }
        None => Ok((list_page(db, auth, query, request, None).await?, None)),
    }
}
