//! `Caller`: HTTP Basic authentication, the credential's rate limit, then the check that the path's `AccountSID` is the
//! caller's own (403 otherwise, before anything else reads the database), then the path's ids.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::envelope::RestError;
use super::params::{path_id, strip_json};
use super::rate::RateSlot;
use crate::auth::{self, AuthContext};
use crate::http::AppState;
use crate::observability::{record_rate_limited, Api};

/// An authenticated caller addressing its own account, with the path's parameters.
#[derive(Debug)]
pub struct Caller {
    /// Who is calling (its `account_sid` is the path's `AccountSID`).
    pub auth: AuthContext,
    params: HashMap<String, String>,
}

impl Caller {
    /// The Account SID of the path (the caller's own).
    pub fn sid(&self) -> &str {
        &self.auth.account_sid
    }

    /// A numeric id path parameter; 400 naming the parameter when it is not one.
    pub fn id(&self, name: &str) -> Result<i64, RestError> {
        path_id(name, self.param(name)?)
    }

    /// The numeric id of the last path segment, which may carry the `.json` suffix.
    pub fn last_id(&self, name: &str) -> Result<i64, RestError> {
        path_id(name, strip_json(self.param(name)?))
    }

    fn param(&self, name: &str) -> Result<&str, RestError> {
        self.params
            .get(name)
            .map(String::as_str)
            .ok_or_else(RestError::unknown_path)
    }
}

/// An authenticated caller within its rate limit, whatever the path: what the answers to
/// unknown paths and methods need, so that they too are 401 without credentials and carry the
/// rate-limit headers with them.
pub struct Known(pub AuthContext);

impl FromRequestParts<AppState> for Known {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, RestError> {
        let header = auth::authorization(&parts.headers);
        let auth = auth::authenticate(&state.db, &state.auth_cache, header).await?;
        if let Some(bucket) = &state.rate_limits.rest {
            let slot = parts
                .extensions
                .get::<RateSlot>()
                .cloned()
                .unwrap_or_default();
            match bucket.take_or_standing(auth.credential_id, 1) {
                Ok(allowance) => slot.set(allowance),
                Err((err, standing)) => {
                    slot.set(standing);
                    record_rate_limited(Api::Rest);
                    return Err(err.into());
                }
            }
        }
        Ok(Known(auth))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = RestError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, RestError> {
        let Known(auth) = Known::from_request_parts(parts, state).await?;
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| RestError::unknown_path())?;
        // Another account's SID answers the same whether or not that account exists.
        if params.get("AccountSID").map(String::as_str) != Some(auth.account_sid.as_str()) {
            return Err(RestError::new(
                StatusCode::FORBIDDEN,
                "the AccountSID of the path is not the account of these credentials",
            ));
        }
        Ok(Caller { auth, params })
    }
}
