//! Storage on diesel, one code path for SQLite (embedded, the default) and PostgreSQL.
//!
//! Every query goes through [`Db::run`], which takes a pooled connection inside a blocking
//! task; write transactions go through [`write_tx`].

pub mod answers;
pub mod checkins;
/// One page of a table whose rows belong to matches (`seq`, `match_id`, `status` columns),
/// optionally filtered by match and status. Boxed queries are per backend, so the four
/// filter combinations are spelled out here once.
macro_rules! match_scoped_page {
    ($conn:expr, $table:ident, $row:ty, $match_id:expr, $status:expr, $after:expr, $limit:expr) => {{
        let base = $table::table
            .filter($table::seq.gt($after))
            .order($table::seq.asc())
            .limit($limit + 1)
            .select(<$row>::as_select());
        let rows: Vec<$row> = match ($match_id, $status) {
            (Some(m), Some(s)) => base
                .filter($table::match_id.eq(m))
                .filter($table::status.eq(s))
                .load($conn)?,
            (Some(m), None) => base.filter($table::match_id.eq(m)).load($conn)?,
            (None, Some(s)) => base.filter($table::status.eq(s)).load($conn)?,
            (None, None) => base.load($conn)?,
        };
        $crate::store::profiles::Page::from_rows(rows, $limit, |r| r.seq, Ok)
    }};
}
pub(crate) use match_scoped_page;

mod connection;
pub mod coordinators;
pub mod emails;
pub mod employment;
mod error;
pub mod flags;
pub mod health;
pub mod jobs;
pub mod limits;
pub mod matches;
pub mod migrate;
pub mod outcomes;
pub mod profiles;
pub mod schema;
pub mod secrets;
pub mod tokens;

pub use connection::{AnyConnection, DatabaseUrl, Db, exclusive_tx, write_tx};
pub use error::StoreError;

/// The database's own clock, UTC, as stored. Leases are taken and compared on it, so that
/// processes whose clocks disagree still agree on who holds what.
pub fn database_now(conn: &mut AnyConnection) -> Result<chrono::NaiveDateTime, StoreError> {
    use chrono::SubsecRound;
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Timestamp;
    let at: chrono::NaiveDateTime = match conn {
        AnyConnection::Sqlite(c) => {
            diesel::select(sql::<Timestamp>("strftime('%Y-%m-%d %H:%M:%f', 'now')"))
                .get_result(c)?
        }
        AnyConnection::Postgresql(c) => {
            diesel::select(sql::<Timestamp>("clock_timestamp() AT TIME ZONE 'UTC'"))
                .get_result(c)?
        }
    };
    Ok(at.trunc_subsecs(6))
}

/// Whether the database answers a trivial statement.
pub fn ping(conn: &mut AnyConnection) -> Result<(), StoreError> {
    use diesel::connection::SimpleConnection;
    Ok(conn.batch_execute("SELECT 1")?)
}

/// The current time as stored: UTC, truncated to microseconds (what PostgreSQL keeps).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}
