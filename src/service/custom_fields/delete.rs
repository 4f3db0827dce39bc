//! Deleting a custom field: its answers go (each partner's through the bulk engine, with an
//! activity entry), then its options, and its column leaves
//! the campaign's saved views; the field stays as a tombstone (`deleted_at`) that no reader
//! shows, so saved filters naming it match nothing.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;

use super::answers::{AnswerValue, SetAnswer};
use super::fields::summary;
use super::{display_of, field_not_found, live_field, FIELD_DELETED};
use crate::auth::{AuthContext, Permission};
use crate::clock::Clock;
use crate::error::AppResult;
use crate::service::bulk::{self, Run, Selected};
use crate::service::partners::columns;
use crate::service::validation::UserError;
use crate::service::write::{lock_campaign_then_now, write_transaction, Finish};
use crate::service::{activity, views};

use entity::{
    campaign_partner as cp, custom_field, custom_field_answer, custom_field_answer_option,
    custom_field_option, partner_view,
};

/// Takes the field's column out of the campaign's saved views, so a view keeps working (and can
/// be saved again) without a column that no longer exists.
async fn drop_column_from_views(
    txn: &DatabaseTransaction,
    auth: &AuthContext,
    field: &custom_field::Model,
) -> AppResult<()> {
    let key = columns::custom_field_key(field.id);
    let views = partner_view::Entity::find()
        .filter(partner_view::Column::AccountId.eq(auth.account_id))
        .filter(partner_view::Column::CampaignId.eq(field.campaign_id))
        .filter(partner_view::Column::Columns.contains(format!("\"{key}\"")))
        .all(txn)
        .await?;
    for view in views {
        let kept: Vec<String> = views::columns_of(&view)
            .into_iter()
            .filter(|c| *c != key)
            .collect();
        let mut model = view.into_active_model();
        model.columns = Set(json!(kept).to_string());
        model.update(txn).await?;
    }
    Ok(())
}

/// Clears every partner's answer to the field through the bulk engine (the same action as
/// `clearCustomFieldAnswer`), so each partner who had one gets an activity entry with the
/// answer before and none after, as for any other change of an answer. Returns how many.
async fn clear_answers(
    txn: &DatabaseTransaction,
    auth: &AuthContext,
    field: &custom_field::Model,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    let mut answered = Query::select();
    answered
        .column(custom_field_answer::Column::PartnerId)
        .from(custom_field_answer::Entity)
        .and_where(Expr::col(custom_field_answer::Column::FieldId).eq(field.id));
    let selected = Condition::all()
        .add(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id))
        .add(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(field.campaign_id))
        .add(Expr::col((cp::Entity, cp::Column::PartnerId)).in_subquery(answered));
    let run = Run::new(txn, auth, field.campaign_id, now);
    let clear = SetAnswer::new(field.id, AnswerValue::Clear);
    let outcome = bulk::execute(txn, run, Selected::Where(selected), &clear).await?;
    Ok(outcome.affected)
}

/// Deletes a field: its answers and options go; the field stays as a tombstone no reader shows,
/// so filters naming it match nothing. Returns the field as it was.
pub async fn field(
    db: &DatabaseConnection,
    auth: &AuthContext,
    field_id: i64,
    clock: &Clock,
) -> AppResult<Result<custom_field::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let Some(found) = live_field(db, auth, field_id).await? else {
        return Ok(Err(field_not_found("fieldId", field_id)));
    };
    write_transaction(db, &(auth, &found, clock), |txn, &(auth, found, clock)| {
        Box::pin(async move {
            let now = lock_campaign_then_now(txn, found.campaign_id, clock).await?;
            let Some(field) = live_field(txn, auth, found.id).await? else {
                return Ok(Finish::Rollback(Err(field_not_found("fieldId", found.id))));
            };
            display_of(&field)?;
            let cleared = clear_answers(txn, auth, &field, now).await?;
            // Answers of partners no longer in the campaign go too.
            custom_field_answer_option::Entity::delete_many()
                .filter(custom_field_answer_option::Column::FieldId.eq(field.id))
                .exec(txn)
                .await?;
            let left = custom_field_answer::Entity::delete_many()
                .filter(custom_field_answer::Column::FieldId.eq(field.id))
                .exec(txn)
                .await?
                .rows_affected;
            let answers = cleared + left as i64;
            custom_field_option::Entity::delete_many()
                .filter(custom_field_option::Column::FieldId.eq(field.id))
                .exec(txn)
                .await?;
            let mut model = field.clone().into_active_model();
            model.deleted_at = Set(Some(now));
            model.update(txn).await?;
            drop_column_from_views(txn, auth, &field).await?;
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
