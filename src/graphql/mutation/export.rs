//! `exportPartners`: Export Partner List, as a download URL.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::domain::ExportFormat;
use crate::graphql::context::{auth, db, now};
use crate::graphql::ids;
use crate::graphql::inputs::partner_filter::{PartnerFilterInput, PartnerOrder};
use crate::graphql::types::scalars::DateTime;
use crate::graphql::types::user_error::UserError;
use crate::service::export::{self, ExportRequest};
use crate::service::partners::filter::PartnerFilter;

/// What to export: the list's filter and order, the columns, the format.
#[derive(InputObject)]
pub struct ExportPartnersInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners, as `partners(filter:)` takes it (all when omitted).
    pub filter: Option<PartnerFilterInput>,
    /// In which order, as `partners(orderBy:)` takes it (partner id ascending when omitted).
    pub order_by: Option<Vec<PartnerOrder>>,
    /// Column keys of `partnerColumns` (custom field columns included), in the file's order;
    /// the header names them as the screen does.
    pub columns: Vec<String>,
    /// `CSV` (UTF-8) or `XLSX` (an Excel workbook).
    pub format: ExportFormat,
    /// CSV only: start the file with a UTF-8 byte order mark, which Excel needs to read
    /// non-ASCII text correctly. Default false.
    #[graphql(default)]
    pub bom: bool,
}

/// An export's download URL.
#[derive(SimpleObject, Default)]
pub struct ExportPartnersPayload {
    /// The URL's path (`/exports/<token>`): fetched without credentials (a browser may follow
    /// it), it streams the file until `expiresAt`; null when the export was refused.
    pub url: Option<String>,
    /// When the URL stops working (15 minutes after it was issued).
    pub expires_at: Option<DateTime>,
    /// Why no URL was issued (an unknown campaign, a filter the list refuses, unknown or
    /// repeated columns); empty on success.
    pub user_errors: Vec<UserError>,
}

/// Export Partner List.
#[derive(Default)]
pub struct ExportMutation;

/// Export Partner List.
#[Object]
impl ExportMutation {
    /// Exports the partners a list shows for a filter and order, with the chosen columns, as
    /// CSV or XLSX: answers a short-lived download URL that streams exactly those rows, read
    /// when the URL is fetched. Values starting with `=`, `+`, `-` or `@` are neutralised in
    /// CSV (prefixed with `'`); several values in one cell are joined with `; `. Any user who
    /// may read the list may export it.
    async fn export_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, filter, order, columns and format.")]
        input: ExportPartnersInput,
    ) -> async_graphql::Result<ExportPartnersPayload> {
        let refused = |user_errors| ExportPartnersPayload {
            user_errors,
            ..Default::default()
        };
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["campaignId"], &err))),
        };
        let (filter_input, filter) = match input.filter {
            None => (serde_json::json!({}), PartnerFilter::all()),
            Some(given) => {
                let json = given.to_json();
                match given.into_service() {
                    Ok(filter) => (json, filter),
                    Err(err) => return Ok(refused(UserError::unreadable(&["filter"], &err))),
                }
            }
        };
        let request = ExportRequest {
            campaign_id,
            filter_input,
            filter,
            order: input
                .order_by
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            columns: input.columns,
            format: input.format,
            bom: input.bom,
        };
        Ok(
            match export::issue(db(ctx)?, auth(ctx)?, request, now(ctx)?).await? {
                Ok(issued) => ExportPartnersPayload {
                    url: Some(issued.url),
                    expires_at: Some(DateTime(issued.expires_at)),
                    user_errors: Vec::new(),
                },
                Err(errors) => refused(errors.into_iter().map(UserError::from).collect()),
            },
        )
    }
}
