//! Suspend and reinstate a partnership, and record a partner's answer to a proposal.

use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;

use super::sql::{self, exec, History};
use super::targets::{self, Targeting, RECORD, RECORD_STATUS};
use super::ContractStep;
use super::Skipped;
use crate::auth::Permission;
use crate::error::AppResult;
use crate::service::bulk::{fixed, Run};
use crate::service::validation::Checker;

/// Pause (`suspend`) or resume the selected partnerships.
#[derive(Clone, Debug)]
pub struct Suspend {
    /// Suspend (true) or reinstate (false).
    pub suspend: bool,
    /// Why.
    pub comment: Option<String>,
}

/// Reinstating is [`Suspend`] with `suspend: false`.
pub type Reinstate = Suspend;

/// Counts of an action that only changes records: partners changed and skipped per reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeCounts {
    /// Partners changed.
    pub changed: i64,
    /// Partners skipped, per reason.
    pub skipped: Skipped,
}

impl Suspend {
    async fn statements(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<ChangeCounts> {
        let in_partners = targets::partners(run.backend);
        let in_records = targets::records(run.backend);
        let (from, to, already, action) = if self.suspend {
            ("ACTIVE", "SUSPENDED", "SUSPENDED", "SUSPENDED")
        } else {
            ("SUSPENDED", "ACTIVE", "NOT_SUSPENDED", "REINSTATED")
        };
        let skipped = targets::pick(
            db,
            run.campaign_id,
            Targeting {
                record: targets::CURRENT_RECORD.to_owned(),
                reason: format!(
                    "CASE WHEN {RECORD}.id IS NULL THEN 'NO_CURRENT_CONTRACT' \
                     WHEN {RECORD_STATUS} <> '{from}' THEN '{already}' END"
                ),
                values: vec![],
            },
        )
        .await?;
        let changed = sql::update_recorded(
            db,
            run,
            &format!(
                "UPDATE partner_contracts SET status = '{to}', updated_at = $1 WHERE {in_records}"
            ),
            vec![run.now.into()],
            History::of_record(action, run.now, self.comment.as_deref()),
        )
        .await? as i64;
        exec(
            db,
            &format!(
                "UPDATE campaign_partners SET contract_status = '{to}', updated_at = $1 \
                 WHERE campaign_id = {} AND {in_partners} AND {}",
                run.campaign_id,
                sql::standing_differs(to, None)
            ),
            vec![run.now.into()],
        )
        .await?;
        Ok(ChangeCounts { changed, skipped })
    }
}

impl ContractStep for Suspend {
    type Counts = ChangeCounts;
    const ACTIVITY: &'static str = "CONTRACT_STANDING_CHANGED";
    const PERMISSION: Permission = Permission::ManageContracts;

    fn validate(&self, check: &mut Checker) {
        super::check_comment(self.comment.as_deref(), check);
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({ "suspend": self.suspend, "comment": self.comment })
    }

