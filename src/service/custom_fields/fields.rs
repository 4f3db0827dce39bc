//! Creating, updating (renaming) and reordering a campaign's custom fields (deleting is in
//! `delete`). Names are unique within the campaign's live fields, ignoring case (`names`).

use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, Set};
use serde_json::json;

use super::names::{check_labels, check_name_free};
use super::{
    check_order, field_not_found, live_field, FIELDS_REORDERED, FIELD_CREATED, FIELD_UPDATED,
    MAX_DESCRIPTION_CHARS, MAX_FIELDS, MAX_NAME_CHARS,
};
use crate::auth::{AuthContext, Permission};
use crate::clock::Clock;
use crate::domain::{CustomFieldDisplayType, UserErrorCode};
use crate::error::AppResult;
use crate::service::validation::{Checker, UserError};
use crate::service::write::{lock_campaign_then_now, write_transaction, Finish};
use crate::service::{activity, campaigns, catalog};

use entity::{custom_field, custom_field_option};

/// A field to create.
#[derive(Clone, Debug)]
pub struct NewField {
    /// The campaign.
    pub campaign_id: i64,
    /// Its name (at most 200 characters, unique in the campaign ignoring case).
    pub name: String,
    /// What it asks (at most 2,000 characters).
    pub description: Option<String>,
    /// How it is answered.
    pub display_type: CustomFieldDisplayType,
    /// Whether partners must answer.
    pub required: bool,
    /// The option labels of a select-type field, in order.
    pub options: Vec<String>,
}

/// A change of a field; `None` keeps a value.
#[derive(Clone, Debug, Default)]
pub struct FieldChange {
    /// The field.
    pub field_id: i64,
    /// A new name.
    pub name: Option<String>,
    /// A new description (`Some(None)` clears it).
    pub description: Option<Option<String>>,
    /// Whether partners must answer.
    pub required: Option<bool>,
}

pub(super) fn summary(field: &custom_field::Model) -> serde_json::Value {
    json!({
        "fieldId": field.id,
        "name": field.name,
        "description": field.description,
        "displayType": field.display_type,
        "required": field.required,
    })
}

/// Creates a field (with its options) at the end of the campaign's fields.
pub async fn create(
    db: &DatabaseConnection,
    auth: &AuthContext,
    input: NewField,
    clock: &Clock,
) -> AppResult<Result<custom_field::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    let name = check.required_text("name", &input.name, MAX_NAME_CHARS);
    let description = check.optional_multiline_text(
        "description",
        input.description.as_deref(),
        MAX_DESCRIPTION_CHARS,
    );
    let labels = check_labels(&mut check, input.display_type, &input.options);
    campaigns::check_exists(db, auth, input.campaign_id, &mut check).await?;
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let checked = (name, description, labels);
    write_transaction(
        db,
        &(auth, &input, &checked, clock),
        |txn, &(auth, input, (name, description, labels), clock)| {
            Box::pin(async move {
                let now = lock_campaign_then_now(txn, input.campaign_id, clock).await?;
                let fields = catalog::custom_fields(txn, auth, input.campaign_id).await?;
                let mut check = Checker::default();
                if fields.len() >= MAX_FIELDS {
                    check.push(
                        "campaignId",
                        UserErrorCode::Conflict,
                        format!("a campaign has at most {MAX_FIELDS} custom fields"),
                    );
                }
                check_name_free(&mut check, &fields, name, None);
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                let position = fields.iter().map(|f| f.position).max().map_or(0, |p| p + 1);
                let field = custom_field::ActiveModel {
                    account_id: Set(auth.account_id),
                    campaign_id: Set(input.campaign_id),
                    name: Set(name.clone()),
                    display_type: Set(input.display_type.as_str().to_owned()),
                    position: Set(position),
                    required: Set(input.required),
                    created_at: Set(now),
                    description: Set(description.clone()),
                    deleted_at: Set(None),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                if !labels.is_empty() {
                    custom_field_option::Entity::insert_many(labels.iter().enumerate().map(
                        |(i, label)| custom_field_option::ActiveModel {
                            account_id: Set(auth.account_id),
                            field_id: Set(field.id),
                            label: Set(label.clone()),
                            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                            ..Default::default()
                        },
                    ))
                    .exec(txn)
                    .await?;
                }
                let mut details = summary(&field);
                details["options"] = json!(labels);
                activity::record_for_campaign(
                    txn,
                    auth,
                    input.campaign_id,
                    FIELD_CREATED,
                    json!({ "after": details }),
                    now,
                )
                .await?;
                Ok(Finish::Commit(Ok(field)))
            })
        },
    )
    .await
}

