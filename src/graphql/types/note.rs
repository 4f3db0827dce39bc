//! Notes about a partner (`Partner.notes`), newest first, as a Relay connection.

use async_graphql::{Context, Object, SimpleObject};

use super::account::AccountUser;
use super::page_info::PageInfo;
use super::scalars::DateTime;
use crate::domain::NoteType;
use crate::graphql::context::loader;
use crate::graphql::loaders::{to_gql, UserById};
use crate::service::notes::read::cursor_of;
use crate::service::paging::Page;

use entity::note;

/// A note a user of the brand wrote about a partner.
pub struct Note(pub note::Model);

/// A note a user of the brand wrote about a partner.
#[Object]
impl Note {
    /// Numeric id of the note (the REST API's `Id`).
    async fn note_id(&self) -> i64 {
        self.0.id
    }

    /// Numeric id of the partner the note is about.
    async fn partner_id(&self) -> i64 {
        self.0.partner_id
    }

    /// Numeric id of the campaign.
    async fn campaign_id(&self) -> i64 {
        self.0.campaign_id
    }

    /// The text.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// How it was exchanged with the partner (`NONE`: a plain note).
    #[graphql(name = "type")]
    async fn note_type(&self) -> async_graphql::Result<NoteType> {
        Ok(NoteType::from_stored(&self.0.note_type)?)
    }

    /// Who wrote it; null once that user is gone.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AccountUser>> {
        let Some(id) = self.0.author_user_id else {
            return Ok(None);
        };
        let user = loader(ctx)?.load_one(UserById(id)).await.map_err(to_gql)?;
        Ok(user.map(AccountUser))
    }

    /// When it was written.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// When it was last edited; null until it is.
    async fn updated_at(&self) -> Option<DateTime> {
        self.0.updated_at.map(DateTime)
    }
}

/// A note and its cursor.
#[derive(SimpleObject)]
pub struct NoteEdge {
    /// Opaque cursor (for `after`).
    pub cursor: String,
    /// The note.
    pub node: Note,
}

/// A page of a partner's notes, newest first.
pub struct NoteConnection(pub Page<note::Model>);

/// A page of a partner's notes, newest first.
#[Object]
impl NoteConnection {
    /// The notes of the page, with cursors.
    async fn edges(&self) -> Vec<NoteEdge> {
        self.0
            .items
            .iter()
            .map(|n| NoteEdge {
                cursor: cursor_of(n),
                node: Note(n.clone()),
            })
            .collect()
    }

    /// The notes of the page.
    async fn nodes(&self) -> Vec<Note> {
        self.0.items.iter().cloned().map(Note).collect()
    }

    /// Where the page sits.
    async fn page_info(&self) -> PageInfo {
        PageInfo::of(&self.0, cursor_of)
    }
}
