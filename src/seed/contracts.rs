//! Contract templates per campaign, and the rows of contracts (`partner_contracts`) and their
//! history (`contract_history`); `contract_stories` decides which rows a relationship gets.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rand::Rng;
use sea_orm::Value;

use super::generator::Generator;
use super::insert::next;
use super::pick::{between, chance, days_ago, distinct, pick};
use super::relationships::Rel;
use super::tables::{CONTRACT_HISTORY, CONTRACT_TEMPLATES, PARTNER_CONTRACTS};
use crate::domain::{ApprovalOption, ContractRecordStatus as Status};

/// Template candidates: (name, description, payout type, payout value); the first is the default.
#[rustfmt::skip]
const TEMPLATES: &[(&str, &str, &str, f64)] = &[
    ("Standard 8% CPS", "Default terms for new partners.", "PERCENT_OF_SALE", 8.0),
    ("Premium 12% CPS", "For top-performing content partners.", "PERCENT_OF_SALE", 12.0),
    ("Coupon Sites 4% CPS", "Reduced rate for coupon and deal sites.", "PERCENT_OF_SALE", 4.0),
    ("Loyalty & Cashback 5% CPS", "For loyalty, cashback and rewards programs.", "PERCENT_OF_SALE", 5.0),
    ("Influencer $25 CPA", "Flat fee per new customer for creators.", "FIXED_PER_ACTION", 25.0),
    ("New Customer Bonus $40 CPA", "Higher payout for first-time buyers.", "FIXED_PER_ACTION", 40.0),
    ("Holiday Boost 15% CPS", "Temporary seasonal rate for Q4.", "PERCENT_OF_SALE", 15.0),
    ("Lead Gen $10 CPL", "Per qualified lead.", "FIXED_PER_ACTION", 10.0),
];

/// A contract template of a campaign: (id, name).
pub(crate) type Template = (i64, String);

/// One contract record to write.
pub(crate) struct Contract {
    pub(crate) template: (i64, String),
    pub(crate) status: Status,
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: Option<DateTime<Utc>>,
    pub(crate) fallback: Option<i64>,
    /// A scheduled expiry (`expires_at`).
    pub(crate) expires: Option<DateTime<Utc>>,
    pub(crate) approval: Option<ApprovalOption>,
    pub(crate) comment: Option<&'static str>,
    pub(crate) created_at: DateTime<Utc>,
}

/// The last second of `at`'s day (UTC), when an expiry takes effect.
pub(crate) fn end_of_day(at: DateTime<Utc>) -> DateTime<Utc> {
    at.date_naive().and_time(NaiveTime::MIN).and_utc() + Duration::seconds(86_399)
}

impl Generator {
    /// 3-6 contract templates of campaign `c` (setup rows).
    pub(crate) fn plan_templates(&mut self, c: usize) {
        let count = self.rng.random_range(3..=6);
        let mut chosen = vec![0];
        chosen.extend(
            distinct(&mut self.rng, TEMPLATES.len() - 1, count - 1)
                .into_iter()
                .map(|i| i + 1),
        );
        let created_at = days_ago(&mut self.rng, self.now, 1_500) - Duration::days(1_100);
        for (n, i) in chosen.into_iter().enumerate() {
            let (name, description, payout_type, value) = TEMPLATES[i];
            let id = next(&mut self.ids.template);
            self.batch.rows(&CONTRACT_TEMPLATES).push([
                id.into(),
                self.account_id.into(),
                self.campaigns[c].id.into(),
                Value::from(name),
                Value::from(Some(description.to_owned())),
                Value::from(payout_type),
                value.into(),
                (n == 0).into(),
                created_at.into(),
            ]);
            self.campaigns[c].templates.push((id, name.to_owned()));
        }
    }

    /// A random account user for 70% of rows (who made the change).
    fn some_user(&mut self) -> Option<i64> {
        (!self.users.is_empty() && chance(&mut self.rng, 0.7))
            .then(|| *pick(&mut self.rng, &self.users))
    }

    /// Writes a contract row and returns its id.
    pub(crate) fn contract(&mut self, rel: &Rel, contract: Contract) -> i64 {
        let id = next(&mut self.ids.contract);
        let user = self.some_user();
        let updated_at = between(&mut self.rng, contract.created_at, self.now);
        self.batch.rows(&PARTNER_CONTRACTS).push([
            id.into(),
            self.account_id.into(),
            rel.campaign_id.into(),
            rel.partner_id.into(),
            Some(contract.template.0).into(),
            contract.template.1.into(),
            Value::from(contract.status.as_str()),
            contract.start.into(),
            contract.end.into(),
            (contract.fallback.is_some()
                || (contract.end.is_some() && contract.status == Status::Upcoming))
                .into(),
            contract.fallback.into(),
            contract.expires.into(),
            contract.approval.map(|a| a.as_str().to_owned()).into(),
            contract.comment.map(str::to_owned).into(),
            user.into(),
            contract.created_at.into(),
            updated_at.into(),
        ]);
        id
    }

    /// Writes a history row.
    pub(crate) fn history(&mut self, rel: &Rel, event: Event<'_>) {
        let id = next(&mut self.ids.history);
        let user = self.some_user();
        self.batch.rows(&CONTRACT_HISTORY).push([
            id.into(),
            self.account_id.into(),
            rel.campaign_id.into(),
            rel.partner_id.into(),
            event.contract.into(),
            Value::from(event.action),
            Some(event.template).into(),
            event.effective.into(),
            event.comment.map(str::to_owned).into(),
            user.into(),
            event.at.into(),
        ]);
    }
}

impl Contract {
    /// A permanent contract on `template` with `status`, starting (and created) at `at`.
    pub(crate) fn new(template: &Template, status: Status, at: DateTime<Utc>) -> Self {
        Contract {
            template: template.clone(),
            status,
            start: at,
            end: None,
            fallback: None,
            expires: None,
            approval: None,
            comment: None,
            created_at: at,
        }
    }
}

/// One `contract_history` row.
pub(crate) struct Event<'a> {
    /// The contract it is about (none for a withdrawn change).
    pub contract: Option<i64>,
    /// What happened (`CREATED`, `SWITCHED`, ...).
    pub action: &'a str,
    /// The template involved.
    pub template: i64,
    /// When the change takes effect.
    pub effective: Option<DateTime<Utc>>,
    /// A comment to the partner.
    pub comment: Option<&'a str>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

impl<'a> Event<'a> {
    /// An event without effective date or comment.
    pub(crate) fn new(
        contract: Option<i64>,
        action: &'a str,
        template: i64,
        at: DateTime<Utc>,
    ) -> Self {
        Event {
            contract,
            action,
            template,
            effective: None,
            comment: None,
            at,
        }
    }

    /// With the date the change takes effect.
    pub(crate) fn effective(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.effective = at;
        self
    }

    /// With a comment.
    pub(crate) fn comment(mut self, comment: &'a str) -> Self {
        self.comment = Some(comment);
        self
    }
}
