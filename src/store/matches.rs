//! Matches, matching runs and the stored matching settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::profiles::Page;
use super::schema::{matches, matching_runs, matching_settings};
use super::{AnyConnection, StoreError};
use crate::domain::matches::{Match, MatchStatus};
use crate::domain::matching::score::{Explained, affinity_detail};
use crate::domain::matching::settings::{Criterion, Points};

#[derive(Queryable, Selectable)]
#[diesel(table_name = matches)]
struct Row {
    seq: i64,
    id: String,
    run_id: Option<String>,
    mentee_id: String,
    mentor_id: String,
    status: String,
    score: i32,
    explanation: String,
    reason: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    approved_at: Option<NaiveDateTime>,
    ended_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = matches)]
struct NewRow<'a> {
    id: String,
    run_id: Option<String>,
    mentee_id: String,
    mentor_id: String,
    status: &'a str,
    score: i32,
    explanation: String,
    reason: Option<&'a str>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The stored (and API) form of an explanation.
pub fn explanation_json(lines: &[Explained]) -> Value {
    Value::Array(
        lines
            .iter()
            .map(|e| {
                json!({
                    "criterion": e.criterion.as_str(),
                    "points": e.points.as_f64(),
                    "max_points": e.max_points.as_f64(),
                    "detail": e.detail,
                })
            })
            .collect(),
    )
}

fn line_points(line: &Value, key: &str) -> Option<Points> {
    line[key]
        .as_f64()
        .map(|p| Points((p * 100.0).round() as u32))
}

/// What an explanation says about people once one of them is erased.
const ERASED: &str = "(erased)";

fn parse_explanation(text: &str) -> Result<Vec<Explained>, StoreError> {
    let corrupt = || StoreError::Corrupt("matches.explanation".into());
    let lines: Vec<Value> = serde_json::from_str(text).map_err(|_| corrupt())?;
    lines
        .iter()
        .map(|line| {
            let criterion = line["criterion"]
                .as_str()
                .and_then(Criterion::parse)
                .ok_or_else(corrupt)?;
            let points = line_points(line, "points").ok_or_else(corrupt)?;
            let mut detail = line["detail"].as_str().ok_or_else(corrupt)?.to_string();
            // Explanations stored before groups stopped being named still name them.
            if criterion == Criterion::Affinity && detail != ERASED {
                detail = affinity_detail(points.0 > 0).to_string();
            }
            Ok(Explained {
                criterion,
                points,
                max_points: line_points(line, "max_points").ok_or_else(corrupt)?,
                detail,
            })
        })
        .collect()
}

fn uuid(text: &str, column: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text).map_err(|_| StoreError::Corrupt(format!("matches.{column}")))
}

impl Row {
    fn into_match(self) -> Result<Match, StoreError> {
        Ok(Match {
            id: uuid(&self.id, "id")?,
            run_id: self
                .run_id
                .as_deref()
                .map(|r| uuid(r, "run_id"))
                .transpose()?,
            mentee_id: uuid(&self.mentee_id, "mentee_id")?,
            mentor_id: uuid(&self.mentor_id, "mentor_id")?,
            status: MatchStatus::parse(&self.status).map_err(StoreError::Corrupt)?,
            score: Points(u32::try_from(self.score).unwrap_or(0)),
            explanation: parse_explanation(&self.explanation)?,
            reason: self.reason,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            approved_at: self.approved_at.map(|t| t.and_utc()),
            ended_at: self.ended_at.map(|t| t.and_utc()),
        })
    }
}

pub fn insert(conn: &mut AnyConnection, m: &Match) -> Result<(), StoreError> {
    diesel::insert_into(matches::table)
        .values(NewRow {
            id: m.id.to_string(),
            run_id: m.run_id.map(|r| r.to_string()),
            mentee_id: m.mentee_id.to_string(),
            mentor_id: m.mentor_id.to_string(),
            status: m.status.as_str(),
            score: m.score.0 as i32,
            explanation: explanation_json(&m.explanation).to_string(),
            reason: m.reason.as_deref(),
            created_at: m.created_at.naive_utc(),
            updated_at: m.updated_at.naive_utc(),
        })
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Match>, StoreError> {
    matches::table
        .filter(matches::id.eq(id.to_string()))
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Row::into_match)
        .transpose()
}

