//! The counts behind the outcomes, aggregated by the database (GROUP BY), never by loading
//! every answer. One SQL text serves both backends: the cohort is the first seven characters
//! of the approval time as text (`YYYY-MM`) on SQLite and PostgreSQL alike.
//!
//! Every answered check-in counts as an answer (a mentor answers for each mentee; a mentee who
//! was re-matched, for each pair). The people behind the answers, which is what small-cell
//! suppression is about, are counted apart: `COUNT(DISTINCT person_id)`, and for belonging the
//! few people who answered a step twice.
//!
//! Only published answers count (see [`crate::domain::outcomes::publication`]): every query
//! here reads `a.publication IS NOT NULL`, and [`publish`] is the one place answers enter.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use super::{AnyConnection, StoreError};
use crate::domain::outcomes::cohort::Month;
use crate::domain::outcomes::{belonging, funnel, questions};

const COHORT: &str = "SUBSTR(CAST(m.approved_at AS TEXT), 1, 7)";

/// Answers that are in the outcomes.
const PUBLISHED: &str = "a.publication IS NOT NULL";

fn month(text: &str) -> Result<Month, StoreError> {
    Month::parse(text).map_err(StoreError::Corrupt)
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[derive(QueryableByName)]
struct BelongingRow {
    #[diesel(sql_type = Text)]
    step: String,
    #[diesel(sql_type = Text)]
    cohort: String,
    #[diesel(sql_type = Text)]
    site: String,
    #[diesel(sql_type = Text)]
    shift: String,
    #[diesel(sql_type = Text)]
    profession: String,
    #[diesel(sql_type = Text)]
    specialty: String,
    #[diesel(sql_type = Double)]
    value: f64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Mentees' published answers to `question` (a scale), per step, cohort, profile fields and
/// answer.
pub fn belonging(
    conn: &mut AnyConnection,
    question: &str,
) -> Result<Vec<belonging::Count>, StoreError> {
    let question = literal(question)?;
    let sql = format!(
        "SELECT a.step AS step, {COHORT} AS cohort, p.site AS site, p.shift AS shift, \
                p.profession AS profession, p.specialty AS specialty, \
                a.number AS value, COUNT(*) AS n \
         FROM answers a \
         JOIN matches m ON m.id = a.match_id \
         JOIN profiles p ON p.id = a.person_id \
         WHERE a.question = {question} AND a.role = 'mentee' AND a.number IS NOT NULL \
           AND m.approved_at IS NOT NULL AND {PUBLISHED} \
         GROUP BY a.step, {COHORT}, p.site, p.shift, p.profession, p.specialty, a.number"
    );
    diesel::sql_query(sql)
        .load::<BelongingRow>(conn)?
        .into_iter()
        .map(|r| {
            let n = count(r.n);
            Ok(belonging::Count {
                step: r.step,
                cohort: month(&r.cohort)?,
                groups: [r.site, r.shift, r.profession, r.specialty],
                n,
                sum: r.value * n as f64,
                answers: [(r.value.round() as i64, n)].into_iter().collect(),
            })
        })
        .collect()
}

#[derive(QueryableByName)]
struct AnswerRow {
    #[diesel(sql_type = Text)]
    question: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Text)]
    step: String,
    #[diesel(sql_type = Text)]
    cohort: String,
    #[diesel(sql_type = Double)]
    value: f64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many chose each answer to these questions, per role and step, and per cohort when
/// `by_cohort` (which takes a join per answer: the whole programme's figures do without).
pub fn answer_counts(
    conn: &mut AnyConnection,
    question_keys: &[&str],
    by_cohort: bool,
) -> Result<Vec<questions::Count>, StoreError> {
    if question_keys.is_empty() {
        return Ok(Vec::new());
    }
    let keys = sql_list(question_keys)?;
    let sql = if by_cohort {
        format!(
            "SELECT a.question AS question, a.role AS role, a.step AS step, {COHORT} AS cohort, \
                    a.number AS value, COUNT(*) AS n \
             FROM answers a \
             JOIN matches m ON m.id = a.match_id \
             WHERE a.question IN ({keys}) AND a.number IS NOT NULL AND m.approved_at IS NOT NULL \
               AND {PUBLISHED} \
             GROUP BY a.question, a.role, a.step, {COHORT}, a.number"
        )
    } else {
        format!(
            "SELECT a.question AS question, a.role AS role, a.step AS step, 'all' AS cohort, \
                    a.number AS value, COUNT(*) AS n \
             FROM answers a \
             WHERE a.question IN ({keys}) AND a.number IS NOT NULL AND {PUBLISHED} \
             GROUP BY a.question, a.role, a.step, a.number"
        )
    };
    diesel::sql_query(sql)
        .load::<AnswerRow>(conn)?
        .into_iter()
        .map(|r| {
            Ok(questions::Count {
                cohort: cohort_or_all(&r.cohort)?,
                question: r.question,
                role: r.role,
                step: r.step,
                value: r.value,
                n: count(r.n),
            })
        })
        .collect()
}

/// `all` (counted over every cohort) or a month.
fn cohort_or_all(text: &str) -> Result<Option<Month>, StoreError> {
    if text == "all" {
        Ok(None)
    } else {
        month(text).map(Some)
    }
}

/// The months in which pairs were approved (the cohorts a report can be filtered by).
pub fn cohorts(conn: &mut AnyConnection) -> Result<Vec<Month>, StoreError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        cohort: String,
    }
    let sql = format!(
        "SELECT DISTINCT {COHORT} AS cohort FROM matches m WHERE m.approved_at IS NOT NULL \
         ORDER BY cohort"
    );
    diesel::sql_query(sql)
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| month(&r.cohort))
        .collect()
}

