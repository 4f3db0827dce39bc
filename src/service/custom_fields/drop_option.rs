//! Taking a removed option out of partners' answers, as a bulk action over the partners who
//! chose it: each gets an activity entry with its answer before and after (the answer goes
//! when that option was its only one), like any other change of an answer.

use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use super::answers::{answer_state, ACTIVITY_ACTION};
use crate::auth::Permission;
use crate::error::AppResult;
use crate::service::bulk::{fixed, BulkAction, Run};

use entity::{custom_field_answer as cfa, custom_field_answer_option as cfao};

/// Removes `option_id` of `field_id` from the fixed partners' answers.
#[derive(Clone, Copy, Debug)]
pub struct DropOption {
    /// The field.
    pub field_id: i64,
    /// The option removed.
    pub option_id: i64,
}

/// What [`DropOption`] changed.
#[derive(Clone, Copy, Debug, Default)]
pub struct Dropped {
    /// Answers the option left.
    pub changed: u64,
    /// Answers removed because it was their only option.
    pub removed: u64,
}

impl BulkAction for DropOption {
    type Counts = Dropped;
    const ACTIVITY: &'static str = ACTIVITY_ACTION;
    const PERMISSION: Permission = Permission::EditPartners;
    // Custom field answers are not facets.
    const CHANGES_FACETS: bool = false;

    fn state(&self, run: Run<'_>) -> String {
        answer_state(run, self.field_id)
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({ "fieldId": self.field_id.to_string(), "optionRemoved": self.option_id.to_string() })
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        _run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<Dropped>> {
        Box::pin(async move {
            let mut others = Query::select();
            others
                .column(cfao::Column::PartnerId)
                .from(cfao::Entity)
                .and_where(Expr::col(cfao::Column::FieldId).eq(self.field_id))
                .and_where(Expr::col(cfao::Column::OptionId).ne(self.option_id));
            let mut emptied = Query::delete();
            emptied
                .from_table(cfa::Entity)
                .and_where(Expr::col(cfa::Column::FieldId).eq(self.field_id))
                .and_where(Expr::col(cfa::Column::PartnerId).in_subquery(fixed::ids()))
                .and_where(Expr::col(cfa::Column::PartnerId).not_in_subquery(others));
            let removed = db.execute(&emptied).await?.rows_affected();
            let mut chosen = Query::delete();
            chosen
                .from_table(cfao::Entity)
                .and_where(Expr::col(cfao::Column::OptionId).eq(self.option_id))
                .and_where(Expr::col(cfao::Column::PartnerId).in_subquery(fixed::ids()));
            let changed = db.execute(&chosen).await?.rows_affected();
            Ok(Dropped { changed, removed })
        })
    }
}
