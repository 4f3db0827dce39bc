//! `addCustomFieldOption`, `renameCustomFieldOption`, `reorderCustomFieldOptions`,
//! `removeCustomFieldOption`: the choices of select-type custom fields
//! (`service::custom_fields::options`).

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::custom_fields::{field_payload, refused, CustomFieldPayload};
use crate::graphql::context::{auth, clock, db};
use crate::graphql::ids;
use crate::graphql::types::custom_field::{CustomField, CustomFieldOption};
use crate::graphql::types::user_error::UserError;
use crate::service::custom_fields::options::{self, OptionOfField};
use crate::service::validation;

/// A new option of a `DROPDOWN`, `MULTIPLE_CHOICE` or `CHECKBOXES` field.
#[derive(InputObject)]
pub struct AddCustomFieldOptionInput {
    /// The field (numeric or global id).
    pub field_id: ID,
    /// The option's label: at most 200 characters, unique in the field ignoring case.
    pub label: String,
    /// Where it goes among the field's options: 0 first; omitted or past the end, last.
    pub position: Option<i32>,
}

/// A new label for an option.
#[derive(InputObject)]
pub struct RenameCustomFieldOptionInput {
    /// The option (its `optionId`).
    pub option_id: ID,
    /// The new label: at most 200 characters, unique in the field ignoring case.
    pub label: String,
}

/// The complete new order of a field's options.
#[derive(InputObject)]
pub struct ReorderCustomFieldOptionsInput {
    /// The field (numeric or global id).
    pub field_id: ID,
    /// Every option of the field, each once, in the new order.
    pub option_ids: Vec<ID>,
}

/// The option to remove.
#[derive(InputObject)]
pub struct RemoveCustomFieldOptionInput {
    /// The option (its `optionId`).
    pub option_id: ID,
}

/// The result of adding or renaming an option.
#[derive(SimpleObject)]
pub struct CustomFieldOptionPayload {
    /// The option as saved, unless the input was refused.
    pub option: Option<CustomFieldOption>,
    /// The option's field, with its options in order.
    pub custom_field: Option<CustomField>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `removeCustomFieldOption`.
#[derive(SimpleObject)]
pub struct RemoveCustomFieldOptionPayload {
    /// The numeric id of the removed option.
    pub removed_option_id: Option<i64>,
    /// The option's field, with its remaining options.
    pub custom_field: Option<CustomField>,
    /// Why nothing was removed; empty on success.
    pub user_errors: Vec<UserError>,
}

fn option_refused(user_errors: Vec<UserError>) -> CustomFieldOptionPayload {
    CustomFieldOptionPayload {
        option: None,
        custom_field: None,
        user_errors,
    }
}

fn option_payload(
    result: Result<OptionOfField, Vec<validation::UserError>>,
) -> CustomFieldOptionPayload {
    match result {
        Ok((option, field)) => CustomFieldOptionPayload {
            option: Some(CustomFieldOption {
                option_id: option.id,
                label: option.label,
            }),
            custom_field: Some(CustomField(field)),
            user_errors: Vec::new(),
        },
        Err(errors) => option_refused(UserError::all(errors)),
    }
}

/// The options of select-type custom fields.
#[derive(Default)]
pub struct CustomFieldOptionMutation;

/// The options of select-type custom fields.
#[Object]
impl CustomFieldOptionMutation {
    /// Adds an option to a dropdown, multiple choice or checkboxes field (at most 200 per
    /// field); needs `EDIT_PARTNERS`.
    async fn add_custom_field_option(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The field, the label and where the option goes.")]
        input: AddCustomFieldOptionInput,
    ) -> async_graphql::Result<CustomFieldOptionPayload> {
        let field_id = match ids::custom_field_id(&input.field_id) {
            Ok(id) => id,
            Err(err) => return Ok(option_refused(UserError::unreadable(&["fieldId"], &err))),
        };
        Ok(option_payload(
            options::add(
                db(ctx)?,
                auth(ctx)?,
                field_id,
                &input.label,
                input.position,
                &clock(ctx)?,
            )
            .await?,
        ))
    }

    /// Renames an option; needs `EDIT_PARTNERS`. Answers that chose it keep it.
    async fn rename_custom_field_option(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The option and its new label.")] input: RenameCustomFieldOptionInput,
    ) -> async_graphql::Result<CustomFieldOptionPayload> {
        let option_id = match ids::option_id(&input.option_id) {
            Ok(id) => id,
            Err(err) => return Ok(option_refused(UserError::unreadable(&["optionId"], &err))),
        };
        Ok(option_payload(
            options::rename(db(ctx)?, auth(ctx)?, option_id, &input.label, &clock(ctx)?).await?,
        ))
    }

    /// Puts a field's options in a new order; needs `EDIT_PARTNERS`. `optionIds` must name
    /// every option of the field exactly once.
    async fn reorder_custom_field_options(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The field and its options' ids in the new order.")]
        input: ReorderCustomFieldOptionsInput,
    ) -> async_graphql::Result<CustomFieldPayload> {
        let field_id = match ids::custom_field_id(&input.field_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["fieldId"], &err))),
        };
        if let Err(errors) = UserError::at_most(&["optionIds"], input.option_ids.len(), 1_000) {
            return Ok(refused(errors));
        }
        let option_ids = match ids::many(&input.option_ids, ids::option_id) {
            Ok(ids) => ids,
            Err(err) => return Ok(refused(UserError::unreadable(&["optionIds"], &err))),
        };
        Ok(field_payload(
            options::reorder(db(ctx)?, auth(ctx)?, field_id, option_ids, &clock(ctx)?).await?,
        ))
    }

    /// Removes an option; needs `EDIT_PARTNERS`. It leaves every answer that chose it, and an
    /// answer left without options is removed. Filters naming it match no one.
    async fn remove_custom_field_option(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The option to remove.")] input: RemoveCustomFieldOptionInput,
    ) -> async_graphql::Result<RemoveCustomFieldOptionPayload> {
        let refused = |user_errors| RemoveCustomFieldOptionPayload {
            removed_option_id: None,
            custom_field: None,
            user_errors,
        };
        let option_id = match ids::option_id(&input.option_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["optionId"], &err))),
        };
        Ok(
            match options::remove(db(ctx)?, auth(ctx)?, option_id, &clock(ctx)?).await? {
                Ok((option, field)) => RemoveCustomFieldOptionPayload {
                    removed_option_id: Some(option.id),
                    custom_field: Some(CustomField(field)),
                    user_errors: Vec::new(),
                },
                Err(errors) => refused(UserError::all(errors)),
            },
        )
    }
}
