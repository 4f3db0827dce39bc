//! One round of the scheduled-change runner over a campaign ([`apply`]): every partner's
//! earliest due change, applied set-based in a constant number of statements. The runner
//! repeats rounds until nothing is due, so a run that comes late (the server was down for days)
//! applies a partner's changes in the order they fell due — a switch, then the new contract's
//! own end and its fallback, then an expiry — each taking effect at its own time: a replaced
//! record ends when its successor starts, history entries carry the change's date.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend};

use super::due::Applied;
use super::due_kinds::DUE;
use super::sql::{exec, joined, standing_differs as differs};
use crate::error::AppResult;
use crate::service::bulk::{changes, fixed};
use crate::service::write::analyze_filled;

/// The records expiring in a round: scheduled expiries, and contracts ending without a fallback.
const EXPIRING: &str = "SELECT id FROM due_records WHERE kind IN ('EXPIRE', 'SCHEDULED_EXPIRY')";

/// Applies every partner's earliest change due at `now` in campaign `c` (over the runner's
/// `due_records`, emptied first); `None` when nothing is due.
pub(super) async fn apply(
    db: &DatabaseTransaction,
    c: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<Applied>> {
    let backend = db.get_database_backend();
    let lock = match backend {
        DbBackend::Postgres => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    db.execute_unprepared("DELETE FROM due_records").await?;
    let mut found = 0;
    for (due, kind, at) in DUE {
        found += exec(
            db,
            &format!(
                "INSERT INTO due_records (id, partner_id, kind, at) SELECT id, partner_id, {kind}, {at} \
                 FROM partner_contracts WHERE campaign_id = {c} AND {due}{lock}"
            ),
            vec![now.into()],
        )
        .await?;
    }
    if found == 0 {
        return Ok(None);
    }
    // A partner's earliest change only (what ends before what starts on the same instant); the
    // later ones are due again in the next round, unless this one withdrew them.
    db.execute_unprepared(
        "DELETE FROM due_records WHERE EXISTS (SELECT 1 FROM due_records d \
         WHERE d.partner_id = due_records.partner_id AND d.id <> due_records.id \
         AND (d.at < due_records.at OR (d.at = due_records.at AND due_records.kind = 'SWITCH')))",
    )
    .await?;
    analyze_filled(db, "due_records").await?;
    // Everything the round writes is about these partners (the runner pauses the triggers'
    // log of the campaign: `bulk::changes`).
    changes::log(db, c, "SELECT DISTINCT partner_id FROM due_records").await?;
    let of = |kind: &str, col: &str| format!("SELECT {col} FROM due_records WHERE kind = '{kind}'");
    // `column` among the ids of a query ([`fixed::among`]: by index on PostgreSQL).
    let among = |column: &str, ids: &str| fixed::among(backend, column, ids);
    // History entries for the records this round really changed (updated or created at
    // `now`), effective when the change fell due (`effective`, SQL over the record `p`).
    let history = |action: &str, effective: &str, changed: &str| {
        entries(
            action,
            effective,
            ("NULL", "$2"),
            &format!("partner_contracts p WHERE p.campaign_id = {c} AND {changed}"),
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

    // 0. Proposals past their end lapse: withdrawn, with a `REVERTED` entry effective at their
    //    end (a partner's other changes touch other records).
    let lapsing = |t: &str| {
        format!(
            "{t}.status = 'PENDING' AND {}",
            among(&format!("{t}.id"), &of("LAPSE", "id"))
        )
    };
    applied.lapsed = withdraw(db, c, now, "p.end_date", &lapsing).await?;

    // 1. What ends. (A partner has one change in a round: the order of the steps does not
    //    decide between a partner's changes, the time they fell due does.)
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
    exec(
        db,
        &history("FELL_BACK", "p.start_date", &fallen_back),
        with_flag(),
    )
    .await?;

    // 1b. Expiries: scheduled ones, and temporary contracts without a fallback; the record
    //     ends at whichever came first. An expired partner keeps nothing pending: its proposal
    //     and upcoming switch are withdrawn.
    applied.expired = exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'EXPIRED', updated_at = $1, expires_at = NULL, \
             end_date = CASE WHEN expires_at IS NOT NULL AND (end_date IS NULL OR expires_at < end_date) \
             THEN expires_at ELSE end_date END WHERE {} AND status IN ('ACTIVE', 'SUSPENDED')",
            among("id", EXPIRING)
        ),
        at(),
    )
    .await?;
    let expired = format!(
        "{} AND p.status = 'EXPIRED' AND p.updated_at = $1",
        among("p.id", EXPIRING)
    );
    // A scheduled expiry's entry keeps what the brand said when it scheduled it (the comment,
    // the non-compliance flag): the partner's latest EXPIRY_SCHEDULED entry, looked up by
    // index for each such record only (two scalar lookups: as a join on the entry's id,
    // PostgreSQL hashed the whole history, 1.3 s for 18,601 expiries at a million partners,
    // 0.22 s this way).
    let scheduled = |column: &str| {
        format!(
            "CASE WHEN d.kind = 'SCHEDULED_EXPIRY' THEN (SELECT h.{column} FROM contract_history h \
             WHERE h.campaign_id = {c} AND h.partner_id = d.partner_id AND h.action = 'EXPIRY_SCHEDULED' \
             ORDER BY h.id DESC LIMIT 1) END"
        )
    };
    let words = (
        scheduled("comment"),
        format!("COALESCE({}, $2)", scheduled("non_compliant")),
    );
    exec(
        db,
        &entries(
            "EXPIRED",
            "p.end_date",
            (&words.0, &words.1),
            "due_records d JOIN partner_contracts p ON p.id = d.id \
             WHERE d.kind IN ('EXPIRE', 'SCHEDULED_EXPIRY') AND p.status = 'EXPIRED' AND p.updated_at = $1",
        ),
        with_flag(),
    )
    .await?;
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
    // What the runner withdraws gets a `REVERTED` entry naming it, effective when the change
    // that withdrew it fell due (the partner's one change of the round).
    let withdrawn_at =
        "COALESCE((SELECT MIN(d.at) FROM due_records d WHERE d.partner_id = p.partner_id), $1)";
    let pending = |t: &str| {
        format!(
            "{t}.campaign_id = {c} AND {t}.status IN ('PENDING', 'UPCOMING') AND {}",
            among(&format!("{t}.partner_id"), &expired_partners)
        )
    };
    withdraw(db, c, now, withdrawn_at, &pending).await?;

    // 2. Switches. One for a partner whose partnership expired meanwhile is withdrawn; the
    //    others take over the current contract's standing (active or suspended) and a
    //    scheduled expiry it carried (a temporary switch keeps its own end and fallback beside
    //    it), or, for a partner without any contract yet (an accepted first proposal), become
    //    its first contract.
    let orphaned = |t: &str| {
        format!(
            "{} AND {t}.status = 'UPCOMING' AND NOT {} AND EXISTS (SELECT 1 FROM campaign_partners cp \
             WHERE cp.campaign_id = {c} AND cp.partner_id = {t}.partner_id \
             AND cp.contract_status = 'EXPIRED')",
            among(&format!("{t}.id"), &of("SWITCH", "id")),
            current(&format!("{t}.partner_id"))
        )
    };
    withdraw(db, c, now, withdrawn_at, &orphaned).await?;
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
    // A proposal made before the switch was scheduled is an older decision the switch
    // overrides (as a switch made at once withdraws it): accepted later, it would undo the
    // switch. One made after it stays: accepted, it replaces the switched contract.
    let overridden = |t: &str| {
        format!(
            "{t}.campaign_id = {c} AND {t}.status = 'PENDING' AND {} AND {t}.id < \
             (SELECT d.id FROM due_records d WHERE d.partner_id = {t}.partner_id \
              AND d.kind IN ('SWITCH', 'SWITCH_SUSPENDED'))",
            among(&format!("{t}.partner_id"), switching_partners)
        )
    };
    withdraw(db, c, now, withdrawn_at, &overridden).await?;
    // A scalar lookup, not EXISTS: as a semi-join PostgreSQL probed the records by campaign and
    // partner only and filtered every record of the partner's history for its status (4.9 s
    // for 100,000 switching partners with 35 records each).
    let scheduled_expiry = format!(
        "SELECT cur.expires_at FROM partner_contracts cur WHERE cur.campaign_id = {c} \
         AND cur.partner_id = partner_contracts.partner_id AND cur.status IN ('ACTIVE', 'SUSPENDED') \
         AND cur.expires_at IS NOT NULL"
    );
    // Only the switches of the few partners whose current contract carries an expiry are
    // looked at, found among the campaign's records with an expiry (the partial index of
    // scheduled expiries): testing every switching partner's records took twice as long (0.22
    // instead of 0.11 s for 90,000 switches, `psql`).
    let carrying = format!(
        "SELECT d.id FROM due_records d WHERE d.kind IN ('SWITCH', 'SWITCH_SUSPENDED') \
         AND d.partner_id IN (SELECT e.partner_id FROM partner_contracts e \
         WHERE e.campaign_id = {c} AND e.expires_at IS NOT NULL AND e.status IN ('ACTIVE', 'SUSPENDED'))"
    );
    exec(
        db,
        &format!(
            "UPDATE partner_contracts SET expires_at = ({scheduled_expiry}) \
             WHERE {} AND ({scheduled_expiry}) IS NOT NULL",
            among("id", &carrying)
        ),
        vec![],
    )
    .await?;
    exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'REPLACED', expires_at = NULL, updated_at = $1, \
             end_date = COALESCE((SELECT d.at FROM due_records d WHERE d.partner_id = partner_contracts.partner_id \
             AND d.kind IN ('SWITCH', 'SWITCH_SUSPENDED')), $1) \
             WHERE campaign_id = {c} AND status IN ('ACTIVE', 'SUSPENDED') AND {}",
            among("partner_id", switching_partners)
        ),
        at(),
    )
    .await?;
    let suspended = of("SWITCH_SUSPENDED", "id");
    let status =
        format!("status = CASE WHEN id IN ({suspended}) THEN 'SUSPENDED' ELSE 'ACTIVE' END");
    let switch = Change {
        set: &status,
        action: "SWITCH_APPLIED",
        effective: "p.start_date",
    };
    applied.switched = switch
        .apply(db, c, now, &|t: &str| among(&format!("{t}.id"), switching))
        .await?;
    exec(
        db,
        // A late run: the partner joined when the contract started, not at the run.
        &joined(
            c,
            &among("partner_id", &of("SWITCH", "partner_id")),
            "COALESCE((SELECT d.at FROM due_records d WHERE d.partner_id = campaign_partners.partner_id \
             AND d.kind = 'SWITCH'), $1)",
        ),
        at(),
    )
    .await?;
    Ok(Some(applied))
}