    fn write<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<ChangeCounts>> {
        Box::pin(self.statements(db, run))
    }
}

/// The partner's answer to its pending proposal — the API stands in for the partner here
/// (partners answer in their own portal): accepted, the proposal becomes the contract on its
/// effective date (at once when that has come, else as an upcoming switch); declined, it is
/// DECLINED and the current contract stays.
#[derive(Clone, Debug)]
pub struct AnswerProposal {
    /// Accept (true) or decline.
    pub accept: bool,
}

impl AnswerProposal {
    async fn statements(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<ChangeCounts> {
        let in_records = targets::records(run.backend);
        let c = run.campaign_id;
        let skipped = targets::pick(
            db,
            run.campaign_id,
            Targeting {
                record: "status = 'PENDING'".to_owned(),
                // Accepting needs a partnership that is not expired nor suspended. A partner
                // without any contract yet (invited with a proposal) accepts its first one.
                reason: format!(
                    "CASE WHEN {RECORD}.id IS NULL THEN 'NO_PENDING_PROPOSAL' \
                     WHEN $1 AND NOT EXISTS (SELECT 1 FROM partner_contracts cur WHERE cur.campaign_id = {c} \
                       AND cur.partner_id = contract_targets.partner_id AND cur.status IN ('ACTIVE', 'SUSPENDED')) \
                       AND EXISTS (SELECT 1 FROM campaign_partners cp WHERE cp.campaign_id = {c} \
                       AND cp.partner_id = contract_targets.partner_id AND cp.contract_status = 'EXPIRED') \
                     THEN 'NO_CURRENT_CONTRACT' \
                     WHEN $1 AND EXISTS (SELECT 1 FROM partner_contracts cur WHERE cur.campaign_id = {c} \
                       AND cur.partner_id = contract_targets.partner_id AND cur.status = 'SUSPENDED') \
                     THEN 'SUSPENDED' \
                     WHEN $1 AND EXISTS (SELECT 1 FROM partner_contracts cur WHERE cur.campaign_id = {c} \
                       AND cur.partner_id = contract_targets.partner_id AND cur.status = 'ACTIVE' \
                       AND cur.expires_at IS NOT NULL) \
                     THEN 'EXPIRY_SCHEDULED' END"
                ),
                // A scheduled expiry skips the partner, as it does a switch: the accepted
                // terms would otherwise replace the contract that carries it, and drop it.
                values: vec![self.accept.into()],
            },
        )
        .await?;
        let now = || vec![run.now.into()];
        let starts =
            "(SELECT start_date FROM partner_contracts p WHERE p.id = contract_targets.record_id)";
        // The partners whose accepted proposal starts now, or later ([`fixed::among`]).
        let starting = |when: &str| {
            fixed::among(
                run.backend,
                "partner_id",
                &format!("SELECT partner_id FROM contract_targets WHERE {starts} {when} $1"),
            )
        };
        let (starting_now, starting_later) = (starting("<="), starting(">"));
        let changed;
        if self.accept {
            exec(
                db,
                &format!(
                    "UPDATE partner_contracts SET status = 'REPLACED', end_date = $1, updated_at = $1 \
                     WHERE campaign_id = {c} AND status IN ('ACTIVE', 'SUSPENDED') AND {starting_now}"
                ),
                now(),
            )
            .await?;
            // Accepted terms that start later are the partner's one upcoming switch. Terms that
            // start now keep a switch scheduled after the proposal was made (a later decision; made
            // later is a larger record id, as the runner compares them),
            // but not an older one, which would undo them on its date.
            sql::withdraw(
                db,
                run,
                &["UPCOMING"],
                Some(&format!(
                    "({starting_later} OR id < (SELECT t.record_id FROM contract_targets t \
                     WHERE t.partner_id = partner_contracts.partner_id))"
                )),
            )
            .await?;
            // Terms whose day has come start now, as the replaced contract ends: never before
            // the partner agreed to them.
            changed = exec(
                db,
                &format!(
                    "UPDATE partner_contracts SET status = CASE WHEN start_date <= $1 THEN 'ACTIVE' ELSE 'UPCOMING' END, \
                     start_date = CASE WHEN start_date <= $1 THEN $1 ELSE start_date END, \
                     updated_at = $1 WHERE {in_records}"
                ),
                now(),
            )
            .await? as i64;
            exec(db, &sql::joined(c, &starting_now, "$1"), now()).await?;
        } else {
            changed = exec(
                db,
                &format!("UPDATE partner_contracts SET status = 'DECLINED', updated_at = $1 WHERE {in_records}"),
                now(),
            )
            .await? as i64;
        }
        // Accepted terms take effect when they start (now, or on their later day).
        let (action, effective) = if self.accept {
            ("ACCEPTED", Some(starts))
        } else {
            ("DECLINED", None)
        };
        let history = History {
            effective_sql: effective,
            ..History::of_record(action, run.now, None)
        };
        sql::record(db, run, history).await?;
        Ok(ChangeCounts { changed, skipped })
    }
}

impl ContractStep for AnswerProposal {
    type Counts = ChangeCounts;
    const ACTIVITY: &'static str = "CONTRACT_PROPOSAL_ANSWERED";
    const PERMISSION: Permission = Permission::ManageContracts;

    fn input(&self) -> serde_json::Value {
        serde_json::json!({ "accept": self.accept })
    }

    fn write<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<ChangeCounts>> {
        Box::pin(self.statements(db, run))
    }
}
