//! Recorded answers: one row per question answered, with the pair, person and step copied
//! beside it for the pair-health rules and the outcomes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::answers;
use super::{AnyConnection, StoreError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = answers)]
pub struct AnswerRow {
    #[diesel(skip_insertion)]
    pub seq: i64,
    pub checkin_id: String,
    pub match_id: String,
    pub person_id: String,
    pub role: String,
    pub step: String,
    pub question: String,
    pub number: Option<f64>,
    pub text: Option<String>,
    pub answered_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, rows: &[AnswerRow]) -> Result<(), StoreError> {
    for row in rows {
        diesel::insert_into(answers::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}

/// Every answer given for one match, oldest first.
pub fn for_match(conn: &mut AnyConnection, match_id: &str) -> Result<Vec<AnswerRow>, StoreError> {
    Ok(answers::table
        .filter(answers::match_id.eq(match_id))
        .order(answers::seq.asc())
        .select(AnswerRow::as_select())
        .load(conn)?)
}

/// The answers to one check-in.
pub fn for_checkin(
    conn: &mut AnyConnection,
    checkin_id: &str,
) -> Result<Vec<AnswerRow>, StoreError> {
    Ok(answers::table
        .filter(answers::checkin_id.eq(checkin_id))
        .order(answers::seq.asc())
        .select(AnswerRow::as_select())
        .load(conn)?)
}

/// Erasure: a person's free-text answers go; their numbers stay, tied only to a tombstone.
pub fn forget_text(conn: &mut AnyConnection, person_id: &str) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        answers::table
            .filter(answers::person_id.eq(person_id))
            .filter(answers::text.is_not_null()),
    )
    .execute(conn)?)
}
