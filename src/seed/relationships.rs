//! `campaign_partners`: how each campaign sees a partner (type, stage, source, dates, assigned
//! user, compliance, client cost and tracking settings), consistent with the contracts the
//! partner gets. The first relationships of each campaign take every stage, type, source and
//! contract scenario once, so even a small campaign shows them all.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sea_orm::Value;

use super::generator::Generator;
use super::insert::next;
use super::pick::{between, chance, cover, pick, weighted};
use super::profiles::{before, PartnerInfo};
use super::tables::CAMPAIGN_PARTNERS;
use crate::domain::{ContractStatus, ProspectingSource, RelationshipStage, RelationshipType};

/// The contract story of one relationship.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scenario {
    /// No contract (a prospect).
    None,
    /// One active contract.
    Active,
    /// Active, plus a proposal awaiting the partner.
    Pending,
    /// Active, plus a scheduled switch to another template.
    UpcomingSwitch,
    /// Active, with an expiry scheduled in the future.
    UpcomingExpiry,
    /// Active, plus an earlier proposal the partner declined.
    Declined,
    /// The partnership is suspended.
    Suspended,
    /// The contract expired.
    Expired,
    /// Negotiating: a proposal awaits the partner.
    Proposed,
    /// Negotiating: the partner declined the proposal.
    Rejected,
}

/// Scenarios forced on relationships 5.. of each campaign (after the five stages).
const FORCED: &[Scenario] = &[
    Scenario::Suspended,
    Scenario::Pending,
    Scenario::UpcomingSwitch,
    Scenario::UpcomingExpiry,
    Scenario::Declined,
    Scenario::Active,
];

/// What contracts, answers, groups and notes need to know of a relationship.
pub(crate) struct Rel {
    /// The relationship's coverage index within its campaign.
    pub k: usize,
    /// The campaign's id.
    pub campaign_id: i64,
    /// The partner's id.
    pub partner_id: i64,
    /// The contract story.
    pub scenario: Scenario,
    /// When the relationship started (prospect created, application or join).
    pub created_at: DateTime<Utc>,
    /// When the partner joined (joined and expired relationships).
    pub date_joined: Option<DateTime<Utc>>,
}

const STAGES: &[(RelationshipStage, u32)] = &[
    (RelationshipStage::Joined, 72),
    (RelationshipStage::Expired, 8),
    (RelationshipStage::Negotiating, 8),
    (RelationshipStage::New, 6),
    (RelationshipStage::Outreach, 6),
];

const JOINED_SCENARIOS: &[(Scenario, u32)] = &[
    (Scenario::Active, 780),
    (Scenario::Pending, 60),
    (Scenario::UpcomingSwitch, 50),
    (Scenario::Suspended, 50),
    (Scenario::UpcomingExpiry, 30),
    (Scenario::Declined, 30),
];

fn source(rng: &mut super::pick::Rng8, marketplace: bool) -> Option<ProspectingSource> {
    use ProspectingSource::*;
    if chance(rng, 0.08) {
        return None;
    }
    let weights: &[(ProspectingSource, u32)] = if marketplace {
        &[
            (Marketplace, 40),
            (Applications, 35),
            (ImpactAi, 8),
            (ExtendedSearch, 5),
            (CreatorSearch, 4),
            (Messaging, 3),
            (StaffRecommended, 2),
            (ProspectImport, 1),
            (Other, 2),
        ]
    } else {
        &[
            (Applications, 45),
            (Other, 15),
            (ProspectImport, 10),
            (Messaging, 8),
            (StaffRecommended, 7),
            (ExtendedSearch, 5),
            (CreatorSearch, 5),
            (ImpactAi, 5),
        ]
    };
    Some(weighted(rng, weights))
}

