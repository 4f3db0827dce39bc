//! The JSON shapes of the account-level resources: `CompanyInformation`, `Campaigns` and
//! `Notes`. Every scalar is a string; absent values are `""`; URIs carry no `.json`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::paging::PageFields;
use super::wire::groups_path;
use crate::service::notes::read::ListedNote;

use entity::{account, campaign};

/// A time on the wire: RFC 3339 in UTC, to the second.
pub fn wire_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `/Advertisers/<SID>/CompanyInformation`.
pub fn company_path(sid: &str) -> String {
    format!("/Advertisers/{sid}/CompanyInformation")
}

/// `/Advertisers/<SID>/Campaigns`.
pub fn campaigns_path(sid: &str) -> String {
    format!("/Advertisers/{sid}/Campaigns")
}

/// `/Advertisers/<SID>/Campaigns/<Id>`.
pub fn campaign_uri(sid: &str, campaign_id: i64) -> String {
    format!("{}/{campaign_id}", campaigns_path(sid))
}

/// `/Advertisers/<SID>/Campaigns/<Id>/Notes`.
pub fn notes_path(sid: &str, campaign_id: i64) -> String {
    format!("{}/Notes", campaign_uri(sid, campaign_id))
}

/// `/Advertisers/<SID>/Campaigns/<Id>/CustomFields`.
pub fn custom_fields_path(sid: &str, campaign_id: i64) -> String {
    format!("{}/CustomFields", campaign_uri(sid, campaign_id))
}

/// `/Advertisers/<SID>/Campaigns/<Id>/Notes/<NoteId>`.
pub fn note_uri(sid: &str, campaign_id: i64, note_id: i64) -> String {
    format!("{}/{note_id}", notes_path(sid, campaign_id))
}

/// `GET /Advertisers/{SID}/CompanyInformation`: the account's company, a single record (no
/// page fields). Fields the account holds no value for are `""`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompanyInformation {
    /// The account's (company's) name.
    pub company_name: String,
    /// The company's website.
    pub website: String,
    /// The company's main phone number.
    pub primary_phone_number: String,
    /// The currency the company is billed in.
    pub currency: String,
    /// The account's time zone (an IANA name: dates such as a contract's expiry are its days).
    pub timezone: String,
    /// The account's id (`AccountSID`).
    pub account_sid: String,
    /// When the account was created.
    pub date_created: String,
    /// The account's campaigns: where a client walks on.
    pub campaigns_uri: String,
    /// This resource.
    pub uri: String,
}

impl CompanyInformation {
    /// The company information of `account`.
    pub fn new(account: &account::Model) -> Self {
        CompanyInformation {
            company_name: account.name.clone(),
            website: String::new(),
            primary_phone_number: String::new(),
            currency: String::new(),
            timezone: account.time_zone.clone(),
            account_sid: account.sid.clone(),
            date_created: wire_time(account.created_at),
            campaigns_uri: campaigns_path(&account.sid),
            uri: company_path(&account.sid),
        }
    }
}

/// A campaign (program) with the URIs of what it holds.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Campaign {
    /// The campaign's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `ACTIVE`, `PAUSED` or `ENDED`.
    pub state: String,
    /// Its currency (ISO 4217).
    pub currency: String,
    /// When it was created.
    pub date_created: String,
    /// Its partner groups.
    pub media_partner_groups_uri: String,
    /// Its notes about partners.
    pub notes_uri: String,
    /// Its custom fields.
    pub custom_fields_uri: String,
    /// This resource.
    pub uri: String,
}

impl Campaign {
    /// `campaign` as the account `sid` sees it.
    pub fn new(sid: &str, campaign: &campaign::Model) -> Self {
        Campaign {
            id: campaign.id.to_string(),
            name: campaign.name.clone(),
            state: campaign.state.clone(),
            currency: campaign.currency.clone(),
            date_created: wire_time(campaign.created_at),
            media_partner_groups_uri: groups_path(sid, campaign.id),
            notes_uri: notes_path(sid, campaign.id),
            custom_fields_uri: custom_fields_path(sid, campaign.id),
            uri: campaign_uri(sid, campaign.id),
        }
    }
}

/// `GET .../Campaigns`: the page fields, then `Campaigns`.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignList {
    /// Which page of campaigns this is.
    #[serde(flatten)]
    pub page: PageFields,
    /// The campaigns of the page, by id.
    #[serde(rename = "Campaigns")]
    pub campaigns: Vec<Campaign>,
}

/// A note about a partner.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Note {
    /// The note's id.
    pub id: String,
    /// The campaign's id.
    pub campaign_id: String,
    /// The partner's id.
    pub media_id: String,
    /// The partner's name.
    pub media_name: String,
    /// The text.
    pub content: String,
    /// `EMAIL`, `IM`, `PHONE` or `NONE`.
    #[serde(rename = "Type")]
    pub note_type: String,
    /// Who wrote it (`""` once that user is gone).
    pub creator: String,
    /// When it was written.
    pub creation_date: String,
    /// When it was last changed (its creation when never edited).
    pub modification_date: String,
    /// Files attached (none: the API takes text only).
    pub attachments: Vec<String>,
    /// This resource.
    pub uri: String,
}

impl Note {
    /// A listed note as the account `sid` sees it.
    pub fn new(sid: &str, listed: ListedNote) -> Self {
        let n = listed.note;
        Note {
            id: n.id.to_string(),
            campaign_id: n.campaign_id.to_string(),
            media_id: n.partner_id.to_string(),
            media_name: listed.partner_name,
            content: n.body,
            note_type: n.note_type,
            creator: listed.author_name.unwrap_or_default(),
            creation_date: wire_time(n.created_at),
            modification_date: wire_time(n.updated_at.unwrap_or(n.created_at)),
            attachments: Vec::new(),
            uri: note_uri(sid, n.campaign_id, n.id),
        }
    }
}

/// `GET .../Notes`: the page fields, then `Notes`.
#[derive(Clone, Debug, Serialize)]
pub struct NoteList {
    /// Which page of notes this is.
    #[serde(flatten)]
    pub page: PageFields,
    /// The notes of the page, by id.
    #[serde(rename = "Notes")]
    pub notes: Vec<Note>,
}

/// A custom field (a survey question) of a campaign.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomField {
    /// The field's id.
    pub id: String,
    /// Its name (the question).
    pub name: String,
    /// Its description (`""`: fields hold none yet).
    pub description: String,
    /// How it is answered, in the product's words: `paragraph`, `number`, `date_picker`,
    /// `dropdown`, `multiple_choice` (one option), `multiple_checkbox` (any number) or `file`.
    pub display_type: String,
    /// Its options, in display order (empty for fields without options).
    pub enumerations: Vec<Enumeration>,
}

/// One option of a custom field.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Enumeration {
    /// The option's id.
    pub id: String,
    /// Its label.
    pub value: String,
}

/// `GET .../CustomFields`: the product's Custom Fields API page shape.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomFieldList {
    /// This page's number.
    pub page: String,
    /// The page size.
    pub page_size: String,
    /// How many fields the campaign has.
    pub total_count: String,
    /// The fields of the page, in display order.
    pub custom_fields: Vec<CustomField>,
}
