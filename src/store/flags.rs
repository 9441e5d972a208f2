//! Risk flags as stored: raised by the health review, acknowledged and resolved by
//! coordinators, closed when a match ends.
//!
//! `open_key` (match/rule/person) is set while a flag is unresolved and NULL afterwards; its
//! unique index lets the database itself refuse a second unresolved flag for the same match,
//! rule and person, on both backends, without `ON CONFLICT`.

use chrono::NaiveDateTime;
use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::prelude::*;

use super::profiles::Page;
use super::schema::risk_flags;
use super::{AnyConnection, StoreError, write_tx};
use crate::domain::health::{FlagStatus, RaisedFlag, Resolution, Rule, Severity};
use crate::domain::survey::Respondent;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = risk_flags)]
pub struct FlagRow {
    #[diesel(skip_insertion)]
    pub seq: i64,
    pub id: String,
    pub match_id: String,
    pub person_id: Option<String>,
    pub role: Option<String>,
    pub rule: String,
    pub severity: String,
    pub evidence: String,
    pub basis: String,
    pub flag_key: String,
    pub open_key: Option<String>,
    pub status: String,
    pub raised_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
    pub note: Option<String>,
}

/// The key of a flag: one unresolved flag per match, rule and person (or the pair).
pub fn flag_key(match_id: &str, rule: &str, person: Option<&str>) -> String {
    format!("{match_id}/{rule}/{}", person.unwrap_or("pair"))
}

/// Serialises the health writes (raising, closing, deciding on flags, the digest claim)
/// across processes on PostgreSQL; SQLite's write lock already does.
const PG_HEALTH_LOCK: i64 = 0x0062_656c_6f6e_6702;

/// Runs `f` as one health write: in its own write transaction, or in a savepoint when the
/// caller is already inside one (e.g. the transaction that recorded an answer). On
/// PostgreSQL it also holds the health lock until the outermost transaction ends.
///
/// Lock order: a caller holding the matching lock may take this one, never the reverse.
pub fn health_tx<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    type Manager = <AnyConnection as Connection>::TransactionManager;
    let nested = matches!(
        Manager::transaction_manager_status_mut(conn).transaction_depth(),
        Ok(Some(_))
    );
    let body = |conn: &mut AnyConnection| {
        lock(conn)?;
        f(conn)
    };
    if !nested {
        return write_tx(conn, body);
    }
    // Inside a transaction, beginning one makes a savepoint.
    Manager::begin_transaction(conn).map_err(StoreError::from)?;
    match body(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn).map_err(StoreError::from)?;
            Ok(value)
        }
        Err(e) => {
            let _ = Manager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// Takes the health lock until the end of the current transaction (PostgreSQL).
fn lock(conn: &mut AnyConnection) -> Result<(), StoreError> {
    if let AnyConnection::Postgresql(pg) = conn {
        pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({PG_HEALTH_LOCK})"))?;
    }
    Ok(())
}

/// How the flags of an ending match are closed, and by whom (`None`: by Belong itself).
#[derive(Debug, Clone, Copy)]
pub struct Closing<'a> {
    pub resolution: Resolution,
    pub by: Option<&'a str>,
}

/// Closes a match's unresolved flags in the transaction that ends it, so that no review
/// raises one on it meanwhile.
pub fn close_for_ended(
    conn: &mut AnyConnection,
    match_id: &str,
    closing: Closing<'_>,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    lock(conn)?;
    close(conn, match_id, None, closing, at)
}

