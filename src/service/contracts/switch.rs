//! Switch to an existing or a new contract: REPLACE (now, or scheduled as an UPCOMING switch)
//! or PROPOSE (a PENDING proposal the partner answers), permanent or temporary with a fallback.

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sea_orm::{ActiveModelTrait, DatabaseTransaction};

use super::sql::{self, exec, History};
use super::targets::{self, Targeting, RECORD, RECORD_STATUS};
use super::templates::{self, NewTemplate};
use super::ContractStep;
use super::Skipped;
use crate::auth::Permission;
use crate::domain::{ApprovalOption, UserErrorCode};
use crate::error::AppResult;
use crate::service::bulk::{fixed, Run};
use crate::service::validation::Checker;

/// The terms switched to.
#[derive(Clone, Debug)]
pub enum TemplateRef {
    /// A template of the campaign.
    Existing(i64),
    /// New terms, created as a template of the campaign with the switch.
    New(NewTemplate),
}

/// REPLACE or PROPOSE.
pub type Approval = ApprovalOption;

/// A switch of the selected partners' contracts.
#[derive(Clone, Debug)]
pub struct Switch {
    /// The terms.
    pub template: TemplateRef,
    /// When the new contract starts (the first instant of the effective date).
    pub effective: DateTime<Utc>,
    /// Whole days from today to the effective date (0 or less: today).
    pub days_ahead: i64,
    /// A temporary contract's end (the last second of its end date).
    pub end: Option<DateTime<Utc>>,
    /// Whole days from today to the end date.
    pub end_days_ahead: Option<i64>,
    /// What a temporary contract falls back to.
    pub fallback: Option<i64>,
    /// REPLACE or PROPOSE.
    pub approval: Approval,
    /// The comment to the partner, kept in the history (no e-mail is sent).
    pub comment: Option<String>,
}

/// What a switch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SwitchCounts {
    /// The template switched to (a new one's id); `None` for new terms no partner was switched
    /// to (not kept).
    pub template_id: Option<i64>,
    /// Partners switched now, scheduled or proposed to.
    pub switched: i64,
    /// Partners skipped, per reason.
    pub skipped: Skipped,
    /// Whether the template was created with the switch (`newTemplate`).
    pub created: bool,
}

impl Switch {
    fn now_or_later(&self, now: DateTime<Utc>) -> (&'static str, &'static str) {
        match self.approval {
            ApprovalOption::Propose => ("PENDING", "PROPOSED"),
            ApprovalOption::Replace if self.effective <= now => ("ACTIVE", "SWITCHED"),
            ApprovalOption::Replace => ("UPCOMING", "SCHEDULED"),
        }
    }

