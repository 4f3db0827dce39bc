//! Rate limits per credential, as leaky buckets (governor's GCRA): GraphQL requests draw their
//! requested cost from a bucket of points that refills at a steady rate (like Shopify's), REST
//! requests draw one request each from a bucket of the product's requests per hour.
//!
//! The buckets live in each server process. With several processes behind one balancer each
//! enforces its share: the configured rates and capacities divided by `RATE_LIMIT_PROCESSES`,
//! so a credential's sustained total across the processes stays within the configured limits.
//! One exception: a process's GraphQL bucket never holds less than one request at the cost
//! limit (else such a request could never run), so when the budget divided by the processes is
//! smaller than `GRAPHQL_MAX_COST`, a credential's burst across all of them may reach
//! processes × `GRAPHQL_MAX_COST`; its refill stays the configured rate.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::error::AppError;

type Limiter =
    RateLimiter<i64, DefaultKeyedStateStore<i64>, DefaultClock, StateInformationMiddleware>;

/// How often (in checks) idle buckets are forgotten.
const RETAIN_EVERY: u64 = 10_000;

/// A bucket per credential.
pub struct Bucket {
    limiter: Limiter,
    capacity: u32,
    per_second: f64,
    checks: AtomicU64,
    unit: &'static str,
}

/// A credential's standing after a request was let through.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Allowance {
    /// The bucket's capacity.
    pub limit: u32,
    /// What is left in it.
    pub remaining: u32,
    /// What it refills per second.
    pub per_second: f64,
    /// Seconds until it is full again.
    pub full_in: u64,
}

impl Bucket {
    /// A bucket of `capacity` that refills `per_second`; `None` when either is zero (no limit).
    pub fn new(capacity: u32, per_second: f64, unit: &'static str) -> Option<Bucket> {
        let burst = NonZeroU32::new(capacity)?;
        if per_second <= 0.0 || !per_second.is_finite() {
            return None;
        }
        let period = Duration::from_secs_f64(1.0 / per_second);
        let quota = Quota::with_period(period)?.allow_burst(burst);
        Some(Bucket {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            capacity,
            per_second,
            checks: AtomicU64::new(0),
            unit,
        })
    }

    /// Takes `amount` from `key`'s bucket, or `RATE_LIMITED` saying when it will be there.
    pub fn take(&self, key: i64, amount: u64) -> Result<Allowance, AppError> {
        self.take_or_standing(key, amount).map_err(|(err, _)| err)
    }

    /// [`Bucket::take`], with the credential's standing (nothing left) when it is refused.
    pub fn take_or_standing(
        &self,
        key: i64,
        amount: u64,
    ) -> Result<Allowance, (AppError, Allowance)> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            self.limiter.retain_recent();
        }
        let amount = u32::try_from(amount.max(1)).unwrap_or(u32::MAX);
        let Some(n) = NonZeroU32::new(amount) else {
            return Ok(self.full());
        };
        match self.limiter.check_key_n(&key, n) {
            Ok(Ok(snapshot)) => {
                let remaining = snapshot.remaining_burst_capacity();
                Ok(Allowance {
                    limit: self.capacity,
                    remaining,
                    per_second: self.per_second,
                    full_in: self.seconds_for(self.capacity.saturating_sub(remaining)),
                })
            }
            Ok(Err(not_until)) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                let standing = self.empty();
                Err((AppError::RateLimited {
                    message: format!(
                        "rate limit reached: this request needs {amount} {unit} and the bucket of {capacity} refills {rate} per second; retry in {retry_after} s",
                        unit = self.unit,
                        capacity = self.capacity,
                        rate = self.per_second,
                    ),
                    retry_after: retry_after.max(1),
                }, standing))
            }
            Err(_) => Err((
                AppError::RateLimited {
                    message: format!(
                        "this request needs {amount} {}, more than the bucket of {} ever holds",
                        self.unit, self.capacity
                    ),
                    retry_after: self.seconds_for(self.capacity).max(1),
                },
                self.empty(),
            )),
        }
    }

    /// Draws up to `amount` from `key`'s bucket after the fact, as much of it as the bucket
    /// holds (never refused: the work is done): what a response cost beyond what was drawn
    /// for it before it ran. `None` when nothing could be drawn (the bucket is empty).
    pub fn draw_up_to(&self, key: i64, amount: u64) -> Option<Allowance> {
        // What is left to draw, the next step tried and the standing after the last draw. A
        // step that does not fit halves (a refused check takes nothing); one that fits is
        // drawn and tried again: the bucket ends within a point of empty, in at most about
        // 64 steps each way.
        let (mut left, mut step, mut drawn) = (amount, amount, None);
        while left > 0 && step > 0 {
            match self.take_or_standing(key, step) {
                Ok(allowance) => {
                    drawn = Some(allowance);
                    left -= step;
                    step = step.min(left);
                }
                Err(_) => step /= 2,
            }
        }
        drawn
    }

    /// The standing of a credential that has not been seen (a full bucket).
    pub fn full(&self) -> Allowance {
        Allowance {
            limit: self.capacity,
            remaining: self.capacity,
            per_second: self.per_second,
            full_in: 0,
        }
    }

    /// The standing of a credential whose bucket is empty.
    pub fn empty(&self) -> Allowance {
        Allowance {
            limit: self.capacity,
            remaining: 0,
            per_second: self.per_second,
            full_in: self.seconds_for(self.capacity),
        }
    }

    fn seconds_for(&self, amount: u32) -> u64 {
        (f64::from(amount) / self.per_second).ceil() as u64
    }
}

