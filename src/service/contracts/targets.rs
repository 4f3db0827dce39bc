//! The partners of a fixed selection a contract action applies to: `contract_targets`
//! (`partner_id`, the contract record the action starts from, why a partner is skipped, and the
//! id of the record a switch creates for it, `new_id`),
//! filled and classified in a constant number of statements whatever the selection's size.

use sea_orm::{ConnectionTrait, DbBackend, Value};

use super::sql::{exec, query};
use super::{SkipReason, Skipped};
use crate::error::{AppError, AppResult};
use crate::service::bulk::fixed;

/// How an action picks its partners: which of a partner's contract records its change starts
/// from (the newest one matching a condition), and SQL of a partner's skip reason (over
/// `contract_targets.partner_id` and that record's columns as [`RECORD`]`.<column>`, all NULL
/// when the partner has none; NULL when it applies), with the parameters both use.
pub struct Targeting {
    /// SQL condition over a `partner_contracts` row (unqualified columns): the newest record of
    /// the partner in the campaign meeting it is the one the change starts from.
    pub record: String,
    /// The reason a partner is skipped, a [`SkipReason`] name or NULL. It reads the partner as
    /// `contract_targets.partner_id` and the record only through [`RECORD`] (`target_record.id`
    /// is NULL without one): the rows under `contract_targets` differ between the databases.
    pub reason: String,
    /// Values of `$1`... in `record` and `reason` (one numbering: they form one statement).
    pub values: Vec<Value>,
}

/// The condition of the current record (ACTIVE or SUSPENDED).
pub const CURRENT_RECORD: &str = "status IN ('ACTIVE', 'SUSPENDED')";

/// The alias of the target's record (a `partner_contracts` row, or NULLs) in a [`Targeting`]'s
/// reason: its columns come with the row, not one lookup each.
pub const RECORD: &str = "target_record";

/// The status of the target's record.
pub const RECORD_STATUS: &str = "target_record.status";

/// Fills `contract_targets`, counts the skipped per reason, and keeps only the partners the
/// action applies to.
pub async fn pick(db: &impl ConnectionTrait, campaign_id: i64, t: Targeting) -> AppResult<Skipped> {
    let create = match db.get_database_backend() {
        DbBackend::Postgres => {
            "CREATE TEMPORARY TABLE contract_targets (partner_id BIGINT PRIMARY KEY, \
             record_id BIGINT, reason TEXT, new_id BIGINT) ON COMMIT DROP"
        }
        _ => {
            "CREATE TEMPORARY TABLE contract_targets (partner_id INTEGER PRIMARY KEY, \
             record_id INTEGER, reason TEXT, new_id INTEGER)"
        }
    };
    db.execute_unprepared(create).await?;
    exec(
        db,
        &classify(db.get_database_backend(), campaign_id, &t),
        t.values,
    )
    .await?;
    let rows = query(
        db,
        "SELECT reason, COUNT(*) AS n FROM contract_targets WHERE reason IS NOT NULL GROUP BY reason ORDER BY reason",
        vec![],
    )
    .await?;
    let mut skipped = Skipped::default();
    for row in rows {
        let reason: String = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        let reason = SkipReason::parse(&reason)
            .ok_or_else(|| AppError::internal(format!("unknown skip reason {reason}")))?;
        skipped.0.push((reason, n));
    }
    if !skipped.0.is_empty() {
        db.execute_unprepared("DELETE FROM contract_targets WHERE reason IS NOT NULL")
            .await?;
    }
    Ok(skipped)
}

/// One statement filling `contract_targets`: each selected partner's record found once (one
/// probe of the partner's records by index) and classified over its columns.
fn classify(backend: DbBackend, campaign_id: i64, t: &Targeting) -> String {
    let (reason, record) = (&t.reason, &t.record);
    let selection = fixed::TABLE;
    match backend {
        // The record row comes with its lookup. Joining the record by id after finding it,
        // PostgreSQL hashed every contract record of every campaign (0.6 s at 1.7 million
        // records, growing with the history) instead of probing 100,000 ids.
        DbBackend::Postgres => format!(
            "INSERT INTO contract_targets (partner_id, record_id, reason) \
             SELECT contract_targets.partner_id, {RECORD}.id, ({reason}) \
             FROM {selection} contract_targets LEFT JOIN LATERAL \
             (SELECT * FROM partner_contracts WHERE campaign_id = {campaign_id} \
              AND partner_id = contract_targets.partner_id AND {record} \
              ORDER BY id DESC LIMIT 1) {RECORD} ON TRUE"
        ),
        // SQLite has no LATERAL: the record's id is found first (MATERIALIZED, so once per
        // partner), then its row joined by key.
        _ => format!(
            "WITH found AS MATERIALIZED \
             (SELECT partner_id, (SELECT MAX(id) FROM partner_contracts WHERE campaign_id = {campaign_id} \
              AND partner_id = {partner} AND {record}) AS record_id FROM {selection}) \
             INSERT INTO contract_targets (partner_id, record_id, reason) \
             SELECT contract_targets.partner_id, contract_targets.record_id, ({reason}) \
             FROM found contract_targets \
             LEFT JOIN partner_contracts {RECORD} ON {RECORD}.id = contract_targets.record_id",
            partner = fixed::PARTNER,
        ),
    }
}

/// Drops `contract_targets`, once the engine has written the activity entries (an action's
/// [`crate::service::contracts::ContractStep::known_after`] may read it), before the transaction
/// ends: SQLite keeps a temporary table for the connection.
pub async fn release(db: &impl ConnectionTrait) -> AppResult<()> {
    let schema = match db.get_database_backend() {
        DbBackend::Postgres => "pg_temp",
        _ => "temp",
    };
    db.execute_unprepared(&format!("DROP TABLE IF EXISTS {schema}.contract_targets"))
        .await?;
    Ok(())
}

/// SQL: `partner_id` is one of the partners the action applies to.
pub fn partners(backend: DbBackend) -> String {
    fixed::among(
        backend,
        "partner_id",
        "SELECT partner_id FROM contract_targets",
    )
}

/// SQL: `partner_id` is one of the partners the action applies to whose snapshot (the contract
/// state in the fixed selection, [`super::state`]) shows an open record in one of `statuses`
/// (`UPCOMING`, `PENDING`): the few a withdrawal has to search, found in the selection (the
/// snapshot was read in this transaction, under the campaign's write lock, before the action
/// wrote anything), where searching every target's records took 0.5 s for 100,000.
pub fn partners_holding(backend: DbBackend, statuses: &[&str]) -> String {
    let holds: Vec<String> = statuses
        .iter()
        .map(|status| {
            let key = status.to_ascii_lowercase();
            format!(
                "{} <> 'null'",
                super::state_member(backend, "s.before", &key)
            )
        })
        .collect();
    fixed::among(
        backend,
        "partner_id",
        &format!(
            "SELECT t.partner_id FROM contract_targets t JOIN {} s ON s.partner_id = t.partner_id \
             WHERE {}",
            fixed::TABLE,
            holds.join(" OR ")
        ),
    )
}

/// SQL: `id` is one of the records they start from.
pub fn records(backend: DbBackend) -> String {
    fixed::among(backend, "id", "SELECT record_id FROM contract_targets")
}
