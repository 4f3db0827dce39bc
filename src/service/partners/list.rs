//! A list request: one page of a list query and, when asked for, its total; through the facet
//! index when it knows the query's rows, else in SQL alone.

use sea_orm::DatabaseConnection;

use super::facet_index::FacetIndexes;
use super::filter::PartnerFilter;
use super::{count, list_page, ListQuery, PartnerRecord};
use crate::auth::AuthContext;
use crate::error::AppResult;
use crate::service::paging::{Page, PageRequest};

/// Whether a page read from `handed` rows (the page's own and the probe row) came back with
/// fewer than it was handed.
fn short(page: &Page<PartnerRecord>, request: &PageRequest, handed: usize) -> bool {
    let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
    let more = if request.backward {
        page.has_previous_page
    } else {
        page.has_next_page
    };
    page.items.len() < handed.min(limit) || (handed > limit && !more)
}

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
            let rows = selection.rows.as_deref();
            let mut page = list_page(db, auth, query, request, rows).await?;
            if selection.picked && rows.is_some_and(|rows| short(&page, request, rows.len())) {
                // A picked row is gone (its partner left the campaign since the index was
                // read): the page would stop short of the rows after it. Read it by the filter.
                page = list_page(db, auth, query, request, None).await?;
            }
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
