//! The counters behind every limit, shared by all instances on one database. Each count is
//! one statement (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`), so parallel requests, on
//! one instance or several, never read a count and then act on a stale one.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel::sqlite::Sqlite;

use super::schema::rate_limits;
use super::{AnyConnection, StoreError};

/// How failures of one subject are slowed down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Failures allowed before any wait.
    pub free: i32,
    /// The first wait, in milliseconds; it doubles with every further failure…
    pub first_wait_ms: i64,
    /// …up to this.
    pub cap_ms: i64,
    /// A count is forgotten this long after its last failure; longer than `cap_ms`.
    pub forget_ms: i64,
}

#[derive(QueryableByName)]
struct Hits {
    #[diesel(sql_type = Integer)]
    hits: i32,
}

#[derive(QueryableByName)]
struct Window {
    #[diesel(sql_type = Integer)]
    hits: i32,
    #[diesel(sql_type = BigInt)]
    expires_ms: i64,
}

/// Runs `sql` (written with `$1`, `$2`… placeholders) with the subject as `$1` and `numbers`
/// as the following ones, and loads what it returns.
fn load<T>(
    conn: &mut AnyConnection,
    sql: &str,
    subject: &str,
    numbers: &[i64],
) -> Result<Vec<T>, StoreError>
where
    T: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
{
    match conn {
        AnyConnection::Sqlite(c) => {
            // SQLite numbers its parameters `?1`, `?2`…
            let mut query = diesel::sql_query(sql.replace('$', "?"))
                .into_boxed::<Sqlite>()
                .bind::<Text, _>(subject.to_string());
            for n in numbers {
                query = query.bind::<BigInt, _>(*n);
            }
            Ok(query.load(c)?)
        }
        AnyConnection::Postgresql(c) => {
            let mut query = diesel::sql_query(sql)
                .into_boxed::<Pg>()
                .bind::<Text, _>(subject.to_string());
            for n in numbers {
                query = query.bind::<BigInt, _>(*n);
            }
            Ok(query.load(c)?)
        }
    }
}

/// Counts one hit in a fixed window of `window_ms` that starts with the first hit; returns the
/// hits so far in the window (this one included) and when the window ends.
pub fn count_hit(
    conn: &mut AnyConnection,
    subject: &str,
    now_ms: i64,
    window_ms: i64,
) -> Result<(i32, i64), StoreError> {
    const SQL: &str = "INSERT INTO rate_limits (subject, hits, last_ms, wait_ms, expires_ms) \
         VALUES ($1, 1, $2, 0, $3) \
         ON CONFLICT (subject) DO UPDATE SET \
           hits = CASE WHEN rate_limits.expires_ms <= $2 THEN 1 ELSE rate_limits.hits + 1 END, \
           expires_ms = CASE WHEN rate_limits.expires_ms <= $2 THEN $3 \
                        ELSE rate_limits.expires_ms END, \
           last_ms = $2 \
         RETURNING hits, expires_ms";
    let rows: Vec<Window> = load(conn, SQL, subject, &[now_ms, now_ms + window_ms])?;
    rows.first()
        .map(|w| (w.hits, w.expires_ms))
        .ok_or_else(|| StoreError::Corrupt("the hit was not counted".into()))
}

/// Counts a failure of `subject` ahead of the attempt, unless the subject must still wait:
/// then nothing changes and the answer is `None`. After `free` failures, each one makes the
/// next attempt wait, twice as long as the one before, up to the cap.
pub fn count_failure(
    conn: &mut AnyConnection,
    subject: &str,
    now_ms: i64,
    backoff: &Backoff,
) -> Result<Option<i32>, StoreError> {
    const SQL: &str = "INSERT INTO rate_limits (subject, hits, last_ms, wait_ms, expires_ms) \
         VALUES ($1, 1, $2, $3, $4) \
         ON CONFLICT (subject) DO UPDATE SET \
           hits = CASE WHEN rate_limits.expires_ms <= $2 THEN 1 ELSE rate_limits.hits + 1 END, \
           wait_ms = CASE \
             WHEN rate_limits.expires_ms <= $2 THEN $3 \
             WHEN rate_limits.hits + 1 < $5 THEN 0 \
             WHEN rate_limits.wait_ms = 0 THEN $6 \
             WHEN rate_limits.wait_ms * 2 > $7 THEN $7 \
             ELSE rate_limits.wait_ms * 2 END, \
           last_ms = $2, \
           expires_ms = $4 \
         WHERE rate_limits.expires_ms <= $2 \
            OR rate_limits.last_ms + rate_limits.wait_ms <= $2 \
         RETURNING hits";
    let first = if backoff.free <= 1 {
        backoff.first_wait_ms
    } else {
        0
    };
    let rows: Vec<Hits> = load(
        conn,
        SQL,
        subject,
        &[
            now_ms,
            first,
            now_ms + backoff.forget_ms,
            i64::from(backoff.free),
            backoff.first_wait_ms,
            backoff.cap_ms,
        ],
    )?;
    Ok(rows.first().map(|h| h.hits))
}

/// How long `subject` must still wait before its next attempt, in milliseconds (0: none).
pub fn wait_left(conn: &mut AnyConnection, subject: &str, now_ms: i64) -> Result<i64, StoreError> {
    let row: Option<(i64, i64, i64)> = rate_limits::table
        .filter(rate_limits::subject.eq(subject))
        .select((
            rate_limits::last_ms,
            rate_limits::wait_ms,
            rate_limits::expires_ms,
        ))
        .first(conn)
        .optional()?;
    Ok(row
        .filter(|(_, _, expires)| *expires > now_ms)
        .map_or(0, |(last, wait, _)| (last + wait - now_ms).max(0)))
}

/// Takes back one failure counted ahead of an attempt that succeeded.
pub fn uncount_failure(
    conn: &mut AnyConnection,
    subject: &str,
    now_ms: i64,
    backoff: &Backoff,
) -> Result<(), StoreError> {
    const SQL: &str = "UPDATE rate_limits SET hits = hits - 1, \
           wait_ms = CASE WHEN hits - 1 < $3 THEN 0 ELSE wait_ms END \
         WHERE subject = $1 AND hits > 0 AND expires_ms > $2 \
         RETURNING hits";
    let _: Vec<Hits> = load(conn, SQL, subject, &[now_ms, i64::from(backoff.free)])?;
    Ok(())
}

/// Forgets everything counted for `subject`.
pub fn clear(conn: &mut AnyConnection, subject: &str) -> Result<(), StoreError> {
    diesel::delete(rate_limits::table.filter(rate_limits::subject.eq(subject))).execute(conn)?;
    Ok(())
}

/// Removes the counters that have expired.
pub fn purge(conn: &mut AnyConnection, now_ms: i64) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(rate_limits::table.filter(rate_limits::expires_ms.le(now_ms)))
            .execute(conn)?,
    )
}
