//! The contract lifecycle. A partner's contract records (`partner_contracts`) hold at most one
//! current contract (ACTIVE or SUSPENDED), at most one pending proposal (PENDING) and at most one
//! scheduled switch (UPCOMING); a scheduled expiry is the current record's `expires_at`, beside
//! its own `end_date` (a temporary contract's end, after which it falls back to
//! `fallback_template_id` or expires). `campaign_partners.contract_status` mirrors the current
//! record so the list filters and facets by it.
//!
//! Every action is a bulk action on the engine ([`crate::service::bulk`]): switch (REPLACE or
//! PROPOSE, now or later, permanent or temporary), suspend, reinstate, expire (now or later),
//! withdraw upcoming changes, answer a proposal. Each writes a `contract_history` entry per
//! partner it changes. Partners an action cannot apply to are skipped and counted per reason.
//! Scheduled changes apply themselves ([`due`]).

pub mod due;
mod due_kinds;
mod due_round;
mod expire;
pub mod history;
pub(crate) mod sql;
mod standing;
mod state;
mod switch;
mod targets;
pub mod templates;
pub mod upcoming;
mod withdraw;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

pub use expire::Expire;
pub use standing::{AnswerProposal, ChangeCounts, Reinstate, Suspend};
pub use switch::{Approval, Switch, SwitchCounts, TemplateRef};
pub use withdraw::WithdrawUpcoming;

use crate::auth::Permission;
use crate::domain::limits::MAX_CONTRACT_COMMENT_CHARS;
pub use crate::domain::SkipReason;
use crate::error::AppResult;
use crate::service::bulk::{BulkAction, Run};
use crate::service::validation::Checker;
pub(crate) use state::{state, state_from, state_member, state_without_records};

use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;

/// A contract action: what it needs beyond what every contract action shares (the state the
/// engine compares, [`state`]). Each is a [`BulkAction`].
pub trait ContractStep: Send + Sync {
    /// The action's counts.
    type Counts: Default + Send;
    /// The activity-log action of its entries.
    const ACTIVITY: &'static str;
    /// The permission it needs.
    const PERMISSION: Permission = Permission::ManageContracts;

    /// Permissions it needs besides [`Self::PERMISSION`] for what it was asked.
    fn also_requires(&self) -> &'static [Permission] {
        &[]
    }

    /// Checks of the input alone.
    fn validate(&self, _check: &mut Checker) {}

    /// Whether, as asked, it changes the relationship stage of most partners it changes
    /// ([`BulkAction::changes_stages`]).
    fn changes_stages(&self) -> bool {
        false
    }

    /// Checks against the database, under the campaign's write lock.
    fn check<'a>(
        &'a self,
        _db: &'a DatabaseTransaction,
        _run: Run<'a>,
        _check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async { Ok(()) })
    }

    /// What the action was asked, for its activity entries.
    fn input(&self) -> serde_json::Value;

    /// SQL of every selected partner's state after the action when it is known without reading
    /// the partner's contract records again ([`BulkAction::known_after`]): over the selection
    /// (`bulk_selection.before`) and the partners it applied to (`contract_targets`, kept until
    /// the entries are written), built by the SQL of [`state`] (`state::state_of`) so equal
    /// states read as equal text.
    fn known_after(&self, _run: Run<'_>) -> Option<String> {
        None
    }

    /// Its statements over the fixed selection.
    fn write<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<Self::Counts>>;
}

impl<T: ContractStep> BulkAction for T {
    type Counts = T::Counts;
    const ACTIVITY: &'static str = T::ACTIVITY;
    const PERMISSION: Permission = T::PERMISSION;

    fn also_requires(&self) -> &'static [Permission] {
        ContractStep::also_requires(self)
    }

    fn validate(&self, check: &mut Checker) {
        ContractStep::validate(self, check)
    }

    fn changes_stages(&self) -> bool {
        ContractStep::changes_stages(self)
    }

    /// The campaign's due scheduled changes first, so the action starts from the state the
    /// runner would have made by now, ran it or not: an ended temporary contract is not
    /// switched again, a switch whose day has come is not withdrawn, a lapsed proposal is not
    /// accepted.
    fn prepare<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(async move {
            due::catch_up(db, run.campaign_id, run.now).await?;
            Ok(())
        })
    }

    fn check<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
        check: &'a mut Checker,
    ) -> BoxFuture<'a, AppResult<()>> {
        ContractStep::check(self, db, run, check)
    }

    fn state(&self, run: Run<'_>) -> String {
        state(run)
    }

    fn input(&self) -> serde_json::Value {
        ContractStep::input(self)
    }

    fn known_after(&self, run: Run<'_>) -> Option<String> {
        ContractStep::known_after(self, run)
    }

    /// The partners the action applied to are kept for [`ContractStep::known_after`] until the
    /// entries are written.
    fn finish<'a>(&'a self, db: &'a DatabaseTransaction) -> BoxFuture<'a, AppResult<()>> {
        Box::pin(targets::release(db))
    }

    fn apply<'a>(
        &'a self,
        db: &'a DatabaseTransaction,
        run: Run<'a>,
    ) -> BoxFuture<'a, AppResult<T::Counts>> {
        self.write(db, run)
    }
}