/// Withdraws the records of campaign `c` meeting `condition` (SQL over the `partner_contracts`
/// row under the alias it is given) at `now`, with a `REVERTED` entry each, effective at
/// `effective` (SQL over the record `p`).
async fn withdraw(
    db: &impl ConnectionTrait,
    c: i64,
    now: DateTime<Utc>,
    effective: &str,
    condition: &(dyn Fn(&str) -> String + Sync),
) -> AppResult<u64> {
    let change = Change {
        set: "status = 'WITHDRAWN'",
        action: "REVERTED",
        effective,
    };
    change.apply(db, c, now, condition).await
}

/// An update of contract records by the runner, with a history entry about each record.
struct Change<'a> {
    /// SQL of the columns set (besides `updated_at`, the time).
    set: &'a str,
    /// The entries' action.
    action: &'a str,
    /// SQL of when the change takes effect, over the record `p`: of columns the change does not
    /// set (on PostgreSQL `p` is the row after the update, elsewhere before it).
    effective: &'a str,
}

impl Change<'_> {
    /// Applies the change to the records of campaign `c` meeting `condition` (SQL over the
    /// `partner_contracts` row under the alias it is given) at `now`; returns how many. On
    /// PostgreSQL one statement: the entries are written from the rows the update returns, so
    /// the records are searched once, not twice. Elsewhere the entries first (`condition` may
    /// read what the update changes).
    async fn apply(
        &self,
        db: &impl ConnectionTrait,
        c: i64,
        now: DateTime<Utc>,
        condition: &(dyn Fn(&str) -> String + Sync),
    ) -> AppResult<u64> {
        let update = format!(
            "UPDATE partner_contracts SET {}, updated_at = $1 WHERE {}",
            self.set,
            condition("partner_contracts")
        );
        let values = || vec![now.into(), false.into()];
        let entries = |from: &str| entries(self.action, self.effective, ("NULL", "$2"), from);
        if db.get_database_backend() == DbBackend::Postgres {
            return exec(
                db,
                &format!(
                    "WITH changed AS ({update} RETURNING *) {}",
                    entries("changed p")
                ),
                values(),
            )
            .await;
        }
        exec(
            db,
            &entries(&format!(
                "partner_contracts p WHERE p.campaign_id = {c} AND {}",
                condition("p")
            )),
            values(),
        )
        .await?;
        exec(db, &update, vec![now.into()]).await
    }
}

/// SQL (over `$1`, the time, and `$2`, no non-compliance): a history entry by the runner (no
/// user) for each record `p` of `from` (tables and conditions after `FROM`), doing `action`,
/// effective at `effective` (SQL: a column of the record, or an expression over `p`), with the
/// SQL of its comment and non-compliance flag.
fn entries(action: &str, effective: &str, (comment, flag): (&str, &str), from: &str) -> String {
    format!(
        "INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, \
         template_id, effective_date, comment, user_id, created_at, non_compliant) \
         SELECT p.account_id, p.campaign_id, p.partner_id, p.id, '{action}', p.template_id, {effective}, \
         {comment}, NULL, $1, {flag} FROM {from}"
    )
}
