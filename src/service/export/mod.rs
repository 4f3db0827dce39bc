//! Export Partner List: the rows the list shows for a filter and order, with the chosen columns
//! as the screen names them, as CSV or an Excel workbook.
//!
//! `exportPartners` checks the request as the list would ([`issue`]) and stores it; the answer
//! is a download URL (`/exports/<token>`) that works for [`EXPORT_URL_TTL_MINUTES`] minutes, as
//! often as it is fetched (a browser may retry a download). The token is 32 random bytes and
//! only its SHA-256 is stored. Fetching it ([`open`], then [`prepare`] and [`stream::write`])
//! runs the export as the user who asked for it stands at that time (a revoked credential ends
//! its URLs) and streams it page by page: memory stays constant however many rows there are.

pub mod cells;
mod csv_out;
pub mod stream;
mod xlsx_out;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::auth::{self, hash_token, AuthContext};
use crate::domain::{ExportFormat, UserErrorCode};
use crate::error::{AppError, AppResult};
use crate::service::partners::filter::PartnerFilter;
use crate::service::partners::sort::{self, SortKey};
use crate::service::partners::{self, columns, ListQuery};
use crate::service::validation::{Checker, UserError};

use cells::Source;
use entity::partner_export as export;

/// How long a download URL works.
pub const EXPORT_URL_TTL_MINUTES: i64 = 15;

/// The path every download URL starts with.
pub const EXPORT_PATH: &str = "/exports";

/// The longest token a download may present (a real one is 43 characters).
const MAX_TOKEN_CHARS: usize = 64;

/// An export asked for.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    /// The campaign whose partners are exported.
    pub campaign_id: i64,
    /// Which partners, as the client's `PartnerFilter` input (stored as given).
    pub filter_input: Json,
    /// The same filter, read.
    pub filter: PartnerFilter,
    /// In which order.
    pub order: Vec<SortKey>,
    /// Column keys of the list's catalog, in the file's order.
    pub columns: Vec<String>,
    /// CSV or XLSX.
    pub format: ExportFormat,
    /// Start a CSV file with a byte order mark (what Excel needs to read it as UTF-8).
    pub bom: bool,
}

/// What is stored of an export: the request as given.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    /// The `PartnerFilter` input.
    pub filter: Json,
    /// The sort keys, as saved views store them.
    pub order_by: Json,
    /// Column keys.
    pub columns: Vec<String>,
    /// `CSV` or `XLSX`.
    pub format: String,
    /// CSV with a byte order mark.
    pub bom: bool,
}

/// An issued download URL.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The URL's path (`/exports/<token>`): the token appears only here.
    pub url: String,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
}

/// Checks an export as the list would check its filter and order, and issues its download
/// URL. Problems with the request (an unknown campaign, a filter the list refuses, unknown
/// columns) are user errors, and nothing is stored.
pub async fn issue(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    request: ExportRequest,
    now: DateTime<Utc>,
) -> AppResult<Result<Issued, Vec<UserError>>> {
    let mut check = Checker::default();
    // The sort's own mistakes (a key named twice) are the sort's, not the filter's.
    if let Err(err) = partners::sort::SortOrder::new(&request.order) {
        check.push("orderBy", UserErrorCode::Invalid, err.public_message());
        return Ok(Err(check.finish().err().unwrap_or_default()));
    }
    match partners::prepare(
        db,
        auth,
        request.campaign_id,
        request.filter.clone(),
        &request.order,
        now,
    )
    .await
    {
        Ok(_) => {}
        Err(AppError::NotFound(message)) => {
            check.push("campaignId", UserErrorCode::NotFound, message);
            return Ok(Err(check.finish().err().unwrap_or_default()));
        }
        Err(AppError::Validation(message)) => check.push("filter", UserErrorCode::Invalid, message),
        Err(other) => return Err(other),
    }
    let catalog = columns::for_campaign(db, auth, request.campaign_id).await?;
    columns::check(&mut check, &request.columns, &catalog);
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let spec = Spec {
        filter: request.filter_input,
        order_by: sort::keys_to_json(&request.order),
        columns: request.columns,
        format: request.format.as_str().to_owned(),
        bom: request.bom,
    };
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let expires_at = now + Duration::minutes(EXPORT_URL_TTL_MINUTES);
    export::ActiveModel {
        account_id: Set(auth.account_id),
        campaign_id: Set(request.campaign_id),
        user_id: Set(auth.user_id),
        credential_id: Set(auth.credential_id),
        token_hash: Set(hash_token(&secret)),
        spec: Set(serde_json::to_string(&spec).map_err(AppError::internal)?),
        expires_at: Set(expires_at),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Ok(Issued {
        url: format!("{EXPORT_PATH}/{secret}"),
        expires_at,
    }))
}

