//! The console's first page: what is waiting for the coordinators.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::ConsoleError;
use super::session::Me;
use crate::app::coordinators::SignedIn;
use crate::app::{App, console, flags};
use crate::domain::words;
use crate::http::pages::render::Page;

#[derive(Template)]
#[template(path = "console/overview.html")]
struct OverviewPage<'a> {
    program: &'a str,
    me: &'a SignedIn,
    waiting: usize,
    longest_wait: Option<String>,
    mentors_free: usize,
    free_places: String,
    proposals: usize,
    emails_queued: i64,
    emails_failed: i64,
    flags_open: i64,
    flags_acknowledged: i64,
}

pub async fn overview(app: web::Data<App>, me: Me) -> Result<HttpResponse, ConsoleError> {
    let o = console::overview(&app).await?;
    let (flags_open, flags_acknowledged) = flags::waiting(&app).await?;
    let page = Page::new(&app);
    Ok(page.html(
        StatusCode::OK,
        OverviewPage {
            program: &page.program,
            me: &me.0,
            waiting: o.waiting,
            longest_wait: o
                .longest_wait_days
                .map(|days| words::count(days, "day", "days")),
            mentors_free: o.mentors_free,
            free_places: words::count(o.free_places, "place", "places"),
            proposals: o.proposals,
            emails_queued: o.emails_queued,
            emails_failed: o.emails_failed,
            flags_open,
            flags_acknowledged,
        },
    ))
}
