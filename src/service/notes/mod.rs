//! Notes a brand's users keep about a partner of a campaign (an e-mail, a call, a chat, or a
//! plain note): written, edited and deleted by users who may edit partners, each change with an
//! activity entry; read newest first per partner ([`read::for_partner`]) or a campaign's in id
//! order for the REST API ([`read::campaign_page`]). GraphQL and REST call these same functions.

pub mod read;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use serde_json::json;

use crate::auth::{AuthContext, Permission};
use crate::clock::Clock;
use crate::domain::{NoteType, UserErrorCode};
use crate::error::AppResult;
use crate::service::activity;
use crate::service::campaigns;
use crate::service::partners::{self, PartnerKey};
use crate::service::validation::{Checker, UserError};
use crate::service::write::{write_transaction, Finish};

use entity::note;

/// The longest note body, in characters.
pub const MAX_NOTE_CHARS: usize = 10_000;

/// The activity-log actions of notes.
pub const CREATED: &str = "NOTE_ADDED";
/// See [`CREATED`].
pub const UPDATED: &str = "NOTE_UPDATED";
/// See [`CREATED`].
pub const DELETED: &str = "NOTE_DELETED";

/// A new note.
#[derive(Clone, Debug)]
pub struct NewNote {
    /// The campaign.
    pub campaign_id: i64,
    /// The partner of the campaign the note is about.
    pub partner_id: i64,
    /// The text (required; line breaks allowed).
    pub body: String,
    /// How it was exchanged (`NONE` when not given).
    pub note_type: Option<NoteType>,
}

/// A change of a note; `None` keeps a value.
#[derive(Clone, Debug, Default)]
pub struct NoteChange {
    /// New text.
    pub body: Option<String>,
    /// New type.
    pub note_type: Option<NoteType>,
}

fn body(check: &mut Checker, text: &str) -> String {
    let body = check
        .optional_multiline_text("body", Some(text), MAX_NOTE_CHARS)
        .unwrap_or_default();
    if body.is_empty() {
        check.push("body", UserErrorCode::Required, "body is required");
    }
    body
}

fn details(note: &note::Model) -> serde_json::Value {
    json!({ "noteId": note.id, "type": note.note_type, "body": note.body })
}

fn key(note: &note::Model) -> PartnerKey {
    PartnerKey {
        campaign_id: note.campaign_id,
        partner_id: note.partner_id,
    }
}

/// Writes a note about a partner of one of the caller's campaigns. An unknown campaign, or a
/// partner not in it (another account's alike), is `NOT_FOUND` on its field; a blank or too long
/// body is a user error; nothing is written then.
pub async fn create(
    db: &DatabaseConnection,
    auth: &AuthContext,
    input: NewNote,
    clock: &Clock,
) -> AppResult<Result<note::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    let text = body(&mut check, &input.body);
    if campaigns::check_exists(db, auth, input.campaign_id, &mut check).await?
        && partners::existing_ids(db, auth, input.campaign_id, &[input.partner_id])
            .await?
            .is_empty()
    {
        check.push(
            "partnerId",
            UserErrorCode::NotFound,
            format!(
                "partner {} is not a partner of campaign {}",
                input.partner_id, input.campaign_id
            ),
        );
    }
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let new = (input, text);
    write_transaction(
        db,
        &(auth, &new, clock),
        |txn, &(auth, (input, text), clock)| {
            Box::pin(async move {
                let now = clock.now();
                let created = note::ActiveModel {
                    account_id: Set(auth.account_id),
                    campaign_id: Set(input.campaign_id),
                    partner_id: Set(input.partner_id),
                    author_user_id: Set(Some(auth.user_id)),
                    note_type: Set(input
                        .note_type
                        .unwrap_or(NoteType::None)
                        .as_str()
                        .to_owned()),
                    body: Set(text.clone()),
                    created_at: Set(now),
                    updated_at: Set(None),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                let after = json!({ "after": details(&created) });
                record(txn, auth, &created, CREATED, after, now).await?;
                Ok(Finish::Commit(Ok(created)))
            })
        },
    )
    .await
}