#[derive(QueryableByName)]
struct RepeatRow {
    #[diesel(sql_type = Text)]
    step: String,
    #[diesel(sql_type = Text)]
    person_id: String,
    #[diesel(sql_type = Text)]
    cohort: String,
    #[diesel(sql_type = Text)]
    site: String,
    #[diesel(sql_type = Text)]
    shift: String,
    #[diesel(sql_type = Text)]
    profession: String,
    #[diesel(sql_type = Text)]
    specialty: String,
}

/// The answers of mentees who answered `question` more than once at a step (re-matched
/// within the year): few, and what the belonging figures need to count people once.
pub fn belonging_repeats(
    conn: &mut AnyConnection,
    question: &str,
) -> Result<Vec<belonging::Repeat>, StoreError> {
    let question = literal(question)?;
    let answered = format!(
        "a.question = {question} AND a.role = 'mentee' AND a.number IS NOT NULL AND {PUBLISHED}"
    );
    let sql = format!(
        "SELECT a.step AS step, a.person_id AS person_id, {COHORT} AS cohort, p.site AS site, \
                p.shift AS shift, p.profession AS profession, p.specialty AS specialty \
         FROM answers a \
         JOIN (SELECT a.person_id AS person_id, a.step AS step FROM answers a WHERE {answered} \
               GROUP BY a.person_id, a.step HAVING COUNT(*) > 1) twice \
           ON twice.person_id = a.person_id AND twice.step = a.step \
         JOIN matches m ON m.id = a.match_id \
         JOIN profiles p ON p.id = a.person_id \
         WHERE {answered} AND m.approved_at IS NOT NULL"
    );
    diesel::sql_query(sql)
        .load::<RepeatRow>(conn)?
        .into_iter()
        .map(|r| {
            Ok(belonging::Repeat {
                step: r.step,
                person: r.person_id,
                cohort: month(&r.cohort)?,
                groups: [r.site, r.shift, r.profession, r.specialty],
            })
        })
        .collect()
}

#[derive(QueryableByName)]
struct RespondentsRow {
    #[diesel(sql_type = Text)]
    question: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = Text)]
    step: String,
    #[diesel(sql_type = Text)]
    cohort: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many people answered each of these questions, per role and step, in all cohorts
