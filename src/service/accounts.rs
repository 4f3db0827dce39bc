//! Accounts (tenants), their users and API credentials.

use rand::distr::{Alphanumeric, SampleString};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::auth::{hash_token, AuthContext};
use crate::domain::{Permission, PermissionSet, UserRole};
use crate::error::{AppError, AppResult};
use crate::service::write::{write_transaction, Finish};

/// What `account create` prints: the new account's credentials and campaigns.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    /// The account's Account SID (the Basic-auth user name).
    pub account_sid: String,
    /// The administrator's Auth Token (the Basic-auth password); shown once, stored hashed.
    pub auth_token: String,
    /// Numeric ids of the account's campaigns.
    pub campaign_ids: Vec<i64>,
    /// The account's numeric id.
    #[serde(skip)]
    pub account_id: i64,
    /// The administrator user's id.
    #[serde(skip)]
    pub user_id: i64,
}

/// A fresh random Account SID (`IR` + 32 letters and digits).
pub fn new_sid() -> String {
    format!("IR{}", Alphanumeric.sample_string(&mut rand::rng(), 32))
}

/// A fresh random Auth Token (32 letters and digits).
pub fn new_token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}

/// Creates an account with an administrator, its credential, and one campaign per name.
pub async fn create_account(
    db: &impl ConnectionTrait,
    name: &str,
    campaigns: &[&str],
) -> AppResult<NewAccount> {
    create_account_with_credentials(db, name, &new_sid(), &new_token(), campaigns).await
}

/// The action trackers every new campaign starts with (more are added with
/// `createActionTracker`).
pub const DEFAULT_ACTION_TRACKERS: &[&str] = &["Online Sale", "Lead", "App Install"];

