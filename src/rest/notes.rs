//! The Notes REST API: a campaign's notes about its partners, listed (filtered by `MediaId`,
//! `StartDate`, `EndDate`), read, written and edited from a form (`MediaId`, `Content`, `Type`;
//! multipart or URL-encoded) and deleted. Every rule is `service::notes`'.

use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, Uri};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};

use super::caller::Caller;
use super::envelope::RestError;
use super::form::FormBody;
use super::paging::{PageFields, PageRequest, DEFAULT_GROUPS_PAGE_SIZE};
use super::params::path_id;
use super::resources::{note_uri, notes_path, Note, NoteList};
use super::wire::{Deleted, Written};
use crate::domain::text::is_full_date;
use crate::domain::NoteType;
use crate::error::quoted;
use crate::http::AppState;
use crate::service::notes::read::{self, CampaignNotes};
use crate::service::notes::{self, NewNote, NoteChange};
use crate::service::paging::check_time;
use crate::service::validation::UserError;

/// The wire names of the notes service's fields.
const FIELDS: &[(&str, &str)] = &[
    ("body", "Content"),
    ("partnerId", "MediaId"),
    ("id", "NoteId"),
];

fn refused(errors: Vec<UserError>) -> RestError {
    RestError::from_user_errors_named(errors, FIELDS)
}

fn query_value(uri: &Uri, name: &str) -> Result<Option<String>, RestError> {
    let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|_| RestError::new(StatusCode::BAD_REQUEST, "the query string is malformed"))?;
    super::form::once_each(&pairs, Some(&[name]))?;
    Ok(pairs
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.trim().to_owned()))
}

/// A `StartDate` / `EndDate`: RFC 3339, or a date (its first instant, UTC), in the years 1 to
/// 9999.
fn time_param(name: &str, raw: &str) -> Result<DateTime<Utc>, RestError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .filter(|_| is_full_date(raw))
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc())
        })
        .filter(|at| check_time(name, Some(*at)).is_ok())
        .ok_or_else(|| {
            RestError::bad_parameter(
                name,
                format!(
                    "{name} must be an RFC 3339 time or a date (YYYY-MM-DD) in the years 1 to 9999, not {}",
                    quoted(raw)
                ),
            )
        })
}

fn note_type(form: &FormBody) -> Result<Option<NoteType>, RestError> {
    match form.get("Type").map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => NoteType::parse(&raw.to_ascii_uppercase())
            .map(Some)
            .ok_or_else(|| {
                RestError::bad_parameter(
                    "Type",
                    format!("Type must be EMAIL, IM, PHONE or NONE, not {}", quoted(raw)),
                )
            }),
    }
}

/// `GET .../Campaigns/{CampaignId}/Notes`: a page of the campaign's notes by id, optionally
/// only one partner's (`MediaId`) and those written in [`StartDate`, `EndDate`).
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<NoteList>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let request = PageRequest::from_uri(&uri, DEFAULT_GROUPS_PAGE_SIZE)?;
    let which = CampaignNotes {
        partner_id: match query_value(&uri, "MediaId")? {
            Some(raw) => Some(path_id("MediaId", &raw)?),
            None => None,
        },
        start: match query_value(&uri, "StartDate")? {
            Some(raw) => Some(time_param("StartDate", &raw)?),
            None => None,
        },
        end: match query_value(&uri, "EndDate")? {
            Some(raw) => Some(time_param("EndDate", &raw)?),
            None => None,
        },
    };
    let (rows, total) = read::campaign_page(
        &state.db,
        &caller.auth,
        campaign_id,
        &which,
        request.offset(),
        request.size,
    )
    .await?;
    let sid = caller.sid();
    // The page URIs keep the filters, so `@nextpageuri` pages the same list.
    let mut path = notes_path(sid, campaign_id);
    let mut filters = form_urlencoded::Serializer::new(String::new());
    for name in ["MediaId", "StartDate", "EndDate"] {
        if let Some(value) = query_value(&uri, name)? {
            filters.append_pair(name, &value);
        }
    }
    let filters = filters.finish();
    if !filters.is_empty() {
        path = format!("{path}?{filters}");
    }
    Ok(Json(NoteList {
        page: PageFields::new(&path, request, total, rows.len()),
        notes: rows.into_iter().map(|n| Note::new(sid, n)).collect(),
    }))
}

/// `GET .../Notes/{NoteId}`: one note (another campaign's or account's is 404).
pub async fn get(State(state): State<AppState>, caller: Caller) -> Result<Json<Note>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let note_id = caller.last_id("NoteId")?;
    let listed = read::one(&state.db, &caller.auth, campaign_id, note_id)
        .await?
        .ok_or_else(|| {
            RestError::unknown_parameter("NoteId", format!("note {note_id} not found"))
        })?;
    Ok(Json(Note::new(caller.sid(), listed)))
}

/// `POST .../Notes`: form `MediaId` (required), `Content` (required), `Type` (`NONE` when
/// omitted).
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<Json<Written>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let form = FormBody::read(request).await?;
    let partner_id = match form.get("MediaId").map(str::trim) {
        None | Some("") => return Err(RestError::bad_parameter("MediaId", "MediaId is required")),
        Some(raw) => path_id("MediaId", raw)?,
    };
    let input = NewNote {
        campaign_id,
        partner_id,
        body: form.get("Content").unwrap_or_default().to_owned(),
        note_type: note_type(&form)?,
    };
    let note = notes::create(&state.db, &caller.auth, input, &state.clock)
        .await?
        .map_err(refused)?;
    Ok(Json(Written::ok(note_uri(
        caller.sid(),
        campaign_id,
        note.id,
    ))))
}

/// The note of the path, if it is one of the path's campaign (404 otherwise).
async fn note_of_path(state: &AppState, caller: &Caller) -> Result<entity::note::Model, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let note_id = caller.last_id("NoteId")?;
    notes::find(&state.db, &caller.auth, note_id)
        .await?
        .filter(|n| n.campaign_id == campaign_id)
        .ok_or_else(|| RestError::unknown_parameter("NoteId", format!("note {note_id} not found")))
}

/// `PUT .../Notes/{NoteId}`: form `Content` and `Type`, each optional; a `MediaId` must be the
/// note's own partner (a note does not move).
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<Json<Written>, RestError> {
    let note = note_of_path(&state, &caller).await?;
    let form = FormBody::read(request).await?;
    if let Some(raw) = form.get("MediaId").map(str::trim).filter(|r| !r.is_empty()) {
        if path_id("MediaId", raw)? != note.partner_id {
            return Err(RestError::bad_parameter(
                "MediaId",
                "MediaId is the note's partner and cannot change",
            ));
        }
    }
    let change = NoteChange {
        body: form.get("Content").map(str::to_owned),
        note_type: note_type(&form)?,
    };
    // In the wire's words (the service's names the GraphQL fields).
    if change.body.is_none() && change.note_type.is_none() {
        return Err(RestError::bad_parameter(
            "Content",
            "give Content, Type or both",
        ));
    }
    let note = notes::update(&state.db, &caller.auth, note.id, change, &state.clock)
        .await?
        .map_err(refused)?;
    Ok(Json(Written::ok(note_uri(
        caller.sid(),
        note.campaign_id,
        note.id,
    ))))
}

/// `DELETE .../Notes/{NoteId}`.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Deleted>, RestError> {
    let note = note_of_path(&state, &caller).await?;
    notes::delete(&state.db, &caller.auth, note.id, &state.clock)
        .await?
        .map_err(refused)?;
    Ok(Json(Deleted { status: "DELETED" }))
}
