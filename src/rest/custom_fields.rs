//! `GET /Advertisers/{AccountSID}/Campaigns/{CampaignId}/CustomFields`: the campaign's custom
//! fields, read only, in the product's Custom Fields API shape (`Page`, `PageSize`,
//! `TotalCount`, `CustomFields`; a field `{Id, Name, Description, DisplayType, Enumerations:
//! [{Id, Value}]}` with the product's display type names).

use axum::extract::State;
use axum::http::Uri;
use axum::Json;

use super::caller::Caller;
use super::envelope::RestError;
use super::paging::{PageRequest, DEFAULT_CUSTOM_FIELDS_PAGE_SIZE};
use super::resources::{CustomField, CustomFieldList, Enumeration};
use crate::domain::CustomFieldDisplayType;
use crate::http::AppState;
use crate::service::{campaigns, catalog};

/// The campaign's live fields in display order (deleted ones never), a page of them with their
/// descriptions and their options' labels in order (another account's campaign is 404 like an
/// unknown one).
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<CustomFieldList>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let request = PageRequest::from_uri(&uri, DEFAULT_CUSTOM_FIELDS_PAGE_SIZE)?;
    campaigns::get(&state.db, &caller.auth, campaign_id).await?;
    let fields = catalog::custom_fields(&state.db, &caller.auth, campaign_id).await?;
    let total = fields.len();
    let offset = usize::try_from(request.offset()).unwrap_or(usize::MAX);
    let size = usize::try_from(request.size).unwrap_or(usize::MAX);
    let page: Vec<_> = fields.into_iter().skip(offset).take(size).collect();
    let ids: Vec<i64> = page.iter().map(|f| f.id).collect();
    let options = catalog::custom_field_options(&state.db, &caller.auth, &ids).await?;
    Ok(Json(CustomFieldList {
        page: request.page.to_string(),
        page_size: request.size.to_string(),
        total_count: total.to_string(),
        custom_fields: page
            .into_iter()
            .map(|f| CustomField {
                id: f.id.to_string(),
                enumerations: options
                    .iter()
                    .filter(|o| o.field_id == f.id)
                    .map(|o| Enumeration {
                        id: o.id.to_string(),
                        value: o.label.clone(),
                    })
                    .collect(),
                display_type: product_display_type(&f.display_type),
                name: f.name,
                description: f.description.unwrap_or_default(),
            })
            .collect(),
    }))
}

/// The product's name of a display type (`date_picker`, `multiple_checkbox`, ...).
fn product_display_type(stored: &str) -> String {
    use CustomFieldDisplayType as T;
    match CustomFieldDisplayType::parse(stored) {
        Some(T::Paragraph) => "paragraph",
        Some(T::Number) => "number",
        Some(T::Date) => "date_picker",
        Some(T::Dropdown) => "dropdown",
        Some(T::MultipleChoice) => "multiple_choice",
        Some(T::Checkboxes) => "multiple_checkbox",
        Some(T::File) => "file",
        // Not one we write; shown as stored rather than hidden.
        None => return stored.to_ascii_lowercase(),
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_types_read_in_the_products_words() {
        let named: Vec<String> = [
            "PARAGRAPH",
            "NUMBER",
            "DATE",
            "DROPDOWN",
            "MULTIPLE_CHOICE",
            "CHECKBOXES",
            "FILE",
        ]
        .iter()
        .map(|t| product_display_type(t))
        .collect();
        assert_eq!(
            named,
            [
                "paragraph",
                "number",
                "date_picker",
                "dropdown",
                "multiple_choice",
                "multiple_checkbox",
                "file"
            ]
        );
    }
}
