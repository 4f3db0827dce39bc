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

impl UserError {
    /// The input field at `path` (below `input`) could not be read, e.g. a malformed id.
    pub fn unreadable(path: &[&str], err: &crate::error::AppError) -> Vec<UserError> {
        let mut field = vec!["input".to_owned()];
        field.extend(path.iter().map(|p| (*p).to_owned()));
        vec![UserError {
            field,
            code: UserErrorCode::Invalid,
            message: err.public_message(),
        }]
    }

    /// The input field at `path` (below `input`) names nothing the caller can see.
    pub fn not_found(path: &[&str], err: &crate::error::AppError) -> Vec<UserError> {
        let mut errors = Self::unreadable(path, err);
        for e in &mut errors {
            e.code = UserErrorCode::NotFound;
        }
        errors
    }

    /// The id list at `path` (below `input`) is longer than `max`: refused before any id is read.
    pub fn at_most(path: &[&str], len: usize, max: usize) -> Result<(), Vec<UserError>> {
        if len <= max {
            return Ok(());
        }
        let mut field = vec!["input".to_owned()];
        field.extend(path.iter().map(|p| (*p).to_owned()));
        let name = path.last().copied().unwrap_or("ids");
        Err(vec![UserError {
            field,
            code: UserErrorCode::TooLong,
            message: validation::too_many_ids(name, len, max),
        }])
    }

    /// Service user errors as API user errors.
    pub fn all(errors: Vec<validation::UserError>) -> Vec<UserError> {
        errors.into_iter().map(UserError::from).collect()
    }
}