    async fn statements(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<SwitchCounts> {
        let in_records = targets::records(run.backend);
        let (template_id, name) = match &self.template {
            TemplateRef::Existing(id) => (*id, templates::name_of(db, run.auth, *id).await?),
            TemplateRef::New(new) => {
                let model = new.to_model(run).insert(db).await?;
                (model.id, model.name)
            }
        };
        let (status, action) = self.now_or_later(run.now);
        let c = run.campaign_id;
        let start = self.effective.max(run.now);
        // The same switch scheduled, or the same terms proposed, already (as an expiry on the
        // same day is): a repeat changes nothing. Terms that start at once match terms proposed
        // for a day that has come (both start when the partner accepts).
        let repeated = format!(
            "$3 AND EXISTS (SELECT 1 FROM partner_contracts s WHERE s.campaign_id = {c} \
             AND s.partner_id = contract_targets.partner_id AND s.status = '{status}' \
             AND s.template_id = $1 AND (s.start_date = $4 OR ($5 AND s.start_date <= $4)) \
             AND s.end_date IS NOT DISTINCT FROM $6 AND s.fallback_template_id IS NOT DISTINCT FROM $7)"
        );
        let skipped = targets::pick(
            db,
            run.campaign_id,
            Targeting {
                record: targets::CURRENT_RECORD.to_owned(),
                reason: format!(
                    "CASE WHEN {RECORD}.id IS NULL THEN 'NO_CURRENT_CONTRACT' \
                     WHEN {RECORD_STATUS} = 'SUSPENDED' THEN 'SUSPENDED' \
                     WHEN {RECORD}.expires_at IS NOT NULL THEN 'EXPIRY_SCHEDULED' \
                     WHEN {RECORD}.template_id = $1 THEN 'ALREADY_ON_TEMPLATE' \
                     WHEN {repeated} THEN 'ALREADY_SCHEDULED' \
                     WHEN COALESCE((SELECT t.notice_period_days FROM contract_templates t \
                       WHERE t.id = {RECORD}.template_id), 0) > $2 THEN 'IN_NOTICE_PERIOD' END"
                ),
                values: vec![
                    template_id.into(),
                    self.days_ahead.into(),
                    (status != "ACTIVE").into(),
                    start.into(),
                    (start == run.now).into(),
                    self.end.into(),
                    self.fallback.into(),
                ],
            },
        )
        .await?;
        match status {
            // Switched now: an older scheduled switch or proposal would undo it later.
            "ACTIVE" => {
                sql::withdraw(db, run, sql::OPEN_CHANGES, None).await?;
                exec(
                    db,
                    &format!("UPDATE partner_contracts SET status = 'REPLACED', end_date = $1, updated_at = $1 WHERE {in_records}"),
                    vec![run.now.into()],
                )
                .await?
            }
            // One scheduled switch and one proposal at a time: a new one withdraws the old.
            other => sql::withdraw(db, run, &[other], None).await?,
        };
        // Each target's new record's id is kept for its state after
        // ([`ContractStep::known_after`]). (Drawing the ids from PostgreSQL's sequence first took
        // longer than returning them: `nextval` 90,000 times, 0.35 s.)
        let switched = sql::insert_recorded(
            db,
            run,
            &format!(
                "INSERT INTO partner_contracts (account_id, campaign_id, partner_id, template_id, name, \
                 status, start_date, end_date, is_temporary, fallback_template_id, approval_option, \
                 comment, created_by_user_id, created_at, updated_at) \
                 SELECT {account}, {c}, partner_id, $1, $2, '{status}', $3, $4, $5, $6, '{approval}', $7, \
                 {user}, $8, $8 FROM contract_targets",
                account = run.auth.account_id,
                approval = self.approval.as_str(),
                user = run.auth.user_id,
            ),
            status,
            vec![
                template_id.into(),
                name.into(),
                start.into(),
                self.end.into(),
                self.end.is_some().into(),
                self.fallback.into(),
                self.comment.clone().into(),
                run.now.into(),
            ],
            History {
                action,
                contract: sql::NEW_RECORD,
                template: &template_id.to_string(),
                effective: start,
                effective_sql: None,
                comment: self.comment.as_deref(),
                non_compliant: false,
            },
        )
        .await? as i64;
        let created = matches!(self.template, TemplateRef::New(_));
        // New terms nobody was switched to are not kept: a retry would pile up copies.
        let kept = !created || switched > 0;
        if !kept {
            exec(
                db,
                "DELETE FROM contract_templates WHERE id = $1",
                vec![template_id.into()],
            )
            .await?;
        }
        Ok(SwitchCounts {
            template_id: kept.then_some(template_id),
            switched,
            skipped,
            created,
        })
    }
}

impl ContractStep for Switch {
    type Counts = SwitchCounts;
    const ACTIVITY: &'static str = "CONTRACT_SWITCHED";
    const PERMISSION: Permission = Permission::ManageContracts;

    /// A temporary contract without a fallback expires the partnership at its end.
    fn also_requires(&self) -> &'static [Permission] {
        if self.end.is_some() && self.fallback.is_none() {
            &[Permission::ExpirePartners]
        } else {
            &[]
        }
    }

