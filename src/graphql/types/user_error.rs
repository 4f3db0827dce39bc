//! `UserError`: a problem with a mutation's input, reported on its payload.

use async_graphql::SimpleObject;

use crate::domain::UserErrorCode;
use crate::service::validation;

/// A problem with a mutation's input; nothing was written.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path to the offending input field, e.g. `["input", "email"]`.
    pub field: Vec<String>,
    /// Machine-readable reason.
    pub code: UserErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

impl From<validation::UserError> for UserError {
    fn from(err: validation::UserError) -> Self {
        UserError {
            field: err.field,
            code: err.code,
            message: err.message,
        }
    }
}
