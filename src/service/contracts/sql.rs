//! Raw statements of the contract actions, written once with `$1`-style parameters (SQLite gets
//! `?1`), and the one shape of their history entries.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

use crate::error::AppResult;
use crate::service::bulk::Run;

fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => sql.to_owned(),
        // `?NNN` binds the NNN-th value, as `$NNN` does on PostgreSQL.
        _ => {
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                    out.push('?');
                } else {
                    out.push(c);
                }
            }
            out
        }
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Runs a statement; returns the rows it changed.
pub async fn exec(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> AppResult<u64> {
    let backend = db.get_database_backend();
    Ok(db
        .execute_raw(statement(backend, sql, values))
        .await?
        .rows_affected())
}

/// Runs a query.
pub async fn query(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> AppResult<Vec<QueryResult>> {
    let backend = db.get_database_backend();
    Ok(db.query_all_raw(statement(backend, sql, values)).await?)
}

/// SQL (over `$1`, the time): the partners `partners` (a condition over `partner_id`) of
/// campaign `c` are under an active contract and have joined — the date they joined set to
/// `since` (SQL of when their contract started, over the `campaign_partners` row) if they had
/// none (a first contract) — where their row says otherwise.
pub fn joined(c: i64, partners: &str, since: &str) -> String {
    format!(
        "UPDATE campaign_partners SET contract_status = 'ACTIVE', relationship_stage = 'JOINED', \
         date_joined = COALESCE(date_joined, {since}), updated_at = $1 \
         WHERE campaign_id = {c} AND {partners} AND {}",
        standing_differs("ACTIVE", Some("JOINED"))
    )
}

/// SQL: the relationship row's contract status (and, given, relationship stage) differ from
/// these — so an update writes only rows it changes (on PostgreSQL every row updated is a new
/// row version in each of the table's indexes).
pub fn standing_differs(status: &str, stage: Option<&str>) -> String {
    let status = format!("(contract_status IS NULL OR contract_status <> '{status}')");
    match stage {
        Some(stage) => format!("({status} OR relationship_stage <> '{stage}')"),
        None => status,
    }
}

/// What a history entry records beyond the partner: its action, contract record, template and
/// effective date (SQL over `contract_targets`), comment and the non-compliance flag.
pub struct History<'a> {
    /// The action (`SWITCHED`, `EXPIRED`, ...).
    pub action: &'a str,
    /// SQL of the contract record's id.
    pub contract: &'a str,
    /// SQL of the template's id.
    pub template: &'a str,
    /// When the change takes effect.
    pub effective: DateTime<Utc>,
    /// SQL of when it takes effect, per partner, instead of `effective`.
    pub effective_sql: Option<&'a str>,
    /// The comment given with the action.
    pub comment: Option<&'a str>,
    /// An expiry for non-compliance.
    pub non_compliant: bool,
}

impl<'a> History<'a> {
    /// An entry about the record each target partner's change started from.
    pub fn of_record(action: &'a str, effective: DateTime<Utc>, comment: Option<&'a str>) -> Self {
        History {
            action,
            contract: "contract_targets.record_id",
            template:
                "SELECT template_id FROM partner_contracts WHERE id = contract_targets.record_id",
            effective,
            effective_sql: None,
            comment,
            non_compliant: false,
        }
    }
}

/// One history entry per partner left in `contract_targets`, in one statement.
pub async fn record(db: &impl ConnectionTrait, run: Run<'_>, h: History<'_>) -> AppResult<u64> {
    let effective = h
        .effective_sql
        .map_or("$1".to_owned(), |e| format!("COALESCE(({e}), $1)"));
    let sql = format!(
        "INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, \
         template_id, effective_date, comment, user_id, created_at, non_compliant) \
         SELECT {account}, {campaign}, contract_targets.partner_id, ({contract}), '{action}', \
         ({template}), {effective}, $2, {user}, $3, $4 FROM contract_targets",
        account = run.auth.account_id,
        campaign = run.campaign_id,
        contract = h.contract,
        action = h.action,
        template = h.template,
        user = run.auth.user_id,
    );
    exec(
        db,
        &sql,
        vec![
            h.effective.into(),
            h.comment.map(str::to_owned).into(),
            run.now.into(),
            h.non_compliant.into(),
        ],
    )
    .await
}

/// Withdraws the contract records of the campaign meeting `condition` (SQL over the columns of
/// `partner_contracts`, with `$1` the time and no other parameter): upcoming switches and
/// pending proposals, which become `WITHDRAWN`, each with a `REVERTED` history entry naming it —
/// whether the brand withdrew it or another change did (a switch now, an expiry, an accepted
/// proposal). Returns how many.
pub async fn withdraw(db: &impl ConnectionTrait, run: Run<'_>, condition: &str) -> AppResult<u64> {
    let c = run.campaign_id;
    let records =
        format!("campaign_id = {c} AND status IN ('PENDING', 'UPCOMING') AND {condition}");
    revert_entries(db, run, &records).await?;
    exec(
        db,
        &format!(
            "UPDATE partner_contracts SET status = 'WITHDRAWN', updated_at = $1 \
             WHERE campaign_id = {c} AND status IN ('PENDING', 'UPCOMING') AND {condition}"
        ),
        vec![run.now.into()],
    )
    .await
}

/// A `REVERTED` history entry by the caller, at the run's time, about each contract record
/// meeting `records` (SQL over `partner_contracts`, with `$1` the time).
pub async fn revert_entries(
    db: &impl ConnectionTrait,
    run: Run<'_>,
    records: &str,
) -> AppResult<u64> {
    exec(
        db,
        &format!(
            "INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, \
             template_id, effective_date, comment, user_id, created_at, non_compliant) \
             SELECT {account}, campaign_id, partner_id, id, 'REVERTED', template_id, $1, NULL, \
             {user}, $1, $2 FROM partner_contracts WHERE {records}",
            account = run.auth.account_id,
            user = run.auth.user_id,
        ),
        vec![run.now.into(), false.into()],
    )
    .await
}

/// SQL of the newest contract record in `status` of the target partner (the one an action just
/// created): a key lookup, whatever the partner's history.
pub fn newest_record(run: Run<'_>, status: &str) -> String {
    format!(
        "SELECT MAX(id) FROM partner_contracts WHERE campaign_id = {} \
         AND partner_id = contract_targets.partner_id AND status = '{status}'",
        run.campaign_id
    )
}
