//! `createPartnerGroup`, `updatePartnerGroup`, `deletePartnerGroup`.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use crate::domain::limits::MAX_PARTNER_IDS;
use crate::domain::UserErrorCode;
use crate::error::AppError;
use crate::graphql::context::{auth, clock, db};
use crate::graphql::ids;
use crate::graphql::types::group::PartnerGroup;
use crate::graphql::types::user_error::UserError;
use crate::service::groups::{self, GroupInfo, GroupUpdate, NewGroup};
use crate::service::validation;

/// A new partner group.
#[derive(InputObject)]
pub struct CreatePartnerGroupInput {
    /// The campaign the group belongs to (numeric or global id).
    pub campaign_id: ID,
    /// The group's name (1 to 255 characters, unique in the campaign ignoring case).
    pub name: String,
    /// Partners to put in the group (numeric or global partner ids of the campaign; at most 10,000).
    #[graphql(default)]
    pub partner_ids: Vec<ID>,
}

/// Changes to a partner group; omitted fields keep their value.
#[derive(InputObject)]
pub struct UpdatePartnerGroupInput {
    /// The group (numeric or global id).
    pub id: ID,
    /// A new name.
    pub name: Option<String>,
    /// Partners to add (adding a member again is not an error; at most 10,000).
    #[graphql(default)]
    pub add_partner_ids: Vec<ID>,
    /// Partners to remove (at most 10,000).
    #[graphql(default)]
    pub remove_partner_ids: Vec<ID>,
}

/// The group to delete.
#[derive(InputObject)]
pub struct DeletePartnerGroupInput {
    /// The group (numeric or global id).
    pub id: ID,
}

/// The result of creating, updating or deleting a group.
#[derive(SimpleObject)]
pub struct PartnerGroupPayload {
    /// The group as written (for a deletion: as it was), unless the input was refused.
    pub group: Option<PartnerGroup>,
    /// Why the input was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl PartnerGroupPayload {
    fn refused(user_errors: Vec<UserError>) -> Self {
        PartnerGroupPayload {
            group: None,
            user_errors,
        }
    }

    async fn from_result(
        ctx: &Context<'_>,
        result: Result<GroupInfo, Vec<validation::UserError>>,
    ) -> async_graphql::Result<Self> {
        Ok(match result {
            Ok(info) => PartnerGroupPayload {
                group: PartnerGroup::with_counts(ctx, vec![info]).await?.pop(),
                user_errors: Vec::new(),
            },
            Err(errors) => Self::refused(UserError::all(errors)),
        })
    }
}

/// Reads partner ids of `campaign_id` (at most 10,000), or the user error for `field`.
fn partner_ids(list: &[ID], campaign_id: i64, field: &str) -> Result<Vec<i64>, Vec<UserError>> {
    UserError::at_most(&[field], list.len(), MAX_PARTNER_IDS)?;
    list.iter()
        .map(|id| ids::partner_id(id, campaign_id))
        .collect::<Result<_, AppError>>()
        .map_err(|err| UserError::unreadable(&[field], &err))
}

/// Reads the `id` of a group input, or the refusal naming it.
fn read_group_id(id: &ID) -> Result<i64, PartnerGroupPayload> {
    ids::group_id(id)
        .map_err(|err| PartnerGroupPayload::refused(UserError::unreadable(&["id"], &err)))
}

/// Mutations of partner groups.
#[derive(Default)]
pub struct GroupMutation;

/// Mutations of partner groups.
#[Object]
impl GroupMutation {
    /// Creates a partner group, optionally with members. Every problem with the input is
    /// reported in `userErrors` and nothing is written.
    async fn create_partner_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The campaign, the new group's name and its first members.")]
        input: CreatePartnerGroupInput,
    ) -> async_graphql::Result<PartnerGroupPayload> {
        let campaign_id = match ids::campaign_id(&input.campaign_id) {
            Ok(id) => id,
            Err(err) => {
                return Ok(PartnerGroupPayload::refused(UserError::unreadable(
                    &["campaignId"],
                    &err,
                )))
            }
        };
        let partner_ids = match partner_ids(&input.partner_ids, campaign_id, "partnerIds") {
            Ok(ids) => ids,
            Err(errors) => return Ok(PartnerGroupPayload::refused(errors)),
        };
        let new = NewGroup {
            campaign_id,
            name: input.name,
            partner_ids,
        };
        let result = groups::create(db(ctx)?, auth(ctx)?, new, &clock(ctx)?).await?;
        PartnerGroupPayload::from_result(ctx, result).await
    }

    /// Renames a group and adds or removes members, in one transaction; each partner whose
    /// membership changes gets an activity entry.
    async fn update_partner_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group, its new name, and the partners to add and remove.")]
        input: UpdatePartnerGroupInput,
    ) -> async_graphql::Result<PartnerGroupPayload> {
        let group_id = match read_group_id(&input.id) {
            Ok(id) => id,
            Err(refused) => return Ok(refused),
        };
        let (db, auth) = (db(ctx)?, auth(ctx)?);
        // Global partner ids carry their campaign: read them against the group's.
        let Some(group) = groups::find(db, auth, group_id).await? else {
            let err = AppError::not_found("partner group", group_id);
            return Ok(PartnerGroupPayload::refused(vec![UserError {
                field: vec!["input".into(), "id".into()],
                code: UserErrorCode::NotFound,
                message: err.public_message(),
            }]));
        };
        let campaign_id = group.campaign_id;
        let add = partner_ids(&input.add_partner_ids, campaign_id, "addPartnerIds");
        let remove = partner_ids(&input.remove_partner_ids, campaign_id, "removePartnerIds");
        let (add_partner_ids, remove_partner_ids) = match (add, remove) {
            (Ok(add), Ok(remove)) => (add, remove),
            (Err(errors), _) | (_, Err(errors)) => return Ok(PartnerGroupPayload::refused(errors)),
        };
        let update = GroupUpdate {
            group_id,
            name: input.name,
            add_partner_ids,
            remove_partner_ids,
        };
        let result = groups::update(db, auth, update, &clock(ctx)?).await?;
        PartnerGroupPayload::from_result(ctx, result).await
    }

    /// Deletes a group: its memberships go, its partners stay.
    async fn delete_partner_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The group to delete.")] input: DeletePartnerGroupInput,
    ) -> async_graphql::Result<PartnerGroupPayload> {
        let group_id = match read_group_id(&input.id) {
            Ok(id) => id,
            Err(refused) => return Ok(refused),
        };
        let result = groups::delete(db(ctx)?, auth(ctx)?, group_id, &clock(ctx)?).await?;
        let result = result.map(|group| GroupInfo {
            group,
            member_count: 0,
        });
        PartnerGroupPayload::from_result(ctx, result).await
    }
}
