//! The options of a select-type field (dropdown, multiple choice, checkboxes): add, rename,
//! reorder, remove. Labels are unique within the field, ignoring case. Removing an option takes
//! it out of every answer, and removes the answers it leaves without any option.

use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::drop_option::DropOption;
use super::names::check_label_free;
use super::{
    check_order, display_of, field_not_found, has_options, live_field, live_option,
    option_not_found, MAX_LABEL_CHARS, MAX_OPTIONS, OPTIONS_REORDERED, OPTION_ADDED,
    OPTION_REMOVED, OPTION_RENAMED,
};
use crate::auth::{AuthContext, Permission};
use crate::clock::Clock;
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::activity;
use crate::service::bulk::{self, Run, Selected};
use crate::service::validation::{Checker, UserError};
use crate::service::write::{lock_campaign_then_now, write_transaction, Finish};

use entity::{
    campaign_partner as cp, custom_field, custom_field_answer_option as cfao, custom_field_option,
};

/// An option and the field it belongs to.
pub type OptionOfField = (custom_field_option::Model, custom_field::Model);

/// The options of a field, in display order.
async fn options_of(
    db: &impl ConnectionTrait,
    field_id: i64,
) -> AppResult<Vec<custom_field_option::Model>> {
    Ok(custom_field_option::Entity::find()
        .filter(custom_field_option::Column::FieldId.eq(field_id))
        .order_by_asc(custom_field_option::Column::Position)
        .order_by_asc(custom_field_option::Column::Id)
        .all(db)
        .await?)
}

/// Gives the options positions 0, 1, ... in the order given, in one statement
/// ([`super::positions::set`]).
async fn renumber(
    db: &DatabaseTransaction,
    ordered: Vec<custom_field_option::Model>,
) -> AppResult<Vec<custom_field_option::Model>> {
    let ids: Vec<i64> = ordered.iter().map(|o| o.id).collect();
    let current: Vec<i32> = ordered.iter().map(|o| o.position).collect();
    let positions = super::positions::set(db, "custom_field_options", &ids, &current).await?;
    Ok(ordered
        .into_iter()
        .zip(positions)
        .map(|(option, position)| custom_field_option::Model { position, ..option })
        .collect())
}

/// Adds an option to a select-type field at `position` (0 first; omitted or past the end:
/// last).
pub async fn add(
    db: &DatabaseConnection,
    auth: &AuthContext,
    field_id: i64,
    label: &str,
    position: Option<i32>,
    clock: &Clock,
) -> AppResult<Result<OptionOfField, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    let label = check.required_text("label", label, MAX_LABEL_CHARS);
    if position.is_some_and(|p| p < 0) {
        check.push("position", UserErrorCode::Invalid, "position is 0 or more");
    }
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let Some(found) = live_field(db, auth, field_id).await? else {
        return Ok(Err(field_not_found("fieldId", field_id)));
    };
    write_transaction(
        db,
        &(auth, &found, &label, clock),
        |txn, &(auth, found, label, clock)| {
            Box::pin(async move {
                let now = lock_campaign_then_now(txn, found.campaign_id, clock).await?;
                let Some(field) = live_field(txn, auth, found.id).await? else {
                    return Ok(Finish::Rollback(Err(field_not_found("fieldId", found.id))));
                };
                let display = display_of(&field)?;
                let mut check = Checker::default();
                if !has_options(display) {
                    check.push(
                        "fieldId",
                        UserErrorCode::Invalid,
                        format!("a {} field has no options", display.as_str()),
                    );
                    return Ok(Finish::Rollback(Err(check.finish().err().unwrap_or_default())));
                }
                let mut options = options_of(txn, field.id).await?;
                if options.len() >= MAX_OPTIONS {
                    check.push(
                        "fieldId",
                        UserErrorCode::Conflict,
                        format!("a field has at most {MAX_OPTIONS} options"),
                    );
                }
                check_label_free(&mut check, &options, label, None);
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                let at = position
                    .and_then(|p| usize::try_from(p).ok())
                    .unwrap_or(options.len())
                    .min(options.len());
                let option = custom_field_option::ActiveModel {
                    account_id: Set(auth.account_id),
                    field_id: Set(field.id),
                    label: Set(label.clone()),
                    position: Set(i32::try_from(at).unwrap_or(i32::MAX)),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                options.insert(at, option.clone());
                renumber(txn, options).await?;
                activity::record_for_campaign(
                    txn,
                    auth,
                    field.campaign_id,
                    OPTION_ADDED,
                    json!({ "fieldId": field.id, "after": { "optionId": option.id, "label": option.label, "position": at } }),
                    now,
                )
                .await?;
                Ok(Finish::Commit(Ok((option, field))))
            })
        },
    )
    .await
}

