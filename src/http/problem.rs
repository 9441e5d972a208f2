//! Every error answer is RFC 9457 `application/problem+json`, with field errors for validation.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppError;
use crate::domain::field_error::{FieldError, FieldErrors};

pub const CONTENT_TYPE: &str = "application/problem+json";

/// How long an overloaded service asks clients and people to wait, in seconds.
pub const RETRY_AFTER_SECS: &str = "5";

/// An error answer (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; `about:blank` when the status says it all.
    #[serde(rename = "type")]
    #[schema(example = "urn:belong:problem:validation")]
    pub problem_type: String,
    #[schema(example = "Invalid input")]
    pub title: String,
    #[schema(example = 422)]
    pub status: u16,
    #[schema(example = "email: must be an email address like name@hospital.org")]
    pub detail: String,
    /// One entry per invalid field (empty unless the input was invalid).
    pub errors: Vec<FieldErrorView>,
    /// The request's id (also in the `X-Request-Id` header), to find it in the service's log.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "4f1c2a9b7d3e8a10")]
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorView {
    #[schema(example = "email")]
    pub field: String,
    #[schema(example = "must be an email address like name@hospital.org")]
    pub message: String,
}

impl From<FieldError> for FieldErrorView {
    fn from(e: FieldError) -> Self {
        FieldErrorView {
            field: e.field,
            message: e.message,
        }
    }
}

/// Why a request failed, as the API tells it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed(Vec<String>),
    #[error("{0}")]
    Conflict(String, FieldErrors),
    #[error("body over {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Validation(FieldErrors),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
    /// An error status produced outside our handlers, told in its own words.
    #[error("{0}")]
    Status(StatusCode),
}

impl ApiError {
    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest(_) => ("malformed-request", "Malformed request"),
            ApiError::Unauthorized(_) => ("unauthorized", "Authentication required"),
            ApiError::Forbidden(_) => ("forbidden", "Not allowed for this token"),
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::MethodNotAllowed(_) => ("method-not-allowed", "Method not allowed"),
            ApiError::Conflict(..) => ("conflict", "Conflict"),
            ApiError::PayloadTooLarge(_) => ("payload-too-large", "Request body too large"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::Validation(_) => ("validation", "Invalid input"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Internal(_) => ("internal", "Internal error"),
            ApiError::Status(_) => ("", ""),
        }
    }

    fn problem(&self) -> Problem {
        let status = self.status_code();
        let (slug, title) = self.kind();
        let (problem_type, title) = if slug.is_empty() {
            (
                "about:blank".to_string(),
                status.canonical_reason().unwrap_or("Error").to_string(),
            )
        } else {
            (format!("urn:belong:problem:{slug}"), title.to_string())
        };
        let detail = match self {
            ApiError::MethodNotAllowed(allowed) => {
                format!("this resource answers {}", allowed.join(", "))
            }
            ApiError::PayloadTooLarge(limit) => {
                format!("the request body must be at most {limit} bytes")
            }
            // Never reveal internals: the cause is in the log.
            ApiError::Internal(_) => "something went wrong on our side; it has been logged".into(),
            ApiError::Status(code) => code.canonical_reason().unwrap_or("Error").to_string(),
            other => other.to_string(),
        };
        let errors = match self {
            ApiError::Validation(errors) | ApiError::Conflict(_, errors) => errors
                .clone()
                .into_vec()
                .into_iter()
                .map(FieldErrorView::from)
                .collect(),
            _ => Vec::new(),
        };
        Problem {
            problem_type,
            title,
            status: status.as_u16(),
            detail,
            errors,
            request_id: super::request_id::current(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(..) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Status(code) => *code,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(%cause, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)));
        match self {
            ApiError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"belong\""));
            }
            ApiError::MethodNotAllowed(allowed) => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS));
            }
            _ => {}
        }
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        response.body(body)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(errors) => ApiError::Validation(errors),
            AppError::NotFound(m) => ApiError::NotFound(m),
            AppError::Conflict { message, errors } => ApiError::Conflict(message, errors),
            AppError::Unavailable(m) => {
                tracing::warn!(cause = %m, "database unavailable");
                ApiError::Unavailable(
                    "the database is busy or unreachable; try again shortly".into(),
                )
            }
            AppError::Internal(m) => ApiError::Internal(m),
        }
    }
}
