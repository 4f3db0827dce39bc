//! `issuePartnerAccessUrl`: a short-lived, single-use access URL for an eligible partner.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::graphql::context::{auth, db, now};
use crate::graphql::ids;
use crate::graphql::types::scalars::DateTime;
use crate::graphql::types::user_error::UserError;
use crate::service::access_url;
use crate::service::partners::PartnerKey;

/// The partner to issue an access URL for.
#[derive(InputObject)]
pub struct IssuePartnerAccessUrlInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// The partner (numeric id, or the partner's global id in that campaign).
    pub partner_id: ID,
}

/// An issued access URL.
#[derive(SimpleObject, Default)]
pub struct IssuePartnerAccessUrlPayload {
    /// The URL's path (`/partner-access/<token>`); it works once, until `expiresAt`.
    pub url: Option<String>,
    /// When the URL stops working (15 minutes after it was issued).
    pub expires_at: Option<DateTime>,
    /// Why none was issued (`INVALID`: the partner is not eligible); empty on success.
    pub user_errors: Vec<UserError>,
}

/// Partner access URLs.
#[derive(Default)]
pub struct AccessUrlMutation;

/// Partner access URLs.
#[Object]
impl AccessUrlMutation {
    /// Issues a single-use access URL, valid for 15 minutes, for a partner eligible for access
    /// (`Partner.accessAvailable`: a direct partner who joined only through the brand's sign-up
    /// link); needs `EDIT_PARTNERS`. Only the token's hash is stored.
    async fn issue_partner_access_url(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign and the partner.")] input: IssuePartnerAccessUrlInput,
    ) -> async_graphql::Result<IssuePartnerAccessUrlPayload> {
        let refused = |user_errors| IssuePartnerAccessUrlPayload {
            user_errors,
            ..Default::default()
        };
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["campaignId"], &err))),
        };
        let partner_id = match ids::partner_id(&input.partner_id, campaign_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["partnerId"], &err))),
        };
        let key = PartnerKey {
            campaign_id,
            partner_id,
        };
        Ok(
            match access_url::issue(db(ctx)?, auth(ctx)?, key, now(ctx)?).await? {
                Ok(issued) => IssuePartnerAccessUrlPayload {
                    url: Some(issued.url),
                    expires_at: Some(DateTime(issued.expires_at)),
                    user_errors: Vec::new(),
                },
                Err(errors) => refused(errors.into_iter().map(UserError::from).collect()),
            },
        )
    }
}
