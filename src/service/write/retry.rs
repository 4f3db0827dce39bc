//! Which database errors mean "a concurrent transaction won; run it again", and how long to wait
//! before the next attempt.

use std::time::Duration;

use sea_orm::sqlx::{self, postgres::PgDatabaseError, sqlite::SqliteError};
use sea_orm::{DbBackend, DbErr, RuntimeErr};

/// Attempts a write gets before its caller is told the database is busy.
pub const MAX_ATTEMPTS: u32 = 4;

/// The pause before the second attempt; each later one doubles it.
const FIRST_PAUSE: Duration = Duration::from_millis(20);

/// Whether `err` aborted a transaction only because of concurrent transactions, so that running
/// it again can succeed: a deadlock (`40P01`) or serialization failure (`40001`) on PostgreSQL,
/// `SQLITE_BUSY` or `SQLITE_LOCKED` (with any extended code) on SQLite.
pub fn is_retryable(err: &DbErr) -> bool {
    let (DbErr::Exec(RuntimeErr::SqlxError(e))
    | DbErr::Query(RuntimeErr::SqlxError(e))
    | DbErr::Conn(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    let sqlx::Error::Database(db) = e.as_ref() else {
        return false;
    };
    let Some(code) = db.code() else {
        return false;
    };
    let backend = if db.try_downcast_ref::<PgDatabaseError>().is_some() {
        DbBackend::Postgres
    } else if db.try_downcast_ref::<SqliteError>().is_some() {
        DbBackend::Sqlite
    } else {
        return false;
    };
    retryable_code(backend, &code)
}

/// The classification of an error code: a SQLSTATE on PostgreSQL, SQLite's extended result
/// code (whose low byte is the primary code: 5 busy, 6 locked) on SQLite.
fn retryable_code(backend: DbBackend, code: &str) -> bool {
    match backend {
        DbBackend::Postgres => matches!(code, "40P01" | "40001"),
        DbBackend::Sqlite => code
            .parse::<i32>()
            .is_ok_and(|code| matches!(code & 0xff, 5 | 6)),
        _ => false,
    }
}

/// Pauses between attempts: 20 ms, 40 ms, 80 ms…, each scaled by a random factor between 0.5
/// and 1.5 so that transactions which collided once do not collide again in lockstep.
#[derive(Debug)]
pub struct Backoff {
    attempts: u32,
}

impl Backoff {
    /// Before the first attempt.
    pub fn new() -> Self {
        Backoff { attempts: 1 }
    }

    /// Attempts made so far (counting the one that just failed).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The pause before the next attempt, or `None` when every attempt is spent.
    pub fn next_pause(&mut self) -> Option<Duration> {
        if self.attempts >= MAX_ATTEMPTS {
            return None;
        }
        let base = FIRST_PAUSE * 2u32.pow(self.attempts - 1);
        self.attempts += 1;
        Some(base.mul_f64(rand::random_range(0.5..1.5)))
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests;
