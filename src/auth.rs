//! Credentials → `AuthContext`: HTTP Basic `AccountSID:AuthToken`, verified against hashed tokens.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

pub use crate::domain::Permission;
use crate::domain::{PermissionSet, UserRole};
use crate::error::AppError;

/// The authenticated caller: every service call is scoped by `account_id`.
#[derive(Clone, Debug)]
pub struct AuthContext {
    /// The caller's account (tenant).
    pub account_id: i64,
    /// The caller's Account SID.
    pub account_sid: String,
    /// The account user the credential belongs to.
    pub user_id: i64,
    /// The credential used (rate limits are per credential).
    pub credential_id: i64,
    /// That user's role.
    pub role: UserRole,
    /// What that user may do beyond reading (the role's preset unless set otherwise).
    pub permissions: PermissionSet,
}

impl AuthContext {
    /// Whether the caller may do what `permission` covers.
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }

    /// `FORBIDDEN` unless the caller holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this needs the {} permission, which the caller does not have",
                permission.as_str()
            )))
        }
    }
}

/// The stored form of a token: SHA-256, hex. Tokens are 32 random characters, so a fast hash is enough.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Splits an `Authorization: Basic ...` header value into (Account SID, Auth Token).
pub fn parse_basic(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (sid, token) = decoded.split_once(':')?;
    Some((sid.to_owned(), token.to_owned()))
}

/// Verifies an `Authorization` header; any failure is `UNAUTHENTICATED` with no hint of which part was wrong.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    header: Option<&str>,
) -> Result<AuthContext, AppError> {
    let unauthenticated = || {
        AppError::Unauthenticated(
            "missing or invalid credentials: send HTTP Basic auth AccountSID:AuthToken".to_owned(),
        )
    };
    let (sid, token) = header.and_then(parse_basic).ok_or_else(unauthenticated)?;
    let credential = entity::api_credential::Entity::find()
        .filter(entity::api_credential::Column::TokenHash.eq(hash_token(&token)))
        .filter(entity::api_credential::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(unauthenticated)?;
    let account = entity::account::Entity::find_by_id(credential.account_id)
        .one(db)
        .await?
        .filter(|a| a.sid == sid)
        .ok_or_else(unauthenticated)?;
    let user = entity::account_user::Entity::find_by_id(credential.user_id)
        .filter(entity::account_user::Column::AccountId.eq(account.id))
        .one(db)
        .await?
        .ok_or_else(unauthenticated)?;
    let role = UserRole::parse(&user.role).ok_or_else(|| {
        AppError::internal(format!("unknown role {:?} of user {}", user.role, user.id))
    })?;
    Ok(AuthContext {
        account_id: account.id,
        account_sid: account.sid,
        user_id: user.id,
        credential_id: credential.id,
        role,
        permissions: PermissionSet::stored_or_preset(user.permissions.as_deref(), role),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_is_split_at_the_first_colon() {
        let header = format!("Basic {}", STANDARD.encode("IRabc:tok:en"));
        assert_eq!(
            parse_basic(&header),
            Some(("IRabc".into(), "tok:en".into()))
        );
        assert_eq!(parse_basic("Bearer xyz"), None);
        assert_eq!(parse_basic("Basic !!!"), None);
    }

    #[test]
    fn read_only_users_cannot_write() {
        let ctx = AuthContext {
            account_id: 1,
            account_sid: "IR1".into(),
            user_id: 1,
            credential_id: 1,
            role: UserRole::ReadOnly,
            permissions: PermissionSet::preset(UserRole::ReadOnly),
        };
        assert!(matches!(
            ctx.require(Permission::ManageGroups),
            Err(AppError::Forbidden(_))
        ));
    }
}
