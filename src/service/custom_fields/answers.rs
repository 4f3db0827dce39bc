//! Setting or clearing one custom field's answer for a selection of a campaign's partners, as
//! one bulk action ([`SetAnswer`]): one partner's answer is the same action over a selection of
//! one id. The value must suit the field's display type: a finite number, a date, a text of at
//! most 10,000 characters (paragraph), a public https URL (file), exactly one option of the
//! field (dropdown, multiple choice) or one or more distinct ones (checkboxes). Set-based: one
//! upsert of the selection's answers, and for options one delete and one insert of the chosen
//! options; one activity entry per partner whose answer changed, before → after.

use chrono::{Datelike, NaiveDate};
use futures_util::future::BoxFuture;
use sea_orm::{ColumnTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter};

use super::{display_of, has_options, live_field, MAX_OPTIONS, MAX_TEXT_CHARS};
use crate::auth::Permission;
use crate::domain::{CustomFieldDisplayType as Display, UserErrorCode};
use crate::error::AppResult;
use crate::service::bulk::{fixed, json, BulkAction, Run};
use crate::service::public_url;
use crate::service::validation::Checker;

use entity::custom_field_option;

/// The activity-log action of an answer change.
pub const ACTIVITY_ACTION: &str = "CUSTOM_FIELD_ANSWER_CHANGED";

/// The answer to give.
#[derive(Clone, Debug, PartialEq)]
pub enum AnswerValue {
    /// A paragraph field's text.
    Text(String),
    /// A number field's number.
    Number(f64),
    /// A date field's date.
    Date(NaiveDate),
    /// A file field's URL.
    FileUrl(String),
    /// The chosen options of a select-type field.
    Options(Vec<i64>),
    /// No answer (clear it).
    Clear,
}

impl AnswerValue {
    /// The input member carrying the value.
    fn member(&self) -> &'static str {
        match self {
            AnswerValue::Text(_) => "text",
            AnswerValue::Number(_) => "number",
            AnswerValue::Date(_) => "date",
            AnswerValue::FileUrl(_) => "fileUrl",
            AnswerValue::Options(_) => "optionIds",
            AnswerValue::Clear => "clear",
        }
    }

    /// Whether the value can answer a field shown as `display`.
    fn suits(&self, display: Display) -> bool {
        match self {
            AnswerValue::Text(_) => display == Display::Paragraph,
            AnswerValue::Number(_) => display == Display::Number,
            AnswerValue::Date(_) => display == Display::Date,
            AnswerValue::FileUrl(_) => display == Display::File,
            AnswerValue::Options(_) => has_options(display),
            AnswerValue::Clear => true,
        }
    }
}

/// Set (or clear) the answer to one field of the campaign for every selected partner.
#[derive(Clone, Debug)]
pub struct SetAnswer {
    /// The field.
    pub field_id: i64,
    /// The answer.
    pub value: AnswerValue,
}

impl SetAnswer {
    /// The action, its text trimmed and its URL in normal form.
    pub fn new(field_id: i64, value: AnswerValue) -> Self {
        let value = match value {
            AnswerValue::Text(text) => AnswerValue::Text(text.trim().to_owned()),
            AnswerValue::FileUrl(url) => {
                AnswerValue::FileUrl(public_url::check(&url).unwrap_or(url))
            }
            other => other,
        };
        SetAnswer { field_id, value }
    }

    async fn check_options(
        &self,
        db: &DatabaseTransaction,
        run: Run<'_>,
        display: Display,
        ids: &[i64],
        check: &mut Checker,
    ) -> AppResult<()> {
        if matches!(display, Display::Dropdown | Display::MultipleChoice) && ids.len() != 1 {
            check.push(
                "optionIds",
                UserErrorCode::Invalid,
                format!("a {} field takes exactly one option", display.as_str()),
            );
        }
        let known: Vec<i64> = custom_field_option::Entity::find()
            .filter(custom_field_option::Column::AccountId.eq(run.auth.account_id))
            .filter(custom_field_option::Column::FieldId.eq(self.field_id))
            .filter(custom_field_option::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect();
        for id in ids.iter().filter(|id| !known.contains(id)) {
            check.push(
                "optionIds",
                UserErrorCode::NotFound,
                format!("{id} is not an option of custom field {}", self.field_id),
            );
        }
        Ok(())
    }
}

/// A text column as a JSON string (quoted and escaped by the database), `null` when null.
fn quoted(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("COALESCE(to_json({column})::text, 'null')"),
        _ => format!("COALESCE(json_quote({column}), 'null')"),
    }
}

impl BulkAction for SetAnswer {
    type Counts = ();
    const ACTIVITY: &'static str = ACTIVITY_ACTION;
    const PERMISSION: Permission = Permission::EditPartners;
    // Custom field answers are not facets.
    const CHANGES_FACETS: bool = false;

