//! The account-level resources a data integration reads first: `CompanyInformation` (its
//! access check) and `Campaigns`, which lead to every campaign's groups and notes.

use axum::extract::State;
use axum::http::Uri;
use axum::Json;

use super::caller::Caller;
use super::envelope::RestError;
use super::paging::{PageFields, PageRequest, MAX_PAGE_SIZE};
use super::resources::{campaigns_path, Campaign, CampaignList, CompanyInformation};
use crate::http::AppState;
use crate::service::{accounts, campaigns};

/// `GET /Advertisers/{AccountSID}/CompanyInformation`: the account's company, one record.
pub async fn company(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<CompanyInformation>, RestError> {
    let account = accounts::current_account(&state.db, &caller.auth).await?;
    Ok(Json(CompanyInformation::new(&account)))
}

/// `GET /Advertisers/{AccountSID}/Campaigns`: a page of the account's campaigns by id
/// (`PageSize` up to 20,000, the default).
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<CampaignList>, RestError> {
    let request = PageRequest::from_uri(&uri, MAX_PAGE_SIZE)?;
    let (rows, total) =
        campaigns::page(&state.db, &caller.auth, request.offset(), request.size).await?;
    let sid = caller.sid();
    Ok(Json(CampaignList {
        page: PageFields::new(&campaigns_path(sid), request, total, rows.len()),
        campaigns: rows.iter().map(|c| Campaign::new(sid, c)).collect(),
    }))
}

/// `GET /Advertisers/{AccountSID}/Campaigns/{CampaignId}`: one campaign (another account's is
/// 404 like an unknown one).
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Campaign>, RestError> {
    let campaign_id = caller.last_id("CampaignId")?;
    let campaign = campaigns::get(&state.db, &caller.auth, campaign_id).await?;
    Ok(Json(Campaign::new(caller.sid(), &campaign)))
}
