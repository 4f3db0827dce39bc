//! `setCustomFieldAnswer`, `clearCustomFieldAnswer` (one partner) and `setCustomFieldAnswers`
//! (a selection): all the same bulk action (`service::custom_fields::answers::SetAnswer`), one
//! partner being a selection of one id.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::bulk;
use crate::error::AppError;
use crate::graphql::context::{auth, db};
use crate::graphql::ids;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::custom_field::CustomFieldAnswer;
use crate::graphql::types::scalars::Date;
use crate::graphql::types::user_error::UserError;
use crate::service::bulk::Selection;
use crate::service::custom_fields::answers::{AnswerValue, SetAnswer};
use crate::service::custom_fields::MAX_OPTIONS;
use crate::service::partners::relations;
use crate::service::partners::PartnerKey;

/// One partner's answer to a custom field: give exactly the member that suits the field's
/// display type.
#[derive(InputObject)]
pub struct SetCustomFieldAnswerInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// The partner (numeric id, or the partner's global id in that campaign).
    pub partner_id: ID,
    /// The field (numeric or global id).
    pub field_id: ID,
    /// The answer of a `PARAGRAPH` field (at most 10,000 characters; line breaks allowed).
    pub text: Option<String>,
    /// The answer of a `NUMBER` field.
    pub number: Option<f64>,
    /// The answer of a `DATE` field.
    pub date: Option<Date>,
    /// The answer of a `FILE` field: a public https URL.
    pub file_url: Option<String>,
    /// The answer of a select-type field: exactly one option of the field for `DROPDOWN` and
    /// `MULTIPLE_CHOICE`, one or more distinct ones for `CHECKBOXES`.
    pub option_ids: Option<Vec<ID>>,
}

/// The answer to clear.
#[derive(InputObject)]
pub struct ClearCustomFieldAnswerInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// The partner (numeric id, or the partner's global id in that campaign).
    pub partner_id: ID,
    /// The field (numeric or global id).
    pub field_id: ID,
}

/// One answer for every selected partner.
#[derive(InputObject)]
pub struct SetCustomFieldAnswersInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners.
    pub selection: PartnerSelectionInput,
    /// The field (numeric or global id).
    pub field_id: ID,
    /// The answer of a `PARAGRAPH` field (at most 10,000 characters; line breaks allowed).
    pub text: Option<String>,
    /// The answer of a `NUMBER` field.
    pub number: Option<f64>,
    /// The answer of a `DATE` field.
    pub date: Option<Date>,
    /// The answer of a `FILE` field: a public https URL.
    pub file_url: Option<String>,
    /// The answer of a select-type field (see `SetCustomFieldAnswerInput.optionIds`).
    pub option_ids: Option<Vec<ID>>,
    /// Clear the selected partners' answers instead of setting one.
    #[graphql(default)]
    pub clear: bool,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// The result of setting or clearing one partner's answer.
