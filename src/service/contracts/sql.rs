//! Raw statements of the contract actions, written once with `$1`-style parameters (SQLite gets
//! `?1`), and the one shape of their history entries.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

use super::targets;
use crate::error::{AppError, AppResult};
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
/// effective date (SQL over `contract_targets`, or, where [`update_recorded`] and
/// [`insert_recorded`] write it from the rows a statement returns, over those), comment and the
/// non-compliance flag.
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

/// [`History::of_record`]'s record: the one each target partner's change started from.
const OF_RECORD: &str = "contract_targets.record_id";

/// The record an action created for each target partner ([`insert_recorded`]), as a history
/// entry's `contract`.
pub const NEW_RECORD: &str = "contract_targets.new_id";

impl<'a> History<'a> {
    /// An entry about the record each target partner's change started from.
    pub fn of_record(action: &'a str, effective: DateTime<Utc>, comment: Option<&'a str>) -> Self {
        History {
            action,
            contract: OF_RECORD,
            template:
                "SELECT template_id FROM partner_contracts WHERE id = contract_targets.record_id",
            effective,
            effective_sql: None,
            comment,
            non_compliant: false,
        }
    }

    /// SQL inserting the entry about each row of `from` (a partner's `partner_id`), with the
    /// parameters [`Self::values`] numbered from `$first`.
    fn insert(&self, run: Run<'_>, from: &str, first: usize) -> String {
        let effective = self.effective_sql.map_or(format!("${first}"), |e| {
            format!("COALESCE(({e}), ${first})")
        });
        format!(
            "INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, \
             template_id, effective_date, comment, user_id, created_at, non_compliant) \
             SELECT {account}, {campaign}, partner_id, ({contract}), '{action}', \
             ({template}), {effective}, ${comment}, {user}, ${now}, ${flag} FROM {from}",
            account = run.auth.account_id,
            campaign = run.campaign_id,
            contract = self.contract,
            action = self.action,
            template = self.template,
            user = run.auth.user_id,
            comment = first + 1,
            now = first + 2,
            flag = first + 3,
        )
    }

    /// The values of the parameters of [`Self::insert`], in order.
    fn values(&self, run: Run<'_>) -> Vec<Value> {
        vec![
            self.effective.into(),
            self.comment.map(str::to_owned).into(),
            run.now.into(),
            self.non_compliant.into(),
        ]
    }
}

/// One history entry per partner left in `contract_targets`, in one statement.
pub async fn record(db: &impl ConnectionTrait, run: Run<'_>, h: History<'_>) -> AppResult<u64> {
    exec(db, &h.insert(run, "contract_targets", 1), h.values(run)).await
}

/// Runs `update`, an `UPDATE partner_contracts ...` of the records the target partners' changes
/// start from with `values` as its `$1`..., and writes `h`, an entry of
/// [`History::of_record`]'s kind, about each; returns how many records it changed (every
/// target's record). On PostgreSQL one statement: the entries are written from the rows the
/// update returns, each with its template, instead of looking every record up again (an
/// expiry's records and entries 1.5 s instead of 1.8–1.9 s for 100,000 partners at a million,
/// `psql`, rolled back).
pub async fn update_recorded(
    db: &impl ConnectionTrait,
    run: Run<'_>,
    update: &str,
    values: Vec<Value>,
    h: History<'_>,
) -> AppResult<u64> {
    expect_entries(&h, OF_RECORD)?;
    if db.get_database_backend() != DbBackend::Postgres {
        let changed = exec(db, update, values).await?;
        record(db, run, h).await?;
        return Ok(changed);
    }
    let entries = History {
        contract: "id",
        template: "template_id",
        ..h
    };
    let changed = format!("changed AS ({update} RETURNING partner_id, id, template_id)");
    with_entries(db, run, &changed, "changed", entries, values).await
}

/// Runs `insert`, an `INSERT INTO partner_contracts ... SELECT ... FROM contract_targets` of one
/// record in `status` per target partner with `values` as its `$1`..., keeps each one's id in
/// `contract_targets.new_id` (for the action's state after), and writes `h` (whose `contract` is
/// [`NEW_RECORD`]) about each; returns how many records it created. On PostgreSQL one
/// statement: the ids come back from the insert instead of being looked up by partner after it
/// (a scheduled switch's records, ids and entries: 1.28–1.52 s in one statement against 1.46 s
/// in three, in the bench's statement log: within the spread).
pub async fn insert_recorded(
    db: &impl ConnectionTrait,
    run: Run<'_>,
    insert: &str,
    status: &str,
    values: Vec<Value>,
    h: History<'_>,
) -> AppResult<u64> {
    expect_entries(&h, NEW_RECORD)?;
    if db.get_database_backend() != DbBackend::Postgres {
        let created = exec(db, insert, values).await?;
        exec(
            db,
            &format!(
                "UPDATE contract_targets SET new_id = ({})",
                newest_record(run, status)
            ),
            vec![],
        )
        .await?;
        record(db, run, h).await?;
        return Ok(created);
    }
    let entries = History {
        contract: "id",
        ..h
    };
    let created = format!(
        "created AS ({insert} RETURNING partner_id, id), \
         kept AS (UPDATE contract_targets SET new_id = created.id FROM created \
         WHERE contract_targets.partner_id = created.partner_id)"
    );
    with_entries(db, run, &created, "created", entries, values).await
}

