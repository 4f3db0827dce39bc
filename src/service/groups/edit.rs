//! Creating and updating a group (deleting is in `delete`). Membership changes go through the
//! same plan as `changePartnerGroups`, so every affected partner gets its activity entry; each
//! runs in a write transaction holding the campaign's write lock, like every membership change.

use std::collections::HashSet;

use sea_orm::sea_query::Condition;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, IntoActiveModel, Set};

use super::delete::{locked_group, not_found};
use super::names::{check_name, name_taken};
use super::plan::MembershipChange;
use super::GroupInfo;
use crate::auth::{AuthContext, Permission};
use crate::clock::Clock;
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::bulk::{self, Run, Selected, Selection};
use crate::service::validation::{Checker, UserError};
use crate::service::write::{lock_campaign, write_transaction, Finish};
use crate::service::{activity, campaigns};

use entity::partner_group;

/// The longest group name.
pub const MAX_NAME_LEN: usize = 255;

/// A group to create.
#[derive(Clone, Debug, Default)]
pub struct NewGroup {
    /// The campaign it belongs to.
    pub campaign_id: i64,
    /// Its name (unique within the campaign, ignoring case).
    pub name: String,
    /// Partners to put in it.
    pub partner_ids: Vec<i64>,
}

/// Changes to a group.
#[derive(Clone, Debug, Default)]
pub struct GroupUpdate {
    /// The group.
    pub group_id: i64,
    /// A new name.
    pub name: Option<String>,
    /// Partners to add.
    pub add_partner_ids: Vec<i64>,
    /// Partners to remove.
    pub remove_partner_ids: Vec<i64>,
}