    fn validate(&self, check: &mut Checker) {
        match &self.value {
            AnswerValue::Text(text) => {
                if text.is_empty() {
                    check.push(
                        "text",
                        UserErrorCode::Required,
                        "text is required (or clear the answer)",
                    );
                } else {
                    check.optional_multiline_text("text", Some(text), MAX_TEXT_CHARS);
                }
            }
            AnswerValue::Number(n) if !n.is_finite() => {
                check.push("number", UserErrorCode::Invalid, "number must be finite");
            }
            // Both databases hold (and compare) years 1 to 9999 alike; PostgreSQL refuses
            // dates before 4713 BC and SQLite compares dates as text.
            AnswerValue::Date(d) if !(1..=9999).contains(&d.year()) => {
                check.push(
                    "date",
                    UserErrorCode::Invalid,
                    format!("date must be in the years 1 to 9999, not {d}"),
                );
            }
            AnswerValue::FileUrl(url) => {
                if let Err(why) = public_url::check(url) {
                    check.push("fileUrl", UserErrorCode::Invalid, format!("fileUrl {why}"));
                }
            }
            AnswerValue::Options(ids) => {
                let mut distinct = ids.clone();
                distinct.sort_unstable();
                distinct.dedup();
                if ids.is_empty() {
                    check.push(
                        "optionIds",
                        UserErrorCode::Required,
                        "choose at least one option (or clear the answer)",
                    );
                } else if ids.len() > MAX_OPTIONS {
                    check.push(
                        "optionIds",
                        UserErrorCode::TooLong,
                        format!("at most {MAX_OPTIONS} options"),
                    );
                } else if distinct.len() != ids.len() {
                    check.push(
                        "optionIds",
                        UserErrorCode::Invalid,
                        "an option is given twice",
                    );
                }
            }
            _ => {}
        }
    }

    /// The field must be a live field of the campaign (another account's, or a deleted one, is
    /// unknown), the value must suit its display type, and chosen options must be its own.
    fn check<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
        check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            let Some(field) = live_field(db, run.auth, self.field_id).await? else {
                check.push(
                    "fieldId",
                    UserErrorCode::NotFound,
                    format!("custom field {} not found", self.field_id),
                );
                return Ok(());
            };
            if field.campaign_id != run.campaign_id {
                check.push(
                    "fieldId",
                    UserErrorCode::WrongCampaign,
                    format!(
                        "custom field {} is not a field of campaign {}",
                        field.id, run.campaign_id
                    ),
                );
                return Ok(());
            }
            let display = display_of(&field)?;
            if !self.value.suits(display) {
                check.push(
                    self.value.member(),
                    UserErrorCode::Invalid,
                    format!(
                        "custom field {} is a {} field: `{}` does not answer it",
                        field.id,
                        display.as_str(),
                        self.value.member()
                    ),
                );
                return Ok(());
            }
            if let AnswerValue::Options(ids) = &self.value {
                self.check_options(db, run, display, ids, check).await?;
            }
            Ok(())
        })
    }

    /// The partner's answer to the field ([`answer_state`]).
    fn state(&self, run: Run<'_>) -> String {
        answer_state(run, self.field_id)
    }

    fn input(&self) -> serde_json::Value {
        let value = match &self.value {
            AnswerValue::Text(t) => serde_json::json!({ "text": t }),
            AnswerValue::Number(n) => serde_json::json!({ "number": n }),
            AnswerValue::Date(d) => serde_json::json!({ "date": d.to_string() }),
            AnswerValue::FileUrl(u) => serde_json::json!({ "fileUrl": u }),
            AnswerValue::Options(ids) => serde_json::json!({ "optionIds": ids }),
            AnswerValue::Clear => serde_json::json!({ "clear": true }),
        };
        serde_json::json!({ "fieldId": self.field_id, "value": value })
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(self.write(db, run))
    }
}

/// SQL of the partner's ([`fixed::STATE_PARTNER`]) answer to `field` as JSON text: `{"text",
/// "number", "date", "fileUrl", "optionIds"}`, or `null` when there is none. Every action that
/// changes answers shows them before and after in this shape.
pub fn answer_state(run: Run<'_>, field: i64) -> String {
    let partner = fixed::STATE_PARTNER;
    let options = json::int_array(
        run.backend,
        "option_id",
        &format!(
            "FROM custom_field_answer_options WHERE field_id = {field} AND partner_id = {partner}"
        ),
    );
    let object = json::object(&[
        ("text", quoted(run.backend, "text_value")),
        ("number", json::number(run.backend, "number_value")),
        (
            "date",
            json::plain_text(&json::day(run.backend, "date_value")),
        ),
        ("fileUrl", quoted(run.backend, "file_url")),
        ("optionIds", options),
    ]);
    format!(
        "COALESCE((SELECT {object} FROM custom_field_answers \
         WHERE field_id = {field} AND partner_id = {partner}), 'null')"
    )
}
