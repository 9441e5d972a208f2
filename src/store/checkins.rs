//! Check-ins as stored: planned at approval, claimed as jobs when due, sent once, reminded,
//! answered or expired, cancelled when a match ends.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::jobs::Queue;
use super::profiles::Page;
use super::schema::{checkin_links, checkins, reminder_optouts};
use super::{AnyConnection, StoreError};
use crate::domain::checkin::{CheckinStatus, PlannedCheckin};
use crate::domain::survey::Respondent;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = checkins)]
pub struct CheckinRow {
    #[diesel(skip_insertion)]
    pub seq: i64,
    pub id: String,
    pub match_id: String,
    pub person_id: String,
    pub role: String,
    pub step: String,
    pub survey: String,
    pub due_at: NaiveDateTime,
    pub status: String,
    pub answered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    #[diesel(skip_insertion)]
    pub sent_at: Option<NaiveDateTime>,
    #[diesel(skip_insertion)]
    pub expires_at: Option<NaiveDateTime>,
    #[diesel(skip_insertion)]
    pub reminders_sent: i32,
    #[diesel(skip_insertion)]
    pub next_reminder_at: Option<NaiveDateTime>,
}

/// What a scheduler tick looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Scheduled check-ins whose time has come: the first email.
    First,
    /// Sent, unanswered check-ins whose next reminder is due.
    Reminder,
}

impl Due {
    fn status(self) -> &'static str {
        match self {
            Due::First => "scheduled",
            Due::Reminder => "sent",
        }
    }
}

