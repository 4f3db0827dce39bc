//! Per-partner settings (relationship, compliance, client costs, tracking) as bulk actions: a
//! setting names the relationship columns it writes and checks its input; [`Settings`] makes it
//! a [`BulkAction`], so one partner's change and a selection's are the same mutation, with the
//! engine's permission check, dry run, single transaction and one activity entry per changed
//! partner (the setting's columns before and after). Adding a setting is one small file.

pub mod client_cost;
pub mod compliance;
pub mod relationship;
pub mod tracking;

use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend};

use crate::auth::Permission;
use crate::error::AppResult;
use crate::service::bulk::{fixed, json, BulkAction, Run};
use crate::service::validation::Checker;

use entity::campaign_partner as cp;

/// How a column reads back into the activity entry's JSON.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A number.
    Int,
    /// Text (quoted and escaped as JSON by the database).
    Text,
    /// A boolean.
    Bool,
    /// JSON text stored as such.
    Json,
}

/// One per-partner setting.
pub trait PartnerSetting: Send + Sync {
    /// The activity-log action of its entries.
    const ACTIVITY: &'static str;
    /// The permission it needs.
    const PERMISSION: Permission;
    /// The columns shown before and after in the activity entry: key, column, kind.
    const STATE: &'static [(&'static str, cp::Column, Kind)];
    /// Whether it writes a column the facet index holds ([`BulkAction::CHANGES_FACETS`]).
    const CHANGES_FACETS: bool = false;

    /// Checks of the input alone (each problem a user error).
    fn validate(&self, check: &mut Checker);

    /// Checks against the database (ids the input names), inside the action's transaction.
    fn check<'a>(
        &'a self,
        _db: &'a DatabaseTransaction,
        _run: Run<'a>,
        _check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async { Ok(()) })
    }

    /// The columns written and their new values (those the input gives), as SQL expressions
    /// over the row (a value, or a `CASE` that keeps the old one where the setting does not
    /// apply).
    fn values(&self) -> Vec<(cp::Column, SimpleExpr)>;

    /// What it was asked, for the activity entries.
    fn input(&self) -> serde_json::Value;
}

/// A setting as a bulk action.
#[derive(Clone, Debug)]
pub struct Settings<S>(pub S);

impl<S: PartnerSetting> BulkAction for Settings<S> {
    type Counts = ();
    const ACTIVITY: &'static str = S::ACTIVITY;
    const CHANGES_FACETS: bool = S::CHANGES_FACETS;
    const PERMISSION: Permission = S::PERMISSION;

    fn validate(&self, check: &mut Checker) {
        self.0.validate(check);
    }

    fn check<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
        check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        self.0.check(db, run, check)
    }

    /// The setting's columns of the relationship row as one JSON object.
    fn state(&self, run: Run<'_>) -> String {
        let fields: Vec<(&str, String)> = S::STATE
            .iter()
            .map(|(key, column, kind)| {
                let column = format!("{}.{}", fixed::ROW, column_name(*column));
                let value = match kind {
                    Kind::Int => json::int(&column),
                    // Quoted by the database, so any stored text makes valid JSON.
                    Kind::Text => match run.backend {
                        DbBackend::Postgres => format!("COALESCE(to_json({column})::text, 'null')"),
                        _ => format!("COALESCE(json_quote({column}), 'null')"),
                    },
                    Kind::Bool => format!(
                        "(CASE WHEN {column} IS NULL THEN 'null' WHEN {column} THEN 'true' ELSE 'false' END)"
                    ),
                    Kind::Json => format!("COALESCE({column}, 'null')"),
                };
                (*key, value)
            })
            .collect();
        json::object(&fields)
    }

    fn input(&self) -> serde_json::Value {
        self.0.input()
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            let values = self.0.values();
            if values.is_empty() {
                return Ok(());
            }
            let mut update = Query::update();
            update.table(cp::Entity);
            for (column, value) in values {
                update.value(column, value);
            }
            update
                .value(cp::Column::UpdatedAt, run.now)
                .and_where(Expr::col(cp::Column::CampaignId).eq(run.campaign_id))
                .and_where(Expr::cust(fixed::selected(run.backend, "partner_id")));
            db.execute(&update).await?;
            Ok(())
        })
    }
}

fn column_name(column: cp::Column) -> String {
    use sea_orm::IdenStatic;
    column.as_str().to_owned()
}
