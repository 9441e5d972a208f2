//! What the coordinators' console shows: the programme at a glance, and proposals with the
//! names of the people in them.

use std::collections::HashMap;

use uuid::Uuid;

use super::{App, AppError};
use crate::domain::matches::{Match, MatchStatus};
use crate::domain::profile::{MenteeStatus, MentorStatus};
use crate::store::{emails, matches, now, profiles};

pub struct Overview {
    pub waiting: usize,
    pub longest_wait_days: Option<i64>,
    pub mentors_free: usize,
    pub free_places: u32,
    pub proposals: usize,
    pub emails_queued: i64,
    pub emails_failed: i64,
}

pub async fn overview(app: &App) -> Result<Overview, AppError> {
    app.db
        .run(|conn| {
            let waiting = profiles::mentees_with_status(conn, MenteeStatus::Waiting)?;
            let mentors = profiles::all_mentors(conn)?;
            let free: Vec<u32> = mentors
                .iter()
                .filter(|m| m.status == MentorStatus::Active)
                .map(|m| u32::from(m.details.capacity.get()).saturating_sub(m.active_mentees))
                .filter(|f| *f > 0)
                .collect();
            let proposals = matches::pairs(conn, &[MatchStatus::Proposed])?.len();
            let (queued, _, failed) = emails::counts(conn)?;
            let today = now();
            Ok(Overview {
                waiting: waiting.len(),
                longest_wait_days: waiting
                    .iter()
                    .map(|m| (today - m.created_at.naive_utc()).num_days())
                    .max(),
                mentors_free: free.len(),
                free_places: free.iter().sum(),
                proposals,
                emails_queued: queued,
                emails_failed: failed,
            })
        })
        .await
}

/// Names of the people behind ids (erased people have none).
pub async fn names(app: &App, ids: Vec<Uuid>) -> Result<HashMap<Uuid, String>, AppError> {
    app.db
        .run(move |conn| {
            let mut out = HashMap::new();
            for id in ids {
                if let Some(m) = profiles::find_mentee(conn, id)? {
                    out.insert(id, m.details.person.full_name.as_str().to_string());
                } else if let Some(m) = profiles::find_mentor(conn, id)? {
                    out.insert(id, m.details.person.full_name.as_str().to_string());
                }
            }
            Ok(out)
        })
        .await
}

/// The open proposals, oldest first (up to 500).
pub async fn open_proposals(app: &App) -> Result<Vec<Match>, AppError> {
    Ok(app
        .db
        .run(|conn| matches::list(conn, Some(MatchStatus::Proposed), 0, 500))
        .await?
        .items)
}

/// A person's matches in one status.
pub async fn matches_of(
    app: &App,
    person: Uuid,
    status: MatchStatus,
) -> Result<Vec<Match>, AppError> {
    Ok(app
        .db
        .run(move |conn| matches::of_person(conn, person, &[status]))
        .await?)
}

pub async fn find_match(app: &App, id: Uuid) -> Result<Option<Match>, AppError> {
    Ok(app.db.run(move |conn| matches::find(conn, id)).await?)
}
