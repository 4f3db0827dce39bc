//! The REST API (v14), wire-compatible with the product: the account's company information and
//! campaigns, partner groups and notes. Only the wire format lives here; every rule (names, partner ids, campaigns, permissions, activity, transactions)
//! is the services'.
//!
//! # Routes
//!
//! | Method | Path | Answer |
//! |---|---|---|
//! | `GET` | `/Advertisers/{AccountSID}/Campaigns/{CampaignId}/MediaPartnerGroups` | page fields, `Groups` (each with its first `MediaPartners`) |
//! | `POST` | same, form `Name`, `MediaPartners` | `{"Status":"OK","Uri":...}` |
//! | `GET` | `.../MediaPartnerGroups/{PartnerGroupId}` | page fields of the members, `Id`, `Name`, `MediaPartners`, `Uri` |
//! | `PUT` | same, form `Name`, `MediaPartnersAdd`, `MediaPartnersRemove` | `{"Status":"OK","Uri":...}` |
//! | `DELETE` | same | `{"Status":"DELETED"}` |
//! | `GET` | `/Advertisers/{AccountSID}/Campaigns/{CampaignId}/CustomFields` | `Page`, `PageSize`, `TotalCount`, `CustomFields` (`Id`, `Name`, `Description`, `DisplayType`, `Enumerations`: `{Id, Value}` options; the product's display type names), 50 a page by default, in display order |
//! | `GET` | `/Advertisers/{AccountSID}/MediaPartners/{PartnerId}` | `Id`, `Name`, `Description`, `Website`, `Country`, `State`, `Email`, `Size`, `DateJoined`, `Uri` |
//! | `GET` | `/Advertisers/{AccountSID}/CompanyInformation` | one record: `CompanyName`, `Website`, `PrimaryPhoneNumber`, `Currency`, `Timezone`, `AccountSid`, `DateCreated`, `CampaignsUri`, `Uri` (no page fields) |
//! | `GET` | `/Advertisers/{AccountSID}/Campaigns` | page fields, `Campaigns` (`Id`, `Name`, `State`, `Currency`, `DateCreated`, `MediaPartnerGroupsUri`, `NotesUri`, `CustomFieldsUri`, `Uri`), by id, `PageSize` 20,000 by default |
//! | `GET` | `/Advertisers/{AccountSID}/Campaigns/{CampaignId}` | one campaign |
//! | `GET` | `/Advertisers/{AccountSID}/Campaigns/{CampaignId}/Notes` | page fields, `Notes` (`Id`, `CampaignId`, `MediaId`, `MediaName`, `Content`, `Type`, `Creator`, `CreationDate`, `ModificationDate`, `Attachments`, `Uri`), by id; query `MediaId`, `StartDate`, `EndDate` (RFC 3339 or `YYYY-MM-DD`; `[StartDate, EndDate)` of the creation time), kept in the page URIs |
//! | `POST` | same, form `MediaId`, `Content`, `Type` (multipart or URL-encoded) | `{"Status":"OK","Uri":...}` |
//! | `GET` | `.../Notes/{NoteId}` | one note |
//! | `PUT` | same, form `Content`, `Type` (a `MediaId` must be the note's own) | `{"Status":"OK","Uri":...}` |
//! | `DELETE` | same | `{"Status":"DELETED"}` |
//!
//! The last path segment may carry `.json` (`/MediaPartnerGroups.json`, `/12.json`,
//! `/CompanyInformation.json`). Bodies are always JSON. Forms are
//! `application/x-www-form-urlencoded` or `multipart/form-data` (text fields, 256 KB).
//!
//! # Wire decisions
//!
//! - Every scalar is a string; absent values are `""` (e.g. a partner without `Website`).
//! - `Uri` and `PartnerUri` use the path's SID, never carry `.json`; the partner fields are
//!   the profile plus `DateJoined` (RFC 3339, UTC) of the relationship with the account's
//!   lowest-numbered campaign that has the partner.
//! - Paging: `Page` from 1 (default 1), `PageSize` 1 to 20000 (default 100 for groups, 20000
//!   for a group's members); anything else is 400 naming the parameter. `@start` is the
//!   page's offset and `@end` the zero-based row of its last item; an empty page (nothing at
//!   all, or a page beyond the end, which is 200) has `@start` = `@end` = offset.
//!   `@numpages` is 0 when there is nothing, `@lastpageuri` then names page 1. Page URIs are
//!   the canonical path (without `.json`) plus `?PageSize=<n>&Page=<p>`.
//! - The group list is bounded: each listed group carries its first 100 members by partner id
//!   (fewer when `PageSize` is over 200: 20,000 / `PageSize`, at least one, so no list carries
//!   more than 20,000 members). A group with more also carries `"@mediapartnersnextpageuri"`
//!   after `MediaPartners`: its own URI paging the members at that size, page 2. Groups whose
//!   members fit have exactly the product's keys.
//! - Id lists (`MediaPartners`, `MediaPartnersAdd`, `MediaPartnersRemove`) hold at most 10,000
//!   ids; more is 400 naming the parameter. Text holding NUL or another control character
//!   (`Name=%00`) is 400 naming the parameter.
//! - Form fields are matched by exact name; a field (or a query parameter the route reads:
//!   `Page`, `PageSize`, `StartDate`, ...) given twice is 400 naming it; a form has at most 50
//!   fields. Id lists are comma separated, blanks skipped; an entry that is not a positive
//!   integer is 400.
//! - Errors are `{"Status":"ERROR","Message","Errors":[{"Field","Message"}]}`. Checks run in
//!   this order: 405 / unknown path (404), credentials (401 with `WWW-Authenticate`), the
//!   path's `AccountSID` (403, before any other database access), path ids, paging and the
//!   form (400; a body that is not `application/x-www-form-urlencoded` is 400), then the
//!   services: unknown campaign or group (404, another account's ids alike), bad input (400),
//!   a duplicate group name alone (409; it is 400 together with other mistakes), a role
//!   without write permission (403), internal failures (500, generic message).
//! - Service fields map to wire names: `name`→`Name`, `partnerIds`→`MediaPartners`,
//!   `addPartnerIds`→`MediaPartnersAdd`, `removePartnerIds`→`MediaPartnersRemove`,
//!   `id`→`PartnerGroupId`, others capitalised.

