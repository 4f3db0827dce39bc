//! A bulk action logs the partners it changed once (migration 000033). The change-log triggers
//! would log each row every statement of the action writes, two or three times for the same
//! partners in a contract action; while the engine runs an action its campaign is paused
//! (`change_log_pauses`, a row never committed), the triggers skip that campaign's rows, and the
//! engine then logs every selected partner at one new version of the campaign — whatever the
//! action wrote about them, so the facet index (`campaign_list_changes`) reads each one again.
//! Writes to other campaigns in the same transaction (an invitation's) are logged by the
//! triggers as always.

use sea_orm::ConnectionTrait;

use super::fixed;
use crate::error::AppResult;
use crate::service::contracts::sql::exec;

/// Pauses the triggers' logging of `campaign_id` for the rest of the transaction, or until
/// [`log_selected`].
pub async fn pause(db: &impl ConnectionTrait, campaign_id: i64) -> AppResult<()> {
    exec(
        db,
        "INSERT INTO change_log_pauses (campaign_id) VALUES ($1)",
        vec![campaign_id.into()],
    )
    .await?;
    Ok(())
}

/// Ends the pause of `campaign_id` and logs the selected partners ([`fixed::TABLE`]) as changed
/// at one new version of the campaign.
pub async fn log_selected(db: &impl ConnectionTrait, campaign_id: i64) -> AppResult<()> {
    let c = vec![campaign_id.into()];
    exec(
        db,
        "DELETE FROM change_log_pauses WHERE campaign_id = $1",
        c.clone(),
    )
    .await?;
    exec(
        db,
        "INSERT INTO campaign_list_versions (campaign_id, version) VALUES ($1, 1) \
         ON CONFLICT (campaign_id) DO UPDATE SET version = campaign_list_versions.version + 1",
        c.clone(),
    )
    .await?;
    exec(
        db,
        &format!(
            "INSERT INTO campaign_list_changes (campaign_id, version, partner_id) \
             SELECT v.campaign_id, v.version, s.partner_id FROM campaign_list_versions v, {} s \
             WHERE v.campaign_id = $1",
            fixed::TABLE
        ),
        c,
    )
    .await?;
    Ok(())
}
