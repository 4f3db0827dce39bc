//! Scheduled changes apply themselves: an upcoming switch becomes the contract on its date
//! (withdrawing the partner's proposals made before it was scheduled), a temporary contract
//! falls back to its fallback (or expires) at its end, a scheduled expiry expires (when it and
//! the contract's own end have both come, the expiry wins), a pending proposal lapses at its
//! end. Every contract action applies its campaign's due changes first ([`catch_up`]).
//! [`apply_due`] does all that is due at `now`, one campaign per transaction: it takes the campaign's write
//! lock (the one every bulk action takes, so an action and the runner never interleave on a
//! campaign) and claims the due records with row locks (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL). A change applied is no longer due, so running twice — or two runners
//! at once, in several server processes — applies each change exactly once.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbBackend};

use super::due_kinds;
use super::due_round as round;
use super::sql::query;
use crate::clock::Clock;
use crate::error::AppResult;
use crate::service::bulk::changes;
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
    /// Pending proposals that lapsed (their end came before the partner accepted them).
    pub lapsed: u64,
    /// Campaigns whose due changes failed (rolled back and logged; applied at a later run).
    pub failed: u64,
}

/// Applies every change due at the time `clock` says: read for the campaigns to visit, and again
/// in each campaign once its write lock is held, so what the run writes there is never timed
/// before a change it waited for.
pub async fn apply_due(db: &DatabaseConnection, clock: &Clock) -> AppResult<Applied> {
    let now = clock.now();
    // One probe of the (campaign, status, date) indexes per campaign and kind
    // ([`due_kinds::due_probe`]): reading the due records themselves to find their campaigns
    // costs seconds when 100,000 are due. (Records always belong to a campaign: campaigns are never
    // deleted, and on SQLite a key says so.)
    let campaigns = query(
        db,
        &format!(
            "SELECT id FROM campaigns WHERE {} ORDER BY id",
            due_kinds::due_probe("campaigns.id")
        ),
        vec![now.into()],
    )
    .await?;
    let mut total = Applied::default();
    // A campaign whose changes fail (rolled back, logged, counted in `failed`) does not hold
    // up the others.
    for row in campaigns {
        let campaign: i64 = row.try_get_by_index(0)?;
        let applied = write_transaction(db, clock, |txn, clock| {
            Box::pin(async move {
                lock_campaign(txn, campaign).await?;
                Ok(Finish::Commit(
                    apply_campaign(txn, campaign, clock.now()).await?,
                ))
            })
        })
        .await;
        match applied {
            Ok(applied) => {
                total.switched += applied.switched;
                total.fell_back += applied.fell_back;
                total.expired += applied.expired;
                total.lapsed += applied.lapsed;
            }
            Err(err) => {
                tracing::error!(campaign, error = ?err, "scheduled contract changes of a campaign failed");
                total.failed += 1;
            }
        }
    }
    Ok(total)
}

/// Applies what is due at `now` in campaign `campaign_id`, inside a transaction holding the
/// campaign's write lock: every contract action does this first, so it starts from the state
/// the runner would have made (a temporary contract that has ended is no longer current, a
/// switch whose day has come is no longer upcoming, a proposal past its end no longer pending)
/// whether or not the runner has run since. One probe of the indexes when nothing is due.
pub async fn catch_up(
    db: &sea_orm::DatabaseTransaction,
    campaign_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Applied> {
    let due = query(
        db,
        &format!(
            "SELECT 1 WHERE {}",
            due_kinds::due_probe(&campaign_id.to_string())
        ),
        vec![now.into()],
    )
    .await?;
    if due.is_empty() {
        return Ok(Applied::default());
    }
    apply_campaign(db, campaign_id, now).await
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
        match apply_due(&db, &clock).await {
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

/// At most this many rounds per campaign and run. A round applies each partner's earliest due
/// change; a partner's changes chain at most five deep (a lapse, a switch, the new contract's
/// own end, its fallback, an expiry), so a run that catches up after days applies them all, in order.
const MAX_ROUNDS: usize = 8;

async fn apply_campaign(
    db: &sea_orm::DatabaseTransaction,
    c: i64,
    now: DateTime<Utc>,
) -> AppResult<Applied> {
    use sea_orm::ConnectionTrait;
    let backend = db.get_database_backend();
    let (create, index) = match backend {
        DbBackend::Postgres => (
            "CREATE TEMPORARY TABLE due_records (id BIGINT PRIMARY KEY, partner_id BIGINT, kind TEXT, \
             at TIMESTAMPTZ) ON COMMIT DROP",
            "CREATE INDEX ix_due_records_partner ON due_records (partner_id)",
        ),
        _ => (
            "CREATE TEMPORARY TABLE due_records (id INTEGER PRIMARY KEY, partner_id INTEGER, kind TEXT, \
             at TEXT)",
            "CREATE INDEX temp.ix_due_records_partner ON due_records (partner_id)",
        ),
    };
    db.execute_unprepared(create).await?;
    db.execute_unprepared(index).await?;
    // Each round logs its partners for the facet index itself (`bulk::changes`). The stage copy
    // stays on: a round's partners are mostly switching, whose stages do not change, and
    // copying the stages of all it logged (0.3-0.46 s for 89,703 due switches) cost more than
    // the trigger's calls for the few that do.
    let applied = changes::paused(db, c, false, async {
        let mut applied = Applied::default();
        for _ in 0..MAX_ROUNDS {
            let Some(round) = round::apply(db, c, now).await? else {
                break;
            };
            applied.switched += round.switched;
            applied.fell_back += round.fell_back;
            applied.expired += round.expired;
            applied.lapsed += round.lapsed;
        }
        Ok(applied)
    })
    .await?;
    // Dropped now on both (PostgreSQL would drop it at commit): the transaction may go on.
    let schema = match backend {
        DbBackend::Postgres => "pg_temp",
        _ => "temp",
    };
    db.execute_unprepared(&format!("DROP TABLE {schema}.due_records"))
        .await?;
    Ok(applied)
}
