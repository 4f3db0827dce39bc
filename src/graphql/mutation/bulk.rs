//! What every bulk mutation shares: reading `campaignId` and `selection`, and running the
//! service's action into a payload (counts or `userErrors`).

use async_graphql::{Context, ID};

use crate::graphql::context::{auth, clock, db};
use crate::graphql::ids;
use crate::graphql::inputs::selection::PartnerSelectionInput;
use crate::graphql::types::user_error::UserError;
use crate::service::bulk::{self, BulkAction, Outcome, Request};

/// The campaign and selection of a bulk input, or why they cannot be read.
pub fn target(
    campaign_id: &ID,
    selection: PartnerSelectionInput,
) -> Result<(i64, bulk::Selection), Vec<UserError>> {
    let campaign_id = ids::campaign_id(campaign_id)
        .map_err(|err| UserError::unreadable(&["campaignId"], &err))?;
    Ok((campaign_id, selection.into_service(campaign_id)?))
}

/// Whether the caller may run `A` at all (`FORBIDDEN` otherwise): checked before the input is
/// read, so a caller without the permission learns nothing about what it sent. The engine
/// checks again, with the permissions what was asked needs besides ([`BulkAction::also_requires`]).
pub fn permitted<A: BulkAction>(ctx: &Context<'_>) -> async_graphql::Result<()> {
    auth(ctx)?.require(A::PERMISSION)?;
    Ok(())
}

/// Runs `action` over the selection at the server's time: the outcome, or every user error.
pub async fn run<A: BulkAction>(
    ctx: &Context<'_>,
    (campaign_id, selection): (i64, bulk::Selection),
    action: A,
    dry_run: bool,
) -> async_graphql::Result<Result<Outcome<A::Counts>, Vec<UserError>>> {
    let request = Request {
        campaign_id,
        selection,
        action,
        dry_run,
        clock: clock(ctx)?,
    };
    Ok(bulk::run(db(ctx)?, auth(ctx)?, &request)
        .await?
        .map_err(UserError::all))
}