/// Touches the match so that, on PostgreSQL, concurrent decisions on it queue up behind
/// this transaction (SQLite's write lock already serialises them).
pub fn lock(conn: &mut AnyConnection, id: Uuid) -> Result<bool, StoreError> {
    let n = diesel::update(matches::table.filter(matches::id.eq(id.to_string())))
        .set(matches::updated_at.eq(matches::updated_at))
        .execute(conn)?;
    Ok(n == 1)
}

/// Moves a match from `from` to `to`; false when it was no longer in `from`.
pub fn transition(
    conn: &mut AnyConnection,
    id: Uuid,
    from: MatchStatus,
    to: MatchStatus,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let target = matches::table
        .filter(matches::id.eq(id.to_string()))
        .filter(matches::status.eq(from.as_str()));
    let n = match to {
        MatchStatus::Approved => diesel::update(target)
            .set((
                matches::status.eq(to.as_str()),
                matches::updated_at.eq(at),
                matches::approved_at.eq(Some(at)),
            ))
            .execute(conn)?,
        MatchStatus::Ended => diesel::update(target)
            .set((
                matches::status.eq(to.as_str()),
                matches::updated_at.eq(at),
                matches::ended_at.eq(Some(at)),
                matches::reason.eq(reason),
            ))
            .execute(conn)?,
        _ => diesel::update(target)
            .set((
                matches::status.eq(to.as_str()),
                matches::updated_at.eq(at),
                matches::reason.eq(reason),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Marks the still-proposed matches of these mentees superseded (except `keep`).
pub fn supersede_proposed(
    conn: &mut AnyConnection,
    mentee_ids: &[String],
    keep: Option<Uuid>,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    let keep = keep.map(|k| k.to_string()).unwrap_or_default();
    let mut total = 0;
    for chunk in mentee_ids.chunks(500) {
        total += diesel::update(
            matches::table
                .filter(matches::status.eq(MatchStatus::Proposed.as_str()))
                .filter(matches::mentee_id.eq_any(chunk))
                .filter(matches::id.ne(&keep)),
        )
        .set((
            matches::status.eq(MatchStatus::Superseded.as_str()),
            matches::updated_at.eq(at),
        ))
        .execute(conn)?;
    }
    Ok(total)
}

/// Matches of a person in the given statuses (as mentee or as mentor); all when empty.
pub fn of_person(
    conn: &mut AnyConnection,
    person: Uuid,
    statuses: &[MatchStatus],
) -> Result<Vec<Match>, StoreError> {
    let person = person.to_string();
    let statuses: Vec<&str> = if statuses.is_empty() {
        MatchStatus::ALL.iter().map(|s| s.as_str()).collect()
    } else {
        statuses.iter().map(|s| s.as_str()).collect()
    };
    matches::table
        .filter(
            matches::mentee_id
                .eq(&person)
                .or(matches::mentor_id.eq(&person)),
        )
        .filter(matches::status.eq_any(statuses))
        .order(matches::seq.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_match)
        .collect()
}

/// Keeps a match's criteria and points but not the words about the people (for erasure).
pub fn forget_details(conn: &mut AnyConnection, id: Uuid) -> Result<(), StoreError> {
    let Some(m) = find(conn, id)? else {
        return Ok(());
    };
    let lines: Vec<Explained> = m
        .explanation
        .into_iter()
        .map(|e| Explained {
            detail: ERASED.into(),
            ..e
        })
        .collect();
    diesel::update(matches::table.filter(matches::id.eq(id.to_string())))
        .set((
            matches::explanation.eq(explanation_json(&lines).to_string()),
            matches::reason.eq(m.reason.map(|_| "(erased)".to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// (mentee, mentor) pairs in the given statuses.
pub fn pairs(
    conn: &mut AnyConnection,
    statuses: &[MatchStatus],
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(pairs_query(statuses).load(conn)?)
}

/// Pairs in some statuses, oldest first: (mentee id, mentor id).
type PairsQuery = diesel::dsl::Select<
    diesel::dsl::Order<
        diesel::dsl::Filter<matches::table, diesel::dsl::EqAny<matches::status, Vec<&'static str>>>,
        diesel::dsl::Asc<matches::seq>,
    >,
    (matches::mentee_id, matches::mentor_id),
>;

/// The pairs in the given statuses that involve one person, as mentee or as mentor.
pub fn pairs_with(
    conn: &mut AnyConnection,
    statuses: &[MatchStatus],
    person: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(pairs_query(statuses)
        .filter(
            matches::mentee_id
                .eq(person)
                .or(matches::mentor_id.eq(person)),
        )
        .load(conn)?)
}

fn pairs_query(statuses: &[MatchStatus]) -> PairsQuery {
    let statuses: Vec<&'static str> = statuses.iter().map(|s| s.as_str()).collect();
    matches::table
        .filter(matches::status.eq_any(statuses))
        .order(matches::seq.asc())
        .select((matches::mentee_id, matches::mentor_id))
}

pub fn list(
    conn: &mut AnyConnection,
    status: Option<MatchStatus>,
    after: i64,
    limit: i64,
) -> Result<Page<Match>, StoreError> {
    let base = matches::table
        .filter(matches::seq.gt(after))
        .order(matches::seq.asc())
        .limit(limit + 1)
        .select(Row::as_select());
    let rows: Vec<Row> = match status {
        Some(s) => base.filter(matches::status.eq(s.as_str())).load(conn)?,
        None => base.load(conn)?,
    };
    Page::from_rows(rows, limit, |r| r.seq, Row::into_match)
}

pub fn of_run(conn: &mut AnyConnection, run_id: Uuid) -> Result<Vec<Match>, StoreError> {
    matches::table
        .filter(matches::run_id.eq(run_id.to_string()))
        .order(matches::seq.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_match)
        .collect()
}

/// A stored matching run.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = matching_runs)]
pub struct RunRow {
    pub id: String,
    pub settings: String,
    pub mentees: i32,
    pub mentors: i32,
    pub matched: i32,
    pub total_score: i64,
    pub min_score: i32,
    pub unmatched: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_run(conn: &mut AnyConnection, run: &RunRow) -> Result<(), StoreError> {
    diesel::insert_into(matching_runs::table)
        .values(run.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_run(conn: &mut AnyConnection, id: Uuid) -> Result<Option<RunRow>, StoreError> {
    Ok(matching_runs::table
        .filter(matching_runs::id.eq(id.to_string()))
        .select(RunRow::as_select())
        .first(conn)
        .optional()?)
}

/// The coordinators' settings as JSON, or `None` while the configured defaults apply.
pub fn settings(conn: &mut AnyConnection) -> Result<Option<String>, StoreError> {
    let body: Option<String> = matching_settings::table
        .select(matching_settings::body)
        .first(conn)
        .optional()?;
    Ok(body.filter(|b| !b.is_empty()))
}

pub fn save_settings(
    conn: &mut AnyConnection,
    body: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(matching_settings::table.filter(matching_settings::id.eq(1)))
        .set((
            matching_settings::body.eq(body),
            matching_settings::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explanation_stored_naming_an_affinity_group_is_read_without_it() {
        let stored = json!([
            {"criterion": "specialty", "points": 25.0, "max_points": 25.0, "detail": "Both in Emergency"},
            {"criterion": "affinity", "points": 10.0, "max_points": 10.0, "detail": "Both chose to share: LGBTQ+"},
        ]);
        let lines = parse_explanation(&stored.to_string()).expect("parses");
        assert_eq!(lines[0].detail, "Both in Emergency");
        assert_eq!(lines[1].detail, affinity_detail(true));
        let erased = json!([{"criterion": "affinity", "points": 10.0, "max_points": 10.0, "detail": "(erased)"}]);
        assert_eq!(
            parse_explanation(&erased.to_string()).expect("parses")[0].detail,
            "(erased)"
        );
    }
}