#[derive(SimpleObject)]
pub struct CustomFieldAnswerPayload {
    /// The partner's answer as saved (null once cleared, or when refused).
    pub answer: Option<CustomFieldAnswer>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What `setCustomFieldAnswers` did (or, in a dry run, would do).
#[derive(SimpleObject, Default)]
pub struct SetCustomFieldAnswersPayload {
    /// Partners in the selection.
    pub matched_count: i64,
    /// Partners whose answer changed (each gets an activity entry with before and after).
    pub affected_count: i64,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The value members of an answer input.
struct Members {
    text: Option<String>,
    number: Option<f64>,
    date: Option<Date>,
    file_url: Option<String>,
    option_ids: Option<Vec<ID>>,
    clear: bool,
}

/// The one value given, or why the members cannot be read.
fn value_of(m: Members) -> Result<AnswerValue, Vec<UserError>> {
    let given = [
        m.text.is_some(),
        m.number.is_some(),
        m.date.is_some(),
        m.file_url.is_some(),
        m.option_ids.is_some(),
        m.clear,
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given != 1 {
        return Err(UserError::unreadable(
            &["text"],
            &AppError::Validation(
                "give exactly one of text, number, date, fileUrl, optionIds (or clear)".into(),
            ),
        ));
    }
    Ok(if let Some(text) = m.text {
        AnswerValue::Text(text)
    } else if let Some(number) = m.number {
        AnswerValue::Number(number)
    } else if let Some(date) = m.date {
        AnswerValue::Date(date.0)
    } else if let Some(url) = m.file_url {
        AnswerValue::FileUrl(url)
    } else if let Some(options) = m.option_ids {
        UserError::at_most(&["optionIds"], options.len(), MAX_OPTIONS)?;
        AnswerValue::Options(
            ids::many(&options, ids::option_id)
                .map_err(|err| UserError::unreadable(&["optionIds"], &err))?,
        )
    } else {
        AnswerValue::Clear
    })
}

/// The campaign, partner and field of a one-partner input.
fn one_partner(campaign: &ID, partner: &ID, field: &ID) -> Result<(i64, i64, i64), Vec<UserError>> {
    let campaign_id =
        ids::campaign_id(campaign).map_err(|err| UserError::unreadable(&["campaignId"], &err))?;
    let partner_id = ids::partner_id(partner, campaign_id)
        .map_err(|err| UserError::unreadable(&["partnerId"], &err))?;
    let field_id =
        ids::custom_field_id(field).map_err(|err| UserError::unreadable(&["fieldId"], &err))?;
    Ok((campaign_id, partner_id, field_id))
}

fn answer_refused(user_errors: Vec<UserError>) -> CustomFieldAnswerPayload {
    CustomFieldAnswerPayload {
        answer: None,
        user_errors,
    }
}

/// Runs the action for one partner; the selection's errors are the partner's.
async fn for_one_partner(
    ctx: &Context<'_>,
    (campaign_id, partner_id, field_id): (i64, i64, i64),
    value: AnswerValue,
) -> async_graphql::Result<CustomFieldAnswerPayload> {
    let target = (campaign_id, Selection::Ids(vec![partner_id]));
    let outcome = bulk::run(ctx, target, SetAnswer::new(field_id, value), false).await?;
    if let Err(mut errors) = outcome {
        for e in &mut errors {
            if e.field.get(1).map(String::as_str) == Some("selection") {
                e.field = vec!["input".into(), "partnerId".into()];
            }
        }
        return Ok(answer_refused(errors));
    }
    let key = PartnerKey {
        campaign_id,
        partner_id,
    };
    let answer = relations::custom_field_answers(db(ctx)?, auth(ctx)?, &[key])
        .await?
        .remove(&key)
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.answer.field_id == field_id);
    Ok(CustomFieldAnswerPayload {
        answer: answer.map(CustomFieldAnswer),
        user_errors: Vec::new(),
    })
}

/// Partners' answers to custom fields.
#[derive(Default)]
pub struct CustomFieldAnswerMutation;

/// Partners' answers to custom fields.
#[Object]
impl CustomFieldAnswerMutation {
    /// Sets one partner's answer to a custom field of the campaign, replacing any earlier one;
    /// needs `EDIT_PARTNERS`. The value must suit the field's display type (options must be the
    /// field's own). An activity entry when the answer changed.
    async fn set_custom_field_answer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partner, the field and the value.")]
        input: SetCustomFieldAnswerInput,
    ) -> async_graphql::Result<CustomFieldAnswerPayload> {
        bulk::permitted::<SetAnswer>(ctx)?;
        let target = match one_partner(&input.campaign_id, &input.partner_id, &input.field_id) {
            Ok(target) => target,
            Err(errors) => return Ok(answer_refused(errors)),
        };
        let value = match value_of(Members {
            text: input.text,
            number: input.number,
            date: input.date,
            file_url: input.file_url,
            option_ids: input.option_ids,
            clear: false,
        }) {
            Ok(value) => value,
            Err(errors) => return Ok(answer_refused(errors)),
        };
        for_one_partner(ctx, target, value).await
    }

    /// Clears one partner's answer to a custom field of the campaign; needs `EDIT_PARTNERS`.
    async fn clear_custom_field_answer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partner and the field.")]
        input: ClearCustomFieldAnswerInput,
    ) -> async_graphql::Result<CustomFieldAnswerPayload> {
        bulk::permitted::<SetAnswer>(ctx)?;
        match one_partner(&input.campaign_id, &input.partner_id, &input.field_id) {
            Ok(target) => for_one_partner(ctx, target, AnswerValue::Clear).await,
            Err(errors) => Ok(answer_refused(errors)),
        }
    }

    /// Sets (or with `clear` clears) one custom field's answer for every selected partner, in
    /// one transaction; needs `EDIT_PARTNERS`. With any user error nothing is written; with
    /// `dryRun` it only counts. One activity entry per partner whose answer changed.
    async fn set_custom_field_answers(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The campaign, the partners (`selection`), the field, the value or \
                          `clear`, and `dryRun`."
        )]
        input: SetCustomFieldAnswersInput,
    ) -> async_graphql::Result<SetCustomFieldAnswersPayload> {
        bulk::permitted::<SetAnswer>(ctx)?;
        let dry_run = input.dry_run;
        let refused = |user_errors| SetCustomFieldAnswersPayload {
            dry_run,
            user_errors,
            ..Default::default()
        };
        let field_id = match ids::custom_field_id(&input.field_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["fieldId"], &err))),
        };
        let value = match value_of(Members {
            text: input.text,
            number: input.number,
            date: input.date,
            file_url: input.file_url,
            option_ids: input.option_ids,
            clear: input.clear,
        }) {
            Ok(value) => value,
            Err(errors) => return Ok(refused(errors)),
        };
        let target = match bulk::target(&input.campaign_id, input.selection) {
            Ok(target) => target,
            Err(errors) => return Ok(refused(errors)),
        };
        Ok(
            match bulk::run(ctx, target, SetAnswer::new(field_id, value), dry_run).await? {
                Ok(outcome) => SetCustomFieldAnswersPayload {
                    matched_count: outcome.matched,
                    affected_count: outcome.affected,
                    dry_run,
                    user_errors: Vec::new(),
                },
                Err(errors) => refused(errors),
            },
        )
    }
}
