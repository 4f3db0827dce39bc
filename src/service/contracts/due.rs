//! Scheduled changes apply themselves: an upcoming switch becomes the contract on its date, a
//! temporary contract falls back to its fallback (or expires) at its end, a scheduled expiry
//! expires. [`apply_due`] does all that is due at `now`, one campaign per transaction: it takes
//! the campaign's write lock (the one every bulk action takes, so an action and the runner never
//! interleave on a campaign) and claims the due records with row locks (`FOR UPDATE SKIP
//! LOCKED` on PostgreSQL). A change applied is no longer due, so running twice — or two runners
//! at once, in several server processes — applies each change exactly once.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbBackend};

use super::sql::{exec, query, standing_differs as differs};
use crate::error::AppResult;
use crate::service::write::{lock_campaign, write_transaction, Finish};

/// What one run applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// Upcoming switches that took effect.
    pub switched: u64,
    /// Temporary contracts that fell back to their fallback.
    pub fell_back: u64,
    /// Contracts that expired.
    pub expired: u64,
}

const DUE: &str = "((status = 'UPCOMING' AND start_date <= $1) OR \
                   (status IN ('ACTIVE', 'SUSPENDED') AND end_date <= $1))";

/// Applies every change due at `now`.
pub async fn apply_due(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<Applied> {
    let campaigns = query(
        db,
        &format!(
            "SELECT DISTINCT campaign_id FROM partner_contracts WHERE {DUE} ORDER BY campaign_id"
        ),
        vec![now.into()],
    )
    .await?;
    let mut total = Applied::default();
    for row in campaigns {
        let campaign: i64 = row.try_get_by_index(0)?;
        let applied = write_transaction(db, &(), |txn, _| {
            Box::pin(async move {
                lock_campaign(txn, campaign).await?;
                Ok(Finish::Commit(apply_campaign(txn, campaign, now).await?))
            })
        })
        .await?;
        total.switched += applied.switched;
        total.fell_back += applied.fell_back;
        total.expired += applied.expired;
    }
    Ok(total)
}

/// Applies what is due now, then again every `every`, for as long as the server runs; a failed
/// run is logged and retried at the next.
pub async fn run_periodically(
    db: DatabaseConnection,
    clock: crate::clock::Clock,
    every: std::time::Duration,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match apply_due(&db, clock.now()).await {
            Ok(applied) if applied != Applied::default() => {
                tracing::info!(?applied, "scheduled contract changes applied")
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = ?err, "scheduled contract changes failed; retrying later")
            }
        }
    }
}

