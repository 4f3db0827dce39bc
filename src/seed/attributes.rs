//! A partner's multi-valued profile attributes (`partner_attributes`): 1-3 business models,
//! 0-4 promotional areas and audience countries, 0-3 categories.

use rand::Rng;
use sea_orm::Value;

use super::generator::Generator;
use super::geo;
use super::pick::{cover, pick, weighted, Rng8};
use super::tables::PARTNER_ATTRIBUTES;
use super::words::CATEGORIES;
use crate::domain::attribute::{AUDIENCE_COUNTRY, BUSINESS_MODEL, CATEGORY, PROMOTIONAL_AREA};
use crate::domain::BusinessModel;

const MODELS: &[(BusinessModel, u32)] = &[
    (BusinessModel::Content, 14),
    (BusinessModel::SocialMediaInfluencer, 14),
    (BusinessModel::Coupon, 12),
    (BusinessModel::Cashback, 8),
    (BusinessModel::Loyalty, 7),
    (BusinessModel::Email, 6),
    (BusinessModel::Shopping, 6),
    (BusinessModel::Search, 5),
    (BusinessModel::Mobile, 5),
    (BusinessModel::SyndicationBlogNetworks, 4),
    (BusinessModel::CpaNetwork, 3),
    (BusinessModel::ServiceProvider, 3),
    (BusinessModel::ConsumerSoftware, 3),
    (BusinessModel::Other, 3),
    (BusinessModel::Incentivized, 2),
    (BusinessModel::Offline, 2),
];

/// How a description names the partner's business.
pub(crate) fn model_phrase(model: BusinessModel) -> &'static str {
    match model {
        BusinessModel::Email => "newsletter",
        BusinessModel::Search => "search marketing agency",
        BusinessModel::Loyalty => "loyalty program",
        BusinessModel::Coupon => "coupon and promo code site",
        BusinessModel::SyndicationBlogNetworks => "blog network",
        BusinessModel::CpaNetwork => "CPA network",
        BusinessModel::Mobile => "mobile app",
        BusinessModel::Content => "content site",
        BusinessModel::Shopping => "comparison shopping site",
        BusinessModel::SocialMediaInfluencer => "creator",
        BusinessModel::ServiceProvider => "service provider",
        BusinessModel::ConsumerSoftware => "browser extension",
        BusinessModel::Incentivized => "rewards platform",
        BusinessModel::Offline => "offline retailer network",
        BusinessModel::Other => "publisher",
        BusinessModel::Cashback => "cashback site",
    }
}

/// `count` distinct values drawn with `draw` (fewer if it keeps repeating itself).
fn distinct_values(
    rng: &mut Rng8,
    count: usize,
    mut draw: impl FnMut(&mut Rng8) -> String,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(count);
    for _ in 0..count * 4 {
        if out.len() >= count {
            break;
        }
        let value = draw(rng);
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

impl Generator {
    /// The partner's attribute rows; returns its business models (the first is the main one).
    pub(crate) fn attributes(
        &mut self,
        id: i64,
        index: usize,
        country: &'static str,
    ) -> Vec<BusinessModel> {
        let rng = &mut self.rng;
        let mut models: Vec<BusinessModel> = cover(index, BusinessModel::ALL).into_iter().collect();
        let wanted = weighted(rng, &[(1, 55), (2, 30), (3, 15)]);
        for _ in 0..wanted * 4 {
            if models.len() >= wanted {
                break;
            }
            let model = weighted(rng, MODELS);
            if !models.contains(&model) {
                models.push(model);
            }
        }
        let n = rng.random_range(0..=4);
        let areas = distinct_values(rng, n, |r| geo::attribute_country(r).to_owned());
        let areas = if n > 0 && !areas.iter().any(|a| a == country) {
            std::iter::once(country.to_owned())
                .chain(areas.into_iter().take(n - 1))
                .collect()
        } else {
            areas
        };
        let n = rng.random_range(0..=4);
        let audience = distinct_values(rng, n, |r| geo::attribute_country(r).to_owned());
        let n = rng.random_range(0..=3);
        let categories = distinct_values(rng, n, |r| (*pick(r, CATEGORIES)).to_owned());
        let rows = self.batch.rows(&PARTNER_ATTRIBUTES);
        for model in &models {
            rows.push([
                id.into(),
                Value::from(BUSINESS_MODEL),
                Value::from(model.as_str()),
            ]);
        }
        for (kind, values) in [
            (PROMOTIONAL_AREA, areas),
            (AUDIENCE_COUNTRY, audience),
            (CATEGORY, categories),
        ] {
            for value in values {
                rows.push([id.into(), Value::from(kind), value.into()]);
            }
        }
        models
    }
}
