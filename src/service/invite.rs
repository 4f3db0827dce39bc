//! "Invite to my campaign": the selected partners of one campaign join another campaign of the
//! brand as prospects (stage `OUTREACH`) with a proposed contract (`PENDING`, on a template of
//! that campaign), a bulk action on the engine (one partner is a selection of one). Partners
//! already in the other campaign, or whose e-mail another partner of it has, are skipped and
//! counted; when nobody can be invited the mutation answers a user error.
//!
//! Both campaigns are locked for the write, lowest id first (the engine locks the target named
//! by [`BulkAction::other_campaign`] with the source), so two invitations in opposite
//! directions wait for each other instead of deadlocking.

use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;

use crate::auth::Permission;
use crate::domain::UserErrorCode;
use crate::error::AppResult;
use crate::service::bulk::{fixed, json, BulkAction, Run};
use crate::service::campaigns;
use crate::service::contracts::sql::{exec, query};
use crate::service::contracts::templates;
use crate::service::validation::Checker;

/// The activity-log action of an invitation.
pub const ACTIVITY_ACTION: &str = "PARTNER_INVITED";

/// Where the selected partners are invited.
#[derive(Clone, Copy, Debug)]
pub struct Invite {
    /// The campaign they are invited to.
    pub target_campaign_id: i64,
    /// The template of that campaign their proposed contract follows.
    pub template_id: i64,
}

/// What an invitation did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InviteCounts {
    /// Partners added to the other campaign.
    pub invited: i64,
    /// Partners skipped: already in the other campaign.
    pub already_in_campaign: i64,
    /// Partners skipped: another partner of the other campaign has their e-mail address.
    pub email_taken: i64,
}

/// SQL: the selected partner is in the target campaign already.
fn in_target(target: i64) -> String {
    format!(
        "EXISTS (SELECT 1 FROM campaign_partners t WHERE t.campaign_id = {target} \
         AND t.partner_id = {})",
        fixed::PARTNER
    )
}

impl Invite {
    async fn statements(&self, db: &DatabaseTransaction, run: Run<'_>) -> AppResult<InviteCounts> {
        let (source, target, p) = (run.campaign_id, self.target_campaign_id, fixed::PARTNER);
        let email_taken = format!(
            "EXISTS (SELECT 1 FROM campaign_partners s JOIN campaign_partners t \
             ON t.campaign_id = {target} AND t.email = s.email \
             WHERE s.campaign_id = {source} AND s.partner_id = {p})"
        );
        let rows = query(
            db,
            &format!(
                "SELECT COALESCE(SUM(CASE WHEN {already} THEN 1 ELSE 0 END), 0) AS already, \
                 COALESCE(SUM(CASE WHEN NOT {already} AND {email_taken} THEN 1 ELSE 0 END), 0) AS taken \
                 FROM {table}",
                already = in_target(target),
                table = fixed::TABLE,
            ),
            vec![],
        )
        .await?;
        let row = rows.first();
        let count = |name: &str| -> AppResult<i64> {
            Ok(match row {
                Some(row) => row.try_get::<i64>("", name)?,
                None => 0,
            })
        };
        let mut counts = InviteCounts {
            already_in_campaign: count("already")?,
            email_taken: count("taken")?,
            ..Default::default()
        };
        let now = vec![run.now.into()];
        counts.invited = exec(
            db,
            &format!(
                "INSERT INTO campaign_partners (account_id, campaign_id, partner_id, relationship_type, \
                 relationship_stage, access_url_eligible, client_cost_enabled, created_at, updated_at, \
                 partner_name, search_text, country, state_province, size_rank, social_reach, \
                 moz_domain_authority, email) \
                 SELECT s.account_id, {target}, s.partner_id, 'DIRECT', 'OUTREACH', $2, $2, $1, $1, \
                 s.partner_name, s.search_text, s.country, s.state_province, s.size_rank, s.social_reach, \
                 s.moz_domain_authority, s.email \
                 FROM campaign_partners s JOIN {table} ON {table}.partner_id = s.partner_id \
                 WHERE s.campaign_id = {source} AND NOT {already} AND NOT {email_taken}",
                table = fixed::TABLE,
                already = in_target(target),
            ),
            vec![run.now.into(), false.into()],
        )
        .await? as i64;
        if counts.invited == 0 {
            return Ok(counts);
        }
        let name = templates::find(db, run.auth, self.template_id)
            .await?
            .map(|t| t.name)
            .unwrap_or_default();
        // The invited partners: the selected ones whose relationship row in the target was
        // written at this instant (the campaign is locked, so by this statement).
        let invited = format!(
            "SELECT partner_id FROM campaign_partners WHERE campaign_id = {target} \
             AND created_at = $1 AND partner_id IN (SELECT partner_id FROM {})",
            fixed::TABLE
        );
        exec(
            db,
            &format!(
                "INSERT INTO partner_contracts (account_id, campaign_id, partner_id, template_id, name, \
                 status, start_date, end_date, is_temporary, fallback_template_id, approval_option, \
                 comment, created_by_user_id, created_at, updated_at) \
                 SELECT {account}, {target}, partner_id, $2, $3, 'PENDING', $1, NULL, $4, NULL, 'PROPOSE', \
                 NULL, {user}, $1, $1 FROM ({invited}) invited",
                account = run.auth.account_id,
                user = run.auth.user_id,
            ),
            vec![
                run.now.into(),
                self.template_id.into(),
                name.into(),
                false.into(),
            ],
        )
        .await?;
        exec(
            db,
            &format!(
                "INSERT INTO contract_history (account_id, campaign_id, partner_id, contract_id, action, \
                 template_id, effective_date, comment, user_id, created_at, non_compliant) \
                 SELECT account_id, campaign_id, partner_id, id, 'PROPOSED', template_id, start_date, NULL, \
                 {user}, $1, $2 FROM partner_contracts WHERE campaign_id = {target} AND status = 'PENDING' \
                 AND created_at = $1 AND partner_id IN ({invited})",
                user = run.auth.user_id,
            ),
            now.into_iter().chain([false.into()]).collect(),
        )
        .await?;
        Ok(counts)
    }
}

