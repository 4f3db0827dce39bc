//! "Assign to": the selected partners get an account manager (a user of the brand's account),
//! or lose theirs — a bulk action.

use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::auth::Permission;
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::bulk::{fixed, json, BulkAction, Run};
use crate::service::validation::Checker;

use entity::{account_user, campaign_partner as cp};

/// The activity-log action of an assignment.
pub const ACTIVITY_ACTION: &str = "PARTNERS_ASSIGNED";

/// Who the selected partners are assigned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignTo {
    /// This user of the caller's account.
    User(i64),
    /// No one (unassign).
    Nobody,
}

/// The assignment as a bulk action.
#[derive(Clone, Copy, Debug)]
pub struct Assign(pub AssignTo);

impl Assign {
    fn user(&self) -> Option<i64> {
        match self.0 {
            AssignTo::User(id) => Some(id),
            AssignTo::Nobody => None,
        }
    }

    async fn write(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<()> {
        let current = Expr::col(cp::Column::AssignedUserId);
        let differs = match self.user() {
            Some(user) => current.clone().is_null().or(current.ne(user)),
            None => current.is_not_null(),
        };
        let mut update = Query::update();
        update
            .table(cp::Entity)
            .value(cp::Column::AssignedUserId, self.user())
            .value(cp::Column::UpdatedAt, run.now)
            .and_where(Expr::col(cp::Column::CampaignId).eq(run.campaign_id))
            .and_where(Expr::cust(fixed::selected(run.backend, "partner_id")))
            .and_where(differs);
        db.execute(&update).await?;
        Ok(())
    }
}

/// A partner's state as JSON text, given SQL of its account manager's id.
fn assigned(user_id: &str) -> String {
    json::object(&[("assignedUserId", json::int(user_id))])
}

impl BulkAction for Assign {
    type Counts = ();
    const ACTIVITY: &'static str = ACTIVITY_ACTION;
    const PERMISSION: Permission = Permission::AssignPartners;

    /// The user must be one of the caller's account: another account's user is as unknown as
    /// an id no one has.
    fn check<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
        check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            if let Some(user) = self.user() {
                let found = account_user::Entity::find_by_id(user)
                    .filter(account_user::Column::AccountId.eq(run.auth.account_id))
                    .one(db)
                    .await?;
                if found.is_none() {
                    check.push(
                        "userId",
                        UserErrorCode::NotFound,
                        format!("account user {user} not found"),
                    );
                }
            }
            Ok(())
        })
    }

    /// `{"assignedUserId": id or null}`.
    fn state(&self, _run: Run<'_>) -> String {
        assigned(&format!("{}.assigned_user_id", fixed::ROW))
    }

    /// Every changed partner is assigned to the user (or to no one): the same text as
    /// [`Self::state`] reads of such a partner, as the same SQL over the id.
    fn known_after(&self, _run: Run<'_>) -> Option<String> {
        Some(assigned(
            &self
                .user()
                .map_or_else(|| "NULL".to_owned(), |id| id.to_string()),
        ))
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({ "userId": self.user() })
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(self.write(db, run))
    }
}
