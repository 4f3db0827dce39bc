//! A bulk write logs the partners it changed itself, once (migration 000033). The change-log
//! triggers would log each row every statement of the write changes: two or three times for
//! the same partners in a contract action. While the engine (or the scheduled-change runner)
//! writes, its campaign is paused (`change_log_pauses`, a row of the transaction that is
//! deleted before the transaction ends, so never committed) and the triggers skip that
//! campaign's rows; the writer logs its partners at one new version of the campaign instead —
//! whatever it wrote about them, so the facet index (`campaign_list_changes`) reads each again.
//! Writes to other campaigns in the same transaction (an invitation's) are logged by the
//! triggers as always.
//!
//! A write that changes most of its partners' relationship stages (an expiry now) pauses the
//! stage copy too (PostgreSQL, migration 000038): the copy's row trigger
//! (`campaign_partner_stages`, one function call per row whose stage changed: 1.4 s of an
//! expiry of 100,000 partners) is off for the transaction while the write runs, and the write
//! changes stages only through [`update_rows`], whose one statement copies the stages of the
//! rows it changed, from the rows the update returns (set-based: the relationship rows' update
//! and the copy 1.7 s where the update alone took 1.0–2.0 s and the copy of every logged
//! partner after it another 0.9 s). SQLite's trigger is its own row trigger, with no function
//! call: it copies as always. A paused write changes no row's campaign or partner (the trigger
//! would follow those too): no bulk write does.

use std::future::Future;

use sea_orm::{ConnectionTrait, DbBackend};

use crate::error::AppResult;
use crate::service::contracts::sql::exec;

/// Runs `write` with the triggers' logging of `campaign_id` paused, and ends the pause before
/// its result is returned, so no pause outlives it. `write` logs what it changed with [`log`].
/// With `stages` (the write changes many relationship stages) the stage copy's trigger is
/// paused too on PostgreSQL, and `write` must change stages only through [`update_rows`].
/// After an error the pause is ended as far as the transaction still can (SQLite's goes on
/// after a failed statement; PostgreSQL's is aborted and rolls back, taking the pause with it),
/// and `write`'s own error is returned: a deadlock stays a deadlock (retried), a statement
/// timeout a timeout.
pub async fn paused<C, T>(
    db: &C,
    campaign_id: i64,
    stages: bool,
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
    let stages = stages && db.get_database_backend() == DbBackend::Postgres;
    let result = async {
        if !stages {
            return write.await;
        }
        stage_copy::pause(db).await?;
        write.await
    }
    .await;
    let resumed = async {
        if stages {
            stage_copy::resume(db).await?;
        }
        exec(
            db,
            "DELETE FROM change_log_pauses WHERE campaign_id = $1",
            c,
        )
        .await
    }
    .await;
    let value = result?;
    resumed?;
    Ok(value)
}

/// The stage copy's pause on PostgreSQL (migration 000038).
mod stage_copy {
    use sea_orm::ConnectionTrait;

    use crate::error::AppResult;
    use crate::service::contracts::sql::query;

    /// Pauses the copy's trigger for the transaction.
    pub(super) async fn pause(db: &impl ConnectionTrait) -> AppResult<()> {
        set(db, "paused").await
    }

    /// Ends the pause (the transaction may go on with other writes).
    pub(super) async fn resume(db: &impl ConnectionTrait) -> AppResult<()> {
        set(db, "").await
    }

    async fn set(db: &impl ConnectionTrait, value: &str) -> AppResult<()> {
        query(
            db,
            "SELECT set_config('partnergraph.stage_copy', $1, true)",
            vec![value.into()],
        )
        .await?;
        Ok(())
    }
}

/// Runs `update`, an `UPDATE campaign_partners ...` with `values` as its `$1`..., in a write
/// [`paused`] with `stages` as given: then on PostgreSQL the same statement copies the stage of
/// each row it changes to `campaign_partner_stages` (the trigger being off). Otherwise the
/// update alone: the trigger copies.
pub async fn update_rows(
    db: &impl ConnectionTrait,
    update: &str,
    values: Vec<sea_orm::Value>,
    stages: bool,
) -> AppResult<()> {
    if stages && db.get_database_backend() == DbBackend::Postgres {
        exec(
            db,
            &format!(
                "WITH changed AS ({update} RETURNING id, relationship_stage) \
                 UPDATE campaign_partner_stages SET relationship_stage = changed.relationship_stage \
                 FROM changed WHERE campaign_partner_stages.id = changed.id \
                 AND campaign_partner_stages.relationship_stage IS DISTINCT FROM changed.relationship_stage"
            ),
            values,
        )
        .await?;
    } else {
        exec(db, update, values).await?;
    }
    Ok(())
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
