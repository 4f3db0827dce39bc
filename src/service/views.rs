//! Saved views of the My Partners list: a user's named set of columns, filter and sort for one
//! campaign. Views belong to the user who saved them.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::{json, Value as Json};

use crate::auth::AuthContext;
use crate::domain::UserErrorCode;
use crate::error::{AppError, AppResult};
use crate::service::partners::columns;
use crate::service::partners::sort::{self, SortKey};
use crate::service::validation::{unique_violation, Checker, UserError};
use crate::service::write::{lock_campaign, write_transaction, Finish};

use entity::partner_view;

/// What a view holds (filter already checked by the caller against the campaign).
#[derive(Clone, Debug)]
pub struct ViewContent {
    /// The view's name, unique per user and campaign.
    pub name: String,
    /// Column keys, in display order.
    pub columns: Vec<String>,
    /// The `PartnerFilter` input, as JSON.
    pub filter: Json,
    /// The sort keys.
    pub order_by: Vec<SortKey>,
}

/// The sort keys of a stored view.
pub fn order_of(view: &partner_view::Model) -> Vec<SortKey> {
    let stored: Json = serde_json::from_str(&view.order_by).unwrap_or(Json::Null);
    sort::keys_from_json(&stored)
}

/// The columns of a stored view.
pub fn columns_of(view: &partner_view::Model) -> Vec<String> {
    serde_json::from_str(&view.columns).unwrap_or_default()
}

/// The filter of a stored view (a `PartnerFilter` input as JSON).
pub fn filter_of(view: &partner_view::Model) -> Json {
    serde_json::from_str(&view.filter).unwrap_or_else(|_| json!({}))
}

async fn check_content(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    content: &ViewContent,
    except: Option<&partner_view::Model>,
    check: &mut Checker,
) -> AppResult<String> {
    let name = check.required_text("name", &content.name, 100);
    // A view's own columns are not checked again: deleting a custom field removes its column
    // from the views, which may leave one with none, and renaming it must still work.
    if except.is_none_or(|view| columns_of(view) != content.columns) {
        let catalog = columns::for_campaign(db, auth, campaign_id).await?;
        columns::check(check, &content.columns, &catalog);
    }
    let mut taken = partner_view::Entity::find()
        .filter(partner_view::Column::UserId.eq(auth.user_id))
        .filter(partner_view::Column::CampaignId.eq(campaign_id))
        .filter(partner_view::Column::Name.eq(name.clone()));
    if let Some(view) = except {
        taken = taken.filter(partner_view::Column::Id.ne(view.id));
    }
    if check.is_ok("name") && taken.one(db).await?.is_some() {
        check.push("name", UserErrorCode::Conflict, name_conflict(&name));
    }
    Ok(name)
}

fn order_json(order: &[SortKey]) -> String {
    sort::keys_to_json(order).to_string()
}

/// The caller's views of a campaign, by name.
pub async fn list(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
) -> AppResult<Vec<partner_view::Model>> {
    Ok(partner_view::Entity::find()
        .filter(partner_view::Column::AccountId.eq(auth.account_id))
        .filter(partner_view::Column::UserId.eq(auth.user_id))
        .filter(partner_view::Column::CampaignId.eq(campaign_id))
        .order_by_asc(partner_view::Column::Name)
        .all(db)
        .await?)
}

