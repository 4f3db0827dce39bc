//! Partner profiles (`partners` and `partner_attributes`): realistic names, websites,
//! addresses, and sizes skewed towards small partners, with a social reach inside each size's
//! follower band (DOMAIN.md: 50 / 3k / 100k / 5M / 250M).

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::attributes::model_phrase;
use super::generator::Generator;
use super::geo;
use super::pick::{between, chance, cover, days_ago, log_uniform, pick, slug, weighted, Rng8};
use super::tables::PARTNERS;
use super::words::*;
use crate::domain::PartnerSize;
use crate::service::partners::listing::ListingColumns;

/// What later rows need to know of a generated partner.
pub(crate) struct PartnerInfo {
    /// The partner's id.
    pub id: i64,
    /// When the profile was created.
    pub created_at: DateTime<Utc>,
    /// The partner's web domain (`dailydealshub.com`).
    pub domain: String,
    /// The partner's size (None for unsized partners).
    pub size: Option<PartnerSize>,
    /// The partner's total social reach.
    pub social_reach: i64,
    /// The profile values every relationship row copies for the My Partners list.
    pub listing: ListingColumns,
}

/// Follower band `[lo, hi)` of each size; unsized partners have (almost) no reach.
pub(crate) fn follower_band(size: Option<PartnerSize>) -> (f64, f64) {
    match size {
        None => (1.0, 50.0),
        Some(PartnerSize::ExtraSmall) => (50.0, 3_000.0),
        Some(PartnerSize::Small) => (3_000.0, 100_000.0),
        Some(PartnerSize::Medium) => (100_000.0, 5_000_000.0),
        Some(PartnerSize::Large) => (5_000_000.0, 250_000_000.0),
        Some(PartnerSize::ExtraLarge) => (250_000_000.0, 600_000_000.0),
    }
}

/// Monthly-visit band `[lo, hi)` of each size (100 / 5k / 250k / 10M / 500M).
pub(crate) fn visit_band(size: Option<PartnerSize>) -> (f64, f64) {
    match size {
        None => (5.0, 100.0),
        Some(PartnerSize::ExtraSmall) => (100.0, 5_000.0),
        Some(PartnerSize::Small) => (5_000.0, 250_000.0),
        Some(PartnerSize::Medium) => (250_000.0, 10_000_000.0),
        Some(PartnerSize::Large) => (10_000_000.0, 500_000_000.0),
        Some(PartnerSize::ExtraLarge) => (500_000_000.0, 2_000_000_000.0),
    }
}

const SIZES: &[(Option<PartnerSize>, u32)] = &[
    (Some(PartnerSize::ExtraSmall), 420),
    (Some(PartnerSize::Small), 330),
    (Some(PartnerSize::Medium), 150),
    (Some(PartnerSize::Large), 55),
    (Some(PartnerSize::ExtraLarge), 10),
    (None, 35),
];

/// A partner name before numbering: "Daily Deals Hub", "Jane Doe Style", "The Savvy Saver", "Coupon Cabin".
fn base_name(rng: &mut Rng8) -> String {
    match weighted(rng, &[(0, 40), (1, 40), (2, 8), (3, 12)]) {
        0 => format!(
            "{} {} {}",
            pick(rng, ADJECTIVES),
            pick(rng, NOUNS),
            pick(rng, SUFFIXES)
        ),
        1 => format!(
            "{} {} {}",
            pick(rng, FIRST_NAMES),
            pick(rng, LAST_NAMES),
            pick(rng, NICHES)
        ),
        2 => format!("The {} {}", pick(rng, ADJECTIVES), pick(rng, NOUNS)),
        _ => format!("{} {}", pick(rng, NOUNS), pick(rng, SUFFIXES)),
    }
}

impl Generator {
    /// A unique-ish partner name: repeats of a base name are numbered.
    fn partner_name(&mut self) -> String {
        let base = base_name(&mut self.rng);
        let uses = self.names.entry(base.clone()).or_insert(0);
        *uses += 1;
        if *uses == 1 {
            base
        } else {
            format!("{base} {uses}")
        }
    }

