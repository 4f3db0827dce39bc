//! `createCustomField`, `updateCustomField`, `reorderCustomFields`, `deleteCustomField`: a
//! campaign's custom fields (`service::custom_fields::fields`). Options are in
//! `custom_field_options`, answers in `custom_field_answers`.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use crate::domain::CustomFieldDisplayType;
use crate::graphql::context::{auth, clock, db};
use crate::graphql::ids;
use crate::graphql::types::custom_field::CustomField;
use crate::graphql::types::user_error::UserError;
use crate::service::custom_fields::delete;
use crate::service::custom_fields::fields::{self, FieldChange, NewField};
use crate::service::validation;

/// A new custom field of a campaign.
#[derive(InputObject)]
pub struct CreateCustomFieldInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// The field's name, its column header: at most 200 characters, unique in the campaign
    /// ignoring case.
    pub name: String,
    /// What the field asks (at most 2,000 characters; line breaks allowed).
    pub description: Option<String>,
    /// How the field is answered.
    pub display_type: CustomFieldDisplayType,
    /// Whether partners must answer (default false).
    #[graphql(default)]
    pub required: bool,
    /// The option labels of a `DROPDOWN`, `MULTIPLE_CHOICE` or `CHECKBOXES` field, in order (at
    /// most 200, each at most 200 characters, unique ignoring case); other types take none.
    #[graphql(default)]
    pub options: Vec<String>,
}

/// A change of a custom field; omitted members keep their value.
#[derive(InputObject)]
pub struct UpdateCustomFieldInput {
    /// The field (numeric or global id).
    pub field_id: ID,
    /// A new name (renames the column; unique in the campaign ignoring case).
    pub name: Option<String>,
    /// A new description; null clears it.
    pub description: MaybeUndefined<String>,
    /// Whether partners must answer.
    pub required: Option<bool>,
}

/// The complete new order of a campaign's custom fields.
#[derive(InputObject)]
pub struct ReorderCustomFieldsInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Every custom field of the campaign, each once, in the new order.
    pub field_ids: Vec<ID>,
}

/// The custom field to delete.
#[derive(InputObject)]
pub struct DeleteCustomFieldInput {
    /// The field (numeric or global id).
    pub field_id: ID,
}

/// The result of creating or changing a custom field.
#[derive(SimpleObject)]
pub struct CustomFieldPayload {
    /// The field as saved, unless the input was refused.
    pub custom_field: Option<CustomField>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `reorderCustomFields`.
#[derive(SimpleObject)]
pub struct ReorderCustomFieldsPayload {
    /// The campaign's fields in their new order (empty when refused).
    pub custom_fields: Vec<CustomField>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `deleteCustomField`.
#[derive(SimpleObject)]
pub struct DeleteCustomFieldPayload {
    /// The numeric id of the deleted field.
    pub deleted_custom_field_id: Option<i64>,
    /// Why nothing was deleted; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A payload of the field, or of the user errors.
pub fn field_payload(
    result: Result<entity::custom_field::Model, Vec<validation::UserError>>,
) -> CustomFieldPayload {
    match result {
        Ok(field) => CustomFieldPayload {
            custom_field: Some(CustomField(field)),
            user_errors: Vec::new(),
        },
        Err(errors) => refused(UserError::all(errors)),
    }
}

/// A payload of user errors only.
pub fn refused(user_errors: Vec<UserError>) -> CustomFieldPayload {
    CustomFieldPayload {
        custom_field: None,
        user_errors,
    }
}

/// A campaign's custom fields.
#[derive(Default)]
pub struct CustomFieldMutation;

/// A campaign's custom fields.
#[Object]
impl CustomFieldMutation {
    /// Adds a custom field (with its options) after the campaign's others; needs
    /// `EDIT_PARTNERS`. At most 100 fields per campaign. One activity entry for the campaign.
    async fn create_custom_field(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the name, display type and options of the field.")]
        input: CreateCustomFieldInput,
    ) -> async_graphql::Result<CustomFieldPayload> {
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["campaignId"], &err))),
        };
        let new = NewField {
            campaign_id,
            name: input.name,
            description: input.description,
            display_type: input.display_type,
            required: input.required,
            options: input.options,
        };
        Ok(field_payload(
            fields::create(db(ctx)?, auth(ctx)?, new, &clock(ctx)?).await?,
        ))
    }

    /// Renames a custom field or changes its description or whether it is required; needs
    /// `EDIT_PARTNERS`. Its answers, options and saved filters stay.
    async fn update_custom_field(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The field and what changes.")] input: UpdateCustomFieldInput,
    ) -> async_graphql::Result<CustomFieldPayload> {
        let field_id = match ids::custom_field_id(&input.field_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["fieldId"], &err))),
        };
        let description = match input.description {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(d) => Some(Some(d)),
        };
        let change = FieldChange {
            field_id,
            name: input.name,
            description,
            required: input.required,
        };
        Ok(field_payload(
            fields::update(db(ctx)?, auth(ctx)?, change, &clock(ctx)?).await?,
        ))
    }

    /// Puts the campaign's custom fields (and so their columns) in a new order; needs
    /// `EDIT_PARTNERS`. `fieldIds` must name every field of the campaign exactly once.
    async fn reorder_custom_fields(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign and its fields' ids in the new order.")]
        input: ReorderCustomFieldsInput,
    ) -> async_graphql::Result<ReorderCustomFieldsPayload> {
        let refused = |user_errors| ReorderCustomFieldsPayload {
            custom_fields: Vec::new(),
            user_errors,
        };
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["campaignId"], &err))),
        };
        if let Err(errors) = UserError::at_most(&["fieldIds"], input.field_ids.len(), 1_000) {
            return Ok(refused(errors));
        }
        let field_ids = match ids::many(&input.field_ids, ids::custom_field_id) {
            Ok(ids) => ids,
            Err(err) => return Ok(refused(UserError::unreadable(&["fieldIds"], &err))),
        };
        Ok(
            match fields::reorder(db(ctx)?, auth(ctx)?, campaign_id, field_ids, &clock(ctx)?)
                .await?
            {
                Ok(list) => ReorderCustomFieldsPayload {
                    custom_fields: list.into_iter().map(CustomField).collect(),
                    user_errors: Vec::new(),
                },
                Err(errors) => refused(UserError::all(errors)),
            },
        )
    }

    /// Deletes a custom field with every partner's answer to it; needs `EDIT_PARTNERS`. Saved
    /// views and filters naming it keep working: its conditions match no one.
    async fn delete_custom_field(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The field to delete.")] input: DeleteCustomFieldInput,
    ) -> async_graphql::Result<DeleteCustomFieldPayload> {
        let refused = |user_errors| DeleteCustomFieldPayload {
            deleted_custom_field_id: None,
            user_errors,
        };
        let field_id = match ids::custom_field_id(&input.field_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["fieldId"], &err))),
        };
        Ok(
            match delete::field(db(ctx)?, auth(ctx)?, field_id, &clock(ctx)?).await? {
                Ok(field) => DeleteCustomFieldPayload {
                    deleted_custom_field_id: Some(field.id),
                    user_errors: Vec::new(),
                },
                Err(errors) => refused(UserError::all(errors)),
            },
        )
    }
}
