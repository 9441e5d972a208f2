//! The email outbox: rows written in the transaction that causes them, then sent as jobs
//! ([`QUEUE`]; the lease SQL is in [`super::jobs`]) and marked sent here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::jobs::{Attempts, Queue};
use super::profiles::Page;
use super::schema::emails;
use super::{AnyConnection, StoreError};
use crate::domain::outbox::{Email, EmailStatus};

/// An email to queue.
pub struct NewEmail<'a> {
    pub id: String,
    pub kind: &'a str,
    pub match_id: Option<String>,
    /// JSON list of `{name, email}`.
    pub recipients: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    /// The one-click opt-out address (RFC 8058), for check-in emails.
    pub list_unsubscribe: Option<String>,
    pub checkin_id: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = emails)]
struct NewRow<'a> {
    id: String,
    kind: &'a str,
    match_id: Option<String>,
    recipients: String,
    subject: String,
    status: &'a str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    created_at: NaiveDateTime,
    body_text: String,
    body_html: String,
    message_id: String,
    list_unsubscribe: Option<String>,
    checkin_id: Option<String>,
}

/// An outbox row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = emails)]
pub struct EmailRow {
    pub seq: i64,
    pub id: String,
    pub kind: String,
    pub match_id: Option<String>,
    pub recipients: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub list_unsubscribe: Option<String>,
}

pub fn queue(
    conn: &mut AnyConnection,
    email: NewEmail<'_>,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(emails::table)
        .values(NewRow {
            id: email.id,
            kind: email.kind,
            match_id: email.match_id,
            recipients: email.recipients,
            subject: email.subject,
            status: "queued",
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
            body_text: email.body_text,
            body_html: email.body_html,
            message_id: email.message_id,
            list_unsubscribe: email.list_unsubscribe,
            checkin_id: email.checkin_id,
        })
        .execute(conn)?;
    Ok(())
}

/// Emails as jobs: queued ones are claimed when their next attempt is due; failed attempts
/// are counted, and the last one leaves the email `failed`.
pub const QUEUE: Queue = Queue {
    table: "emails",
    ready: "queued",
    due: "next_attempt_at",
    one_at_a_time_by: None,
    attempts: Some(Attempts {
        count: "attempts",
        last_error: "last_error",
        dead: "failed",
    }),
};

/// The emails `ids` (claimed for sending), in the order asked.
pub fn find_all(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<EmailRow>, StoreError> {
    let mut rows: Vec<EmailRow> = emails::table
        .filter(emails::id.eq_any(ids))
        .select(EmailRow::as_select())
        .load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows)
}

