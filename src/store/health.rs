//! What the health review reads (a pair's check-ins and numeric answers, the running
//! matches) and the daily digest's claim and counts.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{answers, checkins, coordinators, health_digests, matches};
use super::{AnyConnection, StoreError};

/// A check-in as the rules see it: (id, person, role, step, due, status).
pub type CheckinFacts = (String, String, String, String, NaiveDateTime, String);

/// A numeric answer: (check-in, person, role, step, question, number, answered).
pub type AnswerFacts = (String, String, String, String, String, f64, NaiveDateTime);

pub fn checkins_of(
    conn: &mut AnyConnection,
    match_id: &str,
) -> Result<Vec<CheckinFacts>, StoreError> {
    Ok(checkins::table
        .filter(checkins::match_id.eq(match_id))
        .order(checkins::seq.asc())
        .select((
            checkins::id,
            checkins::person_id,
            checkins::role,
            checkins::step,
            checkins::due_at,
            checkins::status,
        ))
        .load(conn)?)
}

type NullableAnswer = (
    String,
    String,
    String,
    String,
    String,
    Option<f64>,
    NaiveDateTime,
);

/// The numeric answers of a match. Text answers are not read at all.
pub fn numeric_answers_of(
    conn: &mut AnyConnection,
    match_id: &str,
) -> Result<Vec<AnswerFacts>, StoreError> {
    let rows: Vec<NullableAnswer> = answers::table
        .filter(answers::match_id.eq(match_id))
        .filter(answers::number.is_not_null())
        .order(answers::seq.asc())
        .select((
            answers::checkin_id,
            answers::person_id,
            answers::role,
            answers::step,
            answers::question,
            answers::number,
            answers::answered_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, p, r, s, q, n, t)| n.map(|n| (c, p, r, s, q, n, t)))
        .collect())
}

/// The ids of the running (approved) matches.
pub fn running_matches(conn: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    Ok(matches::table
        .filter(matches::status.eq("approved"))
        .order(matches::seq.asc())
        .select(matches::id)
        .load(conn)?)
}

/// Whether the digest of `day` has been claimed.
pub fn digest_claimed(conn: &mut AnyConnection, day: NaiveDate) -> Result<bool, StoreError> {
    let n: i64 = health_digests::table
        .filter(health_digests::day.eq(day))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// When the last digest before `day` went out.
pub fn previous_digest(
    conn: &mut AnyConnection,
    day: NaiveDate,
) -> Result<Option<NaiveDateTime>, StoreError> {
    Ok(health_digests::table
        .filter(health_digests::day.lt(day))
        .order(health_digests::day.desc())
        .select(health_digests::sent_at)
        .first(conn)
        .optional()?)
}

/// Claims the digest of `day`; a second claim is refused by the primary key.
pub fn claim_digest(
    conn: &mut AnyConnection,
    day: NaiveDate,
    at: NaiveDateTime,
    recipients: i32,
) -> Result<(), StoreError> {
    diesel::insert_into(health_digests::table)
        .values((
            health_digests::day.eq(day),
            health_digests::sent_at.eq(at),
            health_digests::recipients.eq(recipients),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every coordinator's (name, email), in the order they were made.
pub fn coordinator_addresses(
    conn: &mut AnyConnection,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(coordinators::table
        .order(coordinators::created_at.asc())
        .select((coordinators::name, coordinators::email))
        .load(conn)?)
}

/// Check-ins answered, and check-ins that expired unanswered, in `[since, until)`.
pub fn checkins_between(
    conn: &mut AnyConnection,
    since: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<(i64, i64), StoreError> {
    let answered: i64 = checkins::table
        .filter(checkins::status.eq("answered"))
        .filter(checkins::answered_at.ge(since))
        .filter(checkins::answered_at.lt(until))
        .count()
        .get_result(conn)?;
    let expired: i64 = checkins::table
        .filter(checkins::status.eq("expired"))
        .filter(checkins::expires_at.ge(since))
        .filter(checkins::expires_at.lt(until))
        .count()
        .get_result(conn)?;
    Ok((answered, expired))
}

/// (id, status, mentee, mentor) of each of these matches.
pub fn match_pairs(
    conn: &mut AnyConnection,
    ids: &[String],
) -> Result<Vec<(String, String, String, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            matches::table
                .filter(matches::id.eq_any(chunk))
                .select((
                    matches::id,
                    matches::status,
                    matches::mentee_id,
                    matches::mentor_id,
                ))
                .load::<(String, String, String, String)>(conn)?,
        );
    }
    Ok(out)
}
