//! Creating, updating and deleting a group. Membership changes go through the same plan as
//! `changePartnerGroups`, so every affected partner gets its activity entry.

use std::collections::HashSet;

use chrono::Utc;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
    TransactionSession, TransactionTrait,
};

use super::names::{check_name, name_taken};
use super::plan::Plan;
use super::selection::{self, Selection};
use super::GroupInfo;
use crate::auth::{AuthContext, Permission};
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::validation::{Checker, UserError};
use crate::service::{activity, campaigns};

use entity::{campaign_partner as cp, partner_group, partner_group_member as pgm};

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

/// Creates a group, optionally with members, in one transaction.
pub async fn create<C>(
    db: &C,
    auth: &AuthContext,
    input: NewGroup,
) -> AppResult<Result<GroupInfo, Vec<UserError>>>
where
    C: ConnectionTrait + TransactionTrait,
{
    let mut check = Checker::default();
    // An unknown campaign is reported before permissions, as an unknown group is for updates.
    if !campaigns::check_exists(db, auth, input.campaign_id, &mut check).await? {
        return Ok(Err(check.finish().err().unwrap_or_default()));
    }
    auth.require(Permission::Write)?;
    let name = check.required_text("name", &input.name, MAX_NAME_LEN);
    check_name(db, auth, input.campaign_id, &name, None, &mut check).await?;
    let members = members(
        db,
        auth,
        input.campaign_id,
        &input.partner_ids,
        "partnerIds",
        &mut check,
    )
    .await?;
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let inserted = partner_group::ActiveModel {
        account_id: Set(auth.account_id),
        campaign_id: Set(input.campaign_id),
        name: Set(name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let group = match inserted {
        Ok(group) => group,
        Err(err) => return name_taken(err, &name).map(Err),
    };
    let mut member_count = 0;
    if let Some(selected) = members {
        member_count = joining(input.campaign_id, selected, group.id)
            .execute(&txn, auth, true)
            .await?
            .added;
    }
    record(&txn, auth, &group, "PARTNER_GROUP_CREATED").await?;
    txn.commit().await?;
    Ok(Ok(GroupInfo {
        group,
        member_count,
    }))
}

/// Renames a group and adds or removes members, in one transaction.
pub async fn update<C>(
    db: &C,
    auth: &AuthContext,
    input: GroupUpdate,
) -> AppResult<Result<GroupInfo, Vec<UserError>>>
where
    C: ConnectionTrait + TransactionTrait,
{
    auth.require(Permission::Write)?;
    let mut check = Checker::default();
    let Some(group) = super::find(db, auth, input.group_id).await? else {
        check.push(
            "id",
            UserErrorCode::NotFound,
            group_not_found(input.group_id),
        );
        return Ok(Err(check.finish().err().unwrap_or_default()));
    };
    let name = match &input.name {
        Some(name) => {
            let name = check.required_text("name", name, MAX_NAME_LEN);
            check_name(
                db,
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
        db,
        auth,
        group.campaign_id,
        &input.add_partner_ids,
        "addPartnerIds",
        &mut check,
    )
    .await?;
    let removing = members(
        db,
        auth,
        group.campaign_id,
        &input.remove_partner_ids,
        "removePartnerIds",
        &mut check,
    )
    .await?;
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut model = group.clone().into_active_model();
    if let Some(name) = &name {
        model.name = Set(name.clone());
    }
    model.updated_at = Set(Utc::now());
    let group = match model.update(&txn).await {
        Ok(group) => group,
        Err(err) => return name_taken(err, name.as_deref().unwrap_or_default()).map(Err),
    };
    if let Some(selected) = adding {
        joining(group.campaign_id, selected, group.id)
            .execute(&txn, auth, true)
            .await?;
    }
    if let Some(selected) = removing {
        leaving(group.campaign_id, selected, group.id)
            .execute(&txn, auth, true)
            .await?;
    }
    record(&txn, auth, &group, "PARTNER_GROUP_UPDATED").await?;
    txn.commit().await?;
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

/// Deletes a group: its members leave it (each with an activity entry); partners stay.
pub async fn delete<C>(
    db: &C,
    auth: &AuthContext,
    group_id: i64,
) -> AppResult<Result<partner_group::Model, Vec<UserError>>>
where
    C: ConnectionTrait + TransactionTrait,
{
    auth.require(Permission::Write)?;
    let Some(group) = super::find(db, auth, group_id).await? else {
        let mut check = Checker::default();
        check.push("id", UserErrorCode::NotFound, group_not_found(group_id));
        return Ok(Err(check.finish().err().unwrap_or_default()));
    };
    let mut in_group = Query::select();
    in_group
        .column(pgm::Column::PartnerId)
        .from(pgm::Entity)
        .and_where(Expr::col(pgm::Column::GroupId).eq(group.id));
    let selected = Condition::all()
        .add(Expr::col((cp::Entity, cp::Column::AccountId)).eq(auth.account_id))
        .add(Expr::col((cp::Entity, cp::Column::CampaignId)).eq(group.campaign_id))
        .add(Expr::col((cp::Entity, cp::Column::PartnerId)).in_subquery(in_group));
    let txn = crate::db::begin_write(db).await?;
    leaving(group.campaign_id, selected, group.id)
        .execute(&txn, auth, true)
        .await?;
    partner_group::Entity::delete_by_id(group.id)
        .filter(partner_group::Column::AccountId.eq(auth.account_id))
        .exec(&txn)
        .await?;
    record(&txn, auth, &group, "PARTNER_GROUP_DELETED").await?;
    txn.commit().await?;
    Ok(Ok(group))
}

fn group_not_found(id: i64) -> String {
    format!("partner group {id} not found")
}

fn joining(campaign_id: i64, selected: Condition, group_id: i64) -> Plan {
    Plan {
        campaign_id,
        selected,
        add: vec![group_id],
        remove: Vec::new(),
        remove_from_all: false,
    }
}

fn leaving(campaign_id: i64, selected: Condition, group_id: i64) -> Plan {
    Plan {
        campaign_id,
        selected,
        add: Vec::new(),
        remove: vec![group_id],
        remove_from_all: false,
    }
}

/// The partners given by id as a selection, or `None` when there are none (or some are not
/// partners of the campaign, reported on `check`).
async fn members(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    ids: &[i64],
    field: &str,
    check: &mut Checker,
) -> AppResult<Option<Condition>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let selection = Selection::Ids(ids.to_vec());
    selection::resolve(db, auth, campaign_id, &selection, field, check).await
}

async fn record(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    group: &partner_group::Model,
    action: &str,
) -> AppResult<()> {
    let details = serde_json::json!({ "groupId": group.id, "name": group.name, "campaignId": group.campaign_id });
    activity::record(db, auth, None, action, Some(details)).await
}
