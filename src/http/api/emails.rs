//! `/emails`: the delivery status of every email, and a retry for failed ones.

use actix_web::{HttpRequest, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::App;
use crate::app::emails;
use crate::domain::cursor::Cursor;
use crate::domain::outbox::{Email, EmailStatus};
use crate::domain::role::Role;
use crate::http::auth::{Caller, Coordinator};
use crate::http::problem::{ApiError, Problem};
use crate::http::query::{ListQuery, one_of};

/// One email and how its delivery went.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmailView {
    pub id: String,
    pub match_id: Option<String>,
    /// The recipients' addresses.
    pub to: Vec<String>,
    pub subject: String,
    /// queued | sent | failed
    #[schema(example = "sent")]
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due (queued emails).
    pub next_attempt_at: Option<DateTime<Utc>>,
}

impl From<&Email> for EmailView {
    fn from(e: &Email) -> Self {
        EmailView {
            id: e.id.clone(),
            match_id: e.match_id.clone(),
            to: e.to.clone(),
            subject: e.subject.clone(),
            status: e.status.as_str().to_string(),
            attempts: e.attempts,
            last_error: e.last_error.clone(),
            sent_at: e.sent_at,
            created_at: e.created_at,
            next_attempt_at: e.next_attempt_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailCounts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EmailPage {
    pub items: Vec<EmailView>,
    pub next_cursor: Option<String>,
    /// Emails in each state, across the whole outbox.
    pub counts: EmailCounts,
}

const STATUSES: [&str; 3] = ["queued", "sent", "failed"];

/// Emails that follow from check-in answers: the check-ins and their reminders (a reminder
/// says who has not answered) and the coordinators' pair-health digests. Integration tokens
/// do not see them, as they do not see the check-ins.
const FROM_ANSWERS: [&str; 3] = ["checkin", "checkin_reminder", "health_digest"];

#[utoipa::path(
    tag = "Emails",
    summary = "List emails and their delivery status",
    description = "Integration tokens see every email but the check-ins, their reminders and the pair-health digests, which follow from check-in answers; a page may then hold fewer than `limit` items, and `next_cursor` still leads on.",
    params(
        ("match_id" = Option<Uuid>, Query),
        ("status" = Option<String>, Query, description = "queued | sent | failed"),
        ("limit" = Option<u32>, Query, description = "1–200, default 50"),
        ("cursor" = Option<String>, Query),
    ),
    responses((status = 200, body = EmailPage), (status = 400, body = Problem), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/emails")]
pub async fn list(
    app: web::Data<App>,
    caller: Caller,
    req: HttpRequest,
) -> Result<web::Json<EmailPage>, ApiError> {
    let q = ListQuery::parse_for_matches(&req, |s| {
        one_of(&STATUSES)(s).and_then(|s| EmailStatus::parse(&s))
    })?;
    let (page, counts) = emails::list_emails(
        &app,
        q.match_id,
        q.status,
        q.cursor.map_or(0, |c| c.after),
        i64::from(q.limit),
    )
    .await?;
    Ok(web::Json(EmailPage {
        items: page
            .items
            .iter()
            .filter(|e| {
                caller.role == Role::Coordinator || !FROM_ANSWERS.contains(&e.kind.as_str())
            })
            .map(EmailView::from)
            .collect(),
        next_cursor: page.next_after.map(|after| Cursor { after }.encode()),
        counts: EmailCounts {
            queued: counts.queued,
            sent: counts.sent,
            failed: counts.failed,
        },
    }))
}

#[utoipa::path(
    tag = "Emails",
    summary = "Retry a failed email",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = EmailView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "Not failed", body = Problem)),
    security(("bearer" = []))
)]
#[post("/emails/{id}/retry")]
pub async fn retry(
    app: web::Data<App>,
    _: Coordinator,
    id: web::Path<String>,
) -> Result<web::Json<EmailView>, ApiError> {
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::NotFound(format!("there is no email with id {id}")))?;
    Ok(web::Json(EmailView::from(&emails::retry(&app, id).await?)))
}
