//! A partner's media properties (websites, apps, social accounts whose followers share the
//! partner's social reach) and contacts.

use rand::Rng;
use sea_orm::Value;

use super::generator::Generator;
use super::geo::{self, Country};
use super::insert::next;
use super::pick::{between, chance, cover, log_uniform, pick, slug, weighted};
use super::profiles::{visit_band, PartnerInfo};
use super::tables::{MEDIA_PROPERTIES, PARTNER_CONTACTS};
use super::words::{CONTACT_TITLES, FIRST_NAMES, LAST_NAMES};
use crate::domain::{MediaPropertyType, SocialPlatform};

const PLATFORMS: &[(SocialPlatform, u32)] = &[
    (SocialPlatform::Instagram, 30),
    (SocialPlatform::Youtube, 18),
    (SocialPlatform::Tiktok, 18),
    (SocialPlatform::Facebook, 12),
    (SocialPlatform::Pinterest, 8),
    (SocialPlatform::X, 7),
    (SocialPlatform::Linkedin, 4),
    (SocialPlatform::Twitch, 3),
];

/// The profile URL of a handle on a platform.
fn social_url(platform: SocialPlatform, handle: &str) -> String {
    match platform {
        SocialPlatform::Instagram => format!("https://www.instagram.com/{handle}"),
        SocialPlatform::Youtube => format!("https://www.youtube.com/@{handle}"),
        SocialPlatform::X => format!("https://x.com/{handle}"),
        SocialPlatform::Facebook => format!("https://www.facebook.com/{handle}"),
        SocialPlatform::Pinterest => format!("https://www.pinterest.com/{handle}"),
        SocialPlatform::Twitch => format!("https://www.twitch.tv/{handle}"),
        SocialPlatform::Tiktok => format!("https://www.tiktok.com/@{handle}"),
        SocialPlatform::Linkedin => format!("https://www.linkedin.com/company/{handle}"),
    }
}

impl Generator {
    /// 0-3 media properties and 0-2 contacts of a partner; the first partners of an account
    /// show every property type and social platform.
    pub(crate) fn media_and_contacts(
        &mut self,
        index: usize,
        partner: &PartnerInfo,
        country: &Country,
    ) {
        let rng = &mut self.rng;
        let mut kinds: Vec<(MediaPropertyType, Option<SocialPlatform>)> = Vec::new();
        if let Some(kind) = cover(index, MediaPropertyType::ALL) {
            kinds.push((kind, None));
        }
        if let Some(platform) = cover(index, SocialPlatform::ALL) {
            kinds.push((MediaPropertyType::Social, Some(platform)));
        }
        let wanted = weighted(rng, &[(0, 15), (1, 40), (2, 30), (3, 15)]);
        while kinds.len() < wanted {
            let kind = weighted(
                rng,
                &[
                    (MediaPropertyType::Website, 40),
                    (MediaPropertyType::Social, 50),
                    (MediaPropertyType::Mobile, 10),
                ],
            );
            kinds.push((kind, None));
        }
        let handle = partner
            .domain
            .split('.')
            .next()
            .unwrap_or("partner")
            .to_owned();
        let mut reach_left = partner.social_reach;
        let mut used: Vec<SocialPlatform> = Vec::new();
        for (n, (kind, platform)) in kinds.into_iter().enumerate() {
            let id = next(&mut self.ids.media);
            let created_at = between(rng, partner.created_at, self.now);
            let (name, url, platform, followers, visits): (
                String,
                String,
                Option<SocialPlatform>,
                Option<i64>,
                Option<i64>,
            ) = match kind {
                MediaPropertyType::Website => {
                    let (lo, hi) = visit_band(partner.size);
                    let url = if n == 0 {
                        format!("https://www.{}", partner.domain)
                    } else {
                        format!("https://blog.{}", partner.domain)
                    };
                    (
                        partner.domain.clone(),
                        url,
                        None,
                        None,
                        Some(log_uniform(rng, lo, hi) as i64),
                    )
                }
                MediaPropertyType::Mobile => {
                    let url = if chance(rng, 0.5) {
                        format!(
                            "https://apps.apple.com/app/id{}",
                            rng.random_range(300_000_000..1_700_000_000u64)
                        )
                    } else {
                        format!("https://play.google.com/store/apps/details?id=com.{handle}.app")
                    };
                    (
                        format!("{handle} app"),
                        url,
                        None,
                        None,
                        chance(rng, 0.5).then(|| rng.random_range(100..5_000_000)),
                    )
                }
                MediaPropertyType::Social => {
                    let mut platform = platform.unwrap_or_else(|| weighted(rng, PLATFORMS));
                    if used.contains(&platform) {
                        platform = *pick(rng, SocialPlatform::ALL);
                    }
                    used.push(platform);
                    let share = if used.len() == 1 {
                        rng.random_range(0.5..1.0)
                    } else {
                        rng.random_range(0.1..0.8)
                    };
                    let followers = (reach_left as f64 * share) as i64;
                    reach_left -= followers;
                    (
                        format!("@{handle}"),
                        social_url(platform, &handle),
                        Some(platform),
                        Some(followers),
                        None,
                    )
                }
            };
            self.batch.rows(&MEDIA_PROPERTIES).push([
                id.into(),
                partner.id.into(),
                Value::from(kind.as_str()),
                platform.map(|p| p.as_str().to_owned()).into(),
                name.into(),
                url.into(),
                followers.into(),
                visits.into(),
                created_at.into(),
            ]);
        }
        let contacts = weighted(rng, &[(0, 25), (1, 55), (2, 20)]);
        for n in 0..contacts {
            let id = next(&mut self.ids.contact);
            let (first, last) = (*pick(rng, FIRST_NAMES), *pick(rng, LAST_NAMES));
            let email = format!("{}.{}@{}", slug(first), slug(last), partner.domain);
            let phone = chance(rng, 0.6).then(|| geo::phone(rng, country));
            let title = chance(rng, 0.8).then(|| (*pick(rng, CONTACT_TITLES)).to_owned());
            self.batch.rows(&PARTNER_CONTACTS).push([
                id.into(),
                partner.id.into(),
                format!("{first} {last}").into(),
                email.into(),
                phone.into(),
                title.into(),
                (n == 0).into(),
            ]);
        }
    }
}
