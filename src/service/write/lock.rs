//! The per-campaign write lock: a PostgreSQL transaction-level advisory lock that writers of a
//! campaign's group memberships (and deleters of its groups) take before they read anything
//! they decide on. Holding it, a change sees every earlier change committed, so it cannot add
//! members to a group deleted meanwhile, count a membership another change is adding, or cross
//! another change's row locks into a deadlock. Writes to other campaigns do not wait. SQLite
//! needs nothing: its write transactions (`BEGIN IMMEDIATE`) already run one at a time.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::error::AppResult;

/// The high 16 bits of the lock key: this lock's space among the database's advisory locks.
const CAMPAIGN_WRITES: i64 = 0x7067; // "pg"

/// Waits for, then holds until the transaction ends, the write lock of `campaign_id`. `db` must
/// be a transaction (outside one, the lock would end with the statement).
pub async fn lock_campaign(db: &impl ConnectionTrait, campaign_id: i64) -> AppResult<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    db.query_one_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [key(campaign_id).into()],
    ))
    .await?;
    Ok(())
}

/// Takes the write lock of `campaign_id` ([`lock_campaign`]), then reads the time from `clock`:
/// the campaign's changes happen in the order of their times (one that waited for the lock is
/// not timed before the change it waited for).
pub async fn lock_campaign_then_now(
    db: &impl ConnectionTrait,
    campaign_id: i64,
    clock: &crate::clock::Clock,
) -> AppResult<chrono::DateTime<chrono::Utc>> {
    lock_campaign(db, campaign_id).await?;
    Ok(clock.now())
}

/// The lock's key: the space in the high bits, the campaign id in the low 48. Two campaigns
/// whose ids agree in the low 48 bits would share a lock — only ever a wait, never a wrong write.
pub fn key(campaign_id: i64) -> i64 {
    (CAMPAIGN_WRITES << 48) | (campaign_id & 0xFFFF_FFFF_FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaigns_get_their_own_keys_in_the_lock_space() {
        assert_ne!(key(1), key(2));
        assert_eq!(key(7) >> 48, CAMPAIGN_WRITES);
        assert_eq!(key(7) & 0xFFFF_FFFF_FFFF, 7);
    }
}
