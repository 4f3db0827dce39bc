//! Group names: unique within a campaign ignoring case — checked before writing, and backed
//! by a unique index for writers that race past the check.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::auth::AuthContext;
use crate::domain::text::fold_case;
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::validation::{unique_violation, Checker, UserError};

use entity::partner_group;

/// Group names are unique within a campaign, ignoring case.
pub(super) async fn check_name(
    db: &impl ConnectionTrait,
    auth: &AuthContext,
    campaign_id: i64,
    name: &str,
    except: Option<i64>,
    check: &mut Checker,
) -> AppResult<()> {
    if name.is_empty() {
        return Ok(());
    }
    let existing: Vec<(i64, String)> = partner_group::Entity::find()
        .select_only()
        .column(partner_group::Column::Id)
        .column(partner_group::Column::Name)
        .filter(partner_group::Column::AccountId.eq(auth.account_id))
        .filter(partner_group::Column::CampaignId.eq(campaign_id))
        .into_tuple()
        .all(db)
        .await?;
    let wanted = fold_case(name);
    if existing
        .iter()
        .any(|(id, other)| Some(*id) != except && fold_case(other) == wanted)
    {
        check.push("name", UserErrorCode::Conflict, name_conflict(name));
    }
    Ok(())
}

/// A unique-index violation on the name (a concurrent create or rename got there first) is
/// the same user error the check gives; anything else is a failure.
pub(super) fn name_taken(err: DbErr, name: &str) -> AppResult<Vec<UserError>> {
    unique_violation(err, "name", UserErrorCode::Conflict, name_conflict(name))
}

fn name_conflict(name: &str) -> String {
    format!("a group named {name:?} already exists in this campaign")
}