/// Records a delivered email and forgets what it said: its bodies and its unsubscribe
/// address carry personal links and personal data, needed only until delivery. False when
/// the lease was lost meanwhile.
pub fn mark_sent(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        emails::table
            .filter(emails::id.eq(id))
            .filter(emails::lease_owner.eq(owner)),
    )
    .set((
        emails::status.eq("sent"),
        emails::sent_at.eq(Some(at)),
        emails::attempts.eq(emails::attempts + 1),
        emails::body_text.eq(""),
        emails::body_html.eq(""),
        emails::list_unsubscribe.eq(None::<String>),
        emails::lease_owner.eq(None::<String>),
        emails::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<EmailRow>, StoreError> {
    Ok(emails::table
        .filter(emails::id.eq(id))
        .select(EmailRow::as_select())
        .first(conn)
        .optional()?)
}

/// Queues a failed email again, with a fresh set of attempts; false unless it was failed.
pub fn retry(conn: &mut AnyConnection, id: &str, at: NaiveDateTime) -> Result<bool, StoreError> {
    let n = diesel::update(
        emails::table
            .filter(emails::id.eq(id))
            .filter(emails::status.eq("failed")),
    )
    .set((
        emails::status.eq("queued"),
        emails::attempts.eq(0),
        emails::next_attempt_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn list(
    conn: &mut AnyConnection,
    match_id: Option<&str>,
    status: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<Page<EmailRow>, StoreError> {
    super::match_scoped_page!(conn, emails, EmailRow, match_id, status, after, limit)
}

/// How many emails are queued, sent and failed.
pub fn counts(conn: &mut AnyConnection) -> Result<(i64, i64, i64), StoreError> {
    let count = |conn: &mut AnyConnection, status: &str| -> Result<i64, StoreError> {
        Ok(emails::table
            .filter(emails::status.eq(status))
            .count()
            .get_result(conn)?)
    };
    Ok((
        count(conn, "queued")?,
        count(conn, "sent")?,
        count(conn, "failed")?,
    ))
}

/// Forgets who an email was for and what it said (the person was erased); one not yet sent
/// is not sent at all.
pub fn scrub_for_match(
    conn: &mut AnyConnection,
    match_id: &str,
) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = emails::table
        .filter(emails::match_id.eq(match_id))
        .select(emails::id)
        .load(conn)?;
    scrub(conn, &ids)
}

/// Scrubs every email to `address` (emails about a match are scrubbed with the match); the
/// Message-IDs of the scrubbed emails, so that their `.eml` files can go too.
pub fn scrub_to_address(
    conn: &mut AnyConnection,
    address: &str,
) -> Result<Vec<String>, StoreError> {
    // LIKE narrows the rows down (it may match more: `_` is a wildcard); the recipients
    // decide.
    let rows: Vec<(String, String)> = emails::table
        .filter(emails::recipients.like(format!("%{address}%")))
        .select((emails::id, emails::recipients))
        .load(conn)?;
    let ids: Vec<String> = rows
        .into_iter()
        .filter(|(_, recipients)| {
            serde_json::from_str::<Vec<serde_json::Value>>(recipients).is_ok_and(|list| {
                list.iter().any(|r| {
                    r["email"]
                        .as_str()
                        .is_some_and(|e| e.eq_ignore_ascii_case(address))
                })
            })
        })
        .map(|(id, _)| id)
        .collect();
    scrub(conn, &ids)
}

/// Empties the emails `ids` of everything about their recipients (a queued one is not sent);
/// returns their Message-IDs.
fn scrub(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<String>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(emails::table.filter(emails::id.eq_any(ids)))
        .set((
            emails::recipients.eq("[]"),
            emails::subject.eq("(erased)"),
            emails::body_text.eq(""),
            emails::body_html.eq(""),
            emails::list_unsubscribe.eq(None::<String>),
            emails::last_error.eq(None::<String>),
            // A worker sending one of them now loses its lease, and so learns of the erasure.
            emails::lease_owner.eq(None::<String>),
            emails::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    diesel::update(
        emails::table
            .filter(emails::id.eq_any(ids))
            .filter(emails::status.eq("queued")),
    )
    .set((
        emails::status.eq("failed"),
        emails::last_error.eq(Some("not sent: a profile was erased")),
    ))
    .execute(conn)?;
    Ok(emails::table
        .filter(emails::id.eq_any(ids))
        .select(emails::message_id)
        .load(conn)?)
}

/// Whether an email was scrubbed because a person it went to was erased.
pub fn is_scrubbed(conn: &mut AnyConnection, id: &str) -> Result<bool, StoreError> {
    Ok(emails::table
        .filter(emails::id.eq(id))
        .filter(emails::recipients.eq("[]"))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Whether an email of `kind` to exactly `recipients` was queued after `since`.
pub fn sent_recently(
    conn: &mut AnyConnection,
    kind: &str,
    recipients: &str,
    since: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n: i64 = emails::table
        .filter(emails::kind.eq(kind))
        .filter(emails::recipients.eq(recipients))
        .filter(emails::created_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// How many emails a match has queued or sent (for tests and the console).
pub fn count_for_match(conn: &mut AnyConnection, match_id: &str) -> Result<i64, StoreError> {
    Ok(emails::table
        .filter(emails::match_id.eq(match_id))
        .count()
        .get_result(conn)?)
}

impl TryFrom<EmailRow> for Email {
    type Error = StoreError;

    fn try_from(r: EmailRow) -> Result<Self, StoreError> {
        #[derive(serde::Deserialize)]
        struct To {
            email: String,
        }
        let status = EmailStatus::parse(&r.status)
            .map_err(|e| StoreError::Corrupt(format!("emails.status: {e}")))?;
        // Erasure empties the list; anything else unreadable shows no recipient, as before.
        let to: Vec<To> = serde_json::from_str(&r.recipients).unwrap_or_default();
        Ok(Email {
            id: r.id,
            kind: r.kind,
            match_id: r.match_id,
            to: to.into_iter().map(|t| t.email).collect(),
            subject: r.subject,
            status,
            attempts: r.attempts,
            last_error: r.last_error,
            sent_at: r.sent_at.map(|t| t.and_utc()),
            created_at: r.created_at.and_utc(),
            next_attempt_at: (status == EmailStatus::Queued).then(|| r.next_attempt_at.and_utc()),
        })
    }
}
