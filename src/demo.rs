//! The demo account at start-up: created with a random Auth Token on an empty database (shown
//! once, stored hashed), and given a fresh playground credential at each start on a loopback
//! address (the previous one revoked), since the plaintext of every earlier token is gone.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

use crate::domain::UserRole;
use crate::error::AppResult;
use crate::seed;
use crate::service::accounts;
use entity::{account, account_user, api_credential};

/// The label of the credential the playground page carries.
pub const PLAYGROUND_LABEL: &str = "playground";

/// SHA-256 of the Auth Token every demo account had before tokens were random (the README
/// published it); each start revokes it wherever it is still valid.
const PUBLISHED_TOKEN_HASH: &str =
    "39e905b42bc48e8a9c2bc48476b21dcc9a023447581ee49efb8c044898b4903d";

/// A credential of the demo account, to be shown once at start-up (`Debug` hides the token).
#[derive(Clone)]
pub struct DemoCredentials {
    /// Account SID.
    pub account_sid: String,
    /// Auth Token.
    pub auth_token: String,
}

impl std::fmt::Debug for DemoCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoCredentials")
            .field("account_sid", &self.account_sid)
            .field("auth_token", &"<hidden>")
            .finish()
    }
}

impl DemoCredentials {
    /// The `Authorization` header value for these credentials.
    pub fn header(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.account_sid, self.auth_token))
        )
    }
}

/// Creates the demo account when the database has no account; returns its administrator's
/// credential, whose token exists nowhere else (the database keeps its hash).
pub async fn create_if_empty(db: &DatabaseConnection) -> AppResult<Option<DemoCredentials>> {
    if !accounts::is_empty(db).await? {
        return Ok(None);
    }
    tracing::info!("empty database: creating the demo account");
    let account = seed::seed_demo(db).await?;
    Ok(Some(DemoCredentials {
        account_sid: account.account_sid,
        auth_token: account.auth_token,
    }))
}

/// Revokes the demo account's playground credential of the previous start (and the token that
/// was once published) and, when `issue` is set, issues a new one for the demo administrator.
/// `None` when there is no demo account or nothing was issued.
pub async fn renew_playground_credential(
    db: &DatabaseConnection,
    issue: bool,
) -> AppResult<Option<DemoCredentials>> {
    let Some(demo) = account::Entity::find()
        .filter(account::Column::Sid.eq(seed::DEMO_SID))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let txn = db.begin().await?;
    api_credential::Entity::update_many()
        .col_expr(
            api_credential::Column::RevokedAt,
            Expr::value(crate::clock::wall_now()),
        )
        .filter(api_credential::Column::AccountId.eq(demo.id))
        .filter(api_credential::Column::RevokedAt.is_null())
        .filter(
            Condition::any()
                .add(api_credential::Column::Label.eq(PLAYGROUND_LABEL))
                .add(api_credential::Column::TokenHash.eq(PUBLISHED_TOKEN_HASH)),
        )
        .exec(&txn)
        .await?;
    let administrator = account_user::Entity::find()
        .filter(account_user::Column::AccountId.eq(demo.id))
        .filter(account_user::Column::Role.eq(UserRole::Administrator.as_str()))
        .order_by_asc(account_user::Column::Id)
        .one(&txn)
        .await?;
    let issued = match administrator {
        Some(user) if issue => {
            let token =
                accounts::issue_credential(&txn, demo.id, user.id, PLAYGROUND_LABEL).await?;
            Some(DemoCredentials {
                account_sid: demo.sid,
                auth_token: token,
            })
        }
        _ => None,
    };
    txn.commit().await?;
    Ok(issued)
}
