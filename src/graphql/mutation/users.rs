//! `setUserPermissions`: an administrator decides what a user of the account may do.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::domain::{Permission, PermissionSet};
use crate::error::AppError;
use crate::graphql::context::{auth, db};
use crate::graphql::ids;
use crate::graphql::types::account::AccountUser;
use crate::graphql::types::user_error::UserError;
use crate::service::accounts;

/// What a user of the account may do.
#[derive(InputObject)]
pub struct SetUserPermissionsInput {
    /// The user (numeric or global id).
    pub user_id: ID,
    /// The user's permissions from now on; omit (or null) to go back to the role's preset.
    pub permissions: Option<Vec<Permission>>,
}

/// The result of `setUserPermissions`.
#[derive(SimpleObject)]
pub struct SetUserPermissionsPayload {
    /// The user with their new permissions, unless the input was refused.
    pub user: Option<AccountUser>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Managing the account's users.
#[derive(Default)]
pub struct UserMutation;

/// Managing the account's users.
#[Object]
impl UserMutation {
    /// Sets a user's permissions (needs `MANAGE_USERS`; a user cannot take `MANAGE_USERS` from
    /// themselves). Takes effect on the user's next request.
    async fn set_user_permissions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user and their permissions (null: the role's preset).")]
        input: SetUserPermissionsInput,
    ) -> async_graphql::Result<SetUserPermissionsPayload> {
        let refused = |user_errors| SetUserPermissionsPayload {
            user: None,
            user_errors,
        };
        let user_id = match ids::user_id(&input.user_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["userId"], &err))),
        };
        let set = input.permissions.as_deref().map(PermissionSet::of);
        match accounts::set_permissions(db(ctx)?, auth(ctx)?, user_id, set).await {
            Ok(user) => {
                // Callers verified moments ago must not keep what the user may no longer do.
                if let Ok(cache) = ctx.data::<std::sync::Arc<crate::auth::AuthCache>>() {
                    cache.clear();
                }
                Ok(SetUserPermissionsPayload {
                    user: Some(AccountUser(user)),
                    user_errors: Vec::new(),
                })
            }
            Err(err @ AppError::NotFound(_)) => {
                Ok(refused(UserError::not_found(&["userId"], &err)))
            }
            Err(err @ AppError::Validation(_)) => {
                Ok(refused(UserError::unreadable(&["permissions"], &err)))
            }
            Err(err) => Err(err.into()),
        }
    }
}
