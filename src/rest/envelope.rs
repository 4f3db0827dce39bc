//! The product's error envelope `{"Status":"ERROR","Message":"...","Errors":[{"Field","Message"}]}`
//! and `RestError`, the one error type of the façade: from `AppError` (by `http_status()` and
//! `public_message()`), from a service's user errors, and from wire-level mistakes.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::domain::UserErrorCode;
use crate::error::AppError;
use crate::service::validation::UserError;

/// One problem with one request parameter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldError {
    /// The wire name of the parameter (`Name`, `MediaPartners`, `Page`, ...).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope<'a> {
    status: &'static str,
    message: &'a str,
    errors: &'a [FieldError],
}

/// A failed REST request: a status code and the envelope's message and field errors.
#[derive(Debug)]
pub struct RestError {
    status: StatusCode,
    message: String,
    errors: Vec<FieldError>,
    /// Seconds for `Retry-After` (429 and 503).
    retry_after: Option<u64>,
}

impl RestError {
    /// An error without field details.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        RestError {
            status,
            message: message.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 400 for one bad or missing parameter; the message is also the envelope's `Message`.
    pub fn bad_parameter(field: &str, message: impl Into<String>) -> Self {
        Self::of_parameter(StatusCode::BAD_REQUEST, field, message)
    }

    /// 404 for a path parameter naming nothing the caller can see, with the parameter named
    /// as a service's `NOT_FOUND` is (the same envelope whichever finds it missing).
    pub fn unknown_parameter(field: &str, message: impl Into<String>) -> Self {
        Self::of_parameter(StatusCode::NOT_FOUND, field, message)
    }

    fn of_parameter(status: StatusCode, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        RestError {
            status,
            errors: vec![FieldError {
                field: field.to_owned(),
                message: message.clone(),
            }],
            message,
            retry_after: None,
        }
    }

    /// 404 for a path the API does not have.
    pub fn unknown_path() -> Self {
        RestError::new(StatusCode::NOT_FOUND, "no such resource")
    }

    /// 405 for a method the resource does not support (axum adds the `Allow` header).
    pub fn method_not_allowed() -> Self {
        RestError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "this method is not allowed on this resource",
        )
    }

    /// The status code of this error.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A service's user errors: 404 when the campaign or group is unknown, 409 when the only
    /// problem is a duplicate name, 400 otherwise. The errors deciding the status come first,
    /// so `Message` (the first error's) explains the status.
    pub fn from_user_errors(errors: Vec<UserError>) -> Self {
        Self::from_user_errors_named(errors, GROUP_FIELDS)
    }

    /// [`RestError::from_user_errors`] for a resource whose service fields have other wire
    /// names (`names`: service field, wire name; the rest are capitalised).
    pub fn from_user_errors_named(errors: Vec<UserError>, names: &[(&str, &str)]) -> Self {
        let mut classified: Vec<(StatusCode, FieldError)> = errors
            .into_iter()
            .map(|e| {
                let field = e.field.last().map(String::as_str).unwrap_or_default();
                (
                    status_of(field, e.code),
                    wire_error(field, &e.message, names),
                )
            })
            .collect();
        let status = [StatusCode::NOT_FOUND, StatusCode::BAD_REQUEST]
            .into_iter()
            .find(|s| classified.iter().any(|(c, _)| c == s))
            .unwrap_or(StatusCode::CONFLICT);
        classified.sort_by_key(|(c, _)| *c != status);
        let errors: Vec<FieldError> = classified.into_iter().map(|(_, e)| e).collect();
        let message = errors
            .first()
            .map_or_else(|| "invalid request".to_owned(), |e| e.message.clone());
        RestError {
            status,
            message,
            errors,
            retry_after: None,
        }
    }
}

fn status_of(field: &str, code: UserErrorCode) -> StatusCode {
    match (field, code) {
        ("campaignId" | "id", UserErrorCode::NotFound) => StatusCode::NOT_FOUND,
        ("name", UserErrorCode::Conflict) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The wire names of the groups service's input fields.
const GROUP_FIELDS: &[(&str, &str)] = &[
    ("name", "Name"),
    ("partnerIds", "MediaPartners"),
    ("addPartnerIds", "MediaPartnersAdd"),
    ("removePartnerIds", "MediaPartnersRemove"),
    ("id", "PartnerGroupId"),
];

/// The wire name of a service input field: from `names`, else capitalised.
fn wire_name(field: &str, names: &[(&str, &str)]) -> String {
    if let Some((_, wire)) = names.iter().find(|(service, _)| *service == field) {
        return (*wire).to_owned();
    }
    let mut chars = field.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A user error with wire names: a message that starts with the service's field name
/// ("name is required") names the wire parameter instead ("Name is required").
fn wire_error(field: &str, message: &str, names: &[(&str, &str)]) -> FieldError {
    let wire = wire_name(field, names);
    let message = match message.strip_prefix(field) {
        Some(rest) if !field.is_empty() && rest.starts_with(' ') => format!("{wire}{rest}"),
        _ => message.to_owned(),
    };
    FieldError {
        field: wire,
        message,
    }
}

impl From<AppError> for RestError {
    fn from(err: AppError) -> Self {
        let status =
            StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut rest = RestError::new(status, err.public_message());
        rest.retry_after = err.retry_after();
        rest
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let body = Envelope {
            status: "ERROR",
            message: &self.message,
            errors: &self.errors,
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(crate::auth::CHALLENGE),
            );
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_error(field: &str, code: UserErrorCode, message: &str) -> UserError {
        UserError {
            field: vec!["input".into(), field.into()],
            code,
            message: message.into(),
        }
    }

    #[test]
    fn service_fields_get_wire_names() {
        assert_eq!(wire_name("name", GROUP_FIELDS), "Name");
        assert_eq!(wire_name("addPartnerIds", GROUP_FIELDS), "MediaPartnersAdd");
        assert_eq!(wire_name("campaignId", GROUP_FIELDS), "CampaignId");
        let err = wire_error("name", "name is required", GROUP_FIELDS);
        assert_eq!(err.message, "Name is required");
        assert_eq!(
            wire_error(
                "partnerIds",
                "partner 7 is not in this campaign",
                GROUP_FIELDS
            )
            .message,
            "partner 7 is not in this campaign"
        );
    }

    #[test]
    fn the_deciding_error_comes_first() {
        let err = RestError::from_user_errors(vec![
            user_error("name", UserErrorCode::Conflict, "duplicate"),
            user_error("partnerIds", UserErrorCode::NotFound, "partner 7 missing"),
        ]);
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert_eq!(err.message, "partner 7 missing");
        assert_eq!(err.errors.len(), 2);
        let err = RestError::from_user_errors(vec![user_error(
            "name",
            UserErrorCode::Conflict,
            "duplicate",
        )]);
        assert_eq!(err.status(), StatusCode::CONFLICT);
        let err = RestError::from_user_errors(vec![
            user_error("name", UserErrorCode::Required, "name is required"),
            user_error(
                "campaignId",
                UserErrorCode::NotFound,
                "campaign 9 not found",
            ),
        ]);
        assert_eq!(err.status(), StatusCode::NOT_FOUND);
        assert_eq!(err.message, "campaign 9 not found");
    }
}