/// Like `create_account`, with a given SID and token (the demo account's SID is fixed).
pub async fn create_account_with_credentials(
    db: &impl ConnectionTrait,
    name: &str,
    sid: &str,
    token: &str,
    campaigns: &[&str],
) -> AppResult<NewAccount> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::Validation("an account needs a name".into()));
    }
    let now = crate::clock::wall_now();
    let account = entity::account::ActiveModel {
        sid: Set(sid.to_owned()),
        name: Set(name.to_owned()),
        time_zone: Set("UTC".to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let slug: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    let email = format!(
        "admin@{}.example",
        if slug.is_empty() { "brand" } else { &slug }
    );
    let user_id = add_user(
        db,
        account.id,
        "Account Administrator",
        &email,
        UserRole::Administrator,
    )
    .await?;
    issue_credential_with_token(db, account.id, user_id, "default", token).await?;
    let mut campaign_ids = Vec::with_capacity(campaigns.len());
    for campaign in campaigns {
        let model = entity::campaign::ActiveModel {
            account_id: Set(account.id),
            name: Set((*campaign).to_owned()),
            currency: Set("USD".to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        for tracker in DEFAULT_ACTION_TRACKERS {
            entity::action_tracker::ActiveModel {
                account_id: Set(account.id),
                campaign_id: Set(model.id),
                name: Set((*tracker).to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        campaign_ids.push(model.id);
    }
    Ok(NewAccount {
        account_sid: account.sid,
        auth_token: token.to_owned(),
        campaign_ids,
        account_id: account.id,
        user_id,
    })
}

/// Adds a user to an account and returns its id.
pub async fn add_user(
    db: &impl ConnectionTrait,
    account_id: i64,
    name: &str,
    email: &str,
    role: UserRole,
) -> AppResult<i64> {
    let user = entity::account_user::ActiveModel {
        account_id: Set(account_id),
        name: Set(name.to_owned()),
        email: Set(email.to_owned()),
        role: Set(role.as_str().to_owned()),
        title: Set(None),
        created_at: Set(crate::clock::wall_now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(user.id)
}

/// Sets what a user of the caller's account may do (`None`: back to the role's preset). Needs
/// `MANAGE_USERS`; another account's user is `NOT_FOUND`. Takes effect on the user's next request.
///
/// Checked and written under the account's row lock, with the caller's permissions read again
/// there: two administrators taking `MANAGE_USERS` from each other at once would otherwise both
/// pass the check of their request's credentials and leave no one who can give it back. The
/// second now finds it has lost the permission (`FORBIDDEN`).
pub async fn set_permissions(
    db: &DatabaseConnection,
    auth: &AuthContext,
    user_id: i64,
    permissions: Option<PermissionSet>,
) -> AppResult<entity::account_user::Model> {
    auth.require(Permission::ManageUsers)?;
    write_transaction(db, &(auth, permissions), |txn, &(auth, permissions)| {
        Box::pin(async move {
            lock_account(txn, auth.account_id).await?;
            let caller = find_user(txn, auth, auth.user_id).await?;
            if !permissions_of(&caller)?.contains(Permission::ManageUsers) {
                return Err(AppError::Forbidden(
                    "this needs the MANAGE_USERS permission, which the caller no longer has".into(),
                ));
            }
            let user = find_user(txn, auth, user_id).await?;
            if user_id == auth.user_id
                && !permissions
                    .unwrap_or_else(|| PermissionSet::preset(auth.role))
                    .contains(Permission::ManageUsers)
            {
                return Err(AppError::Validation(
                    "a user cannot take MANAGE_USERS from themselves; another administrator can"
                        .into(),
                ));
            }
            let mut model: entity::account_user::ActiveModel = user.into();
            model.permissions = Set(permissions.map(PermissionSet::to_stored));
            Ok(Finish::Commit(model.update(txn).await?))
        })
    })
    .await
}

/// What `user` may do: its stored permissions, or its role's preset.
fn permissions_of(user: &entity::account_user::Model) -> AppResult<PermissionSet> {
    let role = UserRole::parse(&user.role).ok_or_else(|| {
        AppError::internal(format!("unknown role {:?} of user {}", user.role, user.id))
    })?;
    Ok(PermissionSet::stored_or_preset(
        user.permissions.as_deref(),
        role,
    ))
}

/// Holds the account's row until the transaction ends (PostgreSQL; SQLite's write
/// transactions run one at a time anyway), so changes to its users happen one after another.
async fn lock_account(txn: &DatabaseTransaction, account_id: i64) -> AppResult<()> {
    if txn.get_database_backend() == DbBackend::Postgres {
        entity::account::Entity::find_by_id(account_id)
            .lock_exclusive()
            .one(txn)
            .await?;
    }
    Ok(())
}

/// Issues a new random credential for a user and returns its token (stored only as a hash).
pub async fn issue_credential(
    db: &impl ConnectionTrait,
    account_id: i64,
    user_id: i64,
    label: &str,
) -> AppResult<String> {
    let token = new_token();
    issue_credential_with_token(db, account_id, user_id, label, &token).await?;
    Ok(token)
}

async fn issue_credential_with_token(
    db: &impl ConnectionTrait,
    account_id: i64,
    user_id: i64,
    label: &str,
    token: &str,
) -> AppResult<()> {
    entity::api_credential::ActiveModel {
        account_id: Set(account_id),
        user_id: Set(user_id),
        token_hash: Set(hash_token(token)),
        label: Set(label.to_owned()),
        created_at: Set(crate::clock::wall_now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The caller's account.
pub async fn current_account(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
) -> AppResult<entity::account::Model> {
    entity::account::Entity::find_by_id(auth.account_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("account", auth.account_id))
}

/// The users of the caller's account, by id.
pub async fn list_users(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
) -> AppResult<Vec<entity::account_user::Model>> {
    Ok(entity::account_user::Entity::find()
        .filter(entity::account_user::Column::AccountId.eq(auth.account_id))
        .order_by_asc(entity::account_user::Column::Id)
        .all(db)
        .await?)
}

/// One user of the caller's account; another account's user is `NOT_FOUND`.
pub async fn find_user(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    user_id: i64,
) -> AppResult<entity::account_user::Model> {
    entity::account_user::Entity::find_by_id(user_id)
        .filter(entity::account_user::Column::AccountId.eq(auth.account_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("account user", user_id))
}

/// Whether the database holds no account at all (first start).
pub async fn is_empty(db: &impl ConnectionTrait) -> AppResult<bool> {
    Ok(entity::account::Entity::find().one(db).await?.is_none())
}
