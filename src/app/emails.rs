//! The outbox as coordinators and integrations see it: what was sent, what waits, what failed.

use uuid::Uuid;

use super::{App, AppError};
use crate::store::emails::{self as rows, EmailRow};
use crate::store::now;
use crate::store::profiles::Page;

/// How many emails are in each state.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

pub async fn list(
    app: &App,
    match_id: Option<Uuid>,
    status: Option<String>,
    after: i64,
    limit: i64,
) -> Result<(Page<EmailRow>, Counts), AppError> {
    app.db
        .run(move |conn| {
            let match_id = match_id.map(|m| m.to_string());
            let page = rows::list(conn, match_id.as_deref(), status.as_deref(), after, limit)?;
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
        .await
}

/// Queues a failed email again, with a fresh set of attempts.
pub async fn retry(app: &App, id: Uuid) -> Result<EmailRow, AppError> {
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
    Ok(row)
}