/// Why an action skipped a partner, and how many it skipped for that reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Skipped(pub Vec<(SkipReason, i64)>);

/// Reports a comment longer than [`MAX_CONTRACT_COMMENT_CHARS`] or with characters text may
/// not hold (NUL, control characters; line breaks and tabs are fine).
pub(crate) fn check_comment(comment: Option<&str>, check: &mut Checker) {
    check.optional_multiline_text("comment", comment, MAX_CONTRACT_COMMENT_CHARS);
}

/// How far from today a contract date may lie, in days (about a century).
pub const MAX_DAYS_AWAY: i64 = 36_500;

/// The first instant of `day` in the time zone named `tz` (UTC when the name is unknown).
pub fn start_of(day: NaiveDate, tz: &str) -> DateTime<Utc> {
    local(day, NaiveTime::MIN, tz)
}

/// The last second of `day` in the time zone named `tz` (23:59:59 on a day without a clock
/// change): when a contract expiring that day ends. It is the second before the next day
/// starts, so a day whose clocks jump forward at 23:00 (America/Nuuk) ends at 22:59:59, and one
/// whose 23:00–24:00 is repeated (Africa/Cairo in October) at the second 23:59:59; either way
/// before anything starting the next day.
pub fn end_of(day: NaiveDate, tz: &str) -> DateTime<Utc> {
    match day.succ_opt() {
        Some(next) => start_of(next, tz) - chrono::Duration::seconds(1),
        None => local(
            day,
            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
            tz,
        ),
    }
}

fn local(day: NaiveDate, time: NaiveTime, tz: &str) -> DateTime<Utc> {
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    let at = day.and_time(time);
    // A time a clock change skipped: the first local time after it that exists, looked for in
    // steps of half an hour (gaps are an hour or half an hour; Pacific/Apia skipped a whole day).
    (0..=96)
        .filter_map(|step| at.checked_add_signed(chrono::Duration::minutes(30 * step)))
        .find_map(|t| zone.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&at))
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

    #[test]
    fn a_day_with_a_clock_change_at_its_end_ends_just_before_the_next_day_starts() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        // Nuuk springs forward at 23:00 (-02:00) to 00:00 (-01:00): 23:59:59 never happens.
        let (day, tz) = (date(2027, 3, 27), "America/Nuuk");
        assert_eq!(
            start_of(date(2027, 3, 28), tz).to_rfc3339(),
            "2027-03-28T01:00:00+00:00"
        );
        assert_eq!(end_of(day, tz).to_rfc3339(), "2027-03-28T00:59:59+00:00");
        // Cairo falls back at 24:00 (+03:00) to 23:00 (+02:00): 23:59:59 happens twice.
        let (day, tz) = (date(2027, 10, 28), "Africa/Cairo");
        assert_eq!(end_of(day, tz).to_rfc3339(), "2027-10-28T21:59:59+00:00");
        assert_eq!(
            start_of(date(2027, 10, 29), tz).to_rfc3339(),
            "2027-10-28T22:00:00+00:00"
        );
        // Santiago skips midnight: the day starts at 01:00, the day before ends a second earlier.
        let tz = "America/Santiago";
        assert_eq!(
            start_of(date(2026, 9, 6), tz).to_rfc3339(),
            "2026-09-06T04:00:00+00:00"
        );
        assert_eq!(
            end_of(date(2026, 9, 5), tz).to_rfc3339(),
            "2026-09-06T03:59:59+00:00"
        );
        // Apia skipped 30 December 2011 altogether: the 29th ends just before the 31st starts.
        let tz = "Pacific/Apia";
        assert_eq!(
            start_of(date(2011, 12, 31), tz).to_rfc3339(),
            "2011-12-30T10:00:00+00:00"
        );
        assert_eq!(
            end_of(date(2011, 12, 29), tz).to_rfc3339(),
            "2011-12-30T09:59:59+00:00"
        );
        assert_eq!(
            today(end_of(date(2011, 12, 29), tz), tz),
            date(2011, 12, 29)
        );
        for tz in [
            "UTC",
            "America/Nuuk",
            "Africa/Cairo",
            "America/Santiago",
            "Australia/Lord_Howe",
        ] {
            for offset in 0..366 {
                let day = date(2027, 1, 1) + chrono::Duration::days(offset);
                let end = end_of(day, tz);
                assert_eq!(today(end, tz), day, "{tz} {day}: its end is still that day");
                assert!(end < start_of(day + chrono::Duration::days(1), tz));
            }
        }
    }
}
