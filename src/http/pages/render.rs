//! Rendering pages with the headers every page carries.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::app::App;

/// Only this origin: no scripts, styles, fonts or frames from anywhere else.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What every page shows: the programme's name and how to reach its coordinators.
pub struct Page {
    pub program: String,
    pub contact_email: String,
}

impl Page {
    pub fn new(app: &App) -> Self {
        Page {
            program: app.settings.email.program_name.clone(),
            contact_email: app.settings.email.reply_to.email.to_string(),
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
