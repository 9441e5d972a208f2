//! The delivery worker inside `belong serve`: claims due emails by lease, sends each outside
//! any transaction, then records the outcome. Several processes may run it on one database;
//! the lease makes sure each email is sent by one of them only.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::{Notify, watch};

use super::message::{self, Outgoing, Recipient};
use super::transport::{SendError, Transport};
use crate::config::EmailSettings;
use crate::domain::outbox::{AfterFailure, RetryPolicy};
use crate::store::emails::{self, EmailRow};
use crate::store::{Db, StoreError, now};

/// Wakes the worker when new email is queued, so it need not wait for its next poll.
#[derive(Clone, Default)]
pub struct Doorbell(Arc<Notify>);

impl Doorbell {
    pub fn ring(&self) {
        self.0.notify_one();
    }
}

pub struct Worker {
    db: Db,
    transport: Transport,
    settings: EmailSettings,
    /// This worker's name on the leases it takes.
    owner: String,
    doorbell: Doorbell,
}

/// Claimed at once: no more than are sent at once, so that every claimed email is sent
/// within one send timeout, well inside its lease.
const BATCH: i64 = SENDS_AT_ONCE as i64;

/// Sends in flight at once: a relay answers each message after a round trip or two, so a
/// few concurrent sends (each on its own pooled connection) keep a backlog moving.
const SENDS_AT_ONCE: usize = 8;

impl Worker {
    pub fn new(db: Db, settings: EmailSettings, doorbell: Doorbell) -> Result<Self, String> {
        Ok(Worker {
            transport: Transport::from_settings(&settings)?,
            db,
            settings,
            owner: uuid::Uuid::new_v4().to_string(),
            doorbell,
        })
    }

    /// Delivers until `stop` turns true; a send in flight then is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(owner = %self.owner, "email worker started");
        loop {
            if *stop.borrow() {
                break;
            }
            match self.deliver_due(&stop).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "email worker could not reach the database"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
                _ = self.doorbell.0.notified() => {}
                changed = stop.changed() => {
                    if changed.is_err() {
                        break; // nobody can ask us to stop any more: the service is gone
                    }
                }
            }
        }
        tracing::info!("email worker stopped");
    }

    /// Claims and sends one batch of due emails; returns how many were claimed.
    async fn deliver_due(&self, stop: &watch::Receiver<bool>) -> Result<usize, StoreError> {
        let owner = self.owner.clone();
        let lease =
            chrono::Duration::from_std(self.settings.lease).unwrap_or(chrono::Duration::minutes(2));
        let claimed = self
            .db
            .run(move |conn| {
                let at = crate::store::database_now(conn)?;
                emails::claim_due(conn, &owner, at, at + lease, BATCH)
            })
            .await?;
        let count = claimed.len();
        for chunk in claimed.chunks(SENDS_AT_ONCE) {
            if *stop.borrow() {
                for row in chunk {
                    let (id, owner) = (row.id.clone(), self.owner.clone());
                    self.db
                        .run(move |conn| emails::release(conn, &id, &owner))
                        .await?;
                }
                continue;
            }
            let sends = chunk.iter().cloned().map(|row| self.deliver(row));
            for result in futures_util::future::join_all(sends).await {
                result?;
            }
        }
        Ok(count)
    }

    async fn deliver(&self, row: EmailRow) -> Result<(), StoreError> {
        let attempt = row.attempts + 1;
        tracing::info!(email_id = %row.id, attempt, "sending email");
        let result = match outgoing(&row).and_then(|o| {
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
        let (id, owner) = (row.id.clone(), self.owner.clone());
        match result {
            Ok(()) => {
                tracing::info!(email_id = %id, attempt, "email sent");
                // The message is out: recording it must not fail on a passing database
                // hiccup, or the lease would run out and the email go out again.
                let mut tries = 0;
                let recorded = loop {
                    let (id, owner) = (id.clone(), owner.clone());
                    match self
                        .db
                        .run(move |conn| emails::mark_sent(conn, &id, &owner, now()))
                        .await
                    {
                        Ok(recorded) => break recorded,
                        Err(e) if tries < 20 => {
                            tries += 1;
                            tracing::warn!(email_id = %row.id, error = %e, "could not record a sent email yet");
                            tokio::time::sleep(Duration::from_millis(250 * tries)).await;
                        }
                        Err(e) => return Err(e),
                    }
                };
                if !recorded {
                    tracing::warn!(email_id = %row.id, "email sent after its lease ran out");
                    // A person it went to was erased while it was being sent: its file goes
                    // too (a message handed to a relay cannot be called back).
                    let id = row.id.clone();
                    if self
                        .db
                        .run(move |conn| emails::is_scrubbed(conn, &id))
                        .await?
                    {
                        self.transport.forget(&row.message_id).await;
                    }
                }
            }
            Err(e) => {
                let policy = RetryPolicy {
                    base: self.settings.backoff_base,
                    cap: self.settings.backoff_cap,
                    max_attempts: self.settings.max_attempts,
                };
                let jitter: f64 = rand::rng().random();
                let retry_in = match policy.after_failure(attempt as u32, e.permanent, jitter) {
                    AfterFailure::RetryIn(delay) => {
                        tracing::warn!(email_id = %id, attempt, error = %e.message, retry_in_secs = delay.as_secs(), "email not sent; will retry");
                        Some(
                            chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1)),
                        )
                    }
                    AfterFailure::GiveUp => {
                        tracing::error!(email_id = %id, attempt, error = %e.message, "email not sent; giving up");
                        None
                    }
                };
                self.db
                    .run(move |conn| {
                        // Due again by the database's clock, on which leases are claimed.
                        let retry_at = match retry_in {
                            Some(delay) => Some(crate::store::database_now(conn)? + delay),
                            None => None,
                        };
                        emails::mark_attempt_failed(conn, &id, &owner, &e.message, retry_at)
                    })
                    .await?;
            }
        }
        Ok(())
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
