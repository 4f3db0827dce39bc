//! The cells of an exported row: each column of the list's catalog as text or a number, read
//! from the partner's row and the relations its page loaded (only those the chosen columns
//! need, one statement per relation for the whole page). Several values in one cell are joined
//! with `"; "`.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::ConnectionTrait;

use crate::auth::AuthContext;
use crate::domain::{attribute, ContractRecordStatus};
use crate::error::AppResult;
use crate::service::access_url;
use crate::service::partners::relations::{self, AnswerRecord};
use crate::service::partners::{display, PartnerKey, PartnerRecord};

use entity::{media_property, partner_attribute, partner_contact, partner_contract, partner_group};

/// Joins the values of a multi-valued cell.
pub const SEPARATOR: &str = "; ";

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number.
    Number(f64),
}

impl Cell {
    fn text(value: Option<impl Into<String>>) -> Cell {
        match value {
            Some(v) => {
                let v = v.into();
                if v.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(v)
                }
            }
            None => Cell::Empty,
        }
    }

    fn list<I: IntoIterator<Item = S>, S: AsRef<str>>(values: I) -> Cell {
        Cell::joined(values, SEPARATOR)
    }

    fn joined<I: IntoIterator<Item = S>, S: AsRef<str>>(values: I, separator: &str) -> Cell {
        let parts: Vec<String> = values
            .into_iter()
            .map(|v| v.as_ref().to_owned())
            .filter(|v| !v.is_empty())
            .collect();
        Cell::text(Some(parts.join(separator)))
    }

    fn time(at: Option<DateTime<Utc>>) -> Cell {
        Cell::text(at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)))
    }

    fn yes_no(value: bool) -> Cell {
        Cell::Text(if value { "Yes" } else { "No" }.to_owned())
    }
}

/// What a column shows: a built-in column of the catalog, or a custom field's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Access,
    Partner,
    PartnerId,
    DirectPartner,
    Groups,
    Contract,
    DateJoined,
    Country,
    StateProvince,
    Size,
    Email,
    MediaProperties,
    BusinessModel,
    SocialReach,
    MarketplaceApplicationDate,
    AudienceCountry,
    AssignedTo,
    Description,
    PromotionalAreas,
    ContactName,
    Address,
    MozDomainAuthority,
    Categories,
    ProspectingSource,
    RelationshipStage,
    ContractStatus,
    Report,
    CustomField(i64),
}

impl Source {
    /// The kind of partner attribute the column shows, for attribute columns.
    fn attribute_kind(self) -> Option<&'static str> {
        match self {
            Source::BusinessModel => Some(attribute::BUSINESS_MODEL),
            Source::AudienceCountry => Some(attribute::AUDIENCE_COUNTRY),
            Source::PromotionalAreas => Some(attribute::PROMOTIONAL_AREA),
            Source::Categories => Some(attribute::CATEGORY),
            _ => None,
        }
    }

    /// The source of a catalog column (`None` for a key the export does not know).
    pub fn of(key: &str, custom_field_id: Option<i64>) -> Option<Source> {
        if let Some(id) = custom_field_id {
            return Some(Source::CustomField(id));
        }
        Some(match key {
            "access" => Source::Access,
            "partner" => Source::Partner,
            "partnerId" => Source::PartnerId,
            "directPartner" => Source::DirectPartner,
            "groups" => Source::Groups,
            "contract" => Source::Contract,
            "dateJoined" => Source::DateJoined,
            "country" => Source::Country,
            "stateProvince" => Source::StateProvince,
            "size" => Source::Size,
            "email" => Source::Email,
            "mediaProperties" => Source::MediaProperties,
            "businessModel" => Source::BusinessModel,
            "socialReach" => Source::SocialReach,
            "marketplaceApplicationDate" => Source::MarketplaceApplicationDate,
            "audienceCountry" => Source::AudienceCountry,
            "assignedTo" => Source::AssignedTo,
            "description" => Source::Description,
            "promotionalAreas" => Source::PromotionalAreas,
            "contactName" => Source::ContactName,
            "address" => Source::Address,
            "mozDomainAuthority" => Source::MozDomainAuthority,
            "categories" => Source::Categories,
            "prospectingSource" => Source::ProspectingSource,
            "relationshipStage" => Source::RelationshipStage,
            "contractStatus" => Source::ContractStatus,
            "report" => Source::Report,
            _ => return None,
        })
    }
}

