//! Why a console request cannot go on, and the page each refusal answers with.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::app::AppError;
use crate::http::pages::render::{Page, html_response};

/// No session (→ the sign-in page), a bad form token, or what the application refused.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("not signed in")]
    SignIn,
    #[error("the form has expired")]
    Forbidden,
    #[error("{0}")]
    App(#[from] AppError),
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::SignIn => StatusCode::SEE_OTHER,
            ConsoleError::Forbidden => StatusCode::FORBIDDEN,
            ConsoleError::App(AppError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            ConsoleError::App(AppError::NotFound(_)) => StatusCode::NOT_FOUND,
            ConsoleError::App(AppError::Conflict { .. }) => StatusCode::CONFLICT,
            ConsoleError::App(AppError::Validation(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            ConsoleError::App(AppError::Internal(_)) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ConsoleError::SignIn => HttpResponse::SeeOther()
                .insert_header(("Location", "/coordinator/login"))
                .finish(),
            ConsoleError::Forbidden => html_response(
                StatusCode::FORBIDDEN,
                "<!DOCTYPE html><html lang=\"en\"><title>Please try again</title><main><h1>Please try again</h1>\
                 <p>That form had expired. <a href=\"/coordinator\">Back to the console</a>.</p></main></html>"
                    .into(),
            ),
            ConsoleError::App(
                e @ (AppError::NotFound(_) | AppError::Conflict { .. } | AppError::Validation(_)),
            ) => Page::current().message(
                self.status_code(),
                "That could not be done",
                &format!("{}.", capitalised(&e.to_string())),
                "/coordinator",
                "Back to the console",
            ),
            ConsoleError::App(e) => Page::current().failure(e, "/coordinator", "Back to the console"),
        }
    }
}

/// What a refusal says — a conflict, a missing record or input the application did not
/// accept — for a note on the page; any other error stays an error.
pub fn refusal(e: AppError) -> Result<String, ConsoleError> {
    match e {
        AppError::Conflict { message, .. } | AppError::NotFound(message) => Ok(message),
        AppError::Validation(errors) => Ok(errors.to_string()),
        e => Err(ConsoleError::App(e)),
    }
}

/// "the mentor…" → "The mentor…", for a message that starts a sentence.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