/// Renames a field, or changes its description or whether it is required.
pub async fn update(
    db: &DatabaseConnection,
    auth: &AuthContext,
    input: FieldChange,
    clock: &Clock,
) -> AppResult<Result<custom_field::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    let name = input
        .name
        .as_deref()
        .map(|n| check.required_text("name", n, MAX_NAME_CHARS));
    let description = input
        .description
        .as_ref()
        .map(|d| check.optional_multiline_text("description", d.as_deref(), MAX_DESCRIPTION_CHARS));
    if name.is_none() && description.is_none() && input.required.is_none() {
        check.push(
            "name",
            UserErrorCode::Required,
            "give at least one of name, description and required",
        );
    }
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let Some(found) = live_field(db, auth, input.field_id).await? else {
        return Ok(Err(field_not_found("fieldId", input.field_id)));
    };
    let checked = (name, description);
    write_transaction(
        db,
        &(auth, &input, &checked, found.campaign_id, clock),
        |txn, &(auth, input, (name, description), campaign_id, clock)| {
            Box::pin(async move {
                let now = lock_campaign_then_now(txn, campaign_id, clock).await?;
                let fields = catalog::custom_fields(txn, auth, campaign_id).await?;
                let Some(field) = fields.iter().find(|f| f.id == input.field_id).cloned() else {
                    return Ok(Finish::Rollback(Err(field_not_found(
                        "fieldId",
                        input.field_id,
                    ))));
                };
                let mut check = Checker::default();
                if let Some(name) = name {
                    check_name_free(&mut check, &fields, name, Some(field.id));
                }
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                let before = summary(&field);
                let mut model = field.into_active_model();
                if let Some(name) = name {
                    model.name = Set(name.clone());
                }
                if let Some(description) = description {
                    model.description = Set(description.clone());
                }
                if let Some(required) = input.required {
                    model.required = Set(required);
                }
                let field = model.update(txn).await?;
                let after = summary(&field);
                // Nothing changed: nothing to keep, no entry (as a note edited to its own text).
                if after == before {
                    return Ok(Finish::Rollback(Ok(field)));
                }
                activity::record_for_campaign(
                    txn,
                    auth,
                    campaign_id,
                    FIELD_UPDATED,
                    json!({ "before": before, "after": after }),
                    now,
                )
                .await?;
                Ok(Finish::Commit(Ok(field)))
            })
        },
    )
    .await
}

/// Puts the campaign's fields in the order given: every live field of the campaign exactly
/// once. Returns the fields in their new order.
pub async fn reorder(
    db: &DatabaseConnection,
    auth: &AuthContext,
    campaign_id: i64,
    field_ids: Vec<i64>,
    clock: &Clock,
) -> AppResult<Result<Vec<custom_field::Model>, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    if !campaigns::check_exists(db, auth, campaign_id, &mut check).await? {
        return Ok(Err(check.finish().err().unwrap_or_default()));
    }
    write_transaction(
        db,
        &(auth, &field_ids, clock),
        |txn, &(auth, ids, clock)| {
            Box::pin(async move {
                let now = lock_campaign_then_now(txn, campaign_id, clock).await?;
                let fields = catalog::custom_fields(txn, auth, campaign_id).await?;
                let before: Vec<i64> = fields.iter().map(|f| f.id).collect();
                let mut check = Checker::default();
                check_order(
                    &mut check,
                    "fieldIds",
                    ids,
                    &before,
                    "fields of the campaign",
                );
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                // The order they have: nothing to write, no entry.
                if *ids == before {
                    return Ok(Finish::Rollback(Ok(fields)));
                }
                let ordered: Vec<custom_field::Model> = ids
                    .iter()
                    .filter_map(|id| fields.iter().find(|f| f.id == *id).cloned())
                    .collect();
                let order: Vec<i64> = ordered.iter().map(|f| f.id).collect();
                let current: Vec<i32> = ordered.iter().map(|f| f.position).collect();
                let positions =
                    super::positions::set(txn, "custom_fields", &order, &current).await?;
                let ordered: Vec<custom_field::Model> = ordered
                    .into_iter()
                    .zip(positions)
                    .map(|(field, position)| custom_field::Model { position, ..field })
                    .collect();
                activity::record_for_campaign(
                    txn,
                    auth,
                    campaign_id,
                    FIELDS_REORDERED,
                    json!({ "before": before, "after": ids }),
                    now,
                )
                .await?;
                Ok(Finish::Commit(Ok(ordered)))
            })
        },
    )
    .await
}
