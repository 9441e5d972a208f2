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

/// The coordinator who may sign in with this email: a disabled login is as good as none.
pub fn by_email(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<CoordinatorRow>, StoreError> {
    Ok(coordinators::table
        .filter(coordinators::email.eq(email))
        .filter(coordinators::disabled_at.is_null())
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
        .filter(coordinators::disabled_at.is_null())
        .select((CoordinatorRow::as_select(), sessions::csrf_token))
        .first(conn)
        .optional()?;
    Ok(found.map(|(coordinator, csrf_token)| SessionRow {
        coordinator,
        csrf_token,
    }))
}

/// A login as `belong coordinator list` shows it.
#[derive(Debug, Clone)]
pub struct LoginRow {
    pub email: String,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub disabled_at: Option<NaiveDateTime>,
    /// Sessions not yet expired.
    pub sessions: i64,
}

/// Every login, by email, with its live sessions counted.
pub fn list(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<Vec<LoginRow>, StoreError> {
    let people: Vec<(String, String, String, NaiveDateTime, Option<NaiveDateTime>)> =
        coordinators::table
            .order(coordinators::email.asc())
            .select((
                coordinators::id,
                coordinators::email,
                coordinators::name,
                coordinators::created_at,
                coordinators::disabled_at,
            ))
            .load(conn)?;
    let live: std::collections::HashMap<String, i64> = sessions::table
        .filter(sessions::expires_at.gt(now))
        .group_by(sessions::coordinator_id)
        .select((sessions::coordinator_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(people
        .into_iter()
        .map(|(id, email, name, created_at, disabled_at)| LoginRow {
            sessions: live.get(&id).copied().unwrap_or(0),
            email,
            name,
            created_at,
            disabled_at,
        })
        .collect())
}

/// Disables (`Some(at)`) or enables (`None`) the login with this email, ending its sessions
/// in the same transaction. False when there is no such login.
pub fn set_disabled(
    conn: &mut AnyConnection,
    email: &str,
    at: Option<NaiveDateTime>,
) -> Result<bool, StoreError> {
    let id: Option<String> = coordinators::table
        .filter(coordinators::email.eq(email))
        .select(coordinators::id)
        .first(conn)
        .optional()?;
    let Some(id) = id else {
        return Ok(false);
    };
    match at {
        // Disabling an already disabled login keeps the time it was first disabled.
        Some(at) => diesel::update(
            coordinators::table
                .filter(coordinators::id.eq(&id))
                .filter(coordinators::disabled_at.is_null()),
        )
        .set(coordinators::disabled_at.eq(Some(at)))
        .execute(conn)?,
        None => diesel::update(coordinators::table.filter(coordinators::id.eq(&id)))
            .set(coordinators::disabled_at.eq(None::<NaiveDateTime>))
            .execute(conn)?,
    };
    // Both ways every session ends: one a sign-in started while the login was being disabled
    // must not come back to life when it is enabled.
    diesel::delete(sessions::table.filter(sessions::coordinator_id.eq(&id))).execute(conn)?;
    Ok(true)
}

pub fn end_session(conn: &mut AnyConnection, id_hash: &str) -> Result<(), StoreError> {
    diesel::delete(sessions::table.filter(sessions::id_hash.eq(id_hash))).execute(conn)?;
    Ok(())
}