/// The activity entry of `action` on `note`, with `change` (its before and/or after).
async fn record(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    note: &note::Model,
    action: &str,
    change: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    activity::record(db, auth, Some(key(note)), action, Some(change), now).await
}

/// One note of the caller's account, if it exists (another account's is absent).
pub async fn find(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    note_id: i64,
) -> AppResult<Option<note::Model>> {
    Ok(note::Entity::find_by_id(note_id)
        .filter(note::Column::AccountId.eq(auth.account_id))
        .one(db)
        .await?)
}

fn not_found(note_id: i64) -> Vec<UserError> {
    let mut check = Checker::default();
    check.push(
        "id",
        UserErrorCode::NotFound,
        format!("note {note_id} not found"),
    );
    check.finish().err().unwrap_or_default()
}

/// Edits a note's text or type (an unknown note, or another account's, is `NOT_FOUND`);
/// records the change with its before and after.
pub async fn update(
    db: &DatabaseConnection,
    auth: &AuthContext,
    note_id: i64,
    change: NoteChange,
    clock: &Clock,
) -> AppResult<Result<note::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    if change.body.is_none() && change.note_type.is_none() {
        check.push("body", UserErrorCode::Required, "give body, type or both");
    }
    let text = change.body.as_deref().map(|b| body(&mut check, b));
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let change = NoteChange {
        body: text,
        note_type: change.note_type,
    };
    write_transaction(
        db,
        &(auth, &change, clock),
        |txn, &(auth, change, clock)| {
            Box::pin(async move {
                // Locked: of two concurrent edits the second sees the first's text as its before,
                // and reads the time after the first's (the feed's order is the order of the edits).
                let Some(before) = find_locked(txn, auth, note_id).await? else {
                    return Ok(Finish::Rollback(Err(not_found(note_id))));
                };
                let now = clock.now();
                // The same text and type again change nothing: no new `updatedAt`, no activity
                // entry.
                let same_body = change.body.as_ref().is_none_or(|t| *t == before.body);
                let same_type = change
                    .note_type
                    .is_none_or(|kind| kind.as_str() == before.note_type);
                if same_body && same_type {
                    return Ok(Finish::Rollback(Ok(before)));
                }
                let mut active: note::ActiveModel = before.clone().into();
                if let Some(text) = &change.body {
                    active.body = Set(text.clone());
                }
                if let Some(kind) = change.note_type {
                    active.note_type = Set(kind.as_str().to_owned());
                }
                active.updated_at = Set(Some(now));
                let after = active.update(txn).await?;
                let change = json!({ "before": details(&before), "after": details(&after) });
                record(txn, auth, &after, UPDATED, change, now).await?;
                Ok(Finish::Commit(Ok(after)))
            })
        },
    )
    .await
}

/// [`find`], the note's row locked for the rest of the transaction (PostgreSQL; SQLite's
/// writer holds the whole database).
async fn find_locked(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    note_id: i64,
) -> AppResult<Option<note::Model>> {
    Ok(note::Entity::find_by_id(note_id)
        .filter(note::Column::AccountId.eq(auth.account_id))
        .lock_exclusive()
        .one(db)
        .await?)
}

/// Deletes a note (an unknown note, or another account's, is `NOT_FOUND`); the activity entry
/// keeps what it said.
pub async fn delete(
    db: &DatabaseConnection,
    auth: &AuthContext,
    note_id: i64,
    clock: &Clock,
) -> AppResult<Result<note::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    write_transaction(db, &(auth, clock), |txn, &(auth, clock)| {
        Box::pin(async move {
            // Locked: of two concurrent deletions one deletes, the other finds nothing; an edit
            // it waited for is timed before it.
            let Some(gone) = find_locked(txn, auth, note_id).await? else {
                return Ok(Finish::Rollback(Err(not_found(note_id))));
            };
            let now = clock.now();
            note::Entity::delete_by_id(gone.id).exec(txn).await?;
            let before = json!({ "before": details(&gone) });
            record(txn, auth, &gone, DELETED, before, now).await?;
            Ok(Finish::Commit(Ok(gone)))
        })
    })
    .await
}
