//! Which contracts a relationship gets, following its `Scenario`: an active contract (perhaps
//! after an earlier switch) with a pending proposal, an upcoming switch or expiry, or a declined
//! proposal; a suspended or expired one; or, while negotiating, a pending or declined proposal.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::contracts::{end_of_day, Contract, Event, Template};
use super::generator::Generator;
use super::pick::{between, chance, days_ago, days_ahead, pick};
use super::relationships::{Rel, Scenario};
use crate::domain::{ApprovalOption, ContractRecordStatus as Status};

/// Relationships below this coverage index take the rarer variants (switch history, withdrawn change).
const FORCED: usize = 16;

impl Generator {
    /// The contracts and history of a relationship in campaign `c`.
    pub(crate) fn contracts(&mut self, c: usize, rel: &Rel) {
        if rel.scenario == Scenario::None {
            return;
        }
        let templates = &self.campaigns[c].templates;
        let Some(default) = templates.first().cloned() else {
            return;
        };
        let current = if chance(&mut self.rng, 0.6) {
            default
        } else {
            pick(&mut self.rng, templates).clone()
        };
        let others: Vec<&Template> = templates.iter().filter(|t| t.0 != current.0).collect();
        let other = if others.is_empty() {
            current.clone()
        } else {
            (*pick(&mut self.rng, &others)).clone()
        };
        let joined = rel.date_joined.unwrap_or(rel.created_at);
        match rel.scenario {
            Scenario::None => {}
            Scenario::Proposed => self.proposal(rel, &other, false),
            Scenario::Rejected => self.proposal(rel, &other, true),
            Scenario::Suspended | Scenario::Expired => self.ended(rel, &current, joined),
            _ => self.active(rel, &current, &other, joined),
        }
    }

    /// A proposal to a partner still negotiating: pending, or declined.
    fn proposal(&mut self, rel: &Rel, template: &Template, declined: bool) {
        let now = self.now;
        let at = between(&mut self.rng, rel.created_at, now);
        let (status, start) = if declined {
            (Status::Declined, at + Duration::days(7))
        } else {
            (Status::Pending, days_ahead(&mut self.rng, now, 3, 30))
        };
        let mut proposal = Contract::new(template, status, at);
        proposal.start = start;
        proposal.approval = Some(ApprovalOption::Propose);
        proposal.comment = Some("Looking forward to working together!");
        let id = Some(self.contract(rel, proposal));
        self.history(
            rel,
            Event::new(id, "PROPOSED", template.0, at).effective(Some(start)),
        );
        if declined {
            let answered = between(&mut self.rng, at, now);
            self.history(rel, Event::new(id, "DECLINED", template.0, answered));
        }
    }

    /// A suspended partnership or an expired contract.
    fn ended(&mut self, rel: &Rel, template: &Template, joined: DateTime<Utc>) {
        let now = self.now;
        let mut contract = Contract::new(template, Status::Suspended, joined);
        let (action, at) = if rel.scenario == Scenario::Suspended {
            ("SUSPENDED", between(&mut self.rng, joined, now))
        } else {
            let at = between(
                &mut self.rng,
                joined + Duration::days(30),
                now - Duration::days(1),
            );
            contract.status = Status::Expired;
            contract.end = Some(end_of_day(at));
            ("EXPIRED", at)
        };
        let id = Some(self.contract(rel, contract));
        let created = Event::new(id, "CREATED", template.0, joined).effective(Some(joined));
        self.history(rel, created);
        self.history(
            rel,
            Event::new(id, action, template.0, at).effective(Some(at)),
        );
    }

