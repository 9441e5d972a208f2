//! `/checkins`: the check-ins planned for each pair over the first year. Coordinators only:
//! who answered when is derived from the answers.

use actix_web::{HttpRequest, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::views::Page;
use crate::app::{App, checkins};
use crate::domain::checkin::{CheckinStatus, PlannedCheckin};
use crate::domain::cursor::Cursor;
use crate::http::auth::Coordinator;
use crate::http::problem::{ApiError, Problem};
use crate::http::query::{ListQuery, one_of};

const STATUSES: [&str; 5] = ["scheduled", "sent", "answered", "expired", "cancelled"];

/// One person's check-in at one step of a match. Answers are never listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinView {
    pub id: String,
    pub match_id: String,
    pub person_id: String,
    /// mentee | mentor
    pub role: String,
    #[schema(example = "day14")]
    pub step: String,
    pub due_at: DateTime<Utc>,
    /// scheduled | sent | answered | expired | cancelled
    pub status: String,
    pub answered_at: Option<DateTime<Utc>>,
    /// When the first email went out.
    pub sent_at: Option<DateTime<Utc>>,
    /// When its links stop working.
    pub expires_at: Option<DateTime<Utc>>,
    pub reminders_sent: i32,
}

impl From<&PlannedCheckin> for CheckinView {
    fn from(c: &PlannedCheckin) -> Self {
        CheckinView {
            id: c.id.clone(),
            match_id: c.match_id.clone(),
            person_id: c.person_id.clone(),
            role: c.role.as_str().to_string(),
            step: c.step.clone(),
            due_at: c.due_at,
            status: c.status.as_str().to_string(),
            answered_at: c.answered_at,
            sent_at: c.sent_at,
            expires_at: c.expires_at,
            reminders_sent: c.reminders_sent,
        }
    }
}

#[utoipa::path(
    tag = "Check-ins",
    summary = "List check-ins",
    description = "Coordinator tokens only: when each person answered is derived from their check-ins, so integration tokens get 403.",
    params(
        ("match_id" = Option<uuid::Uuid>, Query),
        ("status" = Option<String>, Query, description = "scheduled | sent | answered | expired | cancelled"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = Page<CheckinView>), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, description = "An integration token", body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/checkins")]
pub async fn list(
    app: web::Data<App>,
    _: Coordinator,
    req: HttpRequest,
) -> Result<web::Json<Page<CheckinView>>, ApiError> {
    let q = ListQuery::parse_for_matches(&req, |s| {
        one_of(&STATUSES)(s).and_then(|s| CheckinStatus::parse(&s))
    })?;
    let page = checkins::list_checkins(
        &app,
        q.match_id,
        q.status,
        q.cursor.map_or(0, |c| c.after),
        i64::from(q.limit),
    )
    .await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(CheckinView::from).collect(),
        next_cursor: page.next_after.map(|after| Cursor { after }.encode()),
    }))
}
