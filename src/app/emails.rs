//! The outbox as coordinators and integrations see it: what was sent, what waits, what failed.

use uuid::Uuid;

use super::{App, AppError};
use crate::domain::outbox::{Email, EmailStatus};
use crate::domain::page::Page;
use crate::store::emails as rows;
use crate::store::now;

/// How many emails are in each state.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

/// A page of emails (of one match, in one status, when given) and the counts across the
/// whole outbox.
pub async fn list_emails(
    app: &App,
    match_id: Option<Uuid>,
    status: Option<EmailStatus>,
    after: i64,
    limit: i64,
) -> Result<(Page<Email>, Counts), AppError> {
    let (page, counts) = app
        .db
        .run(move |conn| {
            let match_id = match_id.map(|m| m.to_string());
            let status = status.map(|s| s.as_str());
            let page = rows::list(conn, match_id.as_deref(), status, after, limit)?;
            let (queued, sent, failed) = rows::counts(conn)?;
            Ok::<_, AppError>((
                page,
                Counts {
                    queued,
                    sent,
                    failed,
                },
            ))
        })
        .await?;
    Ok((page.try_map(Email::try_from)?, counts))
}

/// Queues a failed email again, with a fresh set of attempts.
pub async fn retry(app: &App, id: Uuid) -> Result<Email, AppError> {
    let row = app
        .db
        .run(move |conn| {
            crate::store::write_tx(conn, |conn| {
                let id = id.to_string();
                let row = rows::find(conn, &id)?
                    .ok_or_else(|| AppError::NotFound(format!("there is no email with id {id}")))?;
                if !rows::retry(conn, &id, now())? {
                    return Err(AppError::conflict(format!(
                        "only a failed email can be retried; this one is {}",
                        row.status
                    )));
                }
                rows::find(conn, &id)?.ok_or_else(|| AppError::NotFound("gone".into()))
            })
        })
        .await?;
    app.outbox.ring();
    Ok(Email::try_from(row)?)
}
