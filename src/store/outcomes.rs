//! The counts behind the outcomes, aggregated by the database (GROUP BY), never by loading
//! every answer. One SQL text serves both backends: the cohort is the first seven characters
//! of the approval time as text (`YYYY-MM`) on SQLite and PostgreSQL alike.
//!
//! Every answered check-in counts as an answer (a mentor answers for each mentee; a mentee who
//! was re-matched, for each pair). The people behind the answers, which is what small-cell
//! suppression is about, are counted apart: `COUNT(DISTINCT person_id)`, and for belonging the
//! few people who answered a step twice.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use super::{AnyConnection, StoreError};
use crate::domain::outcomes::cohort::Month;
use crate::domain::outcomes::{belonging, funnel, questions};

const COHORT: &str = "SUBSTR(CAST(m.approved_at AS TEXT), 1, 7)";

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
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Double)]
    total: f64,
}

/// Mentees' answers to `question` (a scale), per step, cohort and profile fields.
pub fn belonging(
    conn: &mut AnyConnection,
    question: &str,
) -> Result<Vec<belonging::Count>, StoreError> {
    let question = literal(question)?;
    let sql = format!(
        "SELECT a.step AS step, {COHORT} AS cohort, p.site AS site, p.shift AS shift, \
                p.profession AS profession, p.specialty AS specialty, \
                COUNT(*) AS n, SUM(a.number) AS total \
         FROM answers a \
         JOIN matches m ON m.id = a.match_id \
         JOIN profiles p ON p.id = a.person_id \
         WHERE a.question = {question} AND a.role = 'mentee' AND a.number IS NOT NULL \
           AND m.approved_at IS NOT NULL \
         GROUP BY a.step, {COHORT}, p.site, p.shift, p.profession, p.specialty"
    );
    diesel::sql_query(sql)
        .load::<BelongingRow>(conn)?
        .into_iter()
        .map(|r| {
            Ok(belonging::Count {
                step: r.step,
                cohort: month(&r.cohort)?,
                groups: [r.site, r.shift, r.profession, r.specialty],
                n: count(r.n),
                sum: r.total,
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
             GROUP BY a.question, a.role, a.step, {COHORT}, a.number"
        )
    } else {
        format!(
            "SELECT a.question AS question, a.role AS role, a.step AS step, 'all' AS cohort, \
                    a.number AS value, COUNT(*) AS n \
             FROM answers a \
             WHERE a.question IN ({keys}) AND a.number IS NOT NULL \
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
    let answered =
        format!("a.question = {question} AND a.role = 'mentee' AND a.number IS NOT NULL");
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
         WHERE a.question IN ({keys}) AND a.number IS NOT NULL \
         GROUP BY a.question, a.role, a.step"
    )];
    if by_cohort {
        queries.push(format!(
            "SELECT a.question AS question, a.role AS role, a.step AS step, {COHORT} AS cohort, \
                    COUNT(DISTINCT a.person_id) AS n \
             FROM answers a \
             JOIN matches m ON m.id = a.match_id \
             WHERE a.question IN ({keys}) AND a.number IS NOT NULL AND m.approved_at IS NOT NULL \
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

/// How many people answered their check-in at `step`.
pub fn answered_at(conn: &mut AnyConnection, step: &str) -> Result<u64, StoreError> {
    use super::schema::checkins;
    let people: Vec<String> = checkins::table
        .filter(checkins::status.eq("answered"))
        .filter(checkins::step.eq(step))
        .select(checkins::person_id)
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