/// The server's rate limits.
pub struct RateLimits {
    /// Cost points of GraphQL requests (`None`: unlimited).
    pub graphql: Option<Bucket>,
    /// REST requests (`None`: unlimited).
    pub rest: Option<Bucket>,
}

impl RateLimits {
    /// Buckets for this process's share of the configured limits.
    pub fn new(settings: &super::RateSettings, max_cost: u64) -> RateLimits {
        let share = f64::from(settings.processes.max(1));
        let mut graphql_capacity = (f64::from(settings.graphql_budget) / share).ceil() as u32;
        if graphql_capacity > 0 {
            // A request the cost limit lets through must fit an idle bucket.
            graphql_capacity = graphql_capacity.max(u32::try_from(max_cost).unwrap_or(u32::MAX));
        }
        let rest_capacity = (f64::from(settings.rest_per_hour) / share).ceil() as u32;
        RateLimits {
            graphql: Bucket::new(
                graphql_capacity,
                f64::from(settings.graphql_restore_per_second) / share,
                "cost points",
            ),
            rest: Bucket::new(
                rest_capacity,
                f64::from(settings.rest_per_hour) / share / 3600.0,
                "requests",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_lets_its_capacity_through_then_refuses_with_a_wait() {
        let bucket = Bucket::new(3, 1.0 / 3600.0, "requests").expect("a bucket");
        for left in [2, 1, 0] {
            let allowance = bucket.take(7, 1).expect("within the limit");
            assert_eq!(allowance.remaining, left);
            assert_eq!(allowance.limit, 3);
        }
        let refused = bucket.take(7, 1).expect_err("over the limit");
        assert_eq!(refused.code(), "RATE_LIMITED");
        let wait = refused.retry_after().expect("a wait");
        assert!((1_000..=3_600).contains(&wait), "{wait}");
        // Another credential has its own bucket.
        assert_eq!(bucket.take(8, 1).expect("own bucket").remaining, 2);
    }

    #[test]
    fn costs_are_drawn_in_amounts_and_more_than_the_capacity_never_passes() {
        let bucket = Bucket::new(100, 10.0, "cost points").expect("a bucket");
        assert_eq!(bucket.take(1, 60).expect("fits").remaining, 40);
        assert_eq!(
            bucket.take(1, 50).expect_err("does not fit").code(),
            "RATE_LIMITED"
        );
        assert!(bucket.take(2, 101).is_err());
    }

    #[test]
    fn what_a_response_cost_beyond_its_draw_is_drawn_as_far_as_the_bucket_holds() {
        // 1 point an hour: nothing refills while the test runs.
        let bucket = Bucket::new(1_000, 1.0 / 3600.0, "cost points").expect("a bucket");
        assert_eq!(bucket.take(1, 100).expect("fits").remaining, 900);
        assert_eq!(bucket.draw_up_to(1, 500).map(|a| a.remaining), Some(400));
        // More than it holds: it pays all it holds, never refused.
        assert_eq!(
            bucket.draw_up_to(1, 1_000_000).map(|a| a.remaining),
            Some(0)
        );
        assert_eq!(bucket.draw_up_to(1, 10), None, "empty");
        assert!(bucket.take(1, 1).is_err(), "and the next request waits");
    }

    #[test]
    fn zero_turns_a_limit_off() {
        assert!(Bucket::new(0, 1.0, "requests").is_none());
        assert!(Bucket::new(10, 0.0, "requests").is_none());
    }
}
