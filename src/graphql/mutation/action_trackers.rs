//! `createActionTracker`: a kind of event a campaign tracks, for client cost exceptions.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::graphql::context::{auth, db, now};
use crate::graphql::ids;
use crate::graphql::types::action_tracker::ActionTracker;
use crate::graphql::types::user_error::UserError;
use crate::service::action_trackers;

/// A new action tracker.
#[derive(InputObject)]
pub struct CreateActionTrackerInput {
    /// The campaign (numeric or global id).
    pub campaign_id: ID,
    /// Its name (at most 200 characters, unique in the campaign).
    pub name: String,
}

/// The action tracker made.
#[derive(SimpleObject, Default)]
pub struct CreateActionTrackerPayload {
    /// The new tracker; null when refused.
    pub action_tracker: Option<ActionTracker>,
    /// Why it was refused (`CONFLICT`: the name is taken); empty on success.
    pub user_errors: Vec<UserError>,
}

/// Action trackers.
#[derive(Default)]
pub struct ActionTrackerMutation;

/// Action trackers.
#[Object]
impl ActionTrackerMutation {
    /// Adds an action tracker (a kind of event, such as "Online Sale") to a campaign, so client
    /// cost exceptions can name it; needs `EDIT_PARTNERS`.
    async fn create_action_tracker(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign and the tracker's name.")] input: CreateActionTrackerInput,
    ) -> async_graphql::Result<CreateActionTrackerPayload> {
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => {
                return Ok(CreateActionTrackerPayload {
                    action_tracker: None,
                    user_errors: UserError::unreadable(&["campaignId"], &err),
                })
            }
        };
        let made =
            action_trackers::create(db(ctx)?, auth(ctx)?, campaign_id, &input.name, now(ctx)?)
                .await?;
        Ok(match made {
            Ok(model) => CreateActionTrackerPayload {
                action_tracker: Some(ActionTracker(model)),
                user_errors: Vec::new(),
            },
            Err(errors) => CreateActionTrackerPayload {
                action_tracker: None,
                user_errors: errors.into_iter().map(UserError::from).collect(),
            },
        })
    }
}