/// (cohort `None`) and, when `by_cohort`, within each.
pub fn respondents(
    conn: &mut AnyConnection,
    question_keys: &[&str],
    by_cohort: bool,
) -> Result<Vec<questions::Respondents>, StoreError> {
    if question_keys.is_empty() {
        return Ok(Vec::new());
    }
    let keys = sql_list(question_keys)?;
    let mut queries = vec![format!(
        "SELECT a.question AS question, a.role AS role, a.step AS step, 'all' AS cohort, \
                COUNT(DISTINCT a.person_id) AS n \
         FROM answers a \
         WHERE a.question IN ({keys}) AND a.number IS NOT NULL AND {PUBLISHED} \
         GROUP BY a.question, a.role, a.step"
    )];
    if by_cohort {
        queries.push(format!(
            "SELECT a.question AS question, a.role AS role, a.step AS step, {COHORT} AS cohort, \
                    COUNT(DISTINCT a.person_id) AS n \
             FROM answers a \
             JOIN matches m ON m.id = a.match_id \
             WHERE a.question IN ({keys}) AND a.number IS NOT NULL AND m.approved_at IS NOT NULL \
               AND {PUBLISHED} \
             GROUP BY a.question, a.role, a.step, {COHORT}"
        ));
    }
    let mut out = Vec::new();
    for sql in queries {
        for r in diesel::sql_query(sql).load::<RespondentsRow>(conn)? {
            out.push(questions::Respondents {
                cohort: cohort_or_all(&r.cohort)?,
                question: r.question,
                role: r.role,
                step: r.step,
                n: count(r.n),
            });
        }
    }
    Ok(out)
}

/// Question keys as an SQL list of literals.
fn sql_list(keys: &[&str]) -> Result<String, StoreError> {
    Ok(keys
        .iter()
        .map(|k| literal(k))
        .collect::<Result<Vec<_>, _>>()?
        .join(", "))
}

#[derive(QueryableByName)]
struct StatusRow {
    #[diesel(sql_type = Text)]
    step: String,
    #[diesel(sql_type = Text)]
    cohort: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Check-ins per step, cohort and status.
pub fn checkin_counts(conn: &mut AnyConnection) -> Result<Vec<funnel::Count>, StoreError> {
    let sql = format!(
        "SELECT c.step AS step, {COHORT} AS cohort, c.status AS status, COUNT(*) AS n \
         FROM checkins c \
         JOIN matches m ON m.id = c.match_id \
         WHERE m.approved_at IS NOT NULL \
         GROUP BY c.step, {COHORT}, c.status"
    );
    diesel::sql_query(sql)
        .load::<StatusRow>(conn)?
        .into_iter()
        .map(|r| {
            Ok(funnel::Count {
                step: r.step,
                cohort: month(&r.cohort)?,
                status: r.status,
                n: count(r.n),
            })
        })
        .collect()
}

/// How many people's answers at `step` are published.
pub fn answered_at(conn: &mut AnyConnection, step: &str) -> Result<u64, StoreError> {
    use super::schema::answers;
    let people: Vec<String> = answers::table
        .filter(answers::step.eq(step))
        .filter(answers::publication.is_not_null())
        .select(answers::person_id)
        .distinct()
        .load(conn)?;
    Ok(people.len() as u64)
}

/// The free-text answers to `question` at `step` of people still on file, in alphabetical
/// order (which says nothing about who wrote what, or when).
pub fn comments(
    conn: &mut AnyConnection,
    question: &str,
    step: &str,
) -> Result<Vec<String>, StoreError> {
    use super::schema::{answers, profiles};
    let mut texts: Vec<String> = answers::table
        .inner_join(profiles::table.on(profiles::id.eq(answers::person_id)))
        .filter(answers::question.eq(question))
        .filter(answers::step.eq(step))
        .filter(answers::publication.is_not_null())
        .filter(profiles::erased_at.is_null())
        .select(answers::text)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .collect();
    texts.sort();
    Ok(texts)
}

/// A question key as an SQL string literal. Keys are configuration codes (lower-case letters,
/// digits, `_`); anything else is refused rather than quoted.
fn literal(key: &str) -> Result<String, StoreError> {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        Ok(format!("'{key}'"))
    } else {
        Err(StoreError::Corrupt(format!(
            "\"{key}\" is not a question key"
        )))
    }
}

/// One step, cohort and respondent role: the unit answers are published in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    pub step: String,
    pub cohort: Month,
    pub role: String,
}

