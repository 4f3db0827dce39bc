//! `linkPartners`, `unlinkPartners`: account links between two partners of the account.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::graphql::context::{auth, db, now};
use crate::graphql::ids;
use crate::graphql::types::account_link::PartnerAccountLink;
use crate::graphql::types::user_error::UserError;
use crate::service::account_links;

/// Two partners of the account to link.
#[derive(InputObject)]
pub struct LinkPartnersInput {
    /// One partner (numeric id, or its global id in any campaign).
    pub partner_id: ID,
    /// The other partner (numeric id, or its global id in any campaign).
    pub linked_partner_id: ID,
    /// Why they are linked (required, at most 200 characters).
    pub reason: String,
}

/// The link to remove.
#[derive(InputObject)]
pub struct UnlinkPartnersInput {
    /// The link (its `linkId`).
    pub link_id: ID,
}

/// The result of linking two partners.
#[derive(SimpleObject)]
pub struct LinkPartnersPayload {
    /// The link as the first partner sees it, unless the input was refused.
    pub link: Option<PartnerAccountLink>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of unlinking.
#[derive(SimpleObject)]
pub struct UnlinkPartnersPayload {
    /// The id of the removed link.
    pub unlinked_link_id: Option<i64>,
    /// Why nothing was removed; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Account links.
#[derive(Default)]
pub struct AccountLinkMutation;

/// Account links.
#[Object]
impl AccountLinkMutation {
    /// Links two partners of the caller's account with a reason (needs `EDIT_PARTNERS`); a
    /// partner of another account is `NOT_FOUND`, an existing link either way `CONFLICT`.
    async fn link_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The two partners and why they are linked.")] input: LinkPartnersInput,
    ) -> async_graphql::Result<LinkPartnersPayload> {
        let refused = |user_errors| LinkPartnersPayload {
            link: None,
            user_errors,
        };
        let partner_id = match ids::account_partner_id(&input.partner_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["partnerId"], &err))),
        };
        let linked = match ids::account_partner_id(&input.linked_partner_id) {
            Ok(id) => id,
            Err(err) => return Ok(refused(UserError::unreadable(&["linkedPartnerId"], &err))),
        };
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        let result =
            account_links::link(db, auth, partner_id, linked, &input.reason, now(ctx)?).await?;
        Ok(match result {
            Ok(made) => LinkPartnersPayload {
                link: account_links::of_partners(db, auth, &[partner_id])
                    .await?
                    .remove(&partner_id)
                    .unwrap_or_default()
                    .into_iter()
                    .find(|view| view.link.id == made.id)
                    .map(PartnerAccountLink),
                user_errors: Vec::new(),
            },
            Err(errors) => refused(errors.into_iter().map(UserError::from).collect()),
        })
    }

    /// Removes an account link (needs `EDIT_PARTNERS`); another account's is `NOT_FOUND`.
    async fn unlink_partners(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link.")] input: UnlinkPartnersInput,
    ) -> async_graphql::Result<UnlinkPartnersPayload> {
        let id = match ids::plain(&input.link_id, "account link") {
            Ok(id) => id,
            Err(err) => {
                return Ok(UnlinkPartnersPayload {
                    unlinked_link_id: None,
                    user_errors: UserError::unreadable(&["linkId"], &err),
                })
            }
        };
        Ok(
            match account_links::unlink(db(ctx)?, auth(ctx)?, id, now(ctx)?).await? {
                Ok(gone) => UnlinkPartnersPayload {
                    unlinked_link_id: Some(gone.id),
                    user_errors: Vec::new(),
                },
                Err(errors) => UnlinkPartnersPayload {
                    unlinked_link_id: None,
                    user_errors: errors.into_iter().map(UserError::from).collect(),
                },
            },
        )
    }
}
