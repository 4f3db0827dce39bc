//! Deleting a group: its members leave it (each with an activity entry, through the same plan as
//! every membership change), then the group goes; partners stay.

use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::edit::{group_not_found, record};
use super::plan::MembershipChange;
use crate::auth::{AuthContext, Permission};
use crate::clock::Clock;
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::bulk::{self, Run, Selected};
use crate::service::validation::{Checker, UserError};
use crate::service::write::{lock_campaign, write_transaction, Finish};

use entity::{campaign_partner as cp, partner_group, partner_group_member as pgm};

/// Deletes a group: its members leave it (each with an activity entry); partners stay. At
/// `clock`'s time once the campaign's write lock is held.
pub async fn delete(
    db: &DatabaseConnection,
    auth: &AuthContext,
    group_id: i64,
    clock: &Clock,
) -> AppResult<Result<partner_group::Model, Vec<UserError>>> {
    auth.require(Permission::ManageGroups)?;
    write_transaction(db, &(auth, clock), |txn, &(auth, clock)| {
        Box::pin(async move {
            let Some(group) = locked_group(txn, auth, group_id).await? else {
                return Ok(Finish::Rollback(Err(not_found(group_id))));
            };
            let now = clock.now();
            let mut in_group = Query::select();
            in_group
                .column(pgm::Column::PartnerId)
                .from(pgm::Entity)
                .and_where(Expr::col(pgm::Column::GroupId).eq(group.id));
            let selected = Condition::all()
                .add(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id))
                .add(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(group.campaign_id))
                .add(Expr::col((cp::Entity, cp::Column::PartnerId)).in_subquery(in_group));
            let run = Run::new(txn, auth, group.campaign_id, now);
            bulk::execute(
                txn,
                run,
                Selected::Where(selected),
                &MembershipChange::leave(group.id),
            )
            .await?;
            partner_group::Entity::delete_by_id(group.id)
                .filter(partner_group::Column::AccountId.eq(auth.account_id))
                .exec(txn)
                .await?;
            record(txn, auth, &group, "PARTNER_GROUP_DELETED", now).await?;
            Ok(Finish::Commit(Ok(group)))
        })
    })
    .await
}

/// A group of the caller's account, read after taking its campaign's write lock — so it still
/// exists, and no concurrent change writes its memberships, until the transaction ends.
pub(super) async fn locked_group(
    txn: &impl ConnectionTrait,
    auth: &AuthContext,
    group_id: i64,
) -> AppResult<Option<partner_group::Model>> {
    let Some(seen) = super::find(txn, auth, group_id).await? else {
        return Ok(None);
    };
    lock_campaign(txn, seen.campaign_id).await?;
    // Read again: a delete that held the lock before us may have removed it meanwhile.
    super::find(txn, auth, group_id).await
}

/// The user error of an unknown group.
pub(super) fn not_found(group_id: i64) -> Vec<UserError> {
    let mut check = Checker::default();
    check.push("id", UserErrorCode::NotFound, group_not_found(group_id));
    check.finish().err().unwrap_or_default()
}