mod account;
mod caller;
mod custom_fields;
mod envelope;
mod form;
mod groups;
mod notes;
mod paging;
mod params;
mod partners;
mod rate;
mod resources;
mod wire;

use axum::routing::{any, get, MethodRouter};
use axum::Router;

use crate::http::AppState;

pub use envelope::{FieldError, RestError};
pub use paging::{PageFields, MAX_PAGE_SIZE};

/// Every path of the API starts here; anything else below it is a 404 envelope.
const PREFIX: &str = "/Advertisers";

const GROUPS: &str = "/{AccountSID}/Campaigns/{CampaignId}/MediaPartnerGroups";
const NOTES: &str = "/{AccountSID}/Campaigns/{CampaignId}/Notes";
const CUSTOM_FIELDS: &str = "/{AccountSID}/Campaigns/{CampaignId}/CustomFields";
const CAMPAIGNS: &str = "/{AccountSID}/Campaigns";
const COMPANY: &str = "/{AccountSID}/CompanyInformation";

/// The REST routes, to be merged into the server's router.
pub fn router() -> Router<AppState> {
    let collection: MethodRouter<AppState> = get(groups::list)
        .post(groups::create)
        .fallback(method_not_allowed);
    let group = get(groups::get)
        .put(groups::update)
        .delete(groups::delete)
        .fallback(method_not_allowed);
    let partner = get(partners::get).fallback(method_not_allowed);
    let notes: MethodRouter<AppState> = get(notes::list)
        .post(notes::create)
        .fallback(method_not_allowed);
    let note = get(notes::get)
        .put(notes::update)
        .delete(notes::delete)
        .fallback(method_not_allowed);
    let company = get(account::company).fallback(method_not_allowed);
    let fields: MethodRouter<AppState> = get(custom_fields::list).fallback(method_not_allowed);
    let campaigns: MethodRouter<AppState> = get(account::list).fallback(method_not_allowed);
    let campaign = get(account::get).fallback(method_not_allowed);
    let api = Router::new()
        .route(COMPANY, company.clone())
        .route(&format!("{COMPANY}.json"), company)
        .route(CAMPAIGNS, campaigns.clone())
        .route(&format!("{CAMPAIGNS}.json"), campaigns)
        .route(&format!("{CAMPAIGNS}/{{CampaignId}}"), campaign)
        .route(GROUPS, collection.clone())
        .route(&format!("{GROUPS}.json"), collection)
        .route(&format!("{GROUPS}/{{PartnerGroupId}}"), group)
        .route(CUSTOM_FIELDS, fields.clone())
        .route(&format!("{CUSTOM_FIELDS}.json"), fields)
        .route(NOTES, notes.clone())
        .route(&format!("{NOTES}.json"), notes)
        .route(&format!("{NOTES}/{{NoteId}}"), note)
        .route("/{AccountSID}/MediaPartners/{PartnerId}", partner)
        .fallback(unknown_path);
    Router::new()
        // `nest` covers the prefix and the paths below it, not the prefix with a slash alone.
        .route(&format!("{PREFIX}/"), any(unknown_path))
        .nest(PREFIX, api)
        .layer(axum::middleware::from_fn(rate::headers))
}

async fn method_not_allowed(_caller: caller::Known) -> RestError {
    RestError::method_not_allowed()
}

async fn unknown_path(_caller: caller::Known) -> RestError {
    RestError::unknown_path()
}
