//! Email delivery in the console: what is queued, sent or failed, and retrying a failure.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::errors::ConsoleError;
use super::form::Form;
use super::session::Me;
use crate::app::coordinators::SignedIn;
use crate::app::{App, AppError, emails};
use crate::http::pages::render::Page;

struct EmailRowView {
    id: String,
    subject: String,
    status: String,
    attempts: i32,
    last_error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/emails.html")]
struct EmailsPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    queued: i64,
    sent: i64,
    failed: i64,
    emails: Vec<EmailRowView>,
}

pub async fn list(app: web::Data<App>, me: Me) -> Result<HttpResponse, ConsoleError> {
    let (page_rows, counts) = emails::list_emails(&app, None, None, 0, 200).await?;
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        EmailsPage {
            program: &page.program,
            me: &me.0,
            queued: counts.queued,
            sent: counts.sent,
            failed: counts.failed,
            emails: page_rows
                .items
                .into_iter()
                .map(|r| EmailRowView {
                    id: r.id,
                    subject: r.subject,
                    status: r.status.label().to_string(),
                    attempts: r.attempts,
                    last_error: r.last_error,
                })
                .collect(),
        },
    ))
}

/// Queues a failed email again; one already sent or gone is left as it is.
pub async fn retry(
    app: web::Data<App>,
    _form: Form,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    if let Ok(id) = Uuid::parse_str(&id) {
        match emails::retry(&app, id).await {
            Ok(_) | Err(AppError::Conflict { .. }) | Err(AppError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(HttpResponse::SeeOther()
        .insert_header(("Location", "/coordinator/emails"))
        .finish())
}
