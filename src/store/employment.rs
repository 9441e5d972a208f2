//! Employment events as stored. A person's events are linked by `subject`: their profile id
//! until they are erased, then a random id (and `person_id` is NULL).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::profiles::Page;
use super::schema::{employment_events, profiles};
use super::{AnyConnection, StoreError};
use crate::domain::employment::{Kind, StoredEvent};
use crate::domain::survey::Respondent;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = employment_events)]
pub struct EventRow {
    #[diesel(skip_insertion)]
    pub seq: i64,
    pub id: String,
    pub person_id: Option<String>,
    pub subject: String,
    pub role: String,
    pub event: String,
    pub voluntary: Option<bool>,
    pub occurred_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

/// Lookups by many keys go in chunks, well under every backend's limit on parameters.
const CHUNK: usize = 500;

/// The people on file (not erased) with these ids: (id, role).
pub fn people_by_id(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        out.extend(
            profiles::table
                .filter(profiles::id.eq_any(chunk))
                .filter(profiles::erased_at.is_null())
                .select((profiles::id, profiles::role))
                .load::<(String, String)>(conn)?,
        );
    }
    Ok(out)
}

/// The people on file with these (lower-case) email addresses: (email, id, role). One
/// address may be a mentee's and a mentor's.
pub fn people_by_email(
    conn: &mut AnyConnection,
    emails: &[String],
) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in emails.chunks(CHUNK) {
        let rows: Vec<(Option<String>, String, String)> = profiles::table
            .filter(profiles::email.eq_any(chunk))
            .filter(profiles::erased_at.is_null())
            .select((profiles::email, profiles::id, profiles::role))
            .load(conn)?;
        out.extend(
            rows.into_iter()
                .filter_map(|(email, id, role)| Some((email?, id, role))),
        );
    }
    Ok(out)
}

/// Every stored event of these subjects.
pub fn of_subjects(
    conn: &mut AnyConnection,
    subjects: &[String],
) -> Result<Vec<EventRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in subjects.chunks(CHUNK) {
        out.extend(
            employment_events::table
                .filter(employment_events::subject.eq_any(chunk))
                .select(EventRow::as_select())
                .load(conn)?,
        );
    }
    Ok(out)
}

pub fn insert(conn: &mut AnyConnection, row: &EventRow) -> Result<(), StoreError> {
    diesel::insert_into(employment_events::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// Corrects whether a stored leaving was voluntary (the HR system sent it again, changed).
pub fn set_voluntary(
    conn: &mut AnyConnection,
    id: &str,
    voluntary: bool,
) -> Result<(), StoreError> {
    diesel::update(employment_events::table.filter(employment_events::id.eq(id)))
        .set(employment_events::voluntary.eq(Some(voluntary)))
        .execute(conn)?;
    Ok(())
}

/// One page of the events of people on file, optionally of one person, in the order received.
pub fn list(
    conn: &mut AnyConnection,
    person_id: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<Page<EventRow>, StoreError> {
    let base = employment_events::table
        .filter(employment_events::person_id.is_not_null())
        .filter(employment_events::seq.gt(after))
        .order(employment_events::seq.asc())
        .limit(limit + 1)
        .select(EventRow::as_select());
    let rows: Vec<EventRow> = match person_id {
        Some(p) => base.filter(employment_events::person_id.eq(p)).load(conn)?,
        None => base.load(conn)?,
    };
    Page::from_rows(rows, limit, |r| r.seq, Ok)
}

/// Unlinks an erased person's events from them: the retention figures keep the dates, under
/// a random subject that leads to no one.
pub fn forget_person(conn: &mut AnyConnection, person_id: &str) -> Result<usize, StoreError> {
    Ok(
        diesel::update(employment_events::table.filter(employment_events::person_id.eq(person_id)))
            .set((
                employment_events::person_id.eq(None::<String>),
                employment_events::subject.eq(uuid::Uuid::new_v4().to_string()),
            ))
            .execute(conn)?,
    )
}

/// One event as retention reads it: (subject, event, voluntary, date).
pub type SpellEvent = (String, String, Option<bool>, NaiveDate);

/// The hires and leavings of everyone who came as a mentee, by subject.
pub fn mentee_hires_and_leavings(conn: &mut AnyConnection) -> Result<Vec<SpellEvent>, StoreError> {
    Ok(employment_events::table
        .filter(employment_events::role.eq("mentee"))
        .filter(employment_events::event.eq_any(["hired", "left"]))
        .order((
            employment_events::subject.asc(),
            employment_events::occurred_on.asc(),
        ))
        .select((
            employment_events::subject,
            employment_events::event,
            employment_events::voluntary,
            employment_events::occurred_on,
        ))
        .load(conn)?)
}

impl TryFrom<EventRow> for StoredEvent {
    type Error = StoreError;

    fn try_from(r: EventRow) -> Result<Self, StoreError> {
        Ok(StoredEvent {
            role: Respondent::parse(&r.role).ok_or_else(|| {
                StoreError::Corrupt(format!("employment_events.role \"{}\"", r.role))
            })?,
            kind: Kind::parse(&r.event)
                .map_err(|e| StoreError::Corrupt(format!("employment_events.event {e}")))?,
            id: r.id,
            person_id: r.person_id,
            voluntary: r.voluntary,
            occurred_on: r.occurred_on,
            created_at: r.created_at.and_utc(),
        })
    }
}
