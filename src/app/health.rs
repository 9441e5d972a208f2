//! Pair health: reviews a pair after each answer and on each scheduler tick.

use chrono::NaiveDateTime;

use super::{App, AppError};
use crate::config::Settings;
use crate::store::{AnyConnection, StoreError};

/// Reviews one pair after an answer was recorded.
pub fn review_match(
    _conn: &mut AnyConnection,
    _settings: &Settings,
    _match_id: &str,
    _now: NaiveDateTime,
) -> Result<(), StoreError> {
    Ok(())
}

/// Time-based reviews and the coordinators' daily digest, on each scheduler tick.
pub async fn tick(_app: &App, _now: NaiveDateTime) -> Result<(), AppError> {
    Ok(())
}