impl BulkAction for Invite {
    type Counts = InviteCounts;
    const ACTIVITY: &'static str = ACTIVITY_ACTION;
    const PERMISSION: Permission = Permission::EditPartners;
    // Its source campaign is not written (the triggers log the target campaign).
    const CHANGES_FACETS: bool = false;

    /// The partners are written into the target campaign: the engine locks it with the source.
    fn other_campaign(&self) -> Option<i64> {
        Some(self.target_campaign_id)
    }

    /// The other campaign must be another of the caller's, the template one of it (both
    /// campaigns are locked by then).
    fn check<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
        check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            if self.target_campaign_id == run.campaign_id {
                check.push(
                    "targetCampaignId",
                    UserErrorCode::Invalid,
                    "the partners are in this campaign already: invite them to another one",
                );
                return Ok(());
            }
            if campaigns::find(db, run.auth, self.target_campaign_id)
                .await?
                .is_none()
            {
                check.push(
                    "targetCampaignId",
                    UserErrorCode::NotFound,
                    format!("campaign {} not found", self.target_campaign_id),
                );
                return Ok(());
            }
            match templates::find(db, run.auth, self.template_id).await? {
                None => check.push(
                    "templateId",
                    UserErrorCode::NotFound,
                    format!("contract template {} not found", self.template_id),
                ),
                Some(t) if t.campaign_id != self.target_campaign_id => check.push(
                    "templateId",
                    UserErrorCode::WrongCampaign,
                    format!(
                        "contract template {} is not one of campaign {}",
                        self.template_id, self.target_campaign_id
                    ),
                ),
                Some(_) => {}
            }
            Ok(())
        })
    }

    /// `{"inCampaign": 1}` once the partner is in the other campaign, `0` before.
    fn state(&self, _run: Run<'_>) -> String {
        json::object(&[(
            "inCampaign",
            json::int(&format!(
                "SELECT COUNT(*) FROM campaign_partners t WHERE t.campaign_id = {} AND t.partner_id = {}",
                self.target_campaign_id,
                fixed::STATE_PARTNER
            )),
        )])
    }

    fn input(&self) -> serde_json::Value {
        serde_json::json!({ "targetCampaignId": self.target_campaign_id, "templateId": self.template_id })
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<InviteCounts>> {
        Box::pin(self.statements(db, run))
    }
}
