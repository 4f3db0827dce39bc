//! Managing a campaign's custom fields (the brand's survey questions) and partners' answers:
//! fields ([`fields`]: create, update, reorder; [`delete`]), the options of select-type fields
//! ([`options`]: add, rename, reorder, remove), and answers ([`answers`]: one bulk action that
//! sets or clears one field's answer for a selection, one partner being a selection of one).
//!
//! Every write needs `EDIT_PARTNERS` (no narrower permission exists; the fields describe
//! partners), runs in one write transaction holding the campaign's write lock, checks what it
//! decides on under that lock, and records one activity entry: a field or option change one for
//! the campaign, an answer change one per partner whose answer changed. Another account's ids,
//! and deleted fields, are unknown. A deleted field stays as a tombstone (`deleted_at`) so that
//! a saved filter naming it matches nothing instead of failing (see `partners::prepare`).

mod answer_writes;
pub mod answers;
pub mod delete;
mod drop_option;
pub mod fields;
mod names;
pub mod options;
mod positions;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::AuthContext;
use crate::domain::{CustomFieldDisplayType, UserErrorCode};
use crate::error::{AppError, AppResult};
use crate::service::validation::{Checker, UserError};

use entity::{custom_field, custom_field_option};

/// The longest field name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest field description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// The longest option label, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// The most fields a campaign may have.
pub const MAX_FIELDS: usize = 100;
/// The most options a field may have.
pub const MAX_OPTIONS: usize = 200;
/// The longest text answer, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// The activity-log actions of field and option changes (campaign entries).
pub const FIELD_CREATED: &str = "CUSTOM_FIELD_CREATED";
/// See [`FIELD_CREATED`].
pub const FIELD_UPDATED: &str = "CUSTOM_FIELD_UPDATED";
/// See [`FIELD_CREATED`].
pub const FIELDS_REORDERED: &str = "CUSTOM_FIELDS_REORDERED";
/// See [`FIELD_CREATED`].
pub const FIELD_DELETED: &str = "CUSTOM_FIELD_DELETED";
/// See [`FIELD_CREATED`].
pub const OPTION_ADDED: &str = "CUSTOM_FIELD_OPTION_ADDED";
/// See [`FIELD_CREATED`].
pub const OPTION_RENAMED: &str = "CUSTOM_FIELD_OPTION_RENAMED";
/// See [`FIELD_CREATED`].
pub const OPTIONS_REORDERED: &str = "CUSTOM_FIELD_OPTIONS_REORDERED";
/// See [`FIELD_CREATED`].
pub const OPTION_REMOVED: &str = "CUSTOM_FIELD_OPTION_REMOVED";

/// Whether fields of this display type have options (dropdown, multiple choice, checkboxes).
pub fn has_options(display: CustomFieldDisplayType) -> bool {
    use CustomFieldDisplayType as D;
    matches!(display, D::Dropdown | D::MultipleChoice | D::Checkboxes)
}

/// The display type of a stored field.
pub(crate) fn display_of(field: &custom_field::Model) -> AppResult<CustomFieldDisplayType> {
    CustomFieldDisplayType::parse(&field.display_type).ok_or_else(|| {
        AppError::internal(format!(
            "custom field {} has the unknown display type {:?}",
            field.id, field.display_type
        ))
    })
}

/// The caller's live (not deleted) field `field_id`, if any.
pub(crate) async fn live_field(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    field_id: i64,
) -> AppResult<Option<custom_field::Model>> {
    Ok(custom_field::Entity::find_by_id(field_id)
        .filter(custom_field::Column::AccountId.eq(auth.account_id))
        .filter(custom_field::Column::DeletedAt.is_null())
        .one(db)
        .await?)
}

/// The caller's option `option_id` of a live field, with its field.
pub(crate) async fn live_option(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    option_id: i64,
) -> AppResult<Option<(custom_field_option::Model, custom_field::Model)>> {
    let Some(option) = custom_field_option::Entity::find_by_id(option_id)
        .filter(custom_field_option::Column::AccountId.eq(auth.account_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(live_field(db, auth, option.field_id)
        .await?
        .map(|field| (option, field)))
}

/// The user errors of an unknown field (another account's and deleted ones alike).
pub(crate) fn field_not_found(field: &str, id: i64) -> Vec<UserError> {
    let mut check = Checker::default();
    check.push(
        field,
        UserErrorCode::NotFound,
        format!("custom field {id} not found"),
    );
    check.finish().err().unwrap_or_default()
}

/// The user errors of an unknown option.
pub(crate) fn option_not_found(id: i64) -> Vec<UserError> {
    let mut check = Checker::default();
    check.push(
        "optionId",
        UserErrorCode::NotFound,
        format!("custom field option {id} not found"),
    );
    check.finish().err().unwrap_or_default()
}

/// Checks that `ids` is exactly `current` in some order (no id missing, repeated or foreign);
/// reports on `field`.
pub(crate) fn check_order(
    check: &mut Checker,
    field: &str,
    ids: &[i64],
    current: &[i64],
    what: &str,
) {
    let mut given = ids.to_vec();
    given.sort_unstable();
    let mut wanted = current.to_vec();
    wanted.sort_unstable();
    if given != wanted {
        check.push(
            field,
            UserErrorCode::Invalid,
            format!(
                "give every one of the {} {what} exactly once (got {} ids)",
                current.len(),
                ids.len()
            ),
        );
    }
}