/// The unresolved flag with this key, if any.
pub fn unresolved(conn: &mut AnyConnection, key: &str) -> Result<Option<FlagRow>, StoreError> {
    Ok(risk_flags::table
        .filter(risk_flags::open_key.eq(key))
        .select(FlagRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether a flag with this key was ever raised on this basis.
pub fn raised_on(conn: &mut AnyConnection, key: &str, basis: &str) -> Result<bool, StoreError> {
    let n: i64 = risk_flags::table
        .filter(risk_flags::flag_key.eq(key))
        .filter(risk_flags::basis.eq(basis))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(conn: &mut AnyConnection, row: &FlagRow) -> Result<(), StoreError> {
    diesel::insert_into(risk_flags::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// Raises an unresolved flag again on new evidence (a run of unanswered check-ins grew, a
/// second request to be contacted): open once more, and counted as new from `at`, so that an
/// acknowledgement of the old evidence does not hide the new.
pub fn raise_again(
    conn: &mut AnyConnection,
    id: &str,
    evidence: &str,
    basis: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(risk_flags::table.filter(risk_flags::id.eq(id)))
        .set((
            risk_flags::evidence.eq(evidence),
            risk_flags::basis.eq(basis),
            risk_flags::status.eq(FlagStatus::Open.as_str()),
            risk_flags::raised_at.eq(at),
            risk_flags::acknowledged_at.eq(None::<NaiveDateTime>),
            risk_flags::acknowledged_by.eq(None::<String>),
            risk_flags::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Option<FlagRow>, StoreError> {
    Ok(risk_flags::table
        .filter(risk_flags::id.eq(id))
        .select(FlagRow::as_select())
        .first(conn)
        .optional()?)
}

/// Open → acknowledged; false when the flag was no longer open.
pub fn acknowledge(
    conn: &mut AnyConnection,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        risk_flags::table
            .filter(risk_flags::id.eq(id))
            .filter(risk_flags::status.eq(FlagStatus::Open.as_str())),
    )
    .set((
        risk_flags::status.eq(FlagStatus::Acknowledged.as_str()),
        risk_flags::acknowledged_at.eq(Some(at)),
        risk_flags::acknowledged_by.eq(Some(by)),
        risk_flags::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

const UNRESOLVED: [&str; 2] = ["open", "acknowledged"];

/// Resolves one unresolved flag; false when it was already resolved. `by` is `None` when
/// Belong itself closes it.
pub fn resolve(
    conn: &mut AnyConnection,
    id: &str,
    resolution: Resolution,
    note: Option<&str>,
    by: Option<&str>,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        risk_flags::table
            .filter(risk_flags::id.eq(id))
            .filter(risk_flags::status.eq_any(UNRESOLVED)),
    )
    .set((
        risk_flags::status.eq(FlagStatus::Resolved.as_str()),
        risk_flags::open_key.eq(None::<String>),
        risk_flags::resolution.eq(Some(resolution.as_str())),
        risk_flags::note.eq(note),
        risk_flags::resolved_by.eq(by),
        risk_flags::resolved_at.eq(Some(at)),
        risk_flags::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Resolves every unresolved flag of a match (it ended), or only those of one rule.
pub fn close(
    conn: &mut AnyConnection,
    match_id: &str,
    rule: Option<&str>,
    closing: Closing<'_>,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    let target = risk_flags::table
        .filter(risk_flags::match_id.eq(match_id))
        .filter(risk_flags::status.eq_any(UNRESOLVED));
    let set = (
        risk_flags::status.eq(FlagStatus::Resolved.as_str()),
        risk_flags::open_key.eq(None::<String>),
        risk_flags::resolution.eq(Some(closing.resolution.as_str())),
        risk_flags::resolved_by.eq(closing.by),
        risk_flags::resolved_at.eq(Some(at)),
        risk_flags::updated_at.eq(at),
    );
    Ok(match rule {
        Some(rule) => diesel::update(target.filter(risk_flags::rule.eq(rule)))
            .set(set)
            .execute(conn)?,
        None => diesel::update(target).set(set).execute(conn)?,
    })
}

/// Forgets what a match's flags said and what coordinators noted on them (a person in it
/// was erased); the rule, dates and outcome stay for the counts.
pub fn scrub_for_match(conn: &mut AnyConnection, match_id: &str) -> Result<(), StoreError> {
    diesel::update(risk_flags::table.filter(risk_flags::match_id.eq(match_id)))
        .set(risk_flags::evidence.eq("(erased)"))
        .execute(conn)?;
    diesel::update(
        risk_flags::table
            .filter(risk_flags::match_id.eq(match_id))
            .filter(risk_flags::note.is_not_null()),
    )
    .set(risk_flags::note.eq(Some("(erased)")))
    .execute(conn)?;
    Ok(())
}

/// What a list of flags is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub rule: Option<String>,
    pub match_id: Option<String>,
}

/// A page of flags in the order they were raised.
pub fn list(
    conn: &mut AnyConnection,
    filter: &Filter,
    after: i64,
    limit: i64,
) -> Result<Page<FlagRow>, StoreError> {
    // Unfiltered columns match every value they can hold, so one query shape serves all
    // combinations (boxed queries are per backend).
    let statuses: Vec<&str> = match &filter.status {
        Some(s) => vec![s.as_str()],
        None => FlagStatus::ALL.iter().map(|s| s.as_str()).collect(),
    };
    let base = risk_flags::table
        .filter(risk_flags::seq.gt(after))
        .filter(risk_flags::status.eq_any(statuses))
        .order(risk_flags::seq.asc())
        .limit(limit + 1)
        .select(FlagRow::as_select());
    let rows: Vec<FlagRow> = match (&filter.rule, &filter.match_id) {
        (Some(r), Some(m)) => base
            .filter(risk_flags::rule.eq(r))
            .filter(risk_flags::match_id.eq(m))
            .load(conn)?,
        (Some(r), None) => base.filter(risk_flags::rule.eq(r)).load(conn)?,
        (None, Some(m)) => base.filter(risk_flags::match_id.eq(m)).load(conn)?,
        (None, None) => base.load(conn)?,
    };
    Page::from_rows(rows, limit, |r| r.seq, Ok)
}

/// Every flag of one match, oldest first.
pub fn of_match(conn: &mut AnyConnection, match_id: &str) -> Result<Vec<FlagRow>, StoreError> {
    Ok(risk_flags::table
        .filter(risk_flags::match_id.eq(match_id))
        .order(risk_flags::seq.asc())
        .select(FlagRow::as_select())
        .load(conn)?)
}

/// (match, severity) of every unresolved flag: what pair health is computed from.
pub fn unresolved_severities(
    conn: &mut AnyConnection,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(risk_flags::table
        .filter(risk_flags::status.eq_any(UNRESOLVED))
        .select((risk_flags::match_id, risk_flags::severity))
        .load(conn)?)
}

/// How many flags are in each status: (open, acknowledged).
pub fn unresolved_counts(conn: &mut AnyConnection) -> Result<(i64, i64), StoreError> {
    let count = |conn: &mut AnyConnection, status: FlagStatus| -> Result<i64, StoreError> {
        Ok(risk_flags::table
            .filter(risk_flags::status.eq(status.as_str()))
            .count()
            .get_result(conn)?)
    };
    Ok((
        count(conn, FlagStatus::Open)?,
        count(conn, FlagStatus::Acknowledged)?,
    ))
}

/// The rules of the flags raised in `[since, until)`.
pub fn raised_between(
    conn: &mut AnyConnection,
    since: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    Ok(risk_flags::table
        .filter(risk_flags::raised_at.ge(since))
        .filter(risk_flags::raised_at.lt(until))
        .select(risk_flags::rule)
        .load(conn)?)
}

/// The newest flags in one status, optionally of one rule (for the console).
pub fn newest(
    conn: &mut AnyConnection,
    status: FlagStatus,
    rule: Option<&str>,
    limit: i64,
) -> Result<Vec<FlagRow>, StoreError> {
    let base = risk_flags::table
        .filter(risk_flags::status.eq(status.as_str()))
        .order(risk_flags::seq.desc())
        .limit(limit)
        .select(FlagRow::as_select());
    Ok(match rule {
        Some(r) => base.filter(risk_flags::rule.eq(r)).load(conn)?,
        None => base.load(conn)?,
    })
}

impl TryFrom<FlagRow> for RaisedFlag {
    type Error = StoreError;

    fn try_from(r: FlagRow) -> Result<Self, StoreError> {
        let corrupt = |column: &str| {
            let column = column.to_string();
            move |e: String| StoreError::Corrupt(format!("risk_flags.{column}: {e}"))
        };
        let role = match r.role.as_deref() {
            None => None,
            Some(role) => Some(
                Respondent::parse(role)
                    .ok_or_else(|| corrupt("role")(format!("\"{role}\" is not a role")))?,
            ),
        };
        let resolution = match r.resolution.as_deref() {
            None => None,
            Some(res) => Some(Resolution::parse(res).map_err(corrupt("resolution"))?),
        };
        Ok(RaisedFlag {
            rule: Rule::parse(&r.rule).map_err(corrupt("rule"))?,
            severity: Severity::parse(&r.severity).map_err(corrupt("severity"))?,
            status: FlagStatus::parse(&r.status).map_err(corrupt("status"))?,
            role,
            resolution,
            id: r.id,
            match_id: r.match_id,
            person_id: r.person_id,
            evidence: r.evidence,
            raised_at: r.raised_at.and_utc(),
            acknowledged_at: r.acknowledged_at.map(|t| t.and_utc()),
            acknowledged_by: r.acknowledged_by,
            resolved_at: r.resolved_at.map(|t| t.and_utc()),
            resolved_by: r.resolved_by,
            note: r.note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str, rule: &str) -> FlagRow {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("a time");
        FlagRow {
            seq: 1,
            id: "f".into(),
            match_id: "m".into(),
            person_id: None,
            role: None,
            rule: rule.into(),
            severity: "warning".into(),
            evidence: String::new(),
            basis: String::new(),
            flag_key: String::new(),
            open_key: None,
            status: status.into(),
            raised_at: at,
            updated_at: at,
            acknowledged_at: None,
            acknowledged_by: None,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
            note: None,
        }
    }

    #[test]
    fn stored_texts_parse_and_unknown_ones_are_corrupt() {
        let flag = RaisedFlag::try_from(row("acknowledged", "poor_fit")).expect("parses");
        assert_eq!(flag.status, FlagStatus::Acknowledged);
        assert_eq!(flag.rule, Rule::PoorFit);
        for (status, rule) in [("closed", "poor_fit"), ("open", "poor_fits")] {
            assert!(matches!(
                RaisedFlag::try_from(row(status, rule)),
                Err(StoreError::Corrupt(_))
            ));
        }
    }
}
