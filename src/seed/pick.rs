//! Random helpers over the deterministic generator: weighted picks, skewed numbers, dates, and
//! "coverage" overrides that make every enumeration value appear even in small data sets.

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The generator's random number source: deterministic for a given seed.
pub(crate) type Rng8 = ChaCha8Rng;

/// The generator of one account: `seed` mixed with the account's index.
pub(crate) fn account_rng(seed: u64, account_index: u64) -> Rng8 {
    ChaCha8Rng::seed_from_u64(seed.wrapping_add(account_index.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
}

/// One element of a non-empty slice, uniformly.
pub(crate) fn pick<'a, T>(rng: &mut Rng8, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// One value drawn by relative weight (the weights must not all be zero).
pub(crate) fn weighted<T: Copy>(rng: &mut Rng8, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total.max(1));
    for (item, weight) in items {
        if n < *weight {
            return *item;
        }
        n -= weight;
    }
    items[0].0
}

/// True with probability `p`.
pub(crate) fn chance(rng: &mut Rng8, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A number between `lo` and `hi` whose logarithm is uniform: small values are common, large rare.
pub(crate) fn log_uniform(rng: &mut Rng8, lo: f64, hi: f64) -> f64 {
    let (l, h) = (lo.max(1e-9).ln(), hi.max(lo).max(1e-9).ln());
    (l + rng.random::<f64>() * (h - l)).exp()
}

/// The `index`-th value of `all` while `index` is below its length: the first rows of a data set
/// take every value once, so that small data sets still show each one.
pub(crate) fn cover<T: Copy>(index: usize, all: &[T]) -> Option<T> {
    all.get(index).copied()
}

/// `count` distinct indexes below `len` (all of them when `count >= len`), in random order.
pub(crate) fn distinct(rng: &mut Rng8, len: usize, count: usize) -> Vec<usize> {
    rand::seq::index::sample(rng, len, count.min(len)).into_vec()
}

/// A moment uniformly between `from` and `to` (or `from` when the range is empty).
pub(crate) fn between(rng: &mut Rng8, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span = (to - from).num_seconds();
    if span <= 0 {
        return from;
    }
    from + Duration::seconds(rng.random_range(0..span))
}

/// A moment within the last `days` days before `now`.
pub(crate) fn days_ago(rng: &mut Rng8, now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    between(rng, now - Duration::days(days), now)
}

/// A moment between `min_days` and `max_days` days after `now`.
pub(crate) fn days_ahead(
    rng: &mut Rng8,
    now: DateTime<Utc>,
    min_days: i64,
    max_days: i64,
) -> DateTime<Utc> {
    between(
        rng,
        now + Duration::days(min_days),
        now + Duration::days(max_days),
    )
}

/// A lower-case slug of `text` (letters and digits only).
pub(crate) fn slug(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_picks_respect_zero_weights() {
        let mut rng = account_rng(1, 0);
        for _ in 0..100 {
            assert_eq!(weighted(&mut rng, &[("a", 0), ("b", 5)]), "b");
        }
    }

    #[test]
    fn log_uniform_stays_in_range() {
        let mut rng = account_rng(2, 0);
        for _ in 0..1000 {
            let x = log_uniform(&mut rng, 5.0, 50_000.0);
            assert!((4.999..=50_000.001).contains(&x));
        }
    }

    #[test]
    fn distinct_indexes_are_unique() {
        let mut rng = account_rng(3, 0);
        let mut picked = distinct(&mut rng, 10, 4);
        picked.sort_unstable();
        picked.dedup();
        assert_eq!(picked.len(), 4);
        assert_eq!(distinct(&mut rng, 3, 10).len(), 3);
    }
}