async fn apply_campaign(
    db: &sea_orm::DatabaseTransaction,
    c: i64,
    now: DateTime<Utc>,
) -> AppResult<Applied> {
    use sea_orm::ConnectionTrait;
    let backend = db.get_database_backend();
    let (create, lock) = match backend {
        DbBackend::Postgres => (
            "CREATE TEMPORARY TABLE due_records (id BIGINT PRIMARY KEY, partner_id BIGINT, kind TEXT) ON COMMIT DROP",
            " FOR UPDATE SKIP LOCKED",
        ),
        _ => (
            "CREATE TEMPORARY TABLE due_records (id INTEGER PRIMARY KEY, partner_id INTEGER, kind TEXT)",
            "",
        ),
    };
    db.execute_unprepared(create).await?;
    exec(
        db,
        &format!(
            "INSERT INTO due_records (id, partner_id, kind) SELECT id, partner_id, \
             CASE WHEN status = 'UPCOMING' THEN 'SWITCH' \
                  WHEN is_temporary = $2 AND fallback_template_id IS NOT NULL THEN 'FALLBACK' \
                  ELSE 'EXPIRE' END \
             FROM partner_contracts WHERE campaign_id = {c} AND {DUE}{lock}"
        ),
        vec![now.into(), true.into()],
    )
    .await?;
    let of = |kind: &str, col: &str| format!("SELECT {col} FROM due_records WHERE kind = '{kind}'");
    let history = |kind: &str, action: &str, contract: &str| {
        format!(
            "INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, \
             template_id, effective_date, comment, user_id, created_at, non_compliant) \
             SELECT p.account_id, p.campaign_id, p.partner_id, p.id, '{action}', p.template_id, $1, NULL, NULL, $1, $2 \
             FROM partner_contracts p WHERE p.id IN ({contract}) AND EXISTS (SELECT 1 FROM due_records d WHERE d.kind = '{kind}')"
        )
    };
    let mut applied = Applied::default();
    let at = || vec![now.into()];

    // Switches: the current contract is replaced, the upcoming one takes effect.
    exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'REPLACED', end_date = $1, updated_at = $1 \
             WHERE campaign_id = {c} AND status IN ('ACTIVE', 'SUSPENDED') AND partner_id IN ({})",
            of("SWITCH", "partner_id")
        ),
        at(),
    )
    .await?;
    applied.switched = exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'ACTIVE', updated_at = $1 WHERE id IN ({})",
            of("SWITCH", "id")
        ),
        at(),
    )
    .await?;
    exec(
        db,
        &format!(
            "UPDATE campaign_partners SET contract_status = 'ACTIVE', relationship_stage = 'JOINED', updated_at = $1 \
             WHERE campaign_id = {c} AND partner_id IN ({}) AND {}",
            of("SWITCH", "partner_id"),
            differs("ACTIVE", Some("JOINED"))
        ),
        at(),
    )
    .await?;
    exec(
        db,
        &history("SWITCH", "SWITCH_APPLIED", &of("SWITCH", "id")),
        vec![now.into(), false.into()],
    )
    .await?;

    // Temporary contracts with a fallback: the fallback's terms become the contract.
    exec(
        db,
        &format!(
            "INSERT INTO partner_contracts (account_id, campaign_id, partner_id, template_id, name, status, \
             start_date, end_date, is_temporary, fallback_template_id, approval_option, comment, \
             created_by_user_id, created_at, updated_at) \
             SELECT old.account_id, old.campaign_id, old.partner_id, t.id, t.name, 'ACTIVE', old.end_date, NULL, $2, \
             NULL, 'REPLACE', NULL, NULL, $1, $1 FROM partner_contracts old \
             JOIN contract_templates t ON t.id = old.fallback_template_id \
             WHERE old.id IN ({}) AND old.status IN ('ACTIVE', 'SUSPENDED')",
            of("FALLBACK", "id")
        ),
        vec![now.into(), false.into()],
    )
    .await?;
    applied.fell_back = exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'REPLACED', updated_at = $1 WHERE id IN ({}) \
             AND status IN ('ACTIVE', 'SUSPENDED')",
            of("FALLBACK", "id")
        ),
        at(),
    )
    .await?;
    exec(
        db,
        &format!(
            "UPDATE campaign_partners SET contract_status = 'ACTIVE', updated_at = $1 \
             WHERE campaign_id = {c} AND partner_id IN ({}) AND {}",
            of("FALLBACK", "partner_id"),
            differs("ACTIVE", None)
        ),
        at(),
    )
    .await?;
    exec(
        db,
        &history(
            "FALLBACK",
            "FELL_BACK",
            &format!(
                "SELECT MAX(n.id) FROM partner_contracts n WHERE n.campaign_id = {c} AND n.status = 'ACTIVE' \
                 AND n.partner_id IN ({}) GROUP BY n.partner_id",
                of("FALLBACK", "partner_id")
            ),
        ),
        vec![now.into(), false.into()],
    )
    .await?;

    // Expiries: scheduled ones, and temporary contracts without a fallback.
    applied.expired = exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'EXPIRED', updated_at = $1 WHERE id IN ({}) \
             AND status IN ('ACTIVE', 'SUSPENDED')",
            of("EXPIRE", "id")
        ),
        at(),
    )
    .await?;
    exec(
        db,
        &format!(
            "UPDATE campaign_partners SET contract_status = 'EXPIRED', relationship_stage = 'EXPIRED', \
             updated_at = $1 WHERE campaign_id = {c} AND partner_id IN (SELECT d.partner_id FROM due_records d \
             JOIN partner_contracts p ON p.id = d.id WHERE d.kind = 'EXPIRE' AND p.status = 'EXPIRED') AND {}",
            differs("EXPIRED", Some("EXPIRED"))
        ),
        at(),
    )
    .await?;
    exec(
        db,
        &history("EXPIRE", "EXPIRED", &format!("{} ", of("EXPIRE", "id"))),
        vec![now.into(), false.into()],
    )
    .await?;
    if backend != DbBackend::Postgres {
        db.execute_unprepared("DROP TABLE temp.due_records").await?;
    }
    Ok(applied)
}
