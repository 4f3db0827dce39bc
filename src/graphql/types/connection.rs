//! The Relay connection of partners: edges, nodes, page info, and a count run only when asked.

use async_graphql::{Context, Object, SimpleObject};

use super::page_info::PageInfo;
use super::partner::Partner;
use crate::graphql::context::{auth, db};
use crate::graphql::prefetch;
use crate::service::campaigns;
use crate::service::paging::{encode_cursor, Page, PageRequest};
use crate::service::partners::{self, PartnerRecord};

/// A page of a campaign's partners.
pub struct PartnerConnection {
    /// The page read.
    pub page: Page<PartnerRecord>,
    /// The campaign listed (for `totalCount`).
    pub campaign_id: i64,
}

/// A partner and its cursor.
#[derive(SimpleObject)]
pub struct PartnerEdge {
    /// Opaque cursor of this partner in the list (for `after` / `before`).
    pub cursor: String,
    /// The partner.
    pub node: Partner,
}

fn cursor_of(record: &PartnerRecord) -> String {
    encode_cursor(record.relationship.partner_id)
}

/// A page of a campaign's partners.
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
                cursor: cursor_of(r),
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
            start_cursor: self.page.items.first().map(cursor_of),
            end_cursor: self.page.items.last().map(cursor_of),
        }
    }

    /// The number of partners in the whole list (computed only when selected).
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok(partners::count(db(ctx)?, auth(ctx)?, self.campaign_id).await?)
    }
}

impl PartnerConnection {
    /// Reads one page of a campaign's partners for the caller (checking the campaign is theirs).
    pub async fn load(
        ctx: &Context<'_>,
        campaign_id: i64,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> async_graphql::Result<Self> {
        let request = PageRequest::from_relay(first, after.as_deref(), last, before.as_deref())?;
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        campaigns::get(db, auth, campaign_id).await?;
        let page = partners::list_page(db, auth, campaign_id, &request).await?;
        Ok(PartnerConnection { page, campaign_id })
    }
}
