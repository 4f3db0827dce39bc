//! Reading notes: one partner's newest first in keyset pages (`Partner.notes`), and a campaign's
//! in id order by offset with their partner's and author's names (the REST API's list).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::auth::AuthContext;
use crate::error::{AppError, AppResult};
use crate::service::campaigns;
use crate::service::paging::{
    newest_first_cursor, older_than, read_newest_first_cursor, Page, PageRequest,
};
use crate::service::partners::{select_prefixed, PartnerKey};

use entity::{account_user, note, partner};

/// The cursor of a note in a partner's notes: when it was written and its id.
pub fn cursor_of(entry: &note::Model) -> String {
    newest_first_cursor("n", entry.created_at, entry.id)
}

/// A page of one partner's notes in a campaign of the caller's account, newest first (forward
/// paging only). One statement, on `ix_notes_partner`.
pub async fn for_partner(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    partner: PartnerKey,
    request: &PageRequest,
) -> AppResult<Page<note::Model>> {
    if request.backward {
        return Err(AppError::Validation(
            "notes page forward only: use `first` and `after`".into(),
        ));
    }
    let mut q = note::Entity::find()
        .filter(note::Column::AccountId.eq(auth.account_id))
        .filter(note::Column::CampaignId.eq(partner.campaign_id))
        .filter(note::Column::PartnerId.eq(partner.partner_id));
    if let Some(after) = &request.after {
        let cursor = read_newest_first_cursor("n", after)?;
        q = q.filter(older_than(
            note::Column::CreatedAt,
            note::Column::Id,
            cursor,
        ));
    }
    let rows = q
        .order_by(note::Column::CreatedAt, Order::Desc)
        .order_by(note::Column::Id, Order::Desc)
        .limit(request.limit + 1)
        .all(db)
        .await?;
    Ok(Page::from_probe(rows, request))
}

/// Which notes of a campaign the REST list shows.
#[derive(Clone, Debug, Default)]
pub struct CampaignNotes {
    /// One partner's only (`MediaId`).
    pub partner_id: Option<i64>,
    /// Written at or after (`StartDate`).
    pub start: Option<DateTime<Utc>>,
    /// Written before (`EndDate`).
    pub end: Option<DateTime<Utc>>,
}

/// A note with the names the REST API shows beside it.
#[derive(Clone, Debug)]
pub struct ListedNote {
    /// The note.
    pub note: note::Model,
    /// The partner's name.
    pub partner_name: String,
    /// The author's name (`None` once the user is gone).
    pub author_name: Option<String>,
}

/// The notes of a campaign of the caller's account (another account's is `NOT_FOUND`)
/// matching `which`, in id order: `size` of them after `offset`, and how many match in all.
/// Two statements: the count, and the page with the partner's and the author's names joined.
pub async fn campaign_page(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    which: &CampaignNotes,
    offset: u64,
    size: u64,
) -> AppResult<(Vec<ListedNote>, u64)> {
    campaigns::get(db, auth, campaign_id).await?;
    let mut matching = Condition::all()
        .add(Expr::col((note::Entity, note::Column::AccountId)).eq(auth.account_id))
        .add(Expr::col((note::Entity, note::Column::CampaignId)).eq(campaign_id));
    if let Some(partner) = which.partner_id {
        matching = matching.add(Expr::col((note::Entity, note::Column::PartnerId)).eq(partner));
    }
    if let Some(start) = which.start {
        matching = matching.add(Expr::col((note::Entity, note::Column::CreatedAt)).gte(start));
    }
    if let Some(end) = which.end {
        matching = matching.add(Expr::col((note::Entity, note::Column::CreatedAt)).lt(end));
    }
    let mut count = Query::select();
    count
        .expr_as(
            Func::count(Expr::col((note::Entity, note::Column::Id))),
            Alias::new("n"),
        )
        .from(note::Entity)
        .cond_where(matching.clone());
    let total = match db.query_one(&count).await? {
        Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0),
        None => 0,
    };
    if offset >= total {
        return Ok((Vec::new(), total));
    }
    let listed = listed(db, matching, offset, size).await?;
    Ok((listed, total))
}

/// One note of a campaign of the caller's account, with its names; `None` when there is no
/// such note there (another account's alike).
pub async fn one(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    note_id: i64,
) -> AppResult<Option<ListedNote>> {
    let which = Condition::all()
        .add(Expr::col((note::Entity, note::Column::AccountId)).eq(auth.account_id))
        .add(Expr::col((note::Entity, note::Column::CampaignId)).eq(campaign_id))
        .add(Expr::col((note::Entity, note::Column::Id)).eq(note_id));
    Ok(listed(db, which, 0, 1).await?.into_iter().next())
}

/// The notes matching `which` in id order (`limit` after `offset`), with the partner's and the
/// author's names joined.
async fn listed(
    db: &impl ConnectionTrait,
    which: Condition,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<ListedNote>> {
    let mut q = Query::select();
    select_prefixed(&mut q, note::Entity, NOTE);
    q.expr_as(
        Expr::col((partner::Entity, partner::Column::Name)),
        Alias::new("partner_name"),
    )
    .expr_as(
        Expr::col((account_user::Entity, account_user::Column::Name)),
        Alias::new("author_name"),
    )
    .from(note::Entity)
    .inner_join(
        partner::Entity,
        Expr::col((partner::Entity, partner::Column::Id))
            .equals((note::Entity, note::Column::PartnerId)),
    )
    .left_join(
        account_user::Entity,
        Condition::all()
            .add(
                Expr::col((account_user::Entity, account_user::Column::Id))
                    .equals((note::Entity, note::Column::AuthorUserId)),
            )
            .add(
                Expr::col((account_user::Entity, account_user::Column::AccountId))
                    .equals((note::Entity, note::Column::AccountId)),
            ),
    )
    .cond_where(which)
    .order_by((note::Entity, note::Column::Id), Order::Asc)
    .offset(offset)
    .limit(limit);
    let rows = db.query_all(&q).await?;
    rows.iter()
        .map(|row| {
            Ok(ListedNote {
                note: note::Model::from_query_result(row, NOTE)?,
                partner_name: row.try_get("", "partner_name")?,
                author_name: row.try_get("", "author_name")?,
            })
        })
        .collect()
}

/// The prefix of the note's columns in [`campaign_page`]'s statement.
const NOTE: &str = "n_";
