//! `createNote`, `updateNote`, `deleteNote`: a brand's notes about a partner.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::domain::NoteType;
use crate::graphql::context::{auth, clock, db};
use crate::graphql::ids;
use crate::graphql::types::note::Note;
use crate::graphql::types::user_error::UserError;
use crate::service::notes::{self, NewNote, NoteChange};
use crate::service::validation;

/// A new note about a partner of a campaign.
#[derive(InputObject)]
pub struct CreateNoteInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// The partner (numeric id, or the partner's global id in that campaign).
    pub partner_id: ID,
    /// The text (required, at most 10,000 characters; line breaks allowed).
    pub body: String,
    /// How it was exchanged (`NONE` when omitted).
    #[graphql(name = "type")]
    pub note_type: Option<NoteType>,
}

/// A change of a note; omitted fields keep their value.
#[derive(InputObject)]
pub struct UpdateNoteInput {
    /// The note (its `noteId`).
    pub id: ID,
    /// New text.
    pub body: Option<String>,
    /// New type.
    #[graphql(name = "type")]
    pub note_type: Option<NoteType>,
}

/// The note to delete.
#[derive(InputObject)]
pub struct DeleteNoteInput {
    /// The note (its `noteId`).
    pub id: ID,
}

/// The result of writing or editing a note.
#[derive(SimpleObject)]
pub struct NotePayload {
    /// The note as saved, unless the input was refused.
    pub note: Option<Note>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of deleting a note.
#[derive(SimpleObject)]
pub struct DeleteNotePayload {
    /// The id of the deleted note.
    pub deleted_note_id: Option<i64>,
    /// Why nothing was deleted; empty on success.
    pub user_errors: Vec<UserError>,
}

fn payload(result: Result<entity::note::Model, Vec<validation::UserError>>) -> NotePayload {
    match result {
        Ok(note) => NotePayload {
            note: Some(Note(note)),
            user_errors: Vec::new(),
        },
        Err(errors) => NotePayload {
            note: None,
            user_errors: errors.into_iter().map(UserError::from).collect(),
        },
    }
}

fn unreadable(field: &str, err: &crate::error::AppError) -> NotePayload {
    NotePayload {
        note: None,
        user_errors: UserError::unreadable(&[field], err),
    }
}

/// Notes about partners.
#[derive(Default)]
pub struct NoteMutation;

/// Notes about partners.
#[Object]
impl NoteMutation {
    /// Writes a note about a partner of a campaign (needs `EDIT_PARTNERS`); it is listed in
    /// `Partner.notes` and the REST API's `Notes`, with an activity entry.
    async fn create_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partner, the text and its type.")]
        input: CreateNoteInput,
    ) -> async_graphql::Result<NotePayload> {
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(unreadable("campaignId", &err)),
        };
        let partner_id = match ids::partner_id(&input.partner_id, campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(unreadable("partnerId", &err)),
        };
        let new = NewNote {
            campaign_id,
            partner_id,
            body: input.body,
            note_type: input.note_type,
        };
        Ok(payload(
            notes::create(db(ctx)?, auth(ctx)?, new, &clock(ctx)?).await?,
        ))
    }

    /// Edits a note's text or type (needs `EDIT_PARTNERS`).
    async fn update_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note and what changes.")] input: UpdateNoteInput,
    ) -> async_graphql::Result<NotePayload> {
        let id = match ids::note_id(&input.id) {
            Ok(id) => id,
            Err(err) => return Ok(unreadable("id", &err)),
        };
        let change = NoteChange {
            body: input.body,
            note_type: input.note_type,
        };
        Ok(payload(
            notes::update(db(ctx)?, auth(ctx)?, id, change, &clock(ctx)?).await?,
        ))
    }

    /// Deletes a note (needs `EDIT_PARTNERS`); its activity entry keeps what it said.
    async fn delete_note(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The note.")] input: DeleteNoteInput,
    ) -> async_graphql::Result<DeleteNotePayload> {
        let id = match ids::note_id(&input.id) {
            Ok(id) => id,
            Err(err) => {
                return Ok(DeleteNotePayload {
                    deleted_note_id: None,
                    user_errors: UserError::unreadable(&["id"], &err),
                })
            }
        };
        Ok(
            match notes::delete(db(ctx)?, auth(ctx)?, id, &clock(ctx)?).await? {
                Ok(gone) => DeleteNotePayload {
                    deleted_note_id: Some(gone.id),
                    user_errors: Vec::new(),
                },
                Err(errors) => DeleteNotePayload {
                    deleted_note_id: None,
                    user_errors: errors.into_iter().map(UserError::from).collect(),
                },
            },
        )
    }
}
