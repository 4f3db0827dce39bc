//! The uniqueness and bounds checks of field names and option labels: names unique among the
//! campaign's live fields, labels within their field, both ignoring case. They run under the
//! campaign's write lock, which every writer of the campaign's fields takes, so two writers
//! cannot both pass them.

use super::{has_options, MAX_LABEL_CHARS, MAX_OPTIONS};
use crate::domain::text::fold_case;
use crate::domain::{CustomFieldDisplayType, UserErrorCode};
use crate::service::validation::Checker;

use entity::{custom_field, custom_field_option};

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
        if !label.is_empty() && !seen.insert(fold_case(&label)) {
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
pub(super) fn check_name_free(
    check: &mut Checker,
    fields: &[custom_field::Model],
    name: &str,
    except: Option<i64>,
) {
    let wanted = fold_case(name);
    if !name.is_empty()
        && fields
            .iter()
            .any(|f| Some(f.id) != except && fold_case(&f.name) == wanted)
    {
        check.push(
            "name",
            UserErrorCode::Conflict,
            format!("a custom field named {name:?} already exists in this campaign"),
        );
    }
}

/// Reports `label` when another option of the field has it, ignoring case.
pub(super) fn check_label_free(
    check: &mut Checker,
    options: &[custom_field_option::Model],
    label: &str,
    except: Option<i64>,
) {
    let wanted = fold_case(label);
    if !label.is_empty()
        && options
            .iter()
            .any(|o| Some(o.id) != except && fold_case(&o.label) == wanted)
    {
        check.push(
            "label",
            UserErrorCode::Conflict,
            format!("the field already has an option {label:?}"),
        );
    }
}