    fn validate(&self, check: &mut Checker) {
        if self.days_ahead < 0 {
            check.push(
                "effectiveDate",
                UserErrorCode::Invalid,
                "the effective date must be today or later",
            );
        }
        // Compared as dates: a contract ending on its first day is no temporary contract.
        if let Some(end) = self.end_days_ahead {
            if end <= self.days_ahead {
                check.push(
                    "endDate",
                    UserErrorCode::Invalid,
                    "the end date must come after the effective date",
                );
            }
        }
        if self.fallback.is_some() && self.end.is_none() {
            check.push(
                "fallbackTemplateId",
                UserErrorCode::Invalid,
                "a fallback contract needs an end date (it applies when a temporary contract ends)",
            );
        }
        if let TemplateRef::New(new) = &self.template {
            new.validate("newTemplate", check);
        }
        super::check_comment(self.comment.as_deref(), check);
    }

    fn check<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
        check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            if let TemplateRef::Existing(id) = self.template {
                templates::check_of_campaign(db, run, id, "templateId", check).await?;
            }
            if let Some(id) = self.fallback {
                templates::check_of_campaign(db, run, id, "fallbackTemplateId", check).await?;
            }
            Ok(())
        })
    }

    /// Every partner switched has a new record (`contract_targets.new_id`) and keeps the rest:
    /// switched now, the new record is the current one, with the switch's template and end,
    /// and nothing else is open (the old record replaced, proposals and scheduled switches
    /// withdrawn; no expiry, as a partner with one is skipped); scheduled or proposed, the new
    /// record is the partner's one upcoming switch or proposal (an older one withdrawn) beside
    /// what it had. The kept parts are the snapshot's own text; every partner not switched is
    /// as it was.
    fn known_after(&self, run: Run<'_>) -> Option<String> {
        let before = format!("{}.before", fixed::TABLE);
        let kept = |key: &str| super::state_member(run.backend, &before, key);
        let new_id = "CAST(contract_targets.new_id AS TEXT)".to_owned();
        let null = || "'null'".to_owned();
        let after = match self.now_or_later(run.now).0 {
            "ACTIVE" => {
                // The terms of every new record (a new template's id is the run's own).
                let template = "CAST((SELECT template_id FROM partner_contracts WHERE id = \
                     (SELECT MIN(new_id) FROM contract_targets)) AS TEXT)"
                    .to_owned();
                let ends = self.end.map_or_else(null, |end| {
                    format!("'\"{}\"'", end.format("%Y-%m-%dT%H:%M:%SZ"))
                });
                super::state_from(
                    run.backend,
                    &before,
                    [
                        ("current", new_id),
                        ("template", template),
                        ("ends", ends),
                        ("expires", null()),
                        ("open", "'100'".to_owned()),
                        ("upcoming", null()),
                        ("pending", null()),
                    ],
                )
            }
            status => {
                let (key, weight) = if status == "UPCOMING" {
                    ("upcoming", 10)
                } else {
                    ("pending", 1)
                };
                let open = format!(
                    "CAST(COALESCE(CAST(NULLIF({open}, 'null') AS INTEGER), 0) \
                     + CASE WHEN {replaced} = 'null' THEN {weight} ELSE 0 END AS TEXT)",
                    open = kept("open"),
                    replaced = kept(key),
                );
                let value = |k: &str| if k == key { new_id.clone() } else { kept(k) };
                super::state_from(
                    run.backend,
                    &before,
                    [
                        ("open", open),
                        ("upcoming", value("upcoming")),
                        ("pending", value("pending")),
                    ],
                )
            }
        };
        Some(format!(
            "COALESCE((SELECT {after} FROM contract_targets WHERE contract_targets.partner_id = {}), {before})",
            fixed::PARTNER,
        ))
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({
            "templateId": match &self.template { TemplateRef::Existing(id) => Some(*id), TemplateRef::New(_) => None },
            "newTemplate": matches!(self.template, TemplateRef::New(_)),
            "effective": self.effective, "end": self.end, "fallbackTemplateId": self.fallback,
            "approval": self.approval.as_str(), "comment": self.comment,
        })
    }

    fn write<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<SwitchCounts>> {
        Box::pin(self.statements(db, run))
    }
}