impl Generator {
    /// The relationship of the partner with campaign `c` (its `joined`-th one).
    pub(crate) fn relationship(&mut self, c: usize, partner: &PartnerInfo) -> Rel {
        let k = self.campaigns[c].joined;
        let campaign_id = self.campaigns[c].id;
        let now = self.now;
        let rng = &mut self.rng;
        let kind = cover(k, RelationshipType::ALL).unwrap_or_else(|| {
            weighted(
                rng,
                &[
                    (RelationshipType::Marketplace, 70),
                    (RelationshipType::Direct, 30),
                ],
            )
        });
        let marketplace = kind == RelationshipType::Marketplace;
        let forced = k
            .checked_sub(RelationshipStage::ALL.len())
            .and_then(|i| FORCED.get(i))
            .copied();
        let stage = match (cover(k, RelationshipStage::ALL), forced) {
            (Some(stage), _) => stage,
            (None, Some(_)) => RelationshipStage::Joined,
            (None, None) => weighted(rng, STAGES),
        };
        let scenario = match stage {
            RelationshipStage::Joined => forced.unwrap_or_else(|| weighted(rng, JOINED_SCENARIOS)),
            RelationshipStage::Expired => Scenario::Expired,
            RelationshipStage::Negotiating => weighted(
                rng,
                &[
                    (Scenario::Proposed, 40),
                    (Scenario::Rejected, 15),
                    (Scenario::None, 45),
                ],
            ),
            RelationshipStage::New | RelationshipStage::Outreach => Scenario::None,
        };
        let prospecting = cover(k, ProspectingSource::ALL)
            .map(Some)
            .unwrap_or_else(|| source(rng, marketplace));
        let floor = partner.created_at.max(now - Duration::days(1_095));
        let (date_joined, applied, created_at) = match stage {
            RelationshipStage::Joined | RelationshipStage::Expired => {
                let latest = if stage == RelationshipStage::Expired {
                    now - Duration::days(60)
                } else {
                    now
                };
                let joined = between(rng, floor.min(latest), latest);
                let applied = marketplace.then(|| before(rng, joined, 21, partner.created_at));
                (Some(joined), applied, applied.unwrap_or(joined))
            }
            _ => {
                let created = between(rng, partner.created_at.max(now - Duration::days(365)), now);
                let applied_share = if stage == RelationshipStage::Negotiating {
                    0.7
                } else {
                    0.3
                };
                let applied =
                    (marketplace && chance(rng, applied_share)).then(|| between(rng, created, now));
                (None, applied, created)
            }
        };
        let contract_status = match scenario {
            Scenario::None | Scenario::Proposed | Scenario::Rejected => None,
            Scenario::Suspended => Some(ContractStatus::Suspended),
            Scenario::Expired => Some(ContractStatus::Expired),
            _ => Some(ContractStatus::Active),
        };
        let assigned =
            (!self.users.is_empty() && chance(rng, 0.6)).then(|| *pick(rng, &self.users));
        let access_url = !marketplace && date_joined.is_some() && chance(rng, 0.35);
        let frequency = chance(rng, 0.6).then(|| {
            *pick(
                rng,
                &[
                    "DEFAULT",
                    "DEFAULT",
                    "DEFAULT",
                    "MONTHLY",
                    "MONTHLY",
                    "QUARTERLY",
                    "WEEKLY",
                ],
            )
        });
        let audit_rate: Option<i32> = frequency.map(|_| rng.random_range(0..=20) * 5);
        let client_cost = chance(rng, 0.25);
        let cost_type =
            client_cost.then(|| *pick(rng, &["PAYOUT_PLUS_FEE", "FIXED_FEE", "PERCENT_FEE"]));
        let tracking = weighted(
            rng,
            &[
                (None, 30),
                (Some("NONE"), 30),
                (Some("PIXEL"), 20),
                (Some("POSTBACK"), 20),
            ],
        );
        let postback = (tracking == Some("POSTBACK")).then(|| {
            format!(
                "https://track.{}/postback?click_id={{clickid}}&amount={{amount}}",
                partner.domain
            )
        });
        let pixel = (tracking == Some("PIXEL"))
            .then(|| format!("https://{}/pixel.gif?oid={{order_id}}", partner.domain));
        let updated_at = between(rng, created_at, now);
        let id = next(&mut self.ids.relationship);
        let listing = &partner.listing;
        self.batch.rows(&CAMPAIGN_PARTNERS).push([
            id.into(),
            self.account_id.into(),
            campaign_id.into(),
            partner.id.into(),
            Value::from(kind.as_str()),
            Value::from(stage.as_str()),
            prospecting.map(|s| s.as_str().to_owned()).into(),
            contract_status.map(|s| s.as_str().to_owned()).into(),
            date_joined.into(),
            applied.into(),
            assigned.into(),
            access_url.into(),
            frequency.map(str::to_owned).into(),
            audit_rate.into(),
            client_cost.into(),
            cost_type.map(str::to_owned).into(),
            tracking.map(str::to_owned).into(),
            postback.into(),
            pixel.into(),
            created_at.into(),
            updated_at.into(),
            listing.partner_name.clone().into(),
            listing.search_text.clone().into(),
            listing.country.clone().into(),
            listing.state_province.clone().into(),
            listing.size_rank.into(),
            listing.social_reach.into(),
            listing.moz_domain_authority.into(),
            listing.email.clone().into(),
        ]);
        Rel {
            k,
            campaign_id,
            partner_id: partner.id,
            scenario,
            created_at,
            date_joined,
        }
    }
}