    /// Generates the `index`-th partner of the account with its attributes, media and contacts.
    pub(crate) fn partner(&mut self, index: usize) -> PartnerInfo {
        let id = self.first_partner_id + index as i64;
        let name = self.partner_name();
        let rng = &mut self.rng;
        let country = geo::country(rng);
        let tld = if chance(rng, 0.6) { country.tld } else { "com" };
        let domain = unique_domain(&mut self.domains, &name, tld, index);
        let size = cover(index, PartnerSize::ALL)
            .map(Some)
            .unwrap_or_else(|| weighted(rng, SIZES));
        let (lo, hi) = follower_band(size);
        let social_reach = log_uniform(rng, lo, hi) as i64;
        let authority: Option<i32> = match size {
            _ if chance(rng, 0.2) => None,
            None | Some(PartnerSize::ExtraSmall) => Some(rng.random_range(1..=25)),
            Some(PartnerSize::Small) => Some(rng.random_range(10..=40)),
            Some(PartnerSize::Medium) => Some(rng.random_range(25..=60)),
            Some(PartnerSize::Large) => Some(rng.random_range(45..=85)),
            Some(PartnerSize::ExtraLarge) => Some(rng.random_range(70..=100)),
        };
        let models = self.attributes(id, index, country.code);
        let rng = &mut self.rng;
        let description = chance(rng, 0.85).then(|| {
            format!(
                "{name} is a {} for {}, covering {}. {}",
                model_phrase(models[0]),
                pick(rng, AUDIENCES),
                pick(rng, CATEGORIES).to_lowercase(),
                pick(rng, DESCRIPTION_TAILS)
            )
            .trim_end()
            .to_owned()
        });
        let (city, subdivision) = *pick(rng, country.cities);
        let has_address = chance(rng, 0.85);
        let address_line1 = has_address.then(|| {
            format!(
                "{} {} {}",
                rng.random_range(1..2000),
                pick(rng, STREETS),
                pick(rng, STREET_KINDS)
            )
        });
        let address_line2 = (has_address && chance(rng, 0.2))
            .then(|| format!("Suite {}", rng.random_range(100..900)));
        let postal = if has_address {
            geo::postal_code(rng, country.postal)
        } else {
            None
        };
        let state = (!subdivision.is_empty()).then(|| subdivision.to_owned());
        let mailbox = *pick(rng, &["partners", "hello", "affiliates", "contact", "team"]);
        let email = chance(rng, 0.95).then(|| format!("{mailbox}@{domain}"));
        let phone = chance(rng, 0.7).then(|| geo::phone(rng, country));
        let currency = if chance(rng, 0.9) {
            country.currency
        } else {
            "USD"
        };
        let created_at = days_ago(rng, self.now, 2_200);
        let updated_at = between(rng, created_at, self.now);
        let website = chance(rng, 0.92).then(|| format!("https://www.{domain}"));
        let profile = entity::partner::Model {
            id,
            name,
            website_url: website,
            description,
            country: Some(country.code.to_owned()),
            state_province: state,
            address_line1,
            address_line2,
            city: has_address.then(|| city.to_owned()),
            postal_code: postal,
            email,
            phone,
            currency: Some(currency.to_owned()),
            size: size.map(|s| s.as_str().to_owned()),
            social_reach,
            moz_domain_authority: authority,
            created_at,
            updated_at,
        };
        // The service's own derivation, so the list columns match what its writers store.
        let listing = ListingColumns::of(&profile);
        self.batch.rows(&PARTNERS).push([
            profile.id.into(),
            profile.name.into(),
            profile.website_url.into(),
            profile.description.into(),
            profile.country.into(),
            profile.state_province.into(),
            profile.address_line1.into(),
            profile.address_line2.into(),
            profile.city.into(),
            profile.postal_code.into(),
            profile.email.into(),
            profile.phone.into(),
            profile.currency.into(),
            profile.size.into(),
            profile.social_reach.into(),
            profile.moz_domain_authority.into(),
            profile.created_at.into(),
            profile.updated_at.into(),
        ]);
        let info = PartnerInfo {
            id,
            created_at,
            domain,
            size,
            social_reach,
            listing,
        };
        self.media_and_contacts(index, &info, country);
        info
    }
}

/// The partner's web domain, `<slug of name>.<tld>`; when another partner of the account has it
/// already (two names with one slug), `<slug>-<index>.<tld>` — so no two partners of a campaign
/// share a domain, or the e-mail address made from it.
fn unique_domain(taken: &mut HashSet<u64>, name: &str, tld: &str, index: usize) -> String {
    let domain = format!("{}.{tld}", slug(name));
    if taken.insert(fingerprint(&domain)) {
        return domain;
    }
    let domain = format!("{}-{index}.{tld}", slug(name));
    taken.insert(fingerprint(&domain));
    domain
}

/// A 64-bit hash of a domain (std's `DefaultHasher::new()` is fixed-keyed: deterministic).
fn fingerprint(domain: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    domain.hash(&mut hasher);
    hasher.finish()
}

/// `at` moved back by up to `days` days, but not before `floor`.
pub(crate) fn before(
    rng: &mut Rng8,
    at: DateTime<Utc>,
    days: i64,
    floor: DateTime<Utc>,
) -> DateTime<Utc> {
    between(rng, (at - Duration::days(days)).max(floor), at)
}
