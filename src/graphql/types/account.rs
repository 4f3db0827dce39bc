//! The caller's account, its users, and `Viewer` (who is calling).

use async_graphql::{Context, Object, ID};

use super::campaign::Campaign;
use crate::domain::{GlobalId, Permission, PermissionSet, UserRole};
use crate::graphql::context::{auth, db};
use crate::graphql::types::scalars::DateTime;
use crate::service::{accounts, campaigns};

use entity::{account, account_user};

/// A brand's account: the tenant everything else belongs to.
pub struct Account(pub account::Model);

/// A brand's account: the tenant everything else belongs to.
#[Object]
impl Account {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::Account(self.0.id).encode())
    }

    /// Numeric id of the account.
    async fn account_id(&self) -> i64 {
        self.0.id
    }

    /// The Account SID: the user name of the account's API credentials.
    async fn account_sid(&self) -> &str {
        &self.0.sid
    }

    /// The brand's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The account's time zone (IANA name); contract dates end at midnight there.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime {
        self.0.created_at.into()
    }

    /// The people of the account.
    async fn users(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AccountUser>> {
        let users = accounts::list_users(db(ctx)?, auth(ctx)?).await?;
        Ok(users.into_iter().map(AccountUser).collect())
    }

    /// The account's campaigns (programs).
    async fn campaigns(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Campaign>> {
        let list = campaigns::list(db(ctx)?, auth(ctx)?).await?;
        Ok(list.into_iter().map(Campaign).collect())
    }
}

/// A person of the brand; partners can be assigned to one.
pub struct AccountUser(pub account_user::Model);

/// A person of the brand; partners can be assigned to one.
#[Object]
impl AccountUser {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        ID(GlobalId::AccountUser(self.0.id).encode())
    }

    /// Numeric id of the user.
    async fn user_id(&self) -> i64 {
        self.0.id
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// E-mail address.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// What the user may do.
    async fn role(&self) -> async_graphql::Result<UserRole> {
        Ok(UserRole::from_stored(&self.0.role)?)
    }

    /// What the user may do beyond reading: the preset of their role unless an administrator
    /// set it otherwise (`setUserPermissions`).
    async fn permissions(&self) -> async_graphql::Result<Vec<Permission>> {
        let role = UserRole::from_stored(&self.0.role)?;
        Ok(PermissionSet::stored_or_preset(self.0.permissions.as_deref(), role).to_vec())
    }

    /// Whether the user's permissions are their role's preset (none set otherwise).
    async fn permissions_from_role(&self) -> bool {
        self.0.permissions.is_none()
    }

    /// The user's job title in the brand (e.g. "Affiliate Manager").
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
}

/// The caller: the user its credentials belong to, and that user's account.
pub struct Viewer {
    /// The authenticated user.
    pub user: account_user::Model,
    /// The user's account.
    pub account: account::Model,
}

/// The caller: the user its credentials belong to, and that user's account.
#[Object]
impl Viewer {
    /// The authenticated user.
    async fn user(&self) -> AccountUser {
        AccountUser(self.user.clone())
    }

    /// What the caller may do beyond reading; the bulk actions a screen offers follow these.
    async fn permissions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Permission>> {
        Ok(auth(ctx)?.permissions.to_vec())
    }

    /// The caller's account.
    async fn account(&self) -> Account {
        Account(self.account.clone())
    }
}