    /// The active contract, after an earlier one for some partners, plus the scenario's change.
    fn active(&mut self, rel: &Rel, current: &Template, other: &Template, joined: DateTime<Utc>) {
        let now = self.now;
        let forced = rel.k < FORCED && rel.scenario == Scenario::Active;
        let switched = forced || ((now - joined).num_days() > 60 && chance(&mut self.rng, 0.25));
        let mut start = joined;
        if switched {
            start = between(&mut self.rng, (joined + Duration::days(30)).min(now), now);
            let mut previous = Contract::new(other, Status::Replaced, joined);
            previous.end = Some(start);
            let id = Some(self.contract(rel, previous));
            self.history(
                rel,
                Event::new(id, "CREATED", other.0, joined).effective(Some(joined)),
            );
        }
        let expiry = (rel.scenario == Scenario::UpcomingExpiry)
            .then(|| end_of_day(days_ahead(&mut self.rng, now, 5, 60)));
        let proposed = switched && (forced || chance(&mut self.rng, 0.5));
        let mut active = Contract::new(current, Status::Active, start);
        active.expires = expiry;
        active.approval = switched.then_some(if proposed {
            ApprovalOption::Propose
        } else {
            ApprovalOption::Replace
        });
        let id = Some(self.contract(rel, active));
        let event = |action, at| Event::new(id, action, current.0, at).effective(Some(start));
        if proposed {
            self.history(rel, event("PROPOSED", start - Duration::days(7)));
            self.history(rel, event("ACCEPTED", start - Duration::days(2)));
        }
        self.history(
            rel,
            event(if switched { "SWITCHED" } else { "CREATED" }, start),
        );
        if forced || chance(&mut self.rng, 0.03) {
            let at = days_ago(&mut self.rng, now, 90).max(start);
            let mut withdrawn = Contract::new(other, Status::Withdrawn, at);
            withdrawn.approval = Some(ApprovalOption::Replace);
            let wid = Some(self.contract(rel, withdrawn));
            let reverted =
                Event::new(wid, "REVERTED", other.0, at).comment("Upcoming switch withdrawn");
            self.history(rel, reverted);
        }
        let asked = days_ago(&mut self.rng, now, 14).max(start);
        match rel.scenario {
            Scenario::Pending => {
                let mut proposal = Contract::new(other, Status::Pending, asked);
                proposal.start = days_ahead(&mut self.rng, now, 7, 30);
                proposal.approval = Some(ApprovalOption::Propose);
                proposal.comment = Some("We'd like to offer you improved terms.");
                let effective = Some(proposal.start);
                let pid = Some(self.contract(rel, proposal));
                self.history(
                    rel,
                    Event::new(pid, "PROPOSED", other.0, asked).effective(effective),
                );
            }
            Scenario::UpcomingSwitch => {
                let mut switch = Contract::new(other, Status::Upcoming, asked);
                switch.start = days_ahead(&mut self.rng, now, 3, 45);
                switch.approval = Some(ApprovalOption::Replace);
                if chance(&mut self.rng, 0.4) {
                    let days = self.rng.random_range(30..90);
                    switch.end = Some(end_of_day(switch.start + Duration::days(days)));
                    switch.fallback = Some(current.0);
                }
                let effective = Some(switch.start);
                let sid = Some(self.contract(rel, switch));
                self.history(
                    rel,
                    Event::new(sid, "SCHEDULED", other.0, asked).effective(effective),
                );
            }
            Scenario::UpcomingExpiry => {
                let scheduled = Event::new(id, "EXPIRY_SCHEDULED", current.0, asked)
                    .effective(expiry)
                    .comment("Expiry scheduled");
                self.history(rel, scheduled);
            }
            Scenario::Declined => {
                let at = between(&mut self.rng, start, now);
                let mut proposal = Contract::new(other, Status::Declined, at);
                proposal.approval = Some(ApprovalOption::Propose);
                let did = Some(self.contract(rel, proposal));
                self.history(rel, Event::new(did, "PROPOSED", other.0, at));
                let answered = between(&mut self.rng, at, now);
                let declined = Event::new(did, "DECLINED", other.0, answered)
                    .comment("Partner declined the new terms");
                self.history(rel, declined);
            }
            _ => {}
        }
    }
}
