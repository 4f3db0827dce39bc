//! Scheduled changes apply themselves: an upcoming switch becomes the contract on its date, a
//! temporary contract falls back to its fallback (or expires) at its end, a scheduled expiry
//! expires (when it and the contract's own end have both come, the expiry wins). [`apply_due`]
//! does all that is due at `now`, one campaign per transaction: it takes the campaign's write
//! lock (the one every bulk action takes, so an action and the runner never interleave on a
//! campaign) and claims the due records with row locks (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL). A change applied is no longer due, so running twice — or two runners
//! at once, in several server processes — applies each change exactly once.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbBackend};

use super::sql::{exec, joined, query, standing_differs as differs};
use crate::error::AppResult;
use crate::service::bulk::fixed;
use crate::service::write::{analyze_filled, lock_campaign, write_transaction, Finish};

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
    /// Campaigns whose due changes failed (rolled back and logged; applied at a later run).
    pub failed: u64,
}

/// The due records of a campaign (over `$1`, the time), one condition per index: an upcoming
/// switch by its start (`ix_pc_campaign_status_start`), a scheduled expiry
/// (`ix_pc_campaign_expiry`), a current contract by its own end (`ix_pc_campaign_status_end`;
/// one whose expiry has come too is the expiry's).
/// Each is claimed in a statement of its own: joined by OR, SQLite read the whole campaign's
/// records through the first index's campaign prefix (3.2 s) instead of two ranges.
const DUE: [(&str, &str); 3] = [
    ("status = 'UPCOMING' AND start_date <= $1", "'SWITCH'"),
    (
        "status IN ('ACTIVE', 'SUSPENDED') AND expires_at <= $1",
        "'EXPIRE'",
    ),
    (
        "status IN ('ACTIVE', 'SUSPENDED') AND end_date <= $1 \
         AND (expires_at IS NULL OR expires_at > $1)",
        "CASE WHEN is_temporary AND fallback_template_id IS NOT NULL THEN 'FALLBACK' ELSE 'EXPIRE' END",
    ),
];

