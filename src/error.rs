//! `AppError`: the one error type of the services, with a stable code per variant, mapped once
//! to GraphQL (`extensions.code`) and once to HTTP status codes.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any `Display`
//! type into an error without a code, so this way every `?` in a resolver goes through the
//! `From` impl below and carries its `extensions.code`.

mod database;

use async_graphql::ErrorExtensions;

pub use database::{classify as classify_db_err, sql_state, DbFailure};

/// Every failure a service can report. The `code()` of each variant is part of the API contract.
#[derive(Debug)]
pub enum AppError {
    /// The addressed thing does not exist for this caller (including another account's ids).
    NotFound(String),
    /// The input is malformed or out of range; the message says what is wrong.
    Validation(String),
    /// The HTTP request itself is malformed (not JSON, no query, an unsupported media type…).
    BadRequest {
        /// What is wrong with the request.
        message: String,
        /// The HTTP status that says so (400, 405, 406, 413, 415).
        status: u16,
    },
    /// No credentials, or credentials that do not verify.
    Unauthenticated(String),
    /// The caller is known but its role does not allow the operation.
    Forbidden(String),
    /// The operation conflicts with the current state (duplicate, concurrent change).
    Conflict(String),
    /// The query costs more than one request may (`requested` against `limit`).
    TooExpensive {
        /// What is wrong.
        message: String,
        /// The query's computed cost.
        requested: u64,
        /// The most one request may cost.
        limit: u64,
    },
    /// The caller's rate limit is spent; it refills within `retry_after` seconds.
    RateLimited {
        /// What is spent and when it refills.
        message: String,
        /// Seconds until the request would be accepted.
        retry_after: u64,
    },
    /// The server cannot take the request now (database pool exhausted, database down); a
    /// retry after `retry_after` seconds may succeed.
    Unavailable {
        /// What is unavailable.
        message: String,
        /// Seconds after which a retry is sensible.
        retry_after: u64,
    },
    /// The request (or one of its statements) ran longer than allowed and was stopped.
    Timeout(String),
    /// Anything else: logged in full, shown to clients only as a generic message.
    Internal(String),
}

impl AppError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Validation(_) => "VALIDATION",
            AppError::BadRequest { .. } => "BAD_REQUEST",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::Conflict(_) => "CONFLICT",
            AppError::TooExpensive { .. } => "QUERY_TOO_EXPENSIVE",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::Unavailable { .. } => "UNAVAILABLE",
            AppError::Timeout(_) => "TIMEOUT",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The HTTP status a REST or transport-level response carries for this error.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Validation(_) | AppError::TooExpensive { .. } => 400,
            AppError::BadRequest { status, .. } => *status,
            AppError::Unauthenticated(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::Conflict(_) => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable { .. } => 503,
            AppError::Timeout(_) => 504,
            AppError::Internal(_) => 500,
        }
    }

    /// Seconds a client should wait before retrying (`Retry-After`), for retryable errors.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after, .. }
            | AppError::Unavailable { retry_after, .. } => Some(*retry_after),
            AppError::Timeout(_) => Some(1),
            _ => None,
        }
    }

    /// The message a client may see: never SQL or internal detail.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound(m)
            | AppError::Validation(m)
            | AppError::BadRequest { message: m, .. }
            | AppError::Unauthenticated(m)
            | AppError::Forbidden(m)
            | AppError::Conflict(m)
            | AppError::TooExpensive { message: m, .. }
            | AppError::RateLimited { message: m, .. }
            | AppError::Unavailable { message: m, .. }
            | AppError::Timeout(m) => m.clone(),
            AppError::Internal(_) => "internal error".to_owned(),
        }
    }

    /// A `NOT_FOUND` error for a kind of thing and the id the caller gave.
    pub fn not_found(kind: &str, id: impl std::fmt::Display) -> Self {
        AppError::NotFound(format!("{kind} {id} not found"))
    }

    /// A `BAD_REQUEST` error with status 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest {
            message: message.into(),
            status: 400,
        }
    }

    /// A transaction aborted because of a concurrent one (deadlock, serialization failure, busy
    /// database): `UNAVAILABLE`, and a write transaction runs it again (`service::write`).
    pub fn contention(detail: impl std::fmt::Display) -> Self {
        tracing::debug!(error = %detail, "transaction lost a race");
        AppError::Unavailable {
            message: CONTENTION.to_owned(),
            retry_after: 1,
        }
    }

    /// Whether this is a [`AppError::contention`] error, which running the transaction again
    /// may cure.
    pub fn is_contention(&self) -> bool {
        matches!(self, AppError::Unavailable { message, .. } if message == CONTENTION)
    }

    /// Logs an internal failure and wraps it; the detail stays in the log.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let detail = detail.to_string();
        tracing::error!(error = %detail, "internal error");
        AppError::Internal(detail)
    }
}

/// The message of a contention error (see [`AppError::contention`]).
const CONTENTION: &str = "the database is busy with concurrent changes; try again";

/// A database failure: a transaction that lost a race (deadlock, serialization failure, a busy
/// SQLite) is contention, which [`crate::service::write`] retries; otherwise `UNAVAILABLE`
/// (pool exhausted, database down), `TIMEOUT` (statement timeout) or `INTERNAL`, as
/// [`classify_db_err`] decides.
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if crate::service::write::is_retryable(&err) {
            return AppError::contention(err);
        }
        database::app_error(err)
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let code = err.code();
        let retry_after = err.retry_after();
        let cost = match &err {
            AppError::TooExpensive {
                requested, limit, ..
            } => Some((*requested, *limit)),
            _ => None,
        };
        async_graphql::Error::new(err.public_message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
            if let Some((requested, limit)) = cost {
                ext.set("cost", requested);
                ext.set("limit", limit);
            }
        })
    }
}

/// Result alias of the services.
pub type AppResult<T> = Result<T, AppError>;

/// A client's `text` quoted for a message: its first 40 characters at most, then `…` and how
/// many it has (a client's garbage is not echoed back whole).
pub fn quoted(text: &str) -> String {
    const QUOTED: usize = 40;
    match text.char_indices().nth(QUOTED) {
        Some((end, _)) => format!("{:?}… ({} characters)", &text[..end], text.chars().count()),
        None => format!("{text:?}"),
    }
}