/// One of the caller's views; anyone else's is `NOT_FOUND`.
pub async fn get(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    id: i64,
) -> AppResult<partner_view::Model> {
    partner_view::Entity::find_by_id(id)
        .filter(partner_view::Column::AccountId.eq(auth.account_id))
        .filter(partner_view::Column::UserId.eq(auth.user_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("partner view", id))
}

/// Saves a new view, at `clock`'s time once the lock is held. Its content is checked and
/// written in one transaction holding the campaign's write lock, as custom field deletions
/// take it: a column cannot be saved while its field is being deleted (after which no view
/// would be cleaned of it), and of two saves of one name the second sees the first.
pub async fn create(
    db: &DatabaseConnection,
    auth: &AuthContext,
    campaign_id: i64,
    content: ViewContent,
    clock: &crate::clock::Clock,
) -> AppResult<Result<partner_view::Model, Vec<UserError>>> {
    // Saved views are personal: every user, read-only ones too, may keep their own.
    write_transaction(
        db,
        &(auth, &content, clock),
        |txn, &(auth, content, clock)| {
            Box::pin(async move {
                lock_campaign(txn, campaign_id).await?;
                let mut check = Checker::default();
                let name = check_content(txn, auth, campaign_id, content, None, &mut check).await?;
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                let now = clock.now();
                let inserted = partner_view::ActiveModel {
                    account_id: Set(auth.account_id),
                    campaign_id: Set(campaign_id),
                    user_id: Set(auth.user_id),
                    name: Set(name.clone()),
                    columns: Set(json!(content.columns).to_string()),
                    filter: Set(content.filter.to_string()),
                    order_by: Set(order_json(&content.order_by)),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await;
                Ok(match inserted {
                    Ok(model) => Finish::Commit(Ok(model)),
                    Err(err) => Finish::Rollback(Err(name_taken(err, &name)?)),
                })
            })
        },
    )
    .await
}

/// What an update changes: each part given replaces the view's, each left out keeps it.
#[derive(Clone, Debug, Default)]
pub struct ViewChange {
    /// A new name.
    pub name: Option<String>,
    /// New columns.
    pub columns: Option<Vec<String>>,
    /// A new filter (already checked by the caller against the campaign).
    pub filter: Option<Json>,
    /// A new sort.
    pub order_by: Option<Vec<SortKey>>,
}

/// Changes one of the caller's views, checked and written as [`create`] does. The parts the
/// change leaves out are the view's as it is under the lock (a field deleted meanwhile took its
/// column out; a concurrent update of another part is kept); a view deleted meanwhile is a
/// `NOT_FOUND` user error on `id`.
pub async fn update(
    db: &DatabaseConnection,
    auth: &AuthContext,
    view: partner_view::Model,
    change: ViewChange,
    clock: &crate::clock::Clock,
) -> AppResult<Result<partner_view::Model, Vec<UserError>>> {
    let context = (auth, &view, &change, clock);
    write_transaction(db, &context, |txn, &(auth, view, change, clock)| {
        Box::pin(async move {
            lock_campaign(txn, view.campaign_id).await?;
            // The row locked too: a deletion (which takes no campaign lock) waits for this
            // update rather than leave it nothing to write (that answered INTERNAL).
            let Some(view) = partner_view::Entity::find_by_id(view.id)
                .lock_exclusive()
                .one(txn)
                .await?
            else {
                let mut check = Checker::default();
                let message = format!("partner view {} not found", view.id);
                check.push("id", UserErrorCode::NotFound, message);
                return Ok(Finish::Rollback(Err(check
                    .finish()
                    .err()
                    .unwrap_or_default())));
            };
            let content = ViewContent {
                name: change.name.clone().unwrap_or_else(|| view.name.clone()),
                columns: change.columns.clone().unwrap_or_else(|| columns_of(&view)),
                filter: change.filter.clone().unwrap_or_else(|| filter_of(&view)),
                order_by: change.order_by.clone().unwrap_or_else(|| order_of(&view)),
            };
            let mut check = Checker::default();
            let name = check_content(
                txn,
                auth,
                view.campaign_id,
                &content,
                Some(&view),
                &mut check,
            )
            .await?;
            if let Err(errors) = check.finish() {
                return Ok(Finish::Rollback(Err(errors)));
            }
            let mut active: partner_view::ActiveModel = view.into();
            active.name = Set(name.clone());
            active.columns = Set(json!(content.columns).to_string());
            active.filter = Set(content.filter.to_string());
            active.order_by = Set(order_json(&content.order_by));
            active.updated_at = Set(clock.now());
            Ok(match active.update(txn).await {
                Ok(model) => Finish::Commit(Ok(model)),
                Err(err) => Finish::Rollback(Err(name_taken(err, &name)?)),
            })
        })
    })
    .await
}

/// A unique-index violation on the name is the same user error the check gives (the lock
/// makes it unreachable through this service; a writer outside it could still race).
fn name_taken(err: DbErr, name: &str) -> AppResult<Vec<UserError>> {
    unique_violation(err, "name", UserErrorCode::Conflict, name_conflict(name))
}

fn name_conflict(name: &str) -> String {
    format!("you already have a view named {name:?}")
}

/// Deletes one of the caller's views.
pub async fn delete(db: &impl ConnectionTrait, auth: &AuthContext, id: i64) -> AppResult<()> {
    let view = get(db, auth, id).await?;
    partner_view::Entity::delete_by_id(view.id).exec(db).await?;
    Ok(())
}
