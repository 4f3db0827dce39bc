//! `invitePartners`: "Invite to my campaign" over a selection.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::bulk;
use crate::domain::UserErrorCode;
use crate::graphql::ids;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::user_error::UserError;
use crate::service::invite::Invite;

/// Partners of one campaign to invite to another.
#[derive(InputObject)]
pub struct InvitePartnersInput {
    /// The campaign the partners are in (numeric or global id).
    pub campaign_id: ID,
    /// Which partners (one id for a single partner).
    pub selection: PartnerSelectionInput,
    /// The campaign they are invited to (another of the brand's).
    pub target_campaign_id: ID,
    /// The template of that campaign their proposed contract follows.
    pub template_id: ID,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// What `invitePartners` did (or, in a dry run, would do).
#[derive(SimpleObject, Default)]
pub struct InvitePartnersPayload {
    /// Partners in the selection.
    pub matched_count: i64,
    /// Partners invited (each gets an activity entry in the campaign they are in).
    pub affected_count: i64,
    /// Partners added to the other campaign, as `OUTREACH` prospects with a `PENDING` proposal.
    pub invited_count: i64,
    /// Partners skipped: already in the other campaign.
    pub already_in_campaign_count: i64,
    /// Partners skipped: another partner of the other campaign has their e-mail address.
    pub email_taken_count: i64,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// "Invite to my campaign".
#[derive(Default)]
pub struct InviteMutation;

/// "Invite to my campaign".
#[Object]
impl InviteMutation {
    /// Invites the selected partners to another campaign of the brand: each joins it as an
    /// `OUTREACH` prospect with a proposed (`PENDING`) contract on the given template; needs
    /// `EDIT_PARTNERS`. Partners already there (or whose e-mail a partner there has) are skipped
    /// and counted; when nobody can be invited, `CONFLICT` and nothing is written.
    async fn invite_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The campaign, the partners, the campaign and template to invite them to, `dryRun`."
        )]
        input: InvitePartnersInput,
    ) -> async_graphql::Result<InvitePartnersPayload> {
        bulk::permitted::<Invite>(ctx)?;
        let dry_run = input.dry_run;
        let refused = |user_errors| InvitePartnersPayload {
            dry_run,
            user_errors,
            ..Default::default()
        };
        let target_campaign_id = match ids::campaign_id(&input.target_campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["targetCampaignId"], &err))),
        };
        let template_id = match ids::template_id(&input.template_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["templateId"], &err))),
        };
        let target = match bulk::target(&input.campaign_id, input.selection) {
            Ok(target) => target,
            Err(errors) => return Ok(refused(errors)),
        };
        let invite = Invite {
            target_campaign_id,
            template_id,
        };
        Ok(match bulk::run(ctx, target, invite, dry_run).await? {
            Ok(outcome) if outcome.counts.invited == 0 => refused(vec![UserError {
                field: vec!["input".into(), "targetCampaignId".into()],
                code: UserErrorCode::Conflict,
                message: format!(
                    "none of the {} selected partners can be invited: {} are in campaign {target_campaign_id} already, {} have an e-mail address a partner there has",
                    outcome.matched, outcome.counts.already_in_campaign, outcome.counts.email_taken
                ),
            }]),
            Ok(outcome) => InvitePartnersPayload {
                matched_count: outcome.matched,
                affected_count: outcome.affected,
                invited_count: outcome.counts.invited,
                already_in_campaign_count: outcome.counts.already_in_campaign,
                email_taken_count: outcome.counts.email_taken,
                dry_run,
                user_errors: Vec::new(),
            },
            Err(errors) => refused(errors),
        })
    }
}
