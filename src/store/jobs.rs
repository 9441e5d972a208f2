//! Leases on job rows, the same SQL for every kind of job: claim the due rows for one owner
//! until a time on the database's clock, give them back, or record a failed attempt.
//!
//! A kind's rows stay in its own table (`emails`, `checkins`, …); [`Queue`] names the few
//! columns the runner needs. Every table holds `id`, `seq`, `status`, `lease_owner` and
//! `lease_until`; the statements below are written once, with `$n` parameters that both
//! PostgreSQL and SQLite read. SQLite numbers named parameters in order of first appearance,
//! so each statement's text must first mention `$1`, then `$2`, and so on.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::{AnyConnection, StoreError};

/// Where one kind of job waits, and how it is picked.
#[derive(Debug, Clone, Copy)]
pub struct Queue {
    /// The table the jobs are rows of.
    pub table: &'static str,
    /// The status of a row waiting to run.
    pub ready: &'static str,
    /// The column saying when a waiting row is due (and due again after a failure or a
    /// "not now").
    pub due: &'static str,
    /// When set, rows with the same value in this column run one at a time, in `seq` order:
    /// only the earliest waiting row of each value can be claimed, so the next waits until
    /// it has left the queue (done or dead), whoever holds it.
    pub one_at_a_time_by: Option<&'static str>,
    /// When set, failures are counted on the row; otherwise a failed job is simply not
    /// claimed again before its retry time (its lease runs until then).
    pub attempts: Option<Attempts>,
}

/// The columns of a kind that counts failed attempts and gives up after the last.
#[derive(Debug, Clone, Copy)]
pub struct Attempts {
    /// The attempt counter (an integer).
    pub count: &'static str,
    /// The last error, as text.
    pub last_error: &'static str,
    /// The status of a row given up on.
    pub dead: &'static str,
}

impl Queue {
    /// The condition for a row being claimable by `$now`: ready, due, its lease free, and
    /// (one at a time) first in line for its key. `now` and `ready` are the parameter
    /// numbers to use.
    fn claimable(&self, ready: u8, now: u8) -> String {
        let Queue { table, due, .. } = self;
        let mut sql = format!(
            "{table}.status = ${ready} AND {table}.{due} <= ${now} \
             AND ({table}.lease_until IS NULL OR {table}.lease_until < ${now})"
        );
        if let Some(key) = self.one_at_a_time_by {
            sql.push_str(&format!(
                " AND NOT EXISTS (SELECT 1 FROM {table} AS earlier \
                 WHERE earlier.{key} = {table}.{key} AND earlier.status = ${ready} \
                 AND earlier.seq < {table}.seq)"
            ));
        }
        sql
    }
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Runs a statement built once on whichever backend the connection is.
macro_rules! on_backend {
    ($conn:expr, $query:expr, |$q:ident, $c:ident| $body:expr) => {
        match $conn {
            AnyConnection::Sqlite($c) => {
                let $q = $query;
                $body
            }
            AnyConnection::Postgresql($c) => {
                let $q = $query;
                $body
            }
        }
    };
}

/// Claims up to `batch` due jobs for `owner` until `until`, oldest due first; `now` is the
/// database's clock. Each claim is one conditional update, so when several processes race
/// for a row exactly one of them gets it. Returns the ids claimed.
pub fn claim(
    conn: &mut AnyConnection,
    queue: &Queue,
    owner: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
    batch: i64,
) -> Result<Vec<String>, StoreError> {
    let Queue { table, due, .. } = queue;
    let select = format!(
        "SELECT {table}.id AS id FROM {table} WHERE {} ORDER BY {table}.{due}, {table}.seq LIMIT $3",
        queue.claimable(1, 2)
    );
    let due: Vec<Id> = on_backend!(
        conn,
        diesel::sql_query(&select)
            .bind::<Text, _>(queue.ready)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(batch),
        |q, c| q.load(c)?
    );
    let update = format!(
        "UPDATE {table} SET lease_owner = $1, lease_until = $2 WHERE {} AND {table}.id = $5",
        queue.claimable(3, 4)
    );
    let mut claimed = Vec::new();
    for Id { id } in due {
        let won = on_backend!(
            conn,
            diesel::sql_query(&update)
                .bind::<Text, _>(owner)
                .bind::<Timestamp, _>(until)
                .bind::<Text, _>(queue.ready)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>(&id),
            |q, c| q.execute(c)?
        );
        if won == 1 {
            claimed.push(id);
        }
    }
    Ok(claimed)
}

/// Gives a job back: at once (`again_at` `None`: claimed but not started), or due again at
/// `again_at` (not now). Only `owner`'s lease is given back.
pub fn release(
    conn: &mut AnyConnection,
    queue: &Queue,
    id: &str,
    owner: &str,
    again_at: Option<NaiveDateTime>,
) -> Result<(), StoreError> {
    let Queue { table, due, .. } = queue;
    let sql = format!(
        "UPDATE {table} SET lease_owner = NULL, lease_until = NULL, {due} = COALESCE($1, {due}) \
         WHERE id = $2 AND lease_owner = $3"
    );
    on_backend!(
        conn,
        diesel::sql_query(&sql)
            .bind::<Nullable<Timestamp>, _>(again_at)
            .bind::<Text, _>(id)
            .bind::<Text, _>(owner),
        |q, c| q.execute(c)?
    );
    Ok(())
}

/// Records a failed attempt of `owner`'s job: due again at `retry_at`, or given up on
/// (`None`; the queue's dead status) at `now`. A kind that counts no attempts keeps the job
/// leased, by nobody, until `retry_at` (or `now`).
pub fn fail(
    conn: &mut AnyConnection,
    queue: &Queue,
    id: &str,
    owner: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let Queue { table, due, .. } = queue;
    let Some(attempts) = queue.attempts else {
        let sql = format!(
            "UPDATE {table} SET lease_owner = NULL, lease_until = $1 \
             WHERE id = $2 AND lease_owner = $3"
        );
        on_backend!(
            conn,
            diesel::sql_query(&sql)
                .bind::<Timestamp, _>(retry_at.unwrap_or(now))
                .bind::<Text, _>(id)
                .bind::<Text, _>(owner),
            |q, c| q.execute(c)?
        );
        return Ok(());
    };
    let Attempts {
        count,
        last_error,
        dead,
    } = attempts;
    let status = if retry_at.is_some() {
        queue.ready
    } else {
        dead
    };
    let sql = format!(
        "UPDATE {table} SET status = $1, {count} = {count} + 1, {last_error} = $2, {due} = $3, \
         lease_owner = NULL, lease_until = NULL WHERE id = $4 AND lease_owner = $5"
    );
    on_backend!(
        conn,
        diesel::sql_query(&sql)
            .bind::<Text, _>(status)
            .bind::<Text, _>(error)
            .bind::<Timestamp, _>(retry_at.unwrap_or(now))
            .bind::<Text, _>(id)
            .bind::<Text, _>(owner),
        |q, c| q.execute(c)?
    );
    Ok(())
}
