//! Partner access URLs: for a partner eligible for access (a direct partner who joined only
//! through the brand's own sign-up link), a user who may edit partners issues a short-lived,
//! single-use URL (`/partner-access/<token>`). The token is 32 random bytes; only its SHA-256
//! is stored, so the URL cannot be forged or read back. Redeeming it marks it spent in one
//! conditional statement, so of two concurrent uses exactly one succeeds.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use serde_json::json;

use crate::auth::{hash_token, AuthContext, Permission};
use crate::domain::{RelationshipType, UserErrorCode};
use crate::error::AppResult;
use crate::service::activity;
use crate::service::partners::{self, PartnerKey};
use crate::service::validation::{Checker, UserError};

use entity::partner_access_token as token;

/// How long an access URL works.
pub const ACCESS_URL_TTL_MINUTES: i64 = 15;

/// The path every access URL starts with.
pub const ACCESS_PATH: &str = "/partner-access";

/// The longest token a redeemer may present (a real one is 43 characters).
const MAX_TOKEN_CHARS: usize = 64;

/// An issued access URL.
#[derive(Clone, Debug)]
pub struct Issued {
    /// The URL's path (`/partner-access/<token>`): the token appears only here.
    pub url: String,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
}

/// Whether a relationship row is eligible for access: a direct partner who joined only through
/// the brand's sign-up link.
pub fn eligible(relationship: &entity::campaign_partner::Model) -> bool {
    relationship.access_url_eligible
        && relationship.relationship_type == RelationshipType::Direct.as_str()
}

/// Issues an access URL for a partner of a campaign of the caller's account. An unknown
/// partner (another account's alike) is `NOT_FOUND`, an ineligible one `INVALID`.
pub async fn issue(
    db: &DatabaseConnection,
    auth: &AuthContext,
    key: PartnerKey,
    now: DateTime<Utc>,
) -> AppResult<Result<Issued, Vec<UserError>>> {
    auth.require(Permission::EditPartners)?;
    let mut check = Checker::default();
    match partners::find(db, auth, key).await? {
        None => check.push(
            "partnerId",
            UserErrorCode::NotFound,
            format!(
                "partner {} is not a partner of campaign {}",
                key.partner_id, key.campaign_id
            ),
        ),
        Some(record) if !eligible(&record.relationship) => check.push(
            "partnerId",
            UserErrorCode::Invalid,
            "the partner is not eligible for access: only direct partners who joined solely \
             through the brand's sign-up link are",
        ),
        Some(_) => {}
    }
    if let Err(errors) = check.finish() {
        return Ok(Err(errors));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let expires_at = now + Duration::minutes(ACCESS_URL_TTL_MINUTES);
    let txn = db.begin().await?;
    token::ActiveModel {
        account_id: Set(auth.account_id),
        campaign_id: Set(key.campaign_id),
        partner_id: Set(key.partner_id),
        token_hash: Set(hash_token(&secret)),
        issued_by_user_id: Set(Some(auth.user_id)),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    activity::record(
        &txn,
        auth,
        Some(key),
        "ACCESS_URL_ISSUED",
        Some(json!({ "expiresAt": expires_at })),
        now,
    )
    .await?;
    crate::service::write::mark_committed();
    txn.commit().await?;
    Ok(Ok(Issued {
        url: format!("{ACCESS_PATH}/{secret}"),
        expires_at,
    }))
}

/// Whether a token would be spent now ([`redeem`] would grant access), without spending it:
/// for `HEAD`, which link previewers and mail scanners send and which must change nothing.
pub async fn redeemable(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    if secret.is_empty() || secret.chars().count() > MAX_TOKEN_CHARS {
        return Ok(false);
    }
    Ok(token::Entity::find()
        .filter(token::Column::TokenHash.eq(hash_token(secret)))
        .filter(token::Column::UsedAt.is_null())
        .filter(token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .is_some())
}

/// Spends a token: the partner it grants access to, once, before it expires; `None` for a
/// token unknown, spent or expired (one answer for all three).
pub async fn redeem(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<PartnerKey>> {
    if secret.is_empty() || secret.chars().count() > MAX_TOKEN_CHARS {
        return Ok(None);
    }
    let hash = hash_token(secret);
    let mut spend = Query::update();
    spend
        .table(token::Entity)
        .value(token::Column::UsedAt, now)
        .and_where(Expr::col(token::Column::TokenHash).eq(hash.clone()))
        .and_where(Expr::col(token::Column::UsedAt).is_null())
        .and_where(Expr::col(token::Column::ExpiresAt).gt(now));
    if db.execute(&spend).await?.rows_affected() != 1 {
        return Ok(None);
    }
    Ok(token::Entity::find()
        .filter(token::Column::TokenHash.eq(hash))
        .one(db)
        .await?
        .map(|t| PartnerKey {
            campaign_id: t.campaign_id,
            partner_id: t.partner_id,
        }))
}