/// Creates a group, optionally with members, in one transaction, at `clock`'s time once the
/// campaign's write lock is held.
pub async fn create(
    db: &DatabaseConnection,
    auth: &AuthContext,
    input: NewGroup,
    clock: &Clock,
) -> AppResult<Result<GroupInfo, Vec<UserError>>> {
    let mut check = Checker::default();
    // An unknown campaign is reported before permissions, as an unknown group is for updates.
    if !campaigns::check_exists(db, auth, input.campaign_id, &mut check).await? {
        return Ok(Err(check.finish().err().unwrap_or_default()));
    }
    auth.require(Permission::ManageGroups)?;
    write_transaction(db, &(auth, &input, clock), |txn, &(auth, input, clock)| {
        Box::pin(async move {
            lock_campaign(txn, input.campaign_id).await?;
            let now = clock.now();
            let mut check = Checker::default();
            let name = check.required_text("name", &input.name, MAX_NAME_LEN);
            check_name(txn, auth, input.campaign_id, &name, None, &mut check).await?;
            let members = members(
                txn,
                auth,
                input.campaign_id,
                &input.partner_ids,
                "partnerIds",
                &mut check,
                now,
            )
            .await?;
            if let Err(errors) = check.finish() {
                return Ok(Finish::Rollback(Err(errors)));
            }
            let inserted = partner_group::ActiveModel {
                account_id: Set(auth.account_id),
                campaign_id: Set(input.campaign_id),
                name: Set(name.clone()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await;
            let group = match inserted {
                Ok(group) => group,
                Err(err) => return Ok(Finish::Rollback(Err(name_taken(err, &name)?))),
            };
            let mut member_count = 0;
            if let Some(selected) = members {
                let run = Run::new(txn, auth, input.campaign_id, now);
                member_count = bulk::execute(
                    txn,
                    run,
                    Selected::Where(selected),
                    &MembershipChange::join(group.id),
                )
                .await?
                .counts
                .added;
            }
            record(txn, auth, &group, "PARTNER_GROUP_CREATED", now).await?;
            Ok(Finish::Commit(Ok(GroupInfo {
                group,
                member_count,
            })))
        })
    })
    .await
}

/// Renames a group and adds or removes members, in one transaction, at `clock`'s time once the
/// campaign's write lock is held.
pub async fn update(
    db: &DatabaseConnection,
    auth: &AuthContext,
    input: GroupUpdate,
    clock: &Clock,
) -> AppResult<Result<GroupInfo, Vec<UserError>>> {
    auth.require(Permission::ManageGroups)?;
    let updated = write_transaction(db, &(auth, &input, clock), |txn, &(auth, input, clock)| {
        Box::pin(async move {
            let Some(group) = locked_group(txn, auth, input.group_id).await? else {
                return Ok(Finish::Rollback(Err(not_found(input.group_id))));
            };
            let now = clock.now();
            let mut check = Checker::default();
            let name = match &input.name {
                Some(name) => {
                    let name = check.required_text("name", name, MAX_NAME_LEN);
                    check_name(
                        txn,
                        auth,
                        group.campaign_id,
                        &name,
                        Some(group.id),
                        &mut check,
                    )
                    .await?;
                    Some(name)
                }
                None => None,
            };
            let removing: HashSet<i64> = input.remove_partner_ids.iter().copied().collect();
            if let Some(both) = input
                .add_partner_ids
                .iter()
                .find(|id| removing.contains(id))
            {
                check.push(
                    "removePartnerIds",
                    UserErrorCode::Conflict,
                    format!("partner {both} is both added and removed"),
                );
            }
            let adding = members(
                txn,
                auth,
                group.campaign_id,
                &input.add_partner_ids,
                "addPartnerIds",
                &mut check,
                now,
            )
            .await?;
            let removing = members(
                txn,
                auth,
                group.campaign_id,
                &input.remove_partner_ids,
                "removePartnerIds",
                &mut check,
                now,
            )
            .await?;
            if let Err(errors) = check.finish() {
                return Ok(Finish::Rollback(Err(errors)));
            }
            let mut model = group.clone().into_active_model();
            if let Some(name) = &name {
                model.name = Set(name.clone());
            }
            model.updated_at = Set(now);
            let group = match model.update(txn).await {
                Ok(group) => group,
                Err(err) => {
                    let name = name.as_deref().unwrap_or_default();
                    return Ok(Finish::Rollback(Err(name_taken(err, name)?)));
                }
            };
            let run = Run::new(txn, auth, group.campaign_id, now);
            if let Some(selected) = adding {
                bulk::execute(
                    txn,
                    run,
                    Selected::Where(selected),
                    &MembershipChange::join(group.id),
                )
                .await?;
            }
            if let Some(selected) = removing {
                bulk::execute(
                    txn,
                    run,
                    Selected::Where(selected),
                    &MembershipChange::leave(group.id),
                )
                .await?;
            }
            record(txn, auth, &group, "PARTNER_GROUP_UPDATED", now).await?;
            Ok(Finish::Commit(Ok(group)))
        })
    })
    .await?;
    let group = match updated {
        Ok(group) => group,
        Err(errors) => return Ok(Err(errors)),
    };
    let member_count = super::member_counts(db, auth, &[group.id])
        .await?
        .get(&group.id)
        .copied()
        .unwrap_or(0);
    Ok(Ok(GroupInfo {
        group,
        member_count,
    }))
}

pub(super) fn group_not_found(id: i64) -> String {
    format!("partner group {id} not found")
}

/// The partners given by id as a selection, or `None` when there are none (or some are not
/// partners of the campaign, reported on `check`).
pub(super) async fn members(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ids: &[i64],
    field: &str,
    check: &mut Checker,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Option<Condition>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let selection = Selection::Ids(ids.to_vec());
    bulk::resolve(db, auth, campaign_id, &selection, field, check, now).await
}

pub(super) async fn record(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group: &partner_group::Model,
    action: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let details = serde_json::json!({ "groupId": group.id, "name": group.name, "campaignId": group.campaign_id });
    // The group's campaign's entry: it shows in that campaign's feed.
    activity::record_for_campaign(db, auth, group.campaign_id, action, details, now).await
}
