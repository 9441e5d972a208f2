//! Email delivery, a kind of job on [`crate::jobs`]: the runner claims due emails by lease,
//! this module sends each outside any transaction, and the runner records the outcome (sent,
//! retried with backoff, or `failed` after the last attempt). Several processes may run it on
//! one database; the lease makes sure each email is sent by one of them only.

use std::time::Duration;

use chrono::NaiveDateTime;

use super::message::{self, Outgoing, Recipient};
use super::transport::{SendError, Transport};
use crate::config::EmailSettings;
use crate::domain::outbox::RetryPolicy;
use crate::jobs::{Kind, Outcome, Pace, Queue};
use crate::store::emails::{self, EmailRow};
use crate::store::{AnyConnection, Db, StoreError};

/// Emails as jobs: one delivery attempt each run.
pub struct Delivery {
    db: Db,
    transport: Transport,
    settings: EmailSettings,
}

/// Sends in flight at once, and so emails claimed at once (every claimed email is then sent
/// within one send timeout, well inside its lease): a relay answers each message after a
/// round trip or two, so a few concurrent sends (each on its own pooled connection) keep a
/// backlog moving.
const SENDS_AT_ONCE: usize = 8;

impl Delivery {
    pub fn new(db: Db, settings: EmailSettings) -> Result<Self, String> {
        Ok(Delivery {
            transport: Transport::from_settings(&settings)?,
            db,
            settings,
        })
    }
}

impl Kind for Delivery {
    type Job = EmailRow;

    fn name(&self) -> &'static str {
        "email"
    }

    fn queue(&self) -> Queue {
        emails::QUEUE
    }

    fn pace(&self) -> Pace {
        Pace {
            lease: self.settings.lease,
            poll: self.settings.poll_interval,
            batch: SENDS_AT_ONCE,
            at_once: SENDS_AT_ONCE,
            retry: RetryPolicy {
                base: self.settings.backoff_base,
                cap: self.settings.backoff_cap,
                max_attempts: self.settings.max_attempts,
            },
        }
    }

    fn load(&self, conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<EmailRow>, StoreError> {
        emails::find_all(conn, ids)
    }

    fn id<'j>(&self, job: &'j EmailRow) -> &'j str {
        &job.id
    }

    fn attempts(&self, job: &EmailRow) -> u32 {
        job.attempts.max(0) as u32
    }

    async fn run(&self, row: &EmailRow, _owner: &str) -> Outcome {
        tracing::info!(email_id = %row.id, attempt = row.attempts + 1, "sending email");
        let sent = match outgoing(row).and_then(|o| {
            message::build(&o, &self.settings.from, &self.settings.reply_to)
                .map(|m| (m, o.message_id))
        }) {
            Ok((message, message_id)) => {
                self.transport
                    .send(message, &message_id, self.settings.send_timeout)
                    .await
            }
            Err(problem) => Err(SendError {
                permanent: true,
                message: problem,
            }),
        };
        match sent {
            Ok(()) => {
                tracing::info!(email_id = %row.id, "email sent");
                Outcome::Done
            }
            Err(e) => Outcome::Failed {
                error: e.message,
                permanent: e.permanent,
            },
        }
    }

    fn complete(
        &self,
        conn: &mut AnyConnection,
        row: &EmailRow,
        owner: &str,
        at: NaiveDateTime,
    ) -> Result<bool, StoreError> {
        emails::mark_sent(conn, &row.id, owner, at)
    }

    async fn lease_lost(&self, row: &EmailRow) {
        // A person it went to was erased while it was being sent: its file goes too (a
        // message handed to a relay cannot be called back).
        let id = row.id.clone();
        match self
            .db
            .run(move |conn| emails::is_scrubbed(conn, &id))
            .await
        {
            Ok(true) => self.transport.forget(&row.message_id).await,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(email_id = %row.id, error = %e, "could not check an email sent late")
            }
        }
    }
}

fn outgoing(row: &EmailRow) -> Result<Outgoing, String> {
    let recipients: Vec<Recipient> =
        serde_json::from_str(&row.recipients).map_err(|e| format!("stored recipients: {e}"))?;
    if recipients.is_empty() {
        return Err("the email has no recipients".into());
    }
    Ok(Outgoing {
        id: row.id.clone(),
        message_id: row.message_id.clone(),
        recipients,
        subject: row.subject.clone(),
        text: row.body_text.clone(),
        html: row.body_html.clone(),
        list_unsubscribe: row.list_unsubscribe.clone(),
    })
}

/// How long shutdown waits for the worker: one send, and a little more.
pub fn shutdown_grace(settings: &EmailSettings) -> Duration {
    settings.send_timeout + Duration::from_secs(5)
}
