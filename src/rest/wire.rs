//! The JSON shapes of the REST API, as serde structs whose field order is the wire order.
//! Every scalar is a string; absent values are `""`.

use chrono::SecondsFormat;
use serde::Serialize;

use super::paging::PageFields;
use crate::service::groups::Member;
use crate::service::partners::PartnerRecord;

use entity::partner_group;

/// `/Advertisers/<SID>/Campaigns/<CampaignId>/MediaPartnerGroups`.
pub fn groups_path(sid: &str, campaign_id: i64) -> String {
    format!("/Advertisers/{sid}/Campaigns/{campaign_id}/MediaPartnerGroups")
}

/// `/Advertisers/<SID>/Campaigns/<CampaignId>/MediaPartnerGroups/<Id>`.
pub fn group_uri(sid: &str, campaign_id: i64, group_id: i64) -> String {
    format!("{}/{group_id}", groups_path(sid, campaign_id))
}

/// `/Advertisers/<SID>/MediaPartners/<PartnerId>`.
pub fn partner_uri(sid: &str, partner_id: i64) -> String {
    format!("/Advertisers/{sid}/MediaPartners/{partner_id}")
}

/// A partner in a group's `MediaPartners`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupMember {
    /// The partner's id.
    pub partner_id: String,
    /// The partner's display name.
    pub partner_name: String,
    /// Where the partner is read.
    pub partner_uri: String,
}

impl GroupMember {
    /// A member as the account `sid` sees it.
    pub fn new(sid: &str, member: Member) -> Self {
        GroupMember {
            partner_id: member.partner_id.to_string(),
            partner_name: member.name,
            partner_uri: partner_uri(sid, member.partner_id),
        }
    }
}

/// A partner group with (a page of) its members.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    /// The group's id.
    pub id: String,
    /// The group's name.
    pub name: String,
    /// Its members, by partner id (in a list of groups, the first few).
    pub media_partners: Vec<GroupMember>,
    /// In a list of groups, when the group has more members than it shows: the group's next
    /// page of members (absent otherwise, so the product's shape is unchanged).
    #[serde(
        rename = "@mediapartnersnextpageuri",
        skip_serializing_if = "Option::is_none"
    )]
    pub media_partners_next_page_uri: Option<String>,
    /// Where the group is read, changed and deleted.
    pub uri: String,
}

impl Group {
    /// A group of the account `sid` with these members.
    pub fn new(sid: &str, group: &partner_group::Model, members: Vec<Member>) -> Self {
        Group {
            id: group.id.to_string(),
            name: group.name.clone(),
            media_partners: members
                .into_iter()
                .map(|m| GroupMember::new(sid, m))
                .collect(),
            media_partners_next_page_uri: None,
            uri: group_uri(sid, group.campaign_id, group.id),
        }
    }
}

/// `GET .../MediaPartnerGroups`: the page fields, then `Groups`.
#[derive(Clone, Debug, Serialize)]
pub struct GroupList {
    /// Which page of groups this is.
    #[serde(flatten)]
    pub page: PageFields,
    /// The groups of the page, each with its first members.
    #[serde(rename = "Groups")]
    pub groups: Vec<Group>,
}

/// `GET .../MediaPartnerGroups/{Id}`: the page fields of the members, then the group.
#[derive(Clone, Debug, Serialize)]
pub struct GroupDetail {
    /// Which page of the group's members `MediaPartners` holds.
    #[serde(flatten)]
    pub page: PageFields,
    /// The group.
    #[serde(flatten)]
    pub group: Group,
}

/// The answer of a create or update: `{"Status":"OK","Uri":...}`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Written {
    /// Always `OK`.
    pub status: &'static str,
    /// The group written.
    pub uri: String,
}

impl Written {
    /// A successful write of the group at `uri`.
    pub fn ok(uri: String) -> Self {
        Written { status: "OK", uri }
    }
}

/// The answer of a delete: `{"Status":"DELETED"}`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Deleted {
    /// Always `DELETED`.
    pub status: &'static str,
}

/// `GET /Advertisers/{SID}/MediaPartners/{Id}`: the partner's profile and when it joined the
/// account (its relationship with the account's lowest-numbered campaign that has it).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Partner {
    /// The partner's id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Profile description.
    pub description: String,
    /// Website URL.
    pub website: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// ISO 3166-2 subdivision code (`US-CA`).
    pub state: String,
    /// Contact e-mail.
    pub email: String,
    /// Size tier (`EXTRA_SMALL` … `EXTRA_LARGE`).
    pub size: String,
    /// When the partner joined (RFC 3339, UTC).
    pub date_joined: String,
    /// This resource.
    pub uri: String,
}

impl Partner {
    /// The partner as the account `sid` sees it.
    pub fn new(sid: &str, record: PartnerRecord) -> Self {
        let p = record.profile;
        let text = |v: Option<String>| v.unwrap_or_default();
        Partner {
            id: p.id.to_string(),
            uri: partner_uri(sid, p.id),
            name: p.name,
            description: text(p.description),
            website: text(p.website_url),
            country: text(p.country),
            state: text(p.state_province),
            email: text(p.email),
            size: text(p.size),
            date_joined: record
                .relationship
                .date_joined
                .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
                .unwrap_or_default(),
        }
    }
}
