//! Check-ins as stored: planned at approval, cancelled when a match ends.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::profiles::Page;
use super::schema::checkins;
use super::{AnyConnection, StoreError};

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