/// Renames an option.
pub async fn rename(
    db: &DatabaseConnection,
    auth: &AuthContext,
    option_id: i64,
    label: &str,
    clock: &Clock,
) -> AppResult<Result<OptionOfField, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    let label = check.required_text("label", label, MAX_LABEL_CHARS);
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let Some((_, found)) = live_option(db, auth, option_id).await? else {
        return Ok(Err(option_not_found(option_id)));
    };
    write_transaction(
        db,
        &(auth, found.campaign_id, &label, clock),
        |txn, &(auth, campaign_id, label, clock)| {
            Box::pin(async move {
                let now = lock_campaign_then_now(txn, campaign_id, clock).await?;
                let Some((option, field)) = live_option(txn, auth, option_id).await? else {
                    return Ok(Finish::Rollback(Err(option_not_found(option_id))));
                };
                let options = options_of(txn, field.id).await?;
                let mut check = Checker::default();
                check_label_free(&mut check, &options, label, Some(option.id));
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                // The label it has: nothing to write, no entry.
                if option.label == *label {
                    return Ok(Finish::Rollback(Ok((option, field))));
                }
                let before = option.label.clone();
                let mut model = option.into_active_model();
                model.label = Set(label.clone());
                let option = model.update(txn).await?;
                activity::record_for_campaign(
                    txn,
                    auth,
                    campaign_id,
                    OPTION_RENAMED,
                    json!({ "fieldId": field.id, "optionId": option.id, "before": before, "after": option.label }),
                    now,
                )
                .await?;
                Ok(Finish::Commit(Ok((option, field))))
            })
        },
    )
    .await
}

/// Puts a field's options in the order given: every option of the field exactly once.
pub async fn reorder(
    db: &DatabaseConnection,
    auth: &AuthContext,
    field_id: i64,
    option_ids: Vec<i64>,
    clock: &Clock,
) -> AppResult<Result<custom_field::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let Some(found) = live_field(db, auth, field_id).await? else {
        return Ok(Err(field_not_found("fieldId", field_id)));
    };
    write_transaction(
        db,
        &(auth, found.campaign_id, &option_ids, clock),
        |txn, &(auth, campaign_id, ids, clock)| {
            Box::pin(async move {
                let now = lock_campaign_then_now(txn, campaign_id, clock).await?;
                let Some(field) = live_field(txn, auth, field_id).await? else {
                    return Ok(Finish::Rollback(Err(field_not_found("fieldId", field_id))));
                };
                let options = options_of(txn, field.id).await?;
                let before: Vec<i64> = options.iter().map(|o| o.id).collect();
                let mut check = Checker::default();
                check_order(
                    &mut check,
                    "optionIds",
                    ids,
                    &before,
                    "options of the field",
                );
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                // The order they have: nothing to write, no entry.
                if *ids == before {
                    return Ok(Finish::Rollback(Ok(field)));
                }
                let ordered = ids
                    .iter()
                    .filter_map(|id| options.iter().find(|o| o.id == *id).cloned())
                    .collect();
                renumber(txn, ordered).await?;
                activity::record_for_campaign(
                    txn,
                    auth,
                    campaign_id,
                    OPTIONS_REORDERED,
                    json!({ "fieldId": field.id, "before": before, "after": ids }),
                    now,
                )
                .await?;
                Ok(Finish::Commit(Ok(field)))
            })
        },
    )
    .await
}

/// Removes an option: it leaves every answer that chose it, and an answer left with no option
/// goes. Returns the option as it was and its field.
pub async fn remove(
    db: &DatabaseConnection,
    auth: &AuthContext,
    option_id: i64,
    clock: &Clock,
) -> AppResult<Result<OptionOfField, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let Some((_, found)) = live_option(db, auth, option_id).await? else {
        return Ok(Err(option_not_found(option_id)));
    };
    write_transaction(
        db,
        &(auth, found.campaign_id, clock),
        |txn, &(auth, campaign_id, clock)| {
            Box::pin(async move {
                let now = lock_campaign_then_now(txn, campaign_id, clock).await?;
                let Some((option, field)) = live_option(txn, auth, option_id).await? else {
                    return Ok(Finish::Rollback(Err(option_not_found(option_id))));
                };
                // The partners who chose it, through the bulk engine: one activity entry each.
                let mut chose = Query::select();
                chose
                    .column(cfao::Column::PartnerId)
                    .from(cfao::Entity)
                    .and_where(Expr::col(cfao::Column::OptionId).eq(option.id));
                let selected = Condition::all()
                    .add(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id))
                    .add(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(campaign_id))
                    .add(Expr::col((cp::Entity, cp::Column::PartnerId)).in_subquery(chose));
                let drop = DropOption {
                    field_id: field.id,
                    option_id: option.id,
                };
                let run = Run::new(txn, auth, campaign_id, now);
                let outcome = bulk::execute(txn, run, Selected::Where(selected), &drop).await?;
                let (changed, removed) = (outcome.counts.changed, outcome.counts.removed);
                // Choices of partners no longer in the campaign go too.
                cfao::Entity::delete_many()
                    .filter(cfao::Column::OptionId.eq(option.id))
                    .exec(txn)
                    .await?;
                custom_field_option::Entity::delete_by_id(option.id)
                    .exec(txn)
                    .await?;
                activity::record_for_campaign(
                    txn,
                    auth,
                    campaign_id,
                    OPTION_REMOVED,
                    json!({
                        "fieldId": field.id,
                        "before": { "optionId": option.id, "label": option.label },
                        "answersChanged": changed,
                        "answersRemoved": removed,
                    }),
                    now,
                )
                .await?;
                Ok(Finish::Commit(Ok((option, field))))
            })
        },
    )
    .await
}
