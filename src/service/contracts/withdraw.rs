//! "Modify settings / revert": withdraw upcoming switches, scheduled expiries and pending
//! proposals before they take effect; the current contract stays as it was.

use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;

use super::sql::{self, exec, query};
use super::standing::ChangeCounts;
use super::targets::{self, Targeting, RECORD};
use super::ContractStep;
use crate::auth::Permission;
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::bulk::Run;
use crate::service::validation::Checker;

/// What to withdraw.
#[derive(Clone, Debug, Default)]
pub struct WithdrawUpcoming {
    /// Scheduled switches (UPCOMING).
    pub switches: bool,
    /// Scheduled expiries (the current record's `expires_at`; a temporary contract's own end
    /// and fallback stay).
    pub expiries: bool,
    /// Pending proposals.
    pub proposals: bool,
}

impl WithdrawUpcoming {
    async fn statements(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<ChangeCounts> {
        let in_records = targets::records(run.backend);
        let c = run.campaign_id;
        let has = |status: &str| {
            format!(
                "EXISTS (SELECT 1 FROM partner_contracts p WHERE p.campaign_id = {c} \
                 AND p.partner_id = contract_targets.partner_id AND p.status = '{status}')"
            )
        };
        let mut any = Vec::new();
        if self.switches {
            any.push(has("UPCOMING"));
        }
        if self.proposals {
            any.push(has("PENDING"));
        }
        if self.expiries {
            any.push(format!("COALESCE({RECORD}.expires_at > $1, $2)"));
        }
        let skipped = targets::pick(
            db,
            run.campaign_id,
            Targeting {
                record: targets::CURRENT_RECORD.to_owned(),
                reason: format!(
                    "CASE WHEN NOT ({}) THEN 'NOTHING_TO_WITHDRAW' END",
                    any.join(" OR ")
                ),
                values: if self.expiries {
                    vec![run.now.into(), false.into()]
                } else {
                    vec![]
                },
            },
        )
        .await?;
        let mut statuses = Vec::new();
        if self.switches {
            statuses.push("UPCOMING");
        }
        if self.proposals {
            statuses.push("PENDING");
        }
        // Each withdrawn switch or proposal, and each current contract whose expiry is
        // withdrawn, gets a `REVERTED` entry naming it.
        if !statuses.is_empty() {
            sql::withdraw(db, run, &statuses, None).await?;
        }
        if self.expiries {
            sql::revert_entries(db, run, &format!("{in_records} AND expires_at > $1")).await?;
            exec(
                db,
                &format!(
                    "UPDATE partner_contracts SET expires_at = NULL, updated_at = $1 \
                     WHERE {in_records} AND expires_at > $1"
                ),
                vec![run.now.into()],
            )
            .await?;
        }
        let changed = query(db, "SELECT COUNT(*) FROM contract_targets", vec![])
            .await?
            .first()
            .map(|row| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        Ok(ChangeCounts { changed, skipped })
    }
}

impl ContractStep for WithdrawUpcoming {
    type Counts = ChangeCounts;
    const ACTIVITY: &'static str = "CONTRACT_CHANGES_WITHDRAWN";
    const PERMISSION: Permission = Permission::ManageContracts;

    fn validate(&self, check: &mut Checker) {
        if !(self.switches || self.expiries || self.proposals) {
            check.push(
                "switches",
                UserErrorCode::Required,
                "nothing to withdraw: set switches, expiries or proposals",
            );
        }
    }

    /// Withdrawing a scheduled expiry undoes an expiry: that takes the permission to expire.
    fn also_requires(&self) -> &'static [Permission] {
        if self.expiries {
            &[Permission::ExpirePartners]
        } else {
            &[]
        }
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({ "switches": self.switches, "expiries": self.expiries, "proposals": self.proposals })
    }

    fn write<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<ChangeCounts>> {
        Box::pin(self.statements(db, run))
    }
}