/// The relations of one page of partners that the chosen columns need.
#[derive(Default)]
pub struct Related {
    groups: HashMap<PartnerKey, Vec<partner_group::Model>>,
    contracts: HashMap<PartnerKey, Vec<partner_contract::Model>>,
    media: HashMap<i64, Vec<media_property::Model>>,
    contacts: HashMap<i64, Vec<partner_contact::Model>>,
    attributes: HashMap<i64, Vec<partner_attribute::Model>>,
    answers: HashMap<PartnerKey, Vec<AnswerRecord>>,
    /// The account's time zone: a contract's dates are its calendar days.
    zone: chrono_tz::Tz,
}

impl Related {
    /// Reads what `sources` need for `records`: one statement per relation needed.
    pub async fn load(
        db: &impl ConnectionTrait,
        auth: &AuthContext,
        zone: chrono_tz::Tz,
        sources: &[Source],
        records: &[PartnerRecord],
    ) -> AppResult<Related> {
        let needs = |wanted: &[Source]| sources.iter().any(|s| wanted.contains(s));
        let keys: Vec<PartnerKey> = records.iter().map(key).collect();
        let ids: Vec<i64> = records.iter().map(|r| r.profile.id).collect();
        let mut related = Related {
            zone,
            ..Related::default()
        };
        if records.is_empty() {
            return Ok(related);
        }
        if needs(&[Source::Groups]) {
            related.groups = relations::groups(db, auth, &keys).await?;
        }
        if needs(&[Source::Contract]) {
            let shown = [
                ContractRecordStatus::Active,
                ContractRecordStatus::Suspended,
                ContractRecordStatus::Pending,
                ContractRecordStatus::Upcoming,
            ]
            .map(ContractRecordStatus::as_str);
            related.contracts = relations::contracts_in(db, auth, &keys, Some(&shown)).await?;
        }
        if needs(&[Source::MediaProperties]) {
            related.media = relations::media_properties(db, &ids).await?;
        }
        if needs(&[Source::ContactName]) {
            related.contacts = relations::contacts(db, &ids).await?;
        }
        let kinds: Vec<&str> = sources.iter().filter_map(|s| s.attribute_kind()).collect();
        if !kinds.is_empty() {
            related.attributes = relations::attributes_of_kinds(db, &ids, Some(&kinds)).await?;
        }
        let fields: Vec<i64> = sources
            .iter()
            .filter_map(|s| match s {
                Source::CustomField(id) => Some(*id),
                _ => None,
            })
            .collect();
        if !fields.is_empty() {
            related.answers =
                relations::custom_field_answers_of(db, auth, &keys, Some(&fields)).await?;
        }
        Ok(related)
    }

    fn attribute_cell(&self, record: &PartnerRecord, kind: &str) -> Cell {
        let values = self
            .attributes
            .get(&record.profile.id)
            .into_iter()
            .flatten();
        Cell::list(values.filter(|a| a.kind == kind).map(|a| a.value.as_str()))
    }

    /// The contract in force, then pending proposals, then upcoming switches (each newest
    /// start first), as the list's contract column shows them.
    fn contract_cell(&self, record: &PartnerRecord) -> Cell {
        let all = self.contracts.get(&key(record)).into_iter().flatten();
        // The account's calendar day: a contract starts at its first instant and ends at
        // the last second of its last, in the account's time zone.
        let date = |d: DateTime<Utc>| d.with_timezone(&self.zone).format("%Y-%m-%d").to_string();
        let mut parts: Vec<(u8, String)> = Vec::new();
        for c in all {
            match ContractRecordStatus::parse(&c.status) {
                Some(status @ (ContractRecordStatus::Active | ContractRecordStatus::Suspended)) => {
                    let ends = c
                        .end_date
                        .map(|d| format!(", ends {}", date(d)))
                        .unwrap_or_default();
                    let expires = c
                        .expires_at
                        .map(|d| format!(", expires {}", date(d)))
                        .unwrap_or_default();
                    let ends = ends + &expires;
                    parts.push((0, format!("{} ({}{ends})", c.name, status.as_str())));
                }
                Some(ContractRecordStatus::Pending) => {
                    parts.push((
                        1,
                        format!("pending: {} from {}", c.name, date(c.start_date)),
                    ));
                }
                Some(ContractRecordStatus::Upcoming) => {
                    parts.push((
                        2,
                        format!("upcoming: {} from {}", c.name, date(c.start_date)),
                    ));
                }
                _ => {}
            }
        }
        // Stable: within a kind, the records keep their newest-first order.
        parts.sort_by_key(|(rank, _)| *rank);
        Cell::list(parts.into_iter().map(|(_, text)| text))
    }