/// A stored export reached through its URL, with the caller who asked for it as that caller
/// stands now.
#[derive(Clone, Debug)]
pub struct Opened {
    /// The caller.
    pub auth: AuthContext,
    /// The campaign exported.
    pub campaign_id: i64,
    /// What was asked.
    pub spec: Spec,
    /// CSV or XLSX.
    pub format: ExportFormat,
}

/// The export a token stands for; `None` for a token unknown or expired, or whose credential
/// was revoked since (one answer for all).
pub async fn open(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<Opened>> {
    if secret.is_empty() || secret.chars().count() > MAX_TOKEN_CHARS {
        return Ok(None);
    }
    let Some(row) = export::Entity::find()
        .filter(export::Column::TokenHash.eq(hash_token(secret)))
        .filter(export::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(auth) = auth::context_of_credential(db, row.credential_id).await? else {
        return Ok(None);
    };
    if auth.account_id != row.account_id || auth.user_id != row.user_id {
        return Ok(None);
    }
    let spec: Spec = serde_json::from_str(&row.spec).map_err(AppError::internal)?;
    let format = ExportFormat::parse(&spec.format)
        .ok_or_else(|| AppError::internal(format!("export {} has no format", row.id)))?;
    Ok(Some(Opened {
        auth,
        campaign_id: row.campaign_id,
        spec,
        format,
    }))
}

/// An export ready to run: its list query, its columns (header and source), its format.
#[derive(Clone, Debug)]
pub struct Export {
    /// The caller it runs for.
    pub auth: AuthContext,
    /// The rows, in order.
    pub query: ListQuery,
    /// Header and source of each column.
    pub columns: Vec<(String, Source)>,
    /// CSV or XLSX.
    pub format: ExportFormat,
    /// CSV with a byte order mark.
    pub bom: bool,
    /// The account's time zone: contract dates are its calendar days.
    pub zone: chrono_tz::Tz,
}

impl Export {
    /// The file name offered to the browser.
    pub fn file_name(&self) -> String {
        let extension = match self.format {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        };
        format!(
            "partners-campaign-{}-{}.{extension}",
            self.query.campaign_id,
            self.query.now.format("%Y%m%d-%H%M%S")
        )
    }
}

/// Checks an opened export again, now (the campaign may be gone, a custom field deleted): its
/// filter (read by the caller from the stored input) and order into the list's query, its
/// columns into sources. A column whose custom field was deleted since is left out; when none
/// is left, the export is `VALIDATION` (400).
pub async fn prepare(
    db: &impl ConnectionTrait,
    opened: Opened,
    filter: PartnerFilter,
    now: DateTime<Utc>,
) -> AppResult<Export> {
    let order = sort::keys_from_json(&opened.spec.order_by);
    let query =
        partners::prepare(db, &opened.auth, opened.campaign_id, filter, &order, now).await?;
    let catalog = columns::for_campaign(db, &opened.auth, opened.campaign_id).await?;
    let zone = crate::service::accounts::current_account(db, &opened.auth)
        .await?
        .time_zone
        .parse()
        .unwrap_or_default();
    let columns = opened
        .spec
        .columns
        .iter()
        .filter_map(|key| {
            let column = catalog.iter().find(|c| &c.key == key)?;
            let source = Source::of(&column.key, column.custom_field_id)?;
            Some((column.label.clone(), source))
        })
        .collect::<Vec<_>>();
    if columns.is_empty() {
        return Err(AppError::Validation(
            "none of the export's columns exists any more (their custom fields were deleted)"
                .to_owned(),
        ));
    }
    Ok(Export {
        auth: opened.auth,
        query,
        columns,
        format: opened.format,
        bom: opened.spec.bom,
        zone,
    })
}
