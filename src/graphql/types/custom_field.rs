//! Custom fields of a campaign and partners' typed answers to them.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::scalars::Date;
use crate::domain::{CustomFieldDisplayType, GlobalId};
use crate::graphql::context::loader;
use crate::graphql::loaders::{to_gql, FieldById, OptionsOfField};
use crate::service::partners::relations::AnswerRecord;

use entity::custom_field;

/// A question the brand asks its partners (in surveys); each can be shown as a column.
pub struct CustomField(pub custom_field::Model);

/// One choice of a select-type custom field.
#[derive(SimpleObject, Clone, Debug)]
pub struct CustomFieldOption {
    /// Numeric id of the option.
    pub option_id: i64,
    /// The option's label.
    pub label: String,
}

async fn options_of(
    ctx: &Context<'_>,
    field_id: i64,
) -> async_graphql::Result<Vec<CustomFieldOption>> {
    let options = loader(ctx)?
        .load_one(OptionsOfField(field_id))
        .await
        .map_err(to_gql)?
        .unwrap_or_default();
    Ok(options
        .into_iter()
        .map(|o| CustomFieldOption {
            option_id: o.id,
            label: o.label,
        })
        .collect())
}

/// A question the brand asks its partners (in surveys); each can be shown as a column.
#[Object]
impl CustomField {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::CustomField(self.0.id).encode())
    }

    /// Numeric id of the field.
    async fn custom_field_id(&self) -> i64 {
        self.0.id
    }

    /// The field's name (its column header).
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the field asks, shown under its name (null when it has none).
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// How the field is answered.
    async fn display_type(&self) -> async_graphql::Result<CustomFieldDisplayType> {
        Ok(CustomFieldDisplayType::from_stored(&self.0.display_type)?)
    }

    /// Position among the campaign's fields.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// Whether partners must answer.
    async fn required(&self) -> bool {
        self.0.required
    }

    /// The choices, for dropdown, multiple choice and checkboxes fields.
    async fn options(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CustomFieldOption>> {
        options_of(ctx, self.0.id).await
    }
}

/// A partner's answer to one custom field; the value sits in the member matching the field's type.
pub struct CustomFieldAnswer(pub AnswerRecord);

/// A partner's answer to one custom field; the value sits in the member matching the field's type.
#[Object]
impl CustomFieldAnswer {
    /// The field answered.
    async fn field(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CustomField>> {
        let field = loader(ctx)?
            .load_one(FieldById(self.0.answer.field_id))
            .await
            .map_err(to_gql)?;
        Ok(field.map(CustomField))
    }

    /// Numeric id of the field answered.
    async fn custom_field_id(&self) -> i64 {
        self.0.answer.field_id
    }

    /// The answer of a paragraph field.
    async fn text(&self) -> Option<&str> {
        self.0.answer.text_value.as_deref()
    }

    /// The answer of a number field.
    async fn number(&self) -> Option<f64> {
        self.0.answer.number_value
    }

    /// The answer of a date field.
    async fn date(&self) -> Option<Date> {
        self.0.answer.date_value.map(Date)
    }

    /// The uploaded file of a file field.
    async fn file_url(&self) -> Option<&str> {
        self.0.answer.file_url.as_deref()
    }

    /// The chosen options of a dropdown, multiple choice or checkboxes field, in the field's
    /// order.
    async fn options(&self) -> Vec<CustomFieldOption> {
        self.0
            .options
            .iter()
            .map(|o| CustomFieldOption {
                option_id: o.id,
                label: o.label.clone(),
            })
            .collect()
    }
}