    fn custom_field_cell(&self, record: &PartnerRecord, field_id: i64) -> Cell {
        let answers = self.answers.get(&key(record)).into_iter().flatten();
        let Some(found) = answers.into_iter().find(|a| a.answer.field_id == field_id) else {
            return Cell::Empty;
        };
        let a = &found.answer;
        if !found.options.is_empty() {
            return Cell::list(found.options.iter().map(|o| o.label.as_str()));
        }
        if let Some(n) = a.number_value {
            return Cell::Number(n);
        }
        if let Some(d) = a.date_value {
            return Cell::Text(d.format("%Y-%m-%d").to_string());
        }
        Cell::text(a.text_value.clone().or_else(|| a.file_url.clone()))
    }

    /// The cell of `source` for `record`.
    pub fn cell(&self, record: &PartnerRecord, source: Source) -> Cell {
        let p = &record.profile;
        let r = &record.relationship;
        match source {
            Source::Access => Cell::yes_no(access_url::eligible(r)),
            Source::Partner => Cell::Text(p.name.clone()),
            Source::PartnerId => Cell::Int(p.id),
            Source::DirectPartner => Cell::yes_no(
                r.relationship_type == crate::domain::RelationshipType::Direct.as_str(),
            ),
            Source::Groups => Cell::list(
                self.groups
                    .get(&key(record))
                    .into_iter()
                    .flatten()
                    .map(|g| g.name.as_str()),
            ),
            Source::Contract => self.contract_cell(record),
            Source::DateJoined => Cell::time(r.date_joined),
            Source::Country => Cell::text(p.country.clone()),
            Source::StateProvince => Cell::text(p.state_province.clone()),
            Source::Size => Cell::text(p.size.clone()),
            Source::Email => Cell::text(p.email.clone()),
            Source::MediaProperties => Cell::list(
                self.media
                    .get(&p.id)
                    .into_iter()
                    .flatten()
                    .map(|m| format!("{} ({})", m.name, m.url)),
            ),
            Source::BusinessModel => self.attribute_cell(record, attribute::BUSINESS_MODEL),
            Source::SocialReach => Cell::Int(p.social_reach),
            Source::MarketplaceApplicationDate => Cell::time(r.marketplace_applied_at),
            Source::AudienceCountry => self.attribute_cell(record, attribute::AUDIENCE_COUNTRY),
            Source::AssignedTo => Cell::text(record.assigned_user.as_ref().map(|u| u.name.clone())),
            Source::Description => Cell::text(p.description.clone()),
            Source::PromotionalAreas => self.attribute_cell(record, attribute::PROMOTIONAL_AREA),
            Source::ContactName => Cell::list(
                self.contacts
                    .get(&p.id)
                    .into_iter()
                    .flatten()
                    .map(|c| c.name.as_str()),
            ),
            Source::Address => Cell::joined(
                [
                    &p.address_line1,
                    &p.address_line2,
                    &p.city,
                    &p.postal_code,
                    &p.state_province,
                    &p.country,
                ]
                .into_iter()
                .flatten(),
                ", ",
            ),
            Source::MozDomainAuthority => match p.moz_domain_authority {
                Some(v) => Cell::Int(i64::from(v)),
                None => Cell::Empty,
            },
            Source::Categories => self.attribute_cell(record, attribute::CATEGORY),
            Source::ProspectingSource => Cell::text(r.prospecting_source.clone()),
            Source::RelationshipStage => Cell::Text(r.relationship_stage.clone()),
            Source::ContractStatus => Cell::text(r.contract_status.clone()),
            Source::Report => Cell::Text(display::report_url(r)),
            Source::CustomField(id) => self.custom_field_cell(record, id),
        }
    }
}

fn key(record: &PartnerRecord) -> PartnerKey {
    PartnerKey {
        campaign_id: record.relationship.campaign_id,
        partner_id: record.relationship.partner_id,
    }
}
