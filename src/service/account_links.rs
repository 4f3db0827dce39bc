//! Account links: two partners of the brand's account marked as belonging together (the same
//! parent company, shared payment details, a duplicate sign-up, ...), with the reason. A link is
//! the account's, not a campaign's; it joins only partners the account has, in either direction,
//! once. Linking and unlinking need `EDIT_PARTNERS` and leave an activity entry for each partner.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use crate::auth::{AuthContext, Permission};
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::validation::{Checker, UserError};
use crate::service::write::{write_transaction, Finish};

use entity::{activity_log, campaign_partner as cp, partner, partner_account_link as link};

/// The longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// A link as one of its partners sees it.
#[derive(Clone, Debug)]
pub struct LinkView {
    /// The link.
    pub link: link::Model,
    /// The other partner.
    pub other_partner_id: i64,
    /// The other partner's name.
    pub other_name: String,
}

/// The links of these partners of the caller's account, each partner's oldest first, with the
/// other partner's name: two statements whatever the number of partners (the request's
/// DataLoader batches a page's partners into one call).
pub async fn of_partners(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    partner_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<LinkView>>> {
    if partner_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let links = link::Entity::find()
        .filter(link::Column::AccountId.eq(auth.account_id))
        .filter(
            Condition::any()
                .add(link::Column::PartnerId.is_in(partner_ids.iter().copied()))
                .add(link::Column::LinkedPartnerId.is_in(partner_ids.iter().copied())),
        )
        .order_by_asc(link::Column::Id)
        .all(db)
        .await?;
    let linked: Vec<i64> = links
        .iter()
        .flat_map(|l| [l.partner_id, l.linked_partner_id])
        .collect();
    let names: HashMap<i64, String> = partner::Entity::find()
        .filter(partner::Column::Id.is_in(linked))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let wanted: HashSet<i64> = partner_ids.iter().copied().collect();
    let mut out: HashMap<i64, Vec<LinkView>> = HashMap::new();
    for l in links {
        for (side, other_partner_id) in [
            (l.partner_id, l.linked_partner_id),
            (l.linked_partner_id, l.partner_id),
        ] {
            if wanted.contains(&side) {
                out.entry(side).or_default().push(LinkView {
                    other_name: names.get(&other_partner_id).cloned().unwrap_or_default(),
                    other_partner_id,
                    link: l.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// Which of these partners the caller's account has (in any campaign).
async fn in_account(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    ids: [i64; 2],
) -> AppResult<Vec<i64>> {
    Ok(cp::Entity::find()
        .filter(cp::Column::AccountId.eq(auth.account_id))
        .filter(cp::Column::PartnerId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.partner_id)
        .collect())
}

async fn record(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    action: &str,
    link: &link::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for (partner, other) in [
        (link.partner_id, link.linked_partner_id),
        (link.linked_partner_id, link.partner_id),
    ] {
        activity_log::ActiveModel {
            account_id: Set(auth.account_id),
            campaign_id: Set(None),
            partner_id: Set(Some(partner)),
            user_id: Set(Some(auth.user_id)),
            action: Set(action.to_owned()),
            details: Set(Some(
                json!({ "linkId": link.id, "linkedPartnerId": other, "reason": link.link_reason })
                    .to_string(),
            )),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Links two partners of the caller's account. A partner the account does not have (another
/// account's alike) is `NOT_FOUND`; a partner linked to itself, a blank or too long reason, or a
/// pair already linked (either way round, `CONFLICT`) are user errors; nothing is written then.
pub async fn link(
    db: &DatabaseConnection,
    auth: &AuthContext,
    partner_id: i64,
    linked_partner_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<Result<link::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    let reason = check.required_text("reason", reason, MAX_REASON_CHARS);
    if partner_id == linked_partner_id {
        check.push(
            "linkedPartnerId",
            UserErrorCode::Invalid,
            "a partner cannot be linked to itself",
        );
    }
    let link = (partner_id, linked_partner_id, reason);
    write_transaction(
        db,
        &(auth, &link, check),
        |txn, &(auth, link, ref check)| {
            Box::pin(async move {
                let (partner_id, linked_partner_id, reason) = (link.0, link.1, &link.2);
                let mut check = check.clone();
                let found = in_account(txn, auth, [partner_id, linked_partner_id]).await?;
                for (field, id) in [
                    ("partnerId", partner_id),
                    ("linkedPartnerId", linked_partner_id),
                ] {
                    if !found.contains(&id) {
                        check.push(
                            field,
                            UserErrorCode::NotFound,
                            format!("partner {id} not found"),
                        );
                    }
                }
                if found.len() == 2 {
                    lock_pair(txn, [partner_id, linked_partner_id]).await?;
                }
                let pair = |a: i64, b: i64| {
                    Condition::all()
                        .add(Expr::col(link::Column::PartnerId).eq(a))
                        .add(Expr::col(link::Column::LinkedPartnerId).eq(b))
                };
                let existing = link::Entity::find()
                    .filter(link::Column::AccountId.eq(auth.account_id))
                    .filter(
                        Condition::any()
                            .add(pair(partner_id, linked_partner_id))
                            .add(pair(linked_partner_id, partner_id)),
                    )
                    .one(txn)
                    .await?;
                if existing.is_some() {
                    check.push(
                        "linkedPartnerId",
                        UserErrorCode::Conflict,
                        format!("partners {partner_id} and {linked_partner_id} are already linked"),
                    );
                }
                if let Err(errors) = check.finish() {
                    return Ok(Finish::Rollback(Err(errors)));
                }
                let created = link::ActiveModel {
                    account_id: Set(auth.account_id),
                    partner_id: Set(partner_id),
                    linked_partner_id: Set(linked_partner_id),
                    link_reason: Set(reason.clone()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                record(txn, auth, "PARTNERS_LINKED", &created, now).await?;
                Ok(Finish::Commit(Ok(created)))
            })
        },
    )
    .await
}

/// PostgreSQL: locks the two partners' rows, in id order, until the transaction ends, so that
/// two links of the same pair (either way round) are decided one after the other. `FOR NO KEY
/// UPDATE`: it does not block (or deadlock with) writes whose foreign keys point at the
/// partners, which take `FOR KEY SHARE`. SQLite's writer holds the whole database.
async fn lock_pair(db: &impl ConnectionTrait, ids: [i64; 2]) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        partner::Entity::find()
            .filter(partner::Column::Id.is_in(ids))
            .order_by_asc(partner::Column::Id)
            .lock(LockType::NoKeyUpdate)
            .all(db)
            .await?;
    }
    Ok(())
}

/// Removes a link of the caller's account (another account's, or none, is `NOT_FOUND`).
pub async fn unlink(
    db: &DatabaseConnection,
    auth: &AuthContext,
    link_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Result<link::Model, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    write_transaction(db, auth, |txn, auth| {
        Box::pin(async move {
            // Locked: of two concurrent removals one removes, the other finds nothing.
            let Some(gone) = link::Entity::find_by_id(link_id)
                .filter(link::Column::AccountId.eq(auth.account_id))
                .lock_exclusive()
                .one(txn)
                .await?
            else {
                let mut check = Checker::default();
                check.push(
                    "linkId",
                    UserErrorCode::NotFound,
                    format!("link {link_id} not found"),
                );
                return Ok(Finish::Rollback(Err(check
                    .finish()
                    .err()
                    .unwrap_or_default())));
            };
            link::Entity::delete_by_id(gone.id).exec(txn).await?;
            record(txn, auth, "PARTNERS_UNLINKED", &gone, now).await?;
            Ok(Finish::Commit(Ok(gone)))
        })
    })
    .await
}