/// Applies every change due at `now`.
pub async fn apply_due(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<Applied> {
    // One probe of the (campaign, status, date) indexes per campaign: reading the due records
    // themselves to find their campaigns costs seconds when 100,000 are due. (Records always
    // belong to a campaign: campaigns are never deleted, and on SQLite a key says so.)
    let campaigns = query(
        db,
        "SELECT id FROM campaigns WHERE \
         EXISTS (SELECT 1 FROM partner_contracts WHERE campaign_id = campaigns.id \
           AND status = 'UPCOMING' AND start_date <= $1) \
         OR EXISTS (SELECT 1 FROM partner_contracts WHERE campaign_id = campaigns.id \
           AND status IN ('ACTIVE', 'SUSPENDED') AND end_date <= $1) \
         OR EXISTS (SELECT 1 FROM partner_contracts WHERE campaign_id = campaigns.id \
           AND expires_at <= $1 AND status IN ('ACTIVE', 'SUSPENDED')) ORDER BY id",
        vec![now.into()],
    )
    .await?;
    let mut total = Applied::default();
    // A campaign whose changes fail (rolled back, logged, counted in `failed`) does not hold
    // up the others.
    for row in campaigns {
        let campaign: i64 = row.try_get_by_index(0)?;
        let applied = write_transaction(db, &(), |txn, _| {
            Box::pin(async move {
                lock_campaign(txn, campaign).await?;
                Ok(Finish::Commit(apply_campaign(txn, campaign, now).await?))
            })
        })
        .await;
        match applied {
            Ok(applied) => {
                total.switched += applied.switched;
                total.fell_back += applied.fell_back;
                total.expired += applied.expired;
            }
            Err(err) => {
                tracing::error!(campaign, error = ?err, "scheduled contract changes of a campaign failed");
                total.failed += 1;
            }
        }
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
    for (due, kind) in DUE {
        exec(
            db,
            &format!(
                "INSERT INTO due_records (id, partner_id, kind) SELECT id, partner_id, {kind} \
                 FROM partner_contracts WHERE campaign_id = {c} AND {due}{lock}"
            ),
            vec![now.into()],
        )
        .await?;
    }
    analyze_filled(db, "due_records").await?;
    let of = |kind: &str, col: &str| format!("SELECT {col} FROM due_records WHERE kind = '{kind}'");
    // `column` among the ids of a query ([`fixed::among`]: by index on PostgreSQL).
    let among = |column: &str, ids: &str| fixed::among(backend, column, ids);
    // History entries for the records this run really changed (updated or created at `now`).
    let history = |action: &str, changed: &str| {
        format!(
            "INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, \
             template_id, effective_date, comment, user_id, created_at, non_compliant) \
             SELECT p.account_id, p.campaign_id, p.partner_id, p.id, '{action}', p.template_id, $1, NULL, NULL, $1, $2 \
             FROM partner_contracts p WHERE p.campaign_id = {c} AND {changed}"
        )
    };
    let with_flag = || vec![now.into(), false.into()];
    let at = || vec![now.into()];
    let current = |partner: &str| {
        format!(
            "EXISTS (SELECT 1 FROM partner_contracts cur WHERE cur.campaign_id = {c} \
             AND cur.partner_id = {partner} AND cur.status IN ('ACTIVE', 'SUSPENDED'))"
        )
    };
    let mut applied = Applied::default();

    // 1. What ends comes first (it ends before a later switch would start).
    // 1a. Temporary contracts with a fallback: the fallback's terms take over, in the same
    //     standing (active or suspended) and a scheduled expiry (which comes later).
    exec(
        db,
        &format!(
            "INSERT INTO partner_contracts (account_id, campaign_id, partner_id, template_id, name, status, \
             start_date, end_date, is_temporary, fallback_template_id, expires_at, approval_option, comment, \
             created_by_user_id, created_at, updated_at) \
             SELECT old.account_id, old.campaign_id, old.partner_id, t.id, t.name, old.status, old.end_date, NULL, $2, \
             NULL, old.expires_at, 'REPLACE', NULL, NULL, $1, $1 FROM partner_contracts old \
             JOIN contract_templates t ON t.id = old.fallback_template_id \
             WHERE {} AND old.status IN ('ACTIVE', 'SUSPENDED')",
            among("old.id", &of("FALLBACK", "id"))
        ),
        with_flag(),
    )
    .await?;
    applied.fell_back = exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'REPLACED', expires_at = NULL, updated_at = $1 \
             WHERE {} AND status IN ('ACTIVE', 'SUSPENDED')",
            among("id", &of("FALLBACK", "id"))
        ),
        at(),
    )
    .await?;
    let fallen_back = format!(
        "p.created_at = $1 AND p.status IN ('ACTIVE', 'SUSPENDED') AND p.created_by_user_id IS NULL \
         AND {}",
        among("p.partner_id", &of("FALLBACK", "partner_id"))
    );
    exec(db, &history("FELL_BACK", &fallen_back), with_flag()).await?;

    // 1b. Expiries: scheduled ones, and temporary contracts without a fallback; the record
    //     ends at whichever came first. An expired partner keeps nothing pending: its proposal
    //     and upcoming switch are withdrawn.
    applied.expired = exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'EXPIRED', updated_at = $1, expires_at = NULL, \
             end_date = CASE WHEN expires_at IS NOT NULL AND (end_date IS NULL OR expires_at < end_date) \
             THEN expires_at ELSE end_date END WHERE {} AND status IN ('ACTIVE', 'SUSPENDED')",
            among("id", &of("EXPIRE", "id"))
        ),
        at(),
    )
    .await?;
    let expired = format!(
        "{} AND p.status = 'EXPIRED' AND p.updated_at = $1",
        among("p.id", &of("EXPIRE", "id"))
    );
    exec(db, &history("EXPIRED", &expired), with_flag()).await?;
    let expired_partners = format!(
        "SELECT p.partner_id FROM partner_contracts p WHERE p.campaign_id = {c} AND {expired}"
    );
    exec(
        db,
        &format!(
            "UPDATE campaign_partners SET contract_status = 'EXPIRED', relationship_stage = 'EXPIRED', \
             updated_at = $1 WHERE campaign_id = {c} AND {} AND {}",
            among("partner_id", &expired_partners),
            differs("EXPIRED", Some("EXPIRED"))
        ),
        at(),
    )
    .await?;
    exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'WITHDRAWN', updated_at = $1 WHERE campaign_id = {c} \
             AND status IN ('PENDING', 'UPCOMING') AND {}",
            among("partner_id", &expired_partners)
        ),
        at(),
    )
    .await?;

    // 2. Switches. One for a partner whose partnership expired meanwhile is withdrawn; the
    //    others take over the current contract's standing (active or suspended) and a
    //    scheduled expiry it carried (a temporary switch keeps its own end and fallback beside
    //    it), or, for a partner without any contract yet (an accepted first proposal), become
    //    its first contract.
    exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'WITHDRAWN', updated_at = $1 WHERE {} \
             AND status = 'UPCOMING' AND NOT {} AND EXISTS (SELECT 1 FROM campaign_partners cp \
             WHERE cp.campaign_id = {c} AND cp.partner_id = partner_contracts.partner_id \
             AND cp.contract_status = 'EXPIRED')",
            among("id", &of("SWITCH", "id")),
            current("partner_contracts.partner_id")
        ),
        at(),
    )
    .await?;
    db.execute_unprepared(
        "DELETE FROM due_records WHERE kind = 'SWITCH' AND NOT EXISTS \
         (SELECT 1 FROM partner_contracts p WHERE p.id = due_records.id AND p.status = 'UPCOMING')",
    )
    .await?;
    db.execute_unprepared(&format!(
        "UPDATE due_records SET kind = 'SWITCH_SUSPENDED' WHERE kind = 'SWITCH' AND EXISTS \
         (SELECT 1 FROM partner_contracts cur WHERE cur.campaign_id = {c} \
          AND cur.partner_id = due_records.partner_id AND cur.status = 'SUSPENDED')"
    ))
    .await?;
    analyze_filled(db, "due_records").await?;
    let switching = "SELECT id FROM due_records WHERE kind IN ('SWITCH', 'SWITCH_SUSPENDED')";
    let switching_partners =
        "SELECT partner_id FROM due_records WHERE kind IN ('SWITCH', 'SWITCH_SUSPENDED')";
    // A scalar lookup, not EXISTS: as a semi-join PostgreSQL probed the records by campaign and
    // partner only and filtered every record of the partner's history for its status (4.9 s
    // for 100,000 switching partners with 35 records each).
    let scheduled_expiry = format!(
        "SELECT cur.expires_at FROM partner_contracts cur WHERE cur.campaign_id = {c} \
         AND cur.partner_id = partner_contracts.partner_id AND cur.status IN ('ACTIVE', 'SUSPENDED') \
         AND cur.expires_at IS NOT NULL"
    );
    exec(
        db,
        &format!(
            "UPDATE partner_contracts SET expires_at = ({scheduled_expiry}) \
             WHERE {} AND ({scheduled_expiry}) IS NOT NULL",
            among("id", switching)
        ),
        vec![],
    )
    .await?;
    exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'REPLACED', end_date = $1, expires_at = NULL, updated_at = $1 \
             WHERE campaign_id = {c} AND status IN ('ACTIVE', 'SUSPENDED') AND {}",
            among("partner_id", switching_partners)
        ),
        at(),
    )
    .await?;
    applied.switched = exec(
        db,
        &format!(
            "UPDATE partner_contracts SET updated_at = $1, status = CASE WHEN id IN ({}) \
             THEN 'SUSPENDED' ELSE 'ACTIVE' END WHERE {}",
            of("SWITCH_SUSPENDED", "id"),
            among("id", switching)
        ),
        at(),
    )
    .await?;
    exec(
        db,
        &joined(c, &among("partner_id", &of("SWITCH", "partner_id"))),
        at(),
    )
    .await?;
    exec(
        db,
        &history("SWITCH_APPLIED", &among("p.id", switching)),
        with_flag(),
    )
    .await?;
    if backend != DbBackend::Postgres {
        db.execute_unprepared("DROP TABLE temp.due_records").await?;
    }
    Ok(applied)
}