#[derive(QueryableByName)]
struct WaitingRow {
    #[diesel(sql_type = Text)]
    step: String,
    #[diesel(sql_type = Text)]
    cohort: String,
    #[diesel(sql_type = Text)]
    role: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Answered check-ins not yet published, per unit (few: they are found by their own index).
pub fn waiting(conn: &mut AnyConnection) -> Result<Vec<(Unit, u64)>, StoreError> {
    let sql = format!(
        "SELECT a.step AS step, {COHORT} AS cohort, a.role AS role, \
                COUNT(DISTINCT a.checkin_id) AS n \
         FROM answers a \
         JOIN matches m ON m.id = a.match_id \
         WHERE a.publication IS NULL AND m.approved_at IS NOT NULL \
         GROUP BY a.step, {COHORT}, a.role"
    );
    diesel::sql_query(sql)
        .load::<WaitingRow>(conn)?
        .into_iter()
        .map(|r| {
            Ok((
                Unit {
                    cohort: month(&r.cohort)?,
                    step: r.step,
                    role: r.role,
                },
                count(r.n),
            ))
        })
        .collect()
}

/// What is published of each unit: answered check-ins, and how many publications so far.
pub fn published(
    conn: &mut AnyConnection,
) -> Result<std::collections::BTreeMap<Unit, (u64, i64)>, StoreError> {
    use super::schema::outcome_publications as p;
    p::table
        .select((p::step, p::cohort, p::role, p::checkins, p::publications))
        .load::<(String, String, String, i64, i64)>(conn)?
        .into_iter()
        .map(|(step, cohort, role, checkins, publications)| {
            Ok((
                Unit {
                    step,
                    cohort: month(&cohort)?,
                    role,
                },
                (count(checkins), publications),
            ))
        })
        .collect()
}

/// Serialises publications across every process: on PostgreSQL a transaction-scoped advisory
/// lock (SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time). Call inside a
/// write transaction, before counting what waits.
pub fn lock_publications(conn: &mut AnyConnection) -> Result<(), StoreError> {
    /// "belong" and 0x0b, outcomes: distinct from the matching lock.
    const PG_PUBLICATION_LOCK: i64 = 0x0062_656c_6f6e_670b;
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query(format!(
            "SELECT pg_advisory_xact_lock({PG_PUBLICATION_LOCK})"
        ))
        .execute(c)?;
    }
    Ok(())
}

/// Publishes every waiting answer of `unit` (those committed by now) as publication number
/// `number`, and records the unit's published count. Inside a write transaction holding
/// [`lock_publications`].
pub fn publish(
    conn: &mut AnyConnection,
    unit: &Unit,
    number: i64,
    at: chrono::NaiveDateTime,
) -> Result<u64, StoreError> {
    use super::schema::{answers, matches, outcome_publications as p};
    let start = unit
        .cohort
        .first_day()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| StoreError::Corrupt(format!("cohort {}", unit.cohort)))?;
    let end = start
        .date()
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| StoreError::Corrupt(format!("cohort {}", unit.cohort)))?;
    let of_cohort = matches::table
        .filter(matches::approved_at.ge(start))
        .filter(matches::approved_at.lt(end))
        .select(matches::id);
    diesel::update(
        answers::table
            .filter(answers::publication.is_null())
            .filter(answers::step.eq(&unit.step))
            .filter(answers::role.eq(&unit.role))
            .filter(answers::match_id.eq_any(of_cohort)),
    )
    .set(answers::publication.eq(Some(number)))
    .execute(conn)?;
    let checkins = answers::table
        .filter(answers::publication.is_not_null())
        .filter(answers::step.eq(&unit.step))
        .filter(answers::role.eq(&unit.role))
        .filter(answers::match_id.eq_any(of_cohort))
        .select(answers::checkin_id)
        .distinct()
        .load::<String>(conn)?
        .len();
    let checkins = i64::try_from(checkins).unwrap_or(i64::MAX);
    let key = p::table
        .filter(p::step.eq(&unit.step))
        .filter(p::cohort.eq(unit.cohort.to_string()))
        .filter(p::role.eq(&unit.role));
    let updated = diesel::update(key)
        .set((
            p::checkins.eq(checkins),
            p::publications.eq(number),
            p::published_at.eq(at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(p::table)
            .values((
                p::step.eq(&unit.step),
                p::cohort.eq(unit.cohort.to_string()),
                p::role.eq(&unit.role),
                p::checkins.eq(checkins),
                p::publications.eq(number),
                p::published_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(count(checkins))
}
