//! The Partner Groups handlers: parse the wire format, call `service::groups`, answer in the
//! product's JSON. Wire-level checks (ids, paging, the form) come before any service call.

use axum::extract::{Request, State};
use axum::http::Uri;
use axum::Json;

use super::caller::Caller;
use super::envelope::RestError;
use super::form::FormBody;
use super::paging::{PageFields, PageRequest, DEFAULT_GROUPS_PAGE_SIZE, DEFAULT_MEMBERS_PAGE_SIZE};
use super::wire::{group_uri, groups_path, Deleted, Group, GroupDetail, GroupList, Written};
use crate::domain::limits::{MAX_LISTED_MEMBERS, MAX_MEMBERS_PER_LISTED_GROUP};
use crate::http::AppState;
use crate::service::groups::{self, GroupUpdate, NewGroup};

/// `GET .../Campaigns/{CampaignId}/MediaPartnerGroups`: a page of the campaign's groups (by
/// name), each with its first members (see [`members_per_listed_group`]; the first members of
/// up to 100 groups in one statement), and where a group has more, the URI of their next page.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<GroupList>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let request = PageRequest::from_uri(&uri, DEFAULT_GROUPS_PAGE_SIZE)?;
    let (page, total) = groups::page(
        &state.db,
        &caller.auth,
        campaign_id,
        request.offset(),
        request.size,
    )
    .await?;
    let ids: Vec<i64> = page.iter().map(|group| group.id).collect();
    // By the groups the page holds, not the size asked for: a short last page, or a large
    // `PageSize` over a few groups, still shows 100 members each.
    let shown = members_per_listed_group(page.len() as u64);
    // One more than shown tells whether there are more.
    let mut members = groups::first_members(&state.db, &caller.auth, &ids, shown + 1).await?;
    let sid = caller.sid();
    let fields = PageFields::new(&groups_path(sid, campaign_id), request, total, page.len());
    let groups = page
        .iter()
        .map(|group| {
            let mut group_members = members.remove(&group.id).unwrap_or_default();
            let more = group_members.len() as u64 > shown;
            group_members.truncate(usize::try_from(shown).unwrap_or(usize::MAX));
            let mut listed = Group::new(sid, group, group_members);
            if more {
                let members_page = PageRequest {
                    page: 2,
                    size: shown,
                };
                listed.media_partners_next_page_uri = Some(members_page.uri(&listed.uri));
            }
            listed
        })
        .collect();
    Ok(Json(GroupList {
        page: fields,
        groups,
    }))
}

/// How many members each group of a list page shows: 100, fewer when the page holds so many
/// groups that 100 each would pass 20,000 members in all (at least one).
pub fn members_per_listed_group(groups_on_page: u64) -> u64 {
    (MAX_LISTED_MEMBERS / groups_on_page.max(1)).clamp(1, MAX_MEMBERS_PER_LISTED_GROUP)
}

/// `POST .../Campaigns/{CampaignId}/MediaPartnerGroups`: form `Name`, optional `MediaPartners`.
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<Json<Written>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let form = FormBody::read(request).await?;
    let input = NewGroup {
        campaign_id,
        // A missing Name is reported by the service exactly like a blank one.
        name: form.get("Name").unwrap_or_default().to_owned(),
        partner_ids: form.ids("MediaPartners")?,
    };
    let created = groups::create(&state.db, &caller.auth, input, &state.clock)
        .await?
        .map_err(RestError::from_user_errors)?;
    let group = created.group;
    Ok(Json(Written::ok(group_uri(
        caller.sid(),
        group.campaign_id,
        group.id,
    ))))
}

/// `GET .../MediaPartnerGroups/{PartnerGroupId}`: the group with one page of its members
/// (count, then the page by keyed offset on the membership's primary key).
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> Result<Json<GroupDetail>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let group_id = caller.last_id("PartnerGroupId")?;
    let request = PageRequest::from_uri(&uri, DEFAULT_MEMBERS_PAGE_SIZE)?;
    let group = groups::get_in_campaign(&state.db, &caller.auth, campaign_id, group_id).await?;
    let total = groups::member_counts(&state.db, &caller.auth, &[group.id])
        .await?
        .get(&group.id)
        .copied()
        .unwrap_or(0);
    let total = u64::try_from(total).unwrap_or(0);
    let members = if request.offset() < total {
        groups::members_page(
            &state.db,
            &caller.auth,
            group.id,
            request.offset(),
            request.size,
        )
        .await?
    } else {
        Vec::new()
    };
    let sid = caller.sid();
    let path = group_uri(sid, group.campaign_id, group.id);
    Ok(Json(GroupDetail {
        page: PageFields::new(&path, request, total, members.len()),
        group: Group::new(sid, &group, members),
    }))
}

/// `PUT .../MediaPartnerGroups/{PartnerGroupId}`: form `Name` (optional, not blank),
/// `MediaPartnersAdd`, `MediaPartnersRemove`.
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<Json<Written>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let group_id = caller.last_id("PartnerGroupId")?;
    let form = FormBody::read(request).await?;
    let add_partner_ids = form.ids("MediaPartnersAdd")?;
    let remove_partner_ids = form.ids("MediaPartnersRemove")?;
    let group = groups::get_in_campaign(&state.db, &caller.auth, campaign_id, group_id).await?;
    let input = GroupUpdate {
        group_id: group.id,
        name: form.get("Name").map(str::to_owned),
        add_partner_ids,
        remove_partner_ids,
    };
    let updated = groups::update(&state.db, &caller.auth, input, &state.clock)
        .await?
        .map_err(RestError::from_user_errors)?;
    let group = updated.group;
    Ok(Json(Written::ok(group_uri(
        caller.sid(),
        group.campaign_id,
        group.id,
    ))))
}

/// `DELETE .../MediaPartnerGroups/{PartnerGroupId}`: the group goes, its partners stay.
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Deleted>, RestError> {
    let campaign_id = caller.id("CampaignId")?;
    let group_id = caller.last_id("PartnerGroupId")?;
    let group = groups::get_in_campaign(&state.db, &caller.auth, campaign_id, group_id).await?;
    groups::delete(&state.db, &caller.auth, group.id, &state.clock)
        .await?
        .map_err(RestError::from_user_errors)?;
    Ok(Json(Deleted { status: "DELETED" }))
}
