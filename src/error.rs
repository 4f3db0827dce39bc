//! `AppError`: the one error type of the services, with a stable code per variant, mapped once
//! to GraphQL (`extensions.code`) and once to HTTP status codes.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any `Display`
//! type into an error without a code, so this way every `?` in a resolver goes through the
//! `From` impl below and carries its `extensions.code`.

use async_graphql::ErrorExtensions;

/// Every failure a service can report. The `code()` of each variant is part of the API contract.
#[derive(Debug)]
pub enum AppError {
    /// The addressed thing does not exist for this caller (including another account's ids).
    NotFound(String),
    /// The input is malformed or out of range; the message says what is wrong.
    Validation(String),
    /// No credentials, or credentials that do not verify.
    Unauthenticated(String),
    /// The caller is known but its role does not allow the operation.
    Forbidden(String),
    /// The operation conflicts with the current state (duplicate, concurrent change).
    Conflict(String),
    /// Anything else: logged in full, shown to clients only as a generic message.
    Internal(String),
}

impl AppError {
    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Validation(_) => "VALIDATION",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Internal(_) => "INTERNAL",
        }
    }

    /// The HTTP status a REST or transport-level response carries for this error.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::NotFound(_) => 404,
            AppError::Validation(_) => 400,
            AppError::Unauthenticated(_) => 401,
            AppError::Forbidden(_) => 403,
            AppError::Conflict(_) => 409,
            AppError::Internal(_) => 500,
        }
    }

    /// The message a client may see: never SQL or internal detail.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound(m)
            | AppError::Validation(m)
            | AppError::Unauthenticated(m)
            | AppError::Forbidden(m)
            | AppError::Conflict(m) => m.clone(),
            AppError::Internal(_) => "internal error".to_owned(),
        }
    }

    /// A `NOT_FOUND` error for a kind of thing and the id the caller gave.
    pub fn not_found(kind: &str, id: impl std::fmt::Display) -> Self {
        AppError::NotFound(format!("{kind} {id} not found"))
    }

    /// Logs an internal failure and wraps it; the detail stays in the log.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        let detail = detail.to_string();
        tracing::error!(error = %detail, "internal error");
        AppError::Internal(detail)
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::internal(err)
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let code = err.code();
        async_graphql::Error::new(err.public_message()).extend_with(|_, ext| ext.set("code", code))
    }
}

/// Result alias of the services.
pub type AppResult<T> = Result<T, AppError>;