/// Plans one check-in; a second one for the same match, person and step is refused by the
/// database, so planning twice changes nothing.
pub fn plan(conn: &mut AnyConnection, row: &CheckinRow) -> Result<(), StoreError> {
    match diesel::insert_into(checkins::table)
        .values(row.clone())
        .execute(conn)
        .map_err(StoreError::from)
    {
        Ok(_) | Err(StoreError::Unique(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Cancels the check-ins of a match that have not been sent yet.
pub fn cancel_for_match(conn: &mut AnyConnection, match_id: &str) -> Result<usize, StoreError> {
    Ok(diesel::update(
        checkins::table
            .filter(checkins::match_id.eq(match_id))
            .filter(checkins::status.eq("scheduled")),
    )
    .set(checkins::status.eq("cancelled"))
    .execute(conn)?)
}

pub fn list(
    conn: &mut AnyConnection,
    match_id: Option<&str>,
    status: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<Page<CheckinRow>, StoreError> {
    super::match_scoped_page!(conn, checkins, CheckinRow, match_id, status, after, limit)
}

pub fn get(conn: &mut AnyConnection, id: &str) -> Result<CheckinRow, StoreError> {
    Ok(checkins::table
        .filter(checkins::id.eq(id))
        .select(CheckinRow::as_select())
        .first(conn)?)
}

/// Check-ins as jobs (the lease SQL is in [`super::jobs`]): scheduled ones when due, sent
/// ones when their next reminder is due.
pub fn queue(due: Due) -> Queue {
    Queue {
        table: "checkins",
        ready: due.status(),
        due: match due {
            Due::First => "due_at",
            Due::Reminder => "next_reminder_at",
        },
        one_at_a_time_by: None,
        attempts: None,
    }
}

/// The check-ins `ids` (claimed for sending), in the order asked.
pub fn find_all(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<CheckinRow>, StoreError> {
    let mut rows: Vec<CheckinRow> = checkins::table
        .filter(checkins::id.eq_any(ids))
        .select(CheckinRow::as_select())
        .load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(rows)
}

/// Records the first email of a check-in; false unless it was still scheduled and held by
/// `owner`, so that it is sent once however the processes race.
pub fn mark_sent(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    at: NaiveDateTime,
    expires_at: NaiveDateTime,
    next_reminder_at: Option<NaiveDateTime>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        checkins::table
            .filter(checkins::id.eq(id))
            .filter(checkins::status.eq("scheduled"))
            .filter(checkins::lease_owner.eq(owner)),
    )
    .set((
        checkins::status.eq("sent"),
        checkins::sent_at.eq(Some(at)),
        checkins::expires_at.eq(Some(expires_at)),
        checkins::next_reminder_at.eq(next_reminder_at),
        checkins::lease_owner.eq(None::<String>),
        checkins::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records reminder number `sent + 1`; false unless the check-in is still open, held by
/// `owner` and had had exactly `sent` reminders.
pub fn mark_reminded(
    conn: &mut AnyConnection,
    id: &str,
    owner: &str,
    sent: i32,
    next_reminder_at: Option<NaiveDateTime>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        checkins::table
            .filter(checkins::id.eq(id))
            .filter(checkins::status.eq("sent"))
            .filter(checkins::reminders_sent.eq(sent))
            .filter(checkins::lease_owner.eq(owner)),
    )
    .set((
        checkins::reminders_sent.eq(sent + 1),
        checkins::next_reminder_at.eq(next_reminder_at),
        checkins::lease_owner.eq(None::<String>),
        checkins::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// No more reminders for this check-in (answered, expired, or the person opted out).
pub fn stop_reminders(conn: &mut AnyConnection, id: &str) -> Result<(), StoreError> {
    diesel::update(checkins::table.filter(checkins::id.eq(id)))
        .set((
            checkins::next_reminder_at.eq(None::<NaiveDateTime>),
            checkins::lease_owner.eq(None::<String>),
            checkins::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks sent check-ins whose link has run out as expired; returns their match ids.
pub fn expire_due(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<Vec<String>, StoreError> {
    let due: Vec<(String, String)> = checkins::table
        .filter(checkins::status.eq("sent"))
        .filter(checkins::expires_at.le(now))
        .select((checkins::id, checkins::match_id))
        .limit(500)
        .load(conn)?;
    let mut matches = Vec::new();
    for (id, match_id) in due {
        let n = diesel::update(
            checkins::table
                .filter(checkins::id.eq(&id))
                .filter(checkins::status.eq("sent")),
        )
        .set((
            checkins::status.eq("expired"),
            checkins::next_reminder_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        if n == 1 && !matches.contains(&match_id) {
            matches.push(match_id);
        }
    }
    Ok(matches)
}

/// Records that a check-in was answered; false unless it was open (sent, not yet expired).
pub fn mark_answered(
    conn: &mut AnyConnection,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        checkins::table
            .filter(checkins::id.eq(id))
            .filter(checkins::status.eq("sent"))
            .filter(checkins::expires_at.gt(at)),
    )
    .set((
        checkins::status.eq("answered"),
        checkins::answered_at.eq(Some(at)),
        checkins::next_reminder_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Stores a personal link's hash.
pub fn add_link(
    conn: &mut AnyConnection,
    token_hash: &str,
    checkin_id: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(checkin_links::table)
        .values((
            checkin_links::token_hash.eq(token_hash),
            checkin_links::checkin_id.eq(checkin_id),
            checkin_links::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The check-in a personal link opens.
pub fn by_link(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<CheckinRow>, StoreError> {
    Ok(checkin_links::table
        .inner_join(checkins::table.on(checkins::id.eq(checkin_links::checkin_id)))
        .filter(checkin_links::token_hash.eq(token_hash))
        .select(CheckinRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records that `person_id` wants no more reminders; doing it twice changes nothing.
pub fn opt_out(
    conn: &mut AnyConnection,
    person_id: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    match diesel::insert_into(reminder_optouts::table)
        .values((
            reminder_optouts::person_id.eq(person_id),
            reminder_optouts::created_at.eq(at),
        ))
        .execute(conn)
        .map_err(StoreError::from)
    {
        Ok(_) | Err(StoreError::Unique(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

pub fn opted_out(conn: &mut AnyConnection, person_id: &str) -> Result<bool, StoreError> {
    Ok(reminder_optouts::table
        .filter(reminder_optouts::person_id.eq(person_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Forgets a person's links and opt-out (erasure); their check-ins are cancelled elsewhere.
pub fn forget_person(conn: &mut AnyConnection, person_id: &str) -> Result<(), StoreError> {
    let theirs = checkins::table
        .filter(checkins::person_id.eq(person_id))
        .select(checkins::id);
    diesel::delete(checkin_links::table.filter(checkin_links::checkin_id.eq_any(theirs)))
        .execute(conn)?;
    diesel::delete(reminder_optouts::table.filter(reminder_optouts::person_id.eq(person_id)))
        .execute(conn)?;
    Ok(())
}

impl TryFrom<CheckinRow> for PlannedCheckin {
    type Error = StoreError;

    fn try_from(r: CheckinRow) -> Result<Self, StoreError> {
        Ok(PlannedCheckin {
            role: Respondent::parse(&r.role)
                .ok_or_else(|| StoreError::Corrupt(format!("checkins.role \"{}\"", r.role)))?,
            status: CheckinStatus::parse(&r.status)
                .map_err(|e| StoreError::Corrupt(format!("checkins.status: {e}")))?,
            id: r.id,
            match_id: r.match_id,
            person_id: r.person_id,
            step: r.step,
            due_at: r.due_at.and_utc(),
            answered_at: r.answered_at.map(|t| t.and_utc()),
            sent_at: r.sent_at.map(|t| t.and_utc()),
            expires_at: r.expires_at.map(|t| t.and_utc()),
            reminders_sent: r.reminders_sent,
        })
    }
}
