//! A partner's contract state as JSON text, the state every contract action compares before
//! and after it ([`state`]), and the SQL that builds a known state after an action from parts
//! of the snapshot ([`state_without_records`], [`state_from`], [`state_member`]): one place, so
//! equal states read as equal text.

use crate::service::bulk::{fixed, json, Run};

/// The condition of a partner's open contract records (on PostgreSQL the index of open records,
/// `ix_pc_open_records` of migration 000029, holds exactly these).
pub(crate) const OPEN_RECORDS: &str = "status IN ('PENDING', 'UPCOMING', 'ACTIVE', 'SUSPENDED')";

/// `{"contractStatus", "stage", "current", "template", "ends", "expires", "open", "upcoming",
/// "pending"}`:
/// every contract action changes one of these for a partner it applies to. The relationship
/// row's columns, and one aggregate over its open contract records (at most one current, one
/// scheduled and one proposed, so the cost does not grow with a partner's history), as the
/// engine reads the state of every selected partner twice. `current`, `upcoming` and
/// `pending` are record ids (a new record shows); `open` weighs the open records by status
/// (pending 1, upcoming 10, active 100, suspended 1,000), so any move between those statuses
/// shows; `ends` is the current record's end, `expires` its scheduled expiry (RFC 3339 at UTC,
/// the same text on both databases).
pub(crate) fn state(run: Run<'_>) -> String {
    let c = run.campaign_id;
    let p = fixed::STATE_PARTNER;
    let row = fixed::ROW;
    let current = "status IN ('ACTIVE', 'SUSPENDED')";
    let records = format!(
        "SELECT {} FROM partner_contracts WHERE campaign_id = {c} AND partner_id = {p} \
         AND {OPEN_RECORDS}",
        records_of([
            json::int(&format!("MAX(CASE WHEN {current} THEN id END)")),
            json::int(&format!("MAX(CASE WHEN {current} THEN template_id END)")),
            json::instant(
                run.backend,
                &format!("MAX(CASE WHEN {current} THEN end_date END)")
            ),
            json::instant(
                run.backend,
                &format!("MAX(CASE WHEN {current} THEN expires_at END)")
            ),
            json::int(
                "SUM(CASE status WHEN 'PENDING' THEN 1 WHEN 'UPCOMING' THEN 10 \
                 WHEN 'ACTIVE' THEN 100 WHEN 'SUSPENDED' THEN 1000 ELSE 0 END)"
            ),
            json::int("MAX(CASE WHEN status = 'UPCOMING' THEN id END)"),
            json::int("MAX(CASE WHEN status = 'PENDING' THEN id END)"),
        ]),
    );
    state_of(
        &format!("{row}.contract_status"),
        &format!("{row}.relationship_stage"),
        &records,
    )
}

/// SQL of the state [`state`] reads of a partner without open contract records, whose contract
/// status and stage are SQL `status` and `stage`: the same text, built by the same SQL.
pub(crate) fn state_without_records(status: &str, stage: &str) -> String {
    state_of(
        status,
        stage,
        &records_of(std::array::from_fn(|_| "'null'".to_owned())),
    )
}

/// Every key of a state, in order: the relationship row's, then [`RECORD_KEYS`].
pub(crate) const STATE_KEYS: [&str; 9] = [
    "contractStatus",
    "stage",
    "current",
    "template",
    "ends",
    "expires",
    "open",
    "upcoming",
    "pending",
];

/// SQL of the JSON text of `key`'s value in the state text `state` ([`json::member`]).
pub(crate) fn state_member(backend: sea_orm::DbBackend, state: &str, key: &str) -> String {
    let next = STATE_KEYS.iter().skip_while(|k| **k != key).nth(1).copied();
    json::member(backend, state, key, next)
}

/// SQL of a state text that is `state`'s (SQL) up to its member `values[0].0`, and from there on
/// the members `values` (each SQL of JSON text), which must be the state's last ones, in order:
/// one search of the text for where they start.
pub(crate) fn state_from<const N: usize>(
    backend: sea_orm::DbBackend,
    state: &str,
    values: [(&str, String); N],
) -> String {
    let first = values.first().map_or("", |(key, _)| *key);
    debug_assert!(STATE_KEYS.ends_with(&values.each_ref().map(|(key, _)| *key)));
    let mut sql = json::before(backend, state, &format!(",\"{first}\":"));
    for (key, value) in &values {
        sql.push_str(&format!(" || ',\"{key}\":' || {value}"));
    }
    sql.push_str(" || '}'");
    sql
}

/// The keys of a state's part read from the open contract records, in order.
const RECORD_KEYS: [&str; 7] = [
    "current", "template", "ends", "expires", "open", "upcoming", "pending",
];

/// SQL of the records' part of a state, given SQL of each [`RECORD_KEYS`] value's JSON text.
fn records_of(values: [String; 7]) -> String {
    RECORD_KEYS
        .iter()
        .zip(values)
        .enumerate()
        .map(|(i, (key, value))| {
            let comma = if i == 0 { "" } else { "," };
            format!("'{comma}\"{key}\":' || {value}")
        })
        .collect::<Vec<_>>()
        .join(" || ")
}

/// SQL of a state: the contract status and stage (SQL of the text or NULL), then the records'
/// part (SQL of its JSON text).
fn state_of(status: &str, stage: &str, records: &str) -> String {
    let standing = format!(
        "'\"contractStatus\":' || {} || ',\"stage\":' || {}",
        json::plain_text(status),
        json::plain_text(stage),
    );
    format!("'{{' || ({standing}) || ',' || ({records}) || '}}'")
}
