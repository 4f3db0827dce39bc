//! A bulk write logs the partners it changed itself, once (migration 000033). The change-log
//! triggers would log each row every statement of the write changes: two or three times for
//! the same partners in a contract action. While the engine (or the scheduled-change runner)
//! writes, its campaign is paused (`change_log_pauses`, a row of the transaction that is
//! deleted before the transaction ends, so never committed) and the triggers skip that
//! campaign's rows; the writer logs its partners at one new version of the campaign instead —
//! whatever it wrote about them, so the facet index (`campaign_list_changes`) reads each again.
//! Writes to other campaigns in the same transaction (an invitation's) are logged by the
//! triggers as always.

use std::future::Future;

use sea_orm::ConnectionTrait;

use crate::error::AppResult;
use crate::service::contracts::sql::exec;

/// Runs `write` with the triggers' logging of `campaign_id` paused, and ends the pause before
/// its result is returned, so no pause outlives it. `write` logs what it changed with [`log`].
/// After an error the pause is ended as far as the transaction still can (SQLite's goes on
/// after a failed statement; PostgreSQL's is aborted and rolls back, taking the pause with it),
/// and `write`'s own error is returned: a deadlock stays a deadlock (retried), a statement
/// timeout a timeout.
pub async fn paused<C, T>(
    db: &C,
    campaign_id: i64,
    write: impl Future<Output = AppResult<T>>,
) -> AppResult<T>
where
    C: ConnectionTrait,
{
    let c = vec![campaign_id.into()];
    exec(
        db,
        "INSERT INTO change_log_pauses (campaign_id) VALUES ($1)",
        c.clone(),
    )
    .await?;
    let result = write.await;
    let resumed = exec(
        db,
        "DELETE FROM change_log_pauses WHERE campaign_id = $1",
        c,
    )
    .await;
    let value = result?;
    resumed?;
    Ok(value)
}

/// Logs the partners `partners` selects (SQL of distinct `partner_id`s) as changed at one new
/// version of `campaign_id`.
pub async fn log(db: &impl ConnectionTrait, campaign_id: i64, partners: &str) -> AppResult<()> {
    let c = vec![campaign_id.into()];
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
             SELECT v.campaign_id, v.version, s.partner_id FROM campaign_list_versions v, \
             ({partners}) s WHERE v.campaign_id = $1"
        ),
        c,
    )
    .await?;
    Ok(())
}
