//! Coordinators and their console sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{coordinators, sessions};
use super::{AnyConnection, StoreError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = coordinators)]
pub struct CoordinatorRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &CoordinatorRow) -> Result<(), StoreError> {
    diesel::insert_into(coordinators::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<CoordinatorRow>, StoreError> {
    Ok(coordinators::table
        .filter(coordinators::email.eq(email))
        .select(CoordinatorRow::as_select())
        .first(conn)
        .optional()?)
}

/// A live session: who it belongs to and its form token.
pub struct SessionRow {
    pub coordinator: CoordinatorRow,
    pub csrf_token: String,
}

pub fn start_session(
    conn: &mut AnyConnection,
    id_hash: &str,
    coordinator_id: &str,
    csrf_token: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), StoreError> {
    // Expired sessions are removed as new ones start.
    diesel::delete(sessions::table.filter(sessions::expires_at.lt(now))).execute(conn)?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::id_hash.eq(id_hash),
            sessions::coordinator_id.eq(coordinator_id),
            sessions::csrf_token.eq(csrf_token),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn session(
    conn: &mut AnyConnection,
    id_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<SessionRow>, StoreError> {
    let found: Option<(CoordinatorRow, String)> = sessions::table
        .inner_join(coordinators::table)
        .filter(sessions::id_hash.eq(id_hash))
        .filter(sessions::expires_at.gt(now))
        .select((CoordinatorRow::as_select(), sessions::csrf_token))
        .first(conn)
        .optional()?;
    Ok(found.map(|(coordinator, csrf_token)| SessionRow {
        coordinator,
        csrf_token,
    }))
}

pub fn end_session(conn: &mut AnyConnection, id_hash: &str) -> Result<(), StoreError> {
    diesel::delete(sessions::table.filter(sessions::id_hash.eq(id_hash))).execute(conn)?;
    Ok(())
}
