//! Credentials → `AuthContext`: HTTP Basic `AccountSID:AuthToken`, verified against hashed tokens.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lru::LruCache;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::ConnectionTrait;
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

/// Most credentials [`AuthCache`] holds (least recently used ones go first).
const AUTH_CACHE_ENTRIES: usize = 10_000;

/// The challenge a 401 names in `WWW-Authenticate`: HTTP Basic with the Account SID and Auth
/// Token.
pub const CHALLENGE: &str = "Basic realm=\"partnergraph\"";

/// Verified credentials, for at most a configured time (`AUTH_CACHE_TTL_MS`): a request whose
/// credential was verified moments ago runs no statement to authenticate. Keyed by the Account
/// SID and the token's hash, so only the very same credential finds an entry (a wrong token
/// hashes differently and is verified against the database, and fails). A credential revoked,
/// or a user's permissions changed, takes effect within the time to live; in this process at
/// once, as changing permissions clears the cache. A time to live of zero turns it off.
pub struct AuthCache {
    ttl: Duration,
    entries: Mutex<LruCache<(String, String), (Instant, AuthContext)>>,
}

impl AuthCache {
    /// A cache keeping a verified credential for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        let capacity = NonZeroUsize::new(AUTH_CACHE_ENTRIES).unwrap_or(NonZeroUsize::MIN);
        AuthCache {
            ttl,
            entries: Mutex::new(LruCache::new(capacity)),
        }
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, LruCache<(String, String), (Instant, AuthContext)>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, key: &(String, String)) -> Option<AuthContext> {
        if self.ttl.is_zero() {
            return None;
        }
        let mut entries = self.lock();
        match entries.get(key) {
            Some((at, auth)) if at.elapsed() < self.ttl => Some(auth.clone()),
            Some(_) => {
                entries.pop(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: (String, String), auth: &AuthContext) {
        if !self.ttl.is_zero() {
            self.lock().put(key, (Instant::now(), auth.clone()));
        }
    }

    /// Forgets every verified credential (after a change to what a credential allows).
    pub fn clear(&self) {
        self.lock().clear();
    }
}

impl Default for AuthCache {
    /// Off: every request is verified against the database.
    fn default() -> Self {
        AuthCache::new(Duration::ZERO)
    }
}

use entity::{account, account_user as user, api_credential as credential};

/// The caller a credential stands for: its account, user, role and permissions; only a
/// credential not revoked, of a user of its account. The caller adds which credential.
fn credential_query() -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column((account::Entity, account::Column::Id))
        .column((account::Entity, account::Column::Sid))
        .expr_as(
            Expr::col((user::Entity, user::Column::Id)),
            Alias::new("user_id"),
        )
        .expr_as(
            Expr::col((credential::Entity, credential::Column::Id)),
            Alias::new("credential_id"),
        )
        .column((user::Entity, user::Column::Role))
        .column((user::Entity, user::Column::Permissions))
        .from(credential::Entity)
        .inner_join(
            account::Entity,
            Expr::col((account::Entity, account::Column::Id))
                .equals((credential::Entity, credential::Column::AccountId)),
        )
        .inner_join(
            user::Entity,
            Expr::col((user::Entity, user::Column::Id))
                .equals((credential::Entity, credential::Column::UserId))
                .and(
                    Expr::col((user::Entity, user::Column::AccountId))
                        .equals((account::Entity, account::Column::Id)),
                ),
        )
        .and_where(Expr::col((credential::Entity, credential::Column::RevokedAt)).is_null())
        .limit(1);
    q
}

/// The caller of a row of [`credential_query`].
fn context_of(row: &sea_orm::QueryResult) -> Result<AuthContext, AppError> {
    let role: String = row.try_get("", "role")?;
    let user_id: i64 = row.try_get("", "user_id")?;
    let stored: Option<String> = row.try_get("", "permissions")?;
    let role = UserRole::parse(&role)
        .ok_or_else(|| AppError::internal(format!("unknown role {role:?} of user {user_id}")))?;
    Ok(AuthContext {
        account_id: row.try_get("", "id")?,
        account_sid: row.try_get("", "sid")?,
        user_id,
        credential_id: row.try_get("", "credential_id")?,
        role,
        permissions: PermissionSet::stored_or_preset(stored.as_deref(), role),
    })
}

/// The caller of a credential still in force, as it stands now (its user's role and
/// permissions read afresh): for work a caller asked for earlier and runs later, such as an
/// export fetched through its download URL. `None` once the credential is revoked.
pub async fn context_of_credential(
    db: &impl ConnectionTrait,
    credential_id: i64,
) -> Result<Option<AuthContext>, AppError> {
    let mut q = credential_query();
    q.and_where(Expr::col((credential::Entity, credential::Column::Id)).eq(credential_id));
    match db.query_one(&q).await? {
        Some(row) => Ok(Some(context_of(&row)?)),
        None => Ok(None),
    }
}

/// The request's one `Authorization` header as text. Two (whichever counted would be a guess,
/// and a proxy may have added one) or one that is not text are no credentials.
pub fn authorization(headers: &axum::http::HeaderMap) -> Option<&str> {
    let mut all = headers.get_all(axum::http::header::AUTHORIZATION).iter();
    match (all.next(), all.next()) {
        (Some(one), None) => one.to_str().ok(),
        _ => None,
    }
}

/// Verifies an `Authorization` header, from `cache` or with one statement; any failure is
/// `UNAUTHENTICATED` with no hint of which part was wrong.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    cache: &AuthCache,
    header: Option<&str>,
) -> Result<AuthContext, AppError> {
    let unauthenticated = || {
        AppError::Unauthenticated(
            "missing or invalid credentials: send HTTP Basic auth AccountSID:AuthToken".to_owned(),
        )
    };
    let (sid, token) = header.and_then(parse_basic).ok_or_else(unauthenticated)?;
    let key = (sid, hash_token(&token));
    if let Some(auth) = cache.get(&key) {
        return Ok(auth);
    }
    let mut q = credential_query();
    q.and_where(Expr::col((credential::Entity, credential::Column::TokenHash)).eq(key.1.clone()))
        .and_where(Expr::col((account::Entity, account::Column::Sid)).eq(key.0.clone()));
    let row = db.query_one(&q).await?.ok_or_else(unauthenticated)?;
    let auth = context_of(&row)?;
    cache.put(key, &auth);
    Ok(auth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_authorization_headers_are_no_credentials() {
        use axum::http::{header::AUTHORIZATION, HeaderMap, HeaderValue};
        let mut headers = HeaderMap::new();
        assert_eq!(authorization(&headers), None);
        headers.append(AUTHORIZATION, HeaderValue::from_static("Basic YTpi"));
        assert_eq!(authorization(&headers), Some("Basic YTpi"));
        headers.append(AUTHORIZATION, HeaderValue::from_static("Basic Yzpk"));
        assert_eq!(authorization(&headers), None);
    }

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
