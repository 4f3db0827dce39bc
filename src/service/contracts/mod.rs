//! The contract lifecycle. A partner's contract records (`partner_contracts`) hold at most one
//! current contract (ACTIVE or SUSPENDED), at most one pending proposal (PENDING) and at most one
//! scheduled switch (UPCOMING); a scheduled expiry is the current contract's `end_date` (with
//! `is_temporary` false). `campaign_partners.contract_status` mirrors the current record so the
//! list filters and facets by it.
//!
//! Every action is a bulk action on the engine ([`crate::service::bulk`]): switch (REPLACE or
//! PROPOSE, now or later, permanent or temporary), suspend, reinstate, expire (now or later),
//! withdraw upcoming changes, answer a proposal. Each writes a `contract_history` entry per
//! partner it changes. Partners an action cannot apply to are skipped and counted per reason.
//! Scheduled changes apply themselves ([`due`]).

pub mod due;
mod expire;
pub mod history;
mod sql;
mod standing;
mod switch;
mod targets;
pub mod templates;
mod withdraw;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

pub use expire::Expire;
pub use standing::{AnswerProposal, ChangeCounts, Reinstate, Suspend};
pub use switch::{Approval, Switch, SwitchCounts, TemplateRef};
pub use withdraw::WithdrawUpcoming;

pub use crate::domain::SkipReason;
use crate::service::bulk::{fixed, json, Run};

/// Why an action skipped a partner, and how many it skipped for that reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Skipped(pub Vec<(SkipReason, i64)>);

/// `{"contractStatus", "stage", "open": [ids of open records], "current": template, "ends"}`:
/// every contract action changes one of these for a partner it applies to.
pub(crate) fn state(run: Run<'_>) -> String {
    let c = run.campaign_id;
    let p = fixed::PARTNER;
    let cp = |col: &str| {
        format!("SELECT {col} FROM campaign_partners WHERE campaign_id = {c} AND partner_id = {p}")
    };
    let current = |col: &str| {
        format!(
            "SELECT {col} FROM partner_contracts WHERE campaign_id = {c} AND partner_id = {p} \
             AND status IN ('ACTIVE', 'SUSPENDED') ORDER BY id DESC LIMIT 1"
        )
    };
    json::object(&[
        ("contractStatus", json::plain_text(&cp("contract_status"))),
        ("stage", json::plain_text(&cp("relationship_stage"))),
        (
            "open",
            json::int_array(
                run.backend,
                "id",
                &format!(
                    "FROM partner_contracts WHERE campaign_id = {c} AND partner_id = {p} \
                     AND status IN ('ACTIVE', 'SUSPENDED', 'PENDING', 'UPCOMING')"
                ),
            ),
        ),
        ("current", json::int(&current("template_id"))),
        (
            "ends",
            json::plain_text(&format!("CAST(({}) AS TEXT)", current("end_date"))),
        ),
    ])
}

/// The first instant of `day` in the time zone named `tz` (UTC when the name is unknown).
pub fn start_of(day: NaiveDate, tz: &str) -> DateTime<Utc> {
    local(day, NaiveTime::MIN, tz)
}

/// 23:59:59 of `day` in the time zone named `tz`: when a contract expiring that day ends.
pub fn end_of(day: NaiveDate, tz: &str) -> DateTime<Utc> {
    local(
        day,
        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
        tz,
    )
}

fn local(day: NaiveDate, time: NaiveTime, tz: &str) -> DateTime<Utc> {
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    zone.from_local_datetime(&day.and_time(time))
        .earliest()
        // A time skipped by a clock change: the hour after it.
        .or_else(|| {
            zone.from_local_datetime(&(day.and_time(time) + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_time(time)))
}

/// Today's date in the time zone named `tz`.
pub fn today(now: DateTime<Utc>, tz: &str) -> NaiveDate {
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    now.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_ends_at_23_59_59_in_the_accounts_time_zone() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default();
        assert_eq!(end_of(day, "UTC").to_rfc3339(), "2026-07-01T23:59:59+00:00");
        assert_eq!(
            end_of(day, "America/New_York").to_rfc3339(),
            "2026-07-02T03:59:59+00:00"
        );
        assert_eq!(
            start_of(day, "Europe/Berlin").to_rfc3339(),
            "2026-06-30T22:00:00+00:00"
        );
        assert_eq!(end_of(day, "No/Such_Zone"), end_of(day, "UTC"));
    }
}
