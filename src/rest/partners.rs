//! `GET /Advertisers/{AccountSID}/MediaPartners/{PartnerId}`: the partner every `PartnerUri`
//! points at; 404 unless the account has a relationship with it.

use axum::extract::State;
use axum::Json;

use super::caller::Caller;
use super::envelope::RestError;
use super::wire::Partner;
use crate::error::AppError;
use crate::http::AppState;
use crate::service::partners;

/// One partner of the caller's account.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Partner>, RestError> {
    let partner_id = caller.last_id("PartnerId")?;
    let record = partners::find_in_account(&state.db, &caller.auth, partner_id)
        .await?
        .ok_or_else(|| AppError::not_found("partner", partner_id))?;
    Ok(Json(Partner::new(caller.sid(), record)))
}
