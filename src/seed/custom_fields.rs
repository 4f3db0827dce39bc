//! Custom fields (every display type in every campaign), their options, and the answers of
//! 30-60% of the campaign's partners per field.

use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use sea_orm::Value;

use super::generator::Generator;
use super::insert::next;
use super::pick::{between, chance, days_ago, distinct, log_uniform, pick, slug};
use super::relationships::Rel;
use super::tables::{
    CUSTOM_FIELDS, CUSTOM_FIELD_ANSWERS, CUSTOM_FIELD_ANSWER_OPTIONS, CUSTOM_FIELD_OPTIONS,
};
use crate::domain::CustomFieldDisplayType as Display;

/// Field candidates: (display type, name, option labels).
const FIELDS: &[(Display, &str, &[&str])] = &[
    (Display::Paragraph, "Promotion Plan", &[]),
    (Display::Paragraph, "Audience Notes", &[]),
    (Display::Number, "Monthly Newsletter Subscribers", &[]),
    (Display::Number, "Average Order Value Target", &[]),
    (Display::Date, "Contract Renewal Date", &[]),
    (Display::Date, "Last Business Review", &[]),
    (
        Display::Dropdown,
        "Partner Tier",
        &["Platinum", "Gold", "Silver", "Bronze", "Trial", "Inactive"],
    ),
    (
        Display::Dropdown,
        "Region",
        &[
            "North America",
            "Europe",
            "APAC",
            "LATAM",
            "Middle East",
            "Africa",
        ],
    ),
    (
        Display::MultipleChoice,
        "Preferred Payout Method",
        &["PayPal", "Bank Transfer", "Wire", "Check", "Gift Card"],
    ),
    (
        Display::MultipleChoice,
        "Onboarding Status",
        &["Not Started", "In Progress", "Complete", "Blocked"],
    ),
    (
        Display::Checkboxes,
        "Promotion Channels",
        &[
            "Email",
            "Social",
            "Blog",
            "Podcast",
            "YouTube",
            "Paid Search",
        ],
    ),
    (
        Display::Checkboxes,
        "Approved Assets",
        &["Logos", "Banners", "Product Feed", "Videos", "Coupon Codes"],
    ),
    (Display::File, "Tax Form (W-9 / W-8BEN)", &[]),
    (Display::File, "Media Kit", &[]),
];

/// Paragraph answers.
const PARAGRAPHS: &[&str] = &[
    "Plans a dedicated review post each quarter.",
    "Will feature us in the weekly newsletter and a pinned social post.",
    "Audience is mostly 25-34, mobile-first, price sensitive.",
    "Prefers exclusive codes over generic promotions.",
    "Focus on gift guides in November and December.",
    "Runs comparison tables; needs an up-to-date product feed.",
];

/// A custom field of a campaign, as the answer generator needs it.
pub(crate) struct FieldPlan {
    /// The field's id.
    pub id: i64,
    /// How it is answered.
    pub kind: Display,
    /// Slug of its name (for file names).
    pub slug: String,
    /// Its option ids (select types only).
    pub options: Vec<i64>,
    /// Share of the campaign's partners that answered it.
    pub rate: f64,
}

impl Generator {
    /// 7-10 custom fields of campaign `c` covering every display type, with 3-6 options per select field.
    pub(crate) fn plan_fields(&mut self, c: usize) {
        let mut order: Vec<usize> = (0..FIELDS.len()).collect();
        order.shuffle(&mut self.rng);
        let mut chosen: Vec<usize> = Vec::new();
        for kind in Display::ALL {
            if let Some(i) = order.iter().copied().find(|&i| FIELDS[i].0 == *kind) {
                chosen.push(i);
            }
        }
        let count: usize = self.rng.random_range(7..=10);
        chosen.extend(
            order
                .iter()
                .copied()
                .filter(|i| !chosen.contains(i))
                .take(count.saturating_sub(chosen.len()))
                .collect::<Vec<_>>(),
        );
        chosen.shuffle(&mut self.rng);
        let created_at = days_ago(&mut self.rng, self.now, 900);
        for (position, i) in chosen.into_iter().enumerate() {
            let (kind, name, labels) = FIELDS[i];
            let id = next(&mut self.ids.field);
            let required = chance(&mut self.rng, 0.2);
            self.batch.rows(&CUSTOM_FIELDS).push([
                id.into(),
                self.account_id.into(),
                self.campaigns[c].id.into(),
                Value::from(name),
                Value::from(kind.as_str()),
                (position as i32).into(),
                required.into(),
                created_at.into(),
            ]);
            let mut options = Vec::new();
            if !labels.is_empty() {
                let n = self.rng.random_range(3..=labels.len().min(6));
                for (position, label) in labels.iter().take(n).enumerate() {
                    let option = next(&mut self.ids.option);
                    self.batch.rows(&CUSTOM_FIELD_OPTIONS).push([
                        option.into(),
                        self.account_id.into(),
                        id.into(),
                        Value::from(*label),
                        (position as i32).into(),
                    ]);
                    options.push(option);
                }
            }
            let rate = self.rng.random_range(0.3..0.6);
            self.campaigns[c].fields.push(FieldPlan {
                id,
                kind,
                slug: slug(name),
                options,
                rate,
            });
        }
    }

    /// The relationship's answers to the custom fields of campaign `c`.
    pub(crate) fn answers(&mut self, c: usize, rel: &Rel) {
        for f in 0..self.campaigns[c].fields.len() {
            let field = &self.campaigns[c].fields[f];
            let rng = &mut self.rng;
            if !chance(rng, field.rate) {
                continue;
            }
            let (mut text, mut number, mut date, mut file): (
                Option<String>,
                Option<f64>,
                Option<NaiveDate>,
                Option<String>,
            ) = (None, None, None, None);
            let mut picked: Vec<i64> = Vec::new();
            match field.kind {
                Display::Paragraph => text = Some((*pick(rng, PARAGRAPHS)).to_owned()),
                Display::Number => {
                    number = Some((log_uniform(rng, 10.0, 200_000.0) * 100.0).round() / 100.0)
                }
                Display::Date => {
                    date =
                        Some((self.now + Duration::days(rng.random_range(-365..365))).date_naive());
                }
                Display::File => {
                    file = Some(format!(
                        "https://files.partnergraph.example/{}/{}/{}.pdf",
                        field.id, rel.partner_id, field.slug
                    ));
                }
                Display::Dropdown | Display::MultipleChoice => {
                    picked.push(*pick(rng, &field.options))
                }
                Display::Checkboxes => {
                    let n = rng.random_range(1..=3);
                    picked.extend(
                        distinct(rng, field.options.len(), n)
                            .into_iter()
                            .map(|i| field.options[i]),
                    );
                }
            }
            let field_id = field.id;
            let id = next(&mut self.ids.answer);
            let updated_at = between(rng, rel.created_at, self.now);
            let folded = text.as_deref().map(crate::domain::text::fold_case);
            self.batch.rows(&CUSTOM_FIELD_ANSWERS).push([
                id.into(),
                self.account_id.into(),
                rel.campaign_id.into(),
                field_id.into(),
                rel.partner_id.into(),
                text.into(),
                folded.into(),
                number.into(),
                date.into(),
                file.into(),
                updated_at.into(),
            ]);
            for option in picked {
                self.batch.rows(&CUSTOM_FIELD_ANSWER_OPTIONS).push([
                    field_id.into(),
                    rel.partner_id.into(),
                    option.into(),
                    self.account_id.into(),
                    rel.campaign_id.into(),
                ]);
            }
        }
    }
}
