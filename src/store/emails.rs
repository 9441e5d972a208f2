//! The email outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::emails;
use super::{AnyConnection, StoreError};

/// An email to queue, written in the transaction that causes it.
pub struct NewEmail<'a> {
    pub id: String,
    pub kind: &'a str,
    pub match_id: Option<String>,
    pub recipients: Vec<String>,
    pub subject: String,
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
            recipients: serde_json::to_string(&email.recipients).unwrap_or_else(|_| "[]".into()),
            subject: email.subject,
            status: "queued",
            attempts: 0,
            next_attempt_at: at,
            created_at: at,
        })
        .execute(conn)?;
    Ok(())
}

/// How many emails a match has queued (for tests and the console).
pub fn count_for_match(conn: &mut AnyConnection, match_id: &str) -> Result<i64, StoreError> {
    Ok(emails::table
        .filter(emails::match_id.eq(match_id))
        .count()
        .get_result(conn)?)
}
