//! The Relay connection of partners: edges, nodes, page info, and — only when selected — the
//! total count and the facet counts of the filter bar.

use async_graphql::{Context, Object, SimpleObject};

use super::facets::PartnerFacets;
use super::page_info::PageInfo;
use super::partner::Partner;
use crate::graphql::context::{auth, db, facet_indexes, now};
use crate::graphql::inputs::partner_filter::{PartnerFilterInput, PartnerOrder};
use crate::graphql::prefetch;
use crate::service::paging::{Page, PageRequest};
use crate::service::partners::filter::PartnerFilter;
use crate::service::partners::sort::SortKey;
use crate::service::partners::{self, ListQuery, PartnerRecord};

/// A page of a campaign's partners.
pub struct PartnerConnection {
    /// The page read.
    pub page: Page<PartnerRecord>,
    /// The list it is a page of (for cursors, `totalCount` and `facets`).
    pub query: ListQuery,
    /// The total, when it was counted alongside the page (because `totalCount` was selected).
    pub total: Option<i64>,
}

/// A partner and its cursor.
#[derive(SimpleObject)]
pub struct PartnerEdge {
    /// Opaque cursor of this partner in the list (for `after` / `before`).
    pub cursor: String,
    /// The partner.
    pub node: Partner,
}

/// The arguments every partner list takes.
#[derive(Default)]
pub struct ListArgs {
    /// Which partners.
    pub filter: Option<PartnerFilterInput>,
    /// In which order.
    pub order_by: Option<Vec<PartnerOrder>>,
    /// Forward page size.
    pub first: Option<i32>,
    /// Forward cursor.
    pub after: Option<String>,
    /// Backward page size.
    pub last: Option<i32>,
    /// Backward cursor.
    pub before: Option<String>,
}

/// A page of partners and everything computed about the list.
#[Object]
impl PartnerConnection {
    /// The partners of the page, with cursors.
    async fn edges(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PartnerEdge>> {
        prefetch::partners(ctx, &ctx.look_ahead().field("node"), &self.page.items).await?;
        Ok(self
            .page
            .items
            .iter()
            .map(|r| PartnerEdge {
                cursor: self.query.order.cursor_of(r),
                node: Partner(r.clone()),
            })
            .collect())
    }

    /// The partners of the page (without cursors).
    async fn nodes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Partner>> {
        prefetch::partners(ctx, &ctx.look_ahead(), &self.page.items).await?;
        Ok(self.page.items.iter().cloned().map(Partner).collect())
    }

    /// Where the page sits in the list.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.page.has_next_page,
            has_previous_page: self.page.has_previous_page,
            start_cursor: self
                .page
                .items
                .first()
                .map(|r| self.query.order.cursor_of(r)),
            end_cursor: self
                .page
                .items
                .last()
                .map(|r| self.query.order.cursor_of(r)),
        }
    }

    /// The number of partners matching the filter (computed only when selected).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        match self.total {
            Some(total) => Ok(total),
            None => Ok(facet_indexes(ctx)?
                .count(db(ctx)?, auth(ctx)?, &self.query)
                .await?),
        }
    }

    /// Counts per value for the filter bar, each under the current filter without its own
    /// condition (computed only for the facets selected).
    async fn facets(&self, ctx: &Context<'_>) -> PartnerFacets {
        PartnerFacets::new(ctx, self.query.clone())
    }
}

impl PartnerConnection {
    /// Reads one page of a campaign's partners for the caller.
    pub async fn load(
        ctx: &Context<'_>,
        campaign_id: i64,
        args: ListArgs,
    ) -> async_graphql::Result<Self> {
        Self::load_within(ctx, campaign_id, args, PartnerFilter::all()).await
    }

    /// Reads one page of those partners of a campaign that `within` matches (a group's members).
    pub async fn load_within(
        ctx: &Context<'_>,
        campaign_id: i64,
        args: ListArgs,
        within: PartnerFilter,
    ) -> async_graphql::Result<Self> {
        let request = PageRequest::from_relay(
            args.first,
            args.after.as_deref(),
            args.last,
            args.before.as_deref(),
        )?;
        let mut filter = match args.filter {
            Some(input) => input.into_service()?,
            None => PartnerFilter::all(),
        };
        // Nested, so facets (which drop their own dimension at the top level only) stay within.
        if within != PartnerFilter::all() {
            filter.and.push(within);
        }
        let order: Vec<SortKey> = args
            .order_by
            .unwrap_or_default()
            .into_iter()
            .map(SortKey::from)
            .collect();
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        let query = partners::prepare(db, auth, campaign_id, filter, &order, now(ctx)?).await?;
        let with_total = ctx.look_ahead().field("totalCount").exists();
        let (page, total) =
            partners::list(db, auth, facet_indexes(ctx)?, &query, &request, with_total).await?;
        Ok(PartnerConnection { page, query, total })
    }
}