/// An entry [`update_recorded`] or [`insert_recorded`] can write from the rows they return: about
/// `contract`, effective at one time.
fn expect_entries(h: &History<'_>, contract: &str) -> AppResult<()> {
    if h.contract != contract || h.effective_sql.is_some() {
        return Err(AppError::internal(format!(
            "history entries from returned rows name {contract}, effective at one time"
        )));
    }
    Ok(())
}

/// Runs `WITH {ctes}` and `entries` written from the rows of `from` (one of the CTEs), one
/// statement (PostgreSQL), with `values` and then the entries' values as its parameters;
/// returns how many entries.
async fn with_entries(
    db: &impl ConnectionTrait,
    run: Run<'_>,
    ctes: &str,
    from: &str,
    entries: History<'_>,
    mut values: Vec<Value>,
) -> AppResult<u64> {
    let sql = format!(
        "WITH {ctes} {}",
        entries.insert(run, from, values.len() + 1)
    );
    values.extend(entries.values(run));
    exec(db, &sql, values).await
}

/// The statuses of the changes a partner has pending: an upcoming switch, a proposal.
pub const OPEN_CHANGES: &[&str] = &["UPCOMING", "PENDING"];

/// Withdraws the target partners' contract records in `statuses` (`UPCOMING`, `PENDING`) that
/// also meet `condition` (SQL over the columns of `partner_contracts`, with `$1` the time and no
/// other parameter), if given: upcoming switches and pending proposals, which become
/// `WITHDRAWN`, each with a `REVERTED` history entry naming it — whether the brand withdrew it
/// or another change did (a switch now, an expiry, an accepted proposal). Returns how many.
/// Only the partners whose snapshot shows such a record are searched
/// ([`targets::partners_holding`]). On PostgreSQL one statement: the entries are written from
/// the rows the update returns, so the records are searched once, not twice (0.5 s instead of
/// 0.7–1.2 s for 100,000 partners at a million, `psql`, rolled back).
pub async fn withdraw(
    db: &impl ConnectionTrait,
    run: Run<'_>,
    statuses: &[&str],
    condition: Option<&str>,
) -> AppResult<u64> {
    let c = run.campaign_id;
    let listed: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
    let mut records = format!(
        "campaign_id = {c} AND status IN ({}) AND {}",
        listed.join(", "),
        targets::partners_holding(run.backend, statuses)
    );
    if let Some(condition) = condition {
        records.push_str(&format!(" AND {condition}"));
    }
    let update = format!(
        "UPDATE partner_contracts SET status = 'WITHDRAWN', updated_at = $1 WHERE {records}"
    );
    if db.get_database_backend() == DbBackend::Postgres {
        let entries = reverted_entries(run, "withdrawn");
        return exec(
            db,
            &format!(
                "WITH withdrawn AS ({update} RETURNING campaign_id, partner_id, id, template_id) \
                 {entries}"
            ),
            vec![run.now.into(), false.into()],
        )
        .await;
    }
    revert_entries(db, run, &records).await?;
    exec(db, &update, vec![run.now.into()]).await
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
            "{} WHERE {records}",
            reverted_entries(run, "partner_contracts")
        ),
        vec![run.now.into(), false.into()],
    )
    .await
}

/// SQL inserting a `REVERTED` entry about each row of `records` (contract records' `campaign_id`,
/// `partner_id`, `id` and `template_id`), with `$1` the time and `$2` false.
fn reverted_entries(run: Run<'_>, records: &str) -> String {
    format!(
        "INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, \
         template_id, effective_date, comment, user_id, created_at, non_compliant) \
         SELECT {account}, campaign_id, partner_id, id, 'REVERTED', template_id, $1, NULL, \
         {user}, $1, $2 FROM {records}",
        account = run.auth.account_id,
        user = run.auth.user_id,
    )
}

/// SQL of the newest contract record in `status` of the target partner (the one an action just
/// created): a key lookup, whatever the partner's history.
fn newest_record(run: Run<'_>, status: &str) -> String {
    format!(
        "SELECT MAX(id) FROM partner_contracts WHERE campaign_id = {} \
         AND partner_id = contract_targets.partner_id AND status = '{status}'",
        run.campaign_id
    )
}
