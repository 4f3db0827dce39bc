//! Action trackers of a campaign.

use async_graphql::{Object, ID};

use super::scalars::DateTime;

use entity::action_tracker;

/// A kind of event the campaign tracks (an online sale, a lead, ...); a partner's client cost
/// exceptions name them.
pub struct ActionTracker(pub action_tracker::Model);

/// A kind of event the campaign tracks (an online sale, a lead, ...); a partner's client cost
/// exceptions name them.
#[Object]
impl ActionTracker {
    /// Numeric id of the action tracker.
    async fn action_tracker_id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The tracker's name, unique in its campaign.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// When it was added.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}
