//! The server's one clock: what "now" is for contract dates, scheduled changes and bulk
//! actions. The system clock in service; tests (and `contracts apply-due --now`) set it.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, SubsecRound, Utc};

/// The system's time to the microsecond, as PostgreSQL keeps times: what the server writes
/// reads back the same from either database (SQLite would keep nanoseconds). For writes that do
/// not take the injectable [`Clock`].
pub fn wall_now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// What time it is. Clones share the time: setting one sets them all.
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(None)
    }

    /// A clock standing at `at` until it is set or advanced.
    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Some(Arc::new(Mutex::new(at))))
    }

    /// The time now; the system clock's to the microsecond ([`wall_now`]).
    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => wall_now(),
            Some(at) => *at.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Sets a fixed clock to `at` (a system clock cannot be set: `false`).
    pub fn set(&self, at: DateTime<Utc>) -> bool {
        match &self.0 {
            None => false,
            Some(now) => {
                *now.lock().unwrap_or_else(PoisonError::into_inner) = at;
                true
            }
        }
    }

    /// Moves a fixed clock on by `by`.
    pub fn advance(&self, by: Duration) -> bool {
        self.set(self.now() + by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_told_and_clones_share_it() {
        let at = DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
        let clock = Clock::fixed(at);
        let other = clock.clone();
        assert_eq!(clock.now(), at);
        assert!(other.advance(Duration::days(2)));
        assert_eq!(clock.now(), at + Duration::days(2));
        assert!(!Clock::system().set(at));
        assert_eq!(
            Clock::system().now().timestamp_subsec_nanos() % 1_000,
            0,
            "microseconds"
        );
    }
}
