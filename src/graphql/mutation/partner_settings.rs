//! Per-partner settings over a selection (one partner is a selection of one):
//! `updatePartnerRelationship`, `updateComplianceSettings`, `updateClientCostSettings`,
//! `updateTrackingSettings`. Each runs on the bulk engine (`service::settings`).

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};

use super::bulk;
use crate::domain::{
    ClientCostType, ComplianceReviewFrequency, ProspectingSource, RelationshipStage,
    TrackingIntegrationType,
};
use crate::graphql::ids;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::user_error::UserError;
use crate::service::settings::client_cost::ClientCost;
use crate::service::settings::compliance::Compliance;
use crate::service::settings::relationship::Relationship;
use crate::service::settings::tracking::Tracking;
use crate::service::settings::{PartnerSetting, Settings};

/// What a settings mutation did (or, in a dry run, would do).
#[derive(SimpleObject, Default)]
pub struct PartnerSettingsPayload {
    /// Partners in the selection.
    pub matched_count: i64,
    /// Partners whose settings changed (each gets an activity entry with before and after).
    pub affected_count: i64,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// A relationship edit over a selection.
#[derive(InputObject)]
pub struct UpdatePartnerRelationshipInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners (one id for a single partner).
    pub selection: PartnerSelectionInput,
    /// The new stage: `NEW`, `OUTREACH` or `NEGOTIATING` (`JOINED` and `EXPIRED` follow the
    /// contract); partners already `JOINED` or `EXPIRED` are left as they are.
    pub stage: Option<RelationshipStage>,
    /// Where the brand found the partner; null clears it, omitted keeps it.
    pub prospecting_source: MaybeUndefined<ProspectingSource>,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// Compliance settings over a selection.
#[derive(InputObject)]
pub struct UpdateComplianceSettingsInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners (one id for a single partner).
    pub selection: PartnerSelectionInput,
    /// The review schedule (`DEFAULT`: the program's).
    pub review_frequency: Option<ComplianceReviewFrequency>,
    /// Share of the partner's actions audited, in percent (0 to 100).
    pub audit_rate: Option<i32>,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// Client cost settings over a selection.
#[derive(InputObject)]
pub struct UpdateClientCostSettingsInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners (one id for a single partner).
    pub selection: PartnerSelectionInput,
    /// Charge client costs for the partner's actions.
    pub enabled: Option<bool>,
    /// The default cost type.
    pub cost_type: Option<ClientCostType>,
    /// Exceptions: another cost type for the events of some of the campaign's action trackers
    /// (at most 100, one per tracker). They replace the partner's exceptions; an empty list
    /// clears them; omitted keeps them.
    pub exceptions: Option<Vec<ClientCostExceptionInput>>,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// Another cost type for the events of one action tracker.
#[derive(InputObject)]
pub struct ClientCostExceptionInput {
    /// An action tracker of the campaign (`Campaign.actionTrackers`).
    pub action_tracker_id: ID,
    /// The cost type charged for its events.
    pub cost_type: ClientCostType,
}

/// Tracking and partner integration over a selection.
#[derive(InputObject)]
pub struct UpdateTrackingSettingsInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Which partners (one id for a single partner).
    pub selection: PartnerSelectionInput,
    /// The integration: `NONE`, `PIXEL` (needs `pixelUrl`) or `POSTBACK` (needs `postbackUrl`).
    pub integration: TrackingIntegrationType,
    /// The partner's postback URL: https, no credentials, a public host, at most 2,048 bytes.
    pub postback_url: Option<String>,
    /// The partner's tracking pixel URL, under the same rules.
    pub pixel_url: Option<String>,
    /// Count what would change, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

async fn run<S: PartnerSetting + 'static>(
    ctx: &Context<'_>,
    campaign_id: &ID,
    selection: PartnerSelectionInput,
    setting: S,
    dry_run: bool,
) -> async_graphql::Result<PartnerSettingsPayload> {
    bulk::permitted::<Settings<S>>(ctx)?;
    let refused = |user_errors| PartnerSettingsPayload {
        dry_run,
        user_errors,
        ..Default::default()
    };
    let target = match bulk::target(campaign_id, selection) {
        Ok(target) => target,
        Err(errors) => return Ok(refused(errors)),
    };
    Ok(
        match bulk::run(ctx, target, Settings(setting), dry_run).await? {
            Ok(outcome) => PartnerSettingsPayload {
                matched_count: outcome.matched,
                affected_count: outcome.affected,
                dry_run,
                user_errors: Vec::new(),
            },
            Err(errors) => refused(errors),
        },
    )
}

