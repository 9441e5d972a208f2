//! Rendering pages with the headers every page carries.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::app::{App, AppError};

use crate::http::problem::RETRY_AFTER_SECS;

/// Only this origin: no scripts, styles, fonts or frames from anywhere else.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What every page shows: the programme's name and how to reach its coordinators.
pub struct Page {
    pub program: String,
    pub contact_email: String,
}

/// The programme's identity for pages made where no request state is at hand (errors that
/// actix turns into responses); set when the server is built.
static IDENTITY: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();

impl Page {
    pub fn new(app: &App) -> Self {
        let page = Page {
            program: app.settings.email.program_name.clone(),
            contact_email: app.settings.email.reply_to.email.to_string(),
        };
        let _ = IDENTITY.set((page.program.clone(), page.contact_email.clone()));
        page
    }

    /// The page of the service that last built one (for error responses).
    pub fn current() -> Self {
        let (program, contact_email) = IDENTITY.get().cloned().unwrap_or_default();
        Page {
            program,
            contact_email,
        }
    }

    pub fn html(&self, status: StatusCode, template: impl Template) -> HttpResponse {
        match template.render() {
            Ok(body) => html_response(status, body),
            Err(e) => {
                tracing::error!(error = %e, "page template failed");
                html_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "<!DOCTYPE html><title>Error</title><p>Something went wrong on our side.</p>"
                        .into(),
                )
            }
        }
    }

    /// The page for a request that failed on our side, logged (inside the request's span, so
    /// with its id): 503 with `Retry-After` when the database is overloaded or away, else 500.
    /// Nothing of the cause reaches the page.
    pub fn failure(&self, e: &AppError, link: &str, link_text: &str) -> HttpResponse {
        let (status, heading, message) = match e {
            AppError::Unavailable(_) => {
                tracing::warn!(error = %e, "page unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Sorry, please try again in a minute",
                    "We are very busy just now. Please try again in a moment; anything you were sending has not been saved yet.",
                )
            }
            _ => {
                tracing::error!(error = %e, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, something went wrong on our side",
                    "We could not do that just now. Please go back and try again; if it happens again, please tell the programme's coordinators.",
                )
            }
        };
        let mut response = self.message(status, heading, message, link, link_text);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                actix_web::http::header::HeaderValue::from_static(RETRY_AFTER_SECS),
            );
        }
        response
    }

    /// A short page with a heading, a message and a way on.
    pub fn message(
        &self,
        status: StatusCode,
        heading: &str,
        message: &str,
        link: &str,
        link_text: &str,
    ) -> HttpResponse {
        self.html(
            status,
            Message {
                program: &self.program,
                contact_email: &self.contact_email,
                heading,
                message,
                link,
                link_text,
            },
        )
    }
}

pub fn html_response(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Referrer-Policy", "same-origin"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

#[derive(Template)]
#[template(path = "pages/message.html")]
struct Message<'a> {
    program: &'a str,
    contact_email: &'a str,
    heading: &'a str,
    message: &'a str,
    link: &'a str,
    link_text: &'a str,
}
