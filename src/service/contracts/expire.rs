//! Expire the selected partners' contracts: at once (an "expire on" date of today or earlier),
//! or scheduled (a later date: the current record's `expires_at`, which the "upcoming expiry"
//! filter lists and the scheduled-change runner applies; a temporary contract keeps its own end
//! and fallback beside it). Needs `EXPIRE_PARTNERS`.

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;

use super::sql::{self, History};
use super::standing::ChangeCounts;
use super::targets::{self, Targeting, RECORD};
use super::ContractStep;
use crate::auth::Permission;
use crate::error::AppResult;
use crate::service::bulk::{changes, fixed, Run};
use crate::service::validation::Checker;

/// An expiry of the selected partners' contracts.
#[derive(Clone, Debug)]
pub struct Expire {
    /// When the contracts end: the last second of the "expire on" date in the account's time zone.
    pub end: DateTime<Utc>,
    /// Whether the date is today or earlier: the contracts expire now.
    pub now: bool,
    /// Also withdraw pending proposals and scheduled switches.
    pub withdraw_pending_switches: bool,
    /// An expiry for non-compliance (internal).
    pub non_compliant: bool,
    /// The comment to the partner.
    pub comment: Option<String>,
}

impl Expire {
    async fn statements(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<ChangeCounts> {
        let in_partners = targets::partners(run.backend);
        let in_records = targets::records(run.backend);
        let c = run.campaign_id;
        let skipped = targets::pick(
            db,
            run.campaign_id,
            Targeting {
                record: targets::CURRENT_RECORD.to_owned(),
                reason: format!(
                    "CASE WHEN {RECORD}.id IS NULL THEN 'NO_CURRENT_CONTRACT' \
                     WHEN $1 AND {RECORD}.expires_at = $2 THEN 'ALREADY_SCHEDULED' END"
                ),
                values: vec![(!self.now).into(), self.end.into()],
            },
        )
        .await?;
        // An expired partner keeps nothing pending; a scheduled expiry withdraws on request.
        if self.withdraw_pending_switches || self.now {
            sql::withdraw(db, run, sql::OPEN_CHANGES, None).await?;
        }
        let history = |action, effective| History {
            non_compliant: self.non_compliant,
            ..History::of_record(action, effective, self.comment.as_deref())
        };
        let changed = if self.now {
            let changed = sql::update_recorded(
                db,
                run,
                &format!(
                    "UPDATE partner_contracts SET status = 'EXPIRED', end_date = $1, expires_at = NULL, \
                     updated_at = $1 WHERE {in_records}"
                ),
                vec![run.now.into()],
                history("EXPIRED", run.now),
            )
            .await?;
            // The stage copy is paused for an expiry now ([`ContractStep::changes_stages`]).
            changes::update_rows(
                db,
                &format!(
                    "UPDATE campaign_partners SET contract_status = 'EXPIRED', relationship_stage = 'EXPIRED', \
                     updated_at = $1 WHERE campaign_id = {c} AND {in_partners} AND {}",
                    sql::standing_differs("EXPIRED", Some("EXPIRED"))
                ),
                vec![run.now.into()],
                self.changes_stages(),
            )
            .await?;
            changed
        } else {
            // A later date replaces an expiry scheduled before; a temporary contract keeps its
            // own end and fallback (withdrawing the expiry leaves it as it was).
            sql::update_recorded(
                db,
                run,
                &format!(
                    "UPDATE partner_contracts SET expires_at = $1, updated_at = $2 WHERE {in_records}"
                ),
                vec![self.end.into(), run.now.into()],
                history("EXPIRY_SCHEDULED", self.end),
            )
            .await?
        };
        Ok(ChangeCounts {
            changed: changed as i64,
            skipped,
        })
    }
}

impl ContractStep for Expire {
    type Counts = ChangeCounts;
    const ACTIVITY: &'static str = "CONTRACT_EXPIRED";
    const PERMISSION: Permission = Permission::ExpirePartners;

    fn validate(&self, check: &mut Checker) {
        super::check_comment(self.comment.as_deref(), check);
    }

    /// Expiring now makes the stage `EXPIRED`; a scheduled expiry changes no stage yet.
    fn changes_stages(&self) -> bool {
        self.now
    }

    /// Withdrawing switches and proposals is managing contracts.
    fn also_requires(&self) -> &'static [Permission] {
        if self.withdraw_pending_switches {
            &[Permission::ManageContracts]
        } else {
            &[]
        }
    }

    /// Expiring now leaves every partner it applied to in the one state of an expired
    /// partnership: status and stage `EXPIRED`, no open record (the current one expired, pending
    /// and upcoming ones withdrawn: a partner has at most one current record, as every action
    /// keeps it under the campaign's write lock). Every other selected partner is as it was. A
    /// scheduled expiry's state after names each partner's own record, so it is read.
    fn known_after(&self, _run: Run<'_>) -> Option<String> {
        self.now.then(|| {
            format!(
                "CASE WHEN EXISTS (SELECT 1 FROM contract_targets \
                 WHERE contract_targets.partner_id = {partner}) THEN {expired} \
                 ELSE {selection}.before END",
                partner = fixed::PARTNER,
                expired = super::state_without_records("'EXPIRED'", "'EXPIRED'"),
                selection = fixed::TABLE,
            )
        })
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({
            "end": self.end, "now": self.now, "withdrawPendingSwitches": self.withdraw_pending_switches,
            "nonCompliant": self.non_compliant, "comment": self.comment,
        })
    }

    fn write<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<ChangeCounts>> {
        Box::pin(self.statements(db, run))
    }
}