/// Per-partner settings over a selection.
#[derive(Default)]
pub struct PartnerSettingsMutation;

/// Per-partner settings over a selection.
#[Object]
impl PartnerSettingsMutation {
    /// Moves prospects between stages and sets where the brand found them; needs
    /// `EDIT_PARTNERS`. One transaction, one activity entry per changed partner.
    async fn update_partner_relationship(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, the stage and/or prospecting source.")]
        input: UpdatePartnerRelationshipInput,
    ) -> async_graphql::Result<PartnerSettingsPayload> {
        let source = match input.prospecting_source {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(s) => Some(Some(s)),
        };
        let setting = Relationship {
            stage: input.stage,
            prospecting_source: source,
        };
        run(
            ctx,
            &input.campaign_id,
            input.selection,
            setting,
            input.dry_run,
        )
        .await
    }

    /// Sets the compliance review schedule and audit rate; needs `EDIT_PARTNERS`.
    async fn update_compliance_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, the schedule and/or audit rate.")]
        input: UpdateComplianceSettingsInput,
    ) -> async_graphql::Result<PartnerSettingsPayload> {
        let setting = Compliance {
            review_frequency: input.review_frequency,
            audit_rate: input.audit_rate,
        };
        run(
            ctx,
            &input.campaign_id,
            input.selection,
            setting,
            input.dry_run,
        )
        .await
    }

    /// Turns client costs on or off and sets their default type; needs `EDIT_PARTNERS`.
    async fn update_client_cost_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The campaign, the partners, and enabled, the cost type and/or the exceptions."
        )]
        input: UpdateClientCostSettingsInput,
    ) -> async_graphql::Result<PartnerSettingsPayload> {
        bulk::permitted::<Settings<ClientCost>>(ctx)?;
        let exceptions = match input.exceptions {
            None => None,
            Some(list) => {
                let mut read = Vec::with_capacity(list.len());
                for (i, e) in list.into_iter().enumerate() {
                    match ids::action_tracker_id(&e.action_tracker_id) {
                        Ok(id) => read.push((id, e.cost_type)),
                        Err(err) => {
                            let at = i.to_string();
                            let path = ["exceptions", at.as_str(), "actionTrackerId"];
                            return Ok(PartnerSettingsPayload {
                                dry_run: input.dry_run,
                                user_errors: UserError::unreadable(&path, &err),
                                ..Default::default()
                            });
                        }
                    }
                }
                Some(read)
            }
        };
        let setting = ClientCost {
            enabled: input.enabled,
            cost_type: input.cost_type,
            exceptions,
        };
        run(
            ctx,
            &input.campaign_id,
            input.selection,
            setting,
            input.dry_run,
        )
        .await
    }

    /// Sets the partner integration (none, a tracking pixel, or a postback) and its URL, which
    /// must be https to a public host; needs `EDIT_PARTNERS`. The URL the integration does not
    /// use is cleared.
    async fn update_tracking_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the partners, the integration and its URL.")]
        input: UpdateTrackingSettingsInput,
    ) -> async_graphql::Result<PartnerSettingsPayload> {
        let setting = Tracking::new(input.integration, input.postback_url, input.pixel_url);
        run(
            ctx,
            &input.campaign_id,
            input.selection,
            setting,
            input.dry_run,
        )
        .await
    }
}
