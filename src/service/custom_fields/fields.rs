//! Creating, updating (renaming), reordering and deleting a campaign's custom fields. Names are
//! unique within the campaign's live fields, ignoring case — checked under the campaign's write
//! lock, which every writer of the campaign's fields takes, so two writers cannot both pass the
//! check. Deleting keeps the field as a tombstone and removes its answers and options.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    Set,
};
use serde_json::json;

use super::{
    check_order, display_of, field_not_found, has_options, live_field, FIELDS_REORDERED,
    FIELD_CREATED, FIELD_DELETED, FIELD_UPDATED, MAX_DESCRIPTION_CHARS, MAX_FIELDS,
    MAX_LABEL_CHARS, MAX_NAME_CHARS, MAX_OPTIONS,
};
use crate::auth::{AuthContext, Permission};
use crate::domain::{CustomFieldDisplayType, UserErrorCode};
use crate::error::AppResult;
use crate::service::validation::{Checker, UserError};
use crate::service::write::{lock_campaign, write_transaction, Finish};
use crate::service::{activity, campaigns, catalog};

use entity::{custom_field, custom_field_answer, custom_field_answer_option, custom_field_option};

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

/// Checks the option labels of a new field: only select types have options; at most
/// [`MAX_OPTIONS`], each a required line of at most [`MAX_LABEL_CHARS`], unique ignoring case.
pub(super) fn check_labels(
    check: &mut Checker,
    display: CustomFieldDisplayType,
    labels: &[String],
) -> Vec<String> {
    if labels.is_empty() {
        return Vec::new();
    }
    if !has_options(display) {
        check.push(
            "options",
            UserErrorCode::Invalid,
            format!("a {} field has no options", display.as_str()),
        );
        return Vec::new();
    }
    if labels.len() > MAX_OPTIONS {
        check.push(
            "options",
            UserErrorCode::TooLong,
            format!("at most {MAX_OPTIONS} options"),
        );
        return Vec::new();
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for label in labels {
        let label = check.required_text("options", label, MAX_LABEL_CHARS);
        if !label.is_empty() && !seen.insert(label.to_lowercase()) {
            check.push(
                "options",
                UserErrorCode::Conflict,
                format!("the option {label:?} is given twice"),
            );
        }
        out.push(label);
    }
    out
}

/// Reports `name` when another live field of the campaign has it, ignoring case.
fn check_name_free(
    check: &mut Checker,
    fields: &[custom_field::Model],
    name: &str,
    except: Option<i64>,
) {
    let wanted = name.to_lowercase();
    if !name.is_empty()
        && fields
            .iter()
            .any(|f| Some(f.id) != except && f.name.to_lowercase() == wanted)
    {
        check.push(
            "name",
            UserErrorCode::Conflict,
            format!("a custom field named {name:?} already exists in this campaign"),
        );
    }
}

fn summary(field: &custom_field::Model) -> serde_json::Value {
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
    now: DateTime<Utc>,
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
        &(auth, &input, &checked, now),
        |txn, &(auth, input, (name, description, labels), now)| {
            Box::pin(async move {
                lock_campaign(txn, input.campaign_id).await?;
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
    now: DateTime<Utc>,
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
        &(auth, &input, &checked, found.campaign_id, now),
        |txn, &(auth, input, (name, description), campaign_id, now)| {
            Box::pin(async move {
                lock_campaign(txn, campaign_id).await?;
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
                activity::record_for_campaign(
                    txn,
                    auth,
                    campaign_id,
                    FIELD_UPDATED,
                    json!({ "before": before, "after": summary(&field) }),
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
    now: DateTime<Utc>,
) -> AppResult<Result<Vec<custom_field::Model>, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    if !campaigns::check_exists(db, auth, campaign_id, &mut check).await? {
        return Ok(Err(check.finish().err().unwrap_or_default()));
    }
    write_transaction(db, &(auth, &field_ids, now), |txn, &(auth, ids, now)| {
        Box::pin(async move {
            lock_campaign(txn, campaign_id).await?;
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
            let mut ordered = Vec::with_capacity(fields.len());
            for (position, id) in ids.iter().enumerate() {
                let Some(field) = fields.iter().find(|f| f.id == *id) else {
                    continue;
                };
                let mut model = field.clone().into_active_model();
                model.position = Set(i32::try_from(position).unwrap_or(i32::MAX));
                ordered.push(model.update(txn).await?);
            }
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
    })
    .await
}

/// Deletes a field: its answers and options go; the field stays as a tombstone no reader shows,
/// so filters naming it match nothing. Returns the field as it was.
pub async fn delete(
    db: &DatabaseConnection,
    auth: &AuthContext,
    field_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Result<custom_field::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let Some(found) = live_field(db, auth, field_id).await? else {
        return Ok(Err(field_not_found("fieldId", field_id)));
    };
    write_transaction(db, &(auth, &found, now), |txn, &(auth, found, now)| {
        Box::pin(async move {
            lock_campaign(txn, found.campaign_id).await?;
            let Some(field) = live_field(txn, auth, found.id).await? else {
                return Ok(Finish::Rollback(Err(field_not_found("fieldId", found.id))));
            };
            display_of(&field)?;
            custom_field_answer_option::Entity::delete_many()
                .filter(custom_field_answer_option::Column::FieldId.eq(field.id))
                .exec(txn)
                .await?;
            let answers = custom_field_answer::Entity::delete_many()
                .filter(custom_field_answer::Column::FieldId.eq(field.id))
                .exec(txn)
                .await?
                .rows_affected;
            custom_field_option::Entity::delete_many()
                .filter(custom_field_option::Column::FieldId.eq(field.id))
                .exec(txn)
                .await?;
            let mut model = field.clone().into_active_model();
            model.deleted_at = Set(Some(now));
            model.update(txn).await?;
            activity::record_for_campaign(
                txn,
                auth,
                field.campaign_id,
                FIELD_DELETED,
                json!({ "before": summary(&field), "answersRemoved": answers }),
                now,
            )
            .await?;
            Ok(Finish::Commit(Ok(field)))
        })
    })
    .await
}
