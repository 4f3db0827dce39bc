//! The set-based statements of [`SetAnswer`] over the fixed selection: one upsert of the
//! answer rows, and for options one delete of those no longer chosen and one insert of the
//! chosen ones (or, to clear, one delete of each).

use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use super::answers::{AnswerValue, SetAnswer};
use crate::domain::text::fold_case;
use crate::error::{AppError, AppResult};
use crate::service::bulk::{fixed, Run};

use entity::{custom_field_answer as cfa, custom_field_answer_option as cfao, custom_field_option};

impl SetAnswer {
    /// The upsert of the selection's answer rows with the value (all value columns null for
    /// options, which live in their own table).
    async fn upsert_answers(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<()> {
        let (mut text, mut number, mut date, mut file) = (None, None, None, None);
        match &self.value {
            AnswerValue::Text(t) => text = Some(t.clone()),
            // -0 is 0: PostgreSQL's double precision keeps a zero's sign and SQLite's REAL
            // does not, so the two answered `-0.0` and `0.0` for the same answer.
            AnswerValue::Number(n) => number = Some(if *n == 0.0 { 0.0 } else { *n }),
            AnswerValue::Date(d) => date = Some(*d),
            AnswerValue::FileUrl(u) => file = Some(u.clone()),
            AnswerValue::Options(_) | AnswerValue::Clear => {}
        }
        // Folded as the filter folds the text it looks for.
        let folded = text.as_deref().map(fold_case);
        let mut rows = Query::select();
        rows.expr(Expr::val(run.auth.account_id))
            .expr(Expr::val(run.campaign_id))
            .expr(Expr::val(self.field_id))
            .column(Alias::new("partner_id"))
            .expr(Expr::val(text))
            .expr(Expr::val(folded))
            .expr(Expr::val(number))
            .expr(Expr::val(date))
            .expr(Expr::val(file))
            .expr(Expr::val(run.now))
            .from(Alias::new(fixed::TABLE))
            // SQLite parses `INSERT ... SELECT ... ON CONFLICT` only with a WHERE.
            .and_where(Expr::cust("1 = 1"));
        let mut insert = Query::insert();
        insert
            .into_table(cfa::Entity)
            .columns([
                cfa::Column::AccountId,
                cfa::Column::CampaignId,
                cfa::Column::FieldId,
                cfa::Column::PartnerId,
                cfa::Column::TextValue,
                cfa::Column::TextFolded,
                cfa::Column::NumberValue,
                cfa::Column::DateValue,
                cfa::Column::FileUrl,
                cfa::Column::UpdatedAt,
            ])
            .select_from(rows)
            .map_err(AppError::internal)?
            .on_conflict(
                OnConflict::columns([cfa::Column::FieldId, cfa::Column::PartnerId])
                    .update_columns([
                        cfa::Column::TextValue,
                        cfa::Column::TextFolded,
                        cfa::Column::NumberValue,
                        cfa::Column::DateValue,
                        cfa::Column::FileUrl,
                        cfa::Column::UpdatedAt,
                    ])
                    .to_owned(),
            );
        db.execute(&insert).await?;
        Ok(())
    }

    /// Replaces the selection's chosen options of the field with `ids` (all of the field's
    /// when `ids` is `None`, to clear).
    async fn replace_options(
        &self,
        db: &DatabaseTransaction,
        run: Run<'_>,
        ids: &[i64],
    ) -> AppResult<()> {
        let mut stale = Query::delete();
        stale
            .from_table(cfao::Entity)
            .and_where(Expr::col(cfao::Column::FieldId).eq(self.field_id))
            .and_where(Expr::col(cfao::Column::PartnerId).in_subquery(fixed::ids()));
        if !ids.is_empty() {
            stale.and_where(Expr::col(cfao::Column::OptionId).is_not_in(ids.iter().copied()));
        }
        db.execute(&stale).await?;
        if ids.is_empty() {
            return Ok(());
        }
        let option = |c: custom_field_option::Column| (custom_field_option::Entity, c);
        let mut rows = Query::select();
        rows.expr(Expr::val(self.field_id))
            .column((Alias::new(fixed::TABLE), Alias::new("partner_id")))
            .column(option(custom_field_option::Column::Id))
            .expr(Expr::val(run.auth.account_id))
            .expr(Expr::val(run.campaign_id))
            .from(Alias::new(fixed::TABLE))
            .from(custom_field_option::Entity)
            .and_where(Expr::col(option(custom_field_option::Column::FieldId)).eq(self.field_id))
            .and_where(
                Expr::col(option(custom_field_option::Column::Id)).is_in(ids.iter().copied()),
            );
        let mut insert = Query::insert();
        insert
            .into_table(cfao::Entity)
            .columns([
                cfao::Column::FieldId,
                cfao::Column::PartnerId,
                cfao::Column::OptionId,
                cfao::Column::AccountId,
                cfao::Column::CampaignId,
            ])
            .select_from(rows)
            .map_err(AppError::internal)?
            .on_conflict(
                OnConflict::columns([
                    cfao::Column::FieldId,
                    cfao::Column::PartnerId,
                    cfao::Column::OptionId,
                ])
                .do_nothing()
                .to_owned(),
            );
        db.execute(&insert).await?;
        Ok(())
    }

    pub(super) async fn write(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<()> {
        match &self.value {
            AnswerValue::Clear => {
                self.replace_options(db, run, &[]).await?;
                let mut delete = Query::delete();
                delete
                    .from_table(cfa::Entity)
                    .and_where(Expr::col(cfa::Column::FieldId).eq(self.field_id))
                    .and_where(Expr::col(cfa::Column::PartnerId).in_subquery(fixed::ids()));
                db.execute(&delete).await?;
            }
            AnswerValue::Options(ids) => {
                self.upsert_answers(db, run).await?;
                self.replace_options(db, run, ids).await?;
            }
            _ => self.upsert_answers(db, run).await?,
        }
        Ok(())
    }
}
