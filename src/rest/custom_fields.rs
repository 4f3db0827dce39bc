//! `GET /Advertisers/{AccountSID}/Campaigns/{CampaignId}/CustomFields`: the campaign's custom
//! fields, read only, in the product's Custom Fields API shape (`Page`, `PageSize`,
//! `TotalCount`, `CustomFields`).

use axum::extract::State;
use axum::http::Uri;
use axum::Json;

use super::caller::Caller;
use super::envelope::RestError;
use super::paging::{PageRequest, DEFAULT_GROUPS_PAGE_SIZE};
use super::resources::{CustomField, CustomFieldList};
use crate::http::AppState;
use crate::service::{campaigns, catalog};

/// The campaign's live fields in display order (deleted ones never), a page of them with their
/// descriptions and their options' labels in order (another account's campaign is 404 like an
/// unknown one).
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<CustomFieldList>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let request = PageRequest::from_uri(&uri, DEFAULT_GROUPS_PAGE_SIZE)?;
    campaigns::get(&state.db, &caller.auth, campaign_id).await?;
    let fields = catalog::custom_fields(&state.db, &caller.auth, campaign_id).await?;
    let total = fields.len();
    let offset = usize::try_from(request.offset()).unwrap_or(usize::MAX);
    let size = usize::try_from(request.size).unwrap_or(usize::MAX);
    let page: Vec<_> = fields.into_iter().skip(offset).take(size).collect();
    let ids: Vec<i64> = page.iter().map(|f| f.id).collect();
    let options = catalog::custom_field_options(&state.db, &caller.auth, &ids).await?;
    Ok(Json(CustomFieldList {
        page: request.page.to_string(),
        page_size: request.size.to_string(),
        total_count: total.to_string(),
        custom_fields: page
            .into_iter()
            .map(|f| CustomField {
                id: f.id.to_string(),
                enumerations: options
                    .iter()
                    .filter(|o| o.field_id == f.id)
                    .map(|o| o.label.clone())
                    .collect(),
                name: f.name,
                description: f.description.unwrap_or_default(),
                display_type: f.display_type,
            })
            .collect(),
    }))
}
