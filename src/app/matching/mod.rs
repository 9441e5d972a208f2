//! Matching use cases: settings, candidates, runs, and a coordinator's decisions on matches.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::{App, AppError};
use crate::config::Settings;
use crate::domain::checkin;
use crate::domain::field_error::FieldErrors;
use crate::domain::health::Resolution;
use crate::domain::matches::{Decision, Match, MatchStatus, Transition, parse_reason};
use crate::domain::matching::engine::{
    Candidate, Engine, MenteeEntry, MentorEntry, Outcome, Unmatched,
};
use crate::domain::matching::rules::Rule;
use crate::domain::matching::settings::{MatchingSettings, SettingsInput, json as settings_json};
use crate::domain::profile::{Mentee, MenteeStatus, Mentor, MentorStatus};
use crate::email::message::Recipient;
use crate::email::outbox::Queued;
use crate::email::templates;
use crate::store::checkins;
use crate::store::emails;
use crate::store::flags;
use crate::store::matches::{self as rows, RunRow};
use crate::store::profiles::{self, Page};
use crate::store::{AnyConnection, StoreError, exclusive_tx, now};
use chrono::SubsecRound;

/// The settings in force: the coordinators' saved ones, else the configured defaults.
pub fn current_settings(
    conn: &mut AnyConnection,
    config: &Settings,
) -> Result<MatchingSettings, AppError> {
    let defaults = &config.matching;
    match rows::settings(conn)? {
        None => Ok(defaults.clone()),
        Some(body) => {
            let value: Value = serde_json::from_str(&body)
                .map_err(|e| AppError::Internal(format!("stored matching settings: {e}")))?;
            let input = value
                .as_object()
                .map(settings_json::input)
                .ok_or_else(|| {
                    AppError::Internal("stored matching settings are not an object".into())
                })?
                .map_err(|e| AppError::Internal(format!("stored matching settings: {e}")))?;
            // A hospital may have removed a profession since: drop only the pairs that name
            // it, and keep every other setting the coordinators chose.
            let mut input = input;
            if let Some(pairs) = input.cross_profession.as_mut() {
                pairs.retain(|(a, b)| {
                    config.taxonomy.professions.contains(a)
                        && config.taxonomy.professions.contains(b)
                });
            }
            defaults.updated(input, &config.taxonomy).or_else(|e| {
                tracing::warn!(problem = %e, "stored matching settings no longer valid; using the defaults");
                Ok(defaults.clone())
            })
        }
    }
}

pub async fn settings(app: &App) -> Result<MatchingSettings, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| current_settings(conn, &config))
        .await
}

/// Changes some settings; the rest stay as they are.
#[tracing::instrument(name = "update_settings", skip_all)]
pub async fn update_settings(
    app: &App,
    input: SettingsInput,
) -> Result<MatchingSettings, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            exclusive_tx(conn, |conn| {
                let next = current_settings(conn, &config)?.updated(input, &config.taxonomy)?;
                rows::save_settings(conn, &settings_json::to_json(&next).to_string(), now())?;
                Ok(next)
            })
        })
        .await
}

/// What a run or a candidate list is computed from.
struct Pool {
    mentees: Vec<Mentee>,
    mentors: Vec<Mentor>,
    /// Pairs rejected or ended before.
    previous: Vec<(String, String)>,
    /// Places each mentor holds for open proposals of mentees outside the pool.
    held: HashMap<String, u32>,
    settings: MatchingSettings,
}

/// Which mentors a pool covers: all of them (runs, candidates) or one (checking one pair).
#[derive(Clone, Copy)]
enum Mentors {
    All,
    Only(Uuid),
}

impl Pool {
    /// Reads what the pool needs, and no more: with one mentee only that mentee's past
    /// pairs, with one mentor only that mentor and the places held on them.
    fn load(
        conn: &mut AnyConnection,
        config: &Settings,
        mentees: Vec<Mentee>,
        scope: Mentors,
    ) -> Result<Pool, AppError> {
        let settings = current_settings(conn, config)?;
        let ended = [MatchStatus::Rejected, MatchStatus::Ended];
        let previous = match mentees.as_slice() {
            [one] => rows::pairs_with(conn, &ended, &one.id.0.to_string())?,
            _ => rows::pairs(conn, &ended)?,
        };
        let (mentors, proposed) = match scope {
            Mentors::All => (
                profiles::all_mentors(conn)?,
                rows::pairs(conn, &[MatchStatus::Proposed])?,
            ),
            Mentors::Only(id) => (
                profiles::find_mentor(conn, id)?.into_iter().collect(),
                rows::pairs_with(conn, &[MatchStatus::Proposed], &id.to_string())?,
            ),
        };
        let inside: HashSet<String> = mentees.iter().map(|m| m.id.0.to_string()).collect();
        let mut held: HashMap<String, u32> = HashMap::new();
        for (mentee, mentor) in proposed {
            if !inside.contains(&mentee) {
                *held.entry(mentor).or_default() += 1;
            }
        }
        Ok(Pool {
            mentees,
            mentors,
            previous,
            held,
            settings,
        })
    }

    fn ids(&self) -> (Vec<String>, Vec<String>) {
        (
            self.mentees.iter().map(|m| m.id.0.to_string()).collect(),
            self.mentors.iter().map(|m| m.id.0.to_string()).collect(),
        )
    }

    fn engine<'a>(
        &'a self,
        ids: &'a (Vec<String>, Vec<String>),
        config: &'a Settings,
    ) -> Engine<'a> {
        let mentees = self
            .mentees
            .iter()
            .zip(&ids.0)
            .map(|(m, id)| MenteeEntry {
                id,
                details: &m.details,
            })
            .collect();
        let mentors = self
            .mentors
            .iter()
            .zip(&ids.1)
            .map(|(m, id)| MentorEntry {
                id,
                details: &m.details,
                paused: m.status == MentorStatus::Paused,
                free: u32::from(m.details.capacity.get())
                    .saturating_sub(m.active_mentees)
                    .saturating_sub(self.held.get(id.as_str()).copied().unwrap_or(0)),
            })
            .collect();
        Engine::new(
            mentees,
            mentors,
            &self.previous,
            &self.settings,
            &config.taxonomy,
        )
    }
}

fn no_mentee(id: Uuid) -> AppError {
    AppError::NotFound(format!("there is no mentee with id {id}"))
}

/// Eligible mentors for a mentee, best first; `limit` 0 means all.
pub async fn candidates(
    app: &App,
    mentee_id: Uuid,
    limit: usize,
) -> Result<Vec<Candidate>, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            let mentee =
                profiles::find_mentee(conn, mentee_id)?.ok_or_else(|| no_mentee(mentee_id))?;
            let pool = Pool::load(conn, &config, vec![mentee], Mentors::All)?;
            let ids = pool.ids();
            Ok(pool.engine(&ids, &config).candidates(0, limit))
        })
        .await
}

/// A run as stored (or previewed).
#[derive(Debug, Clone)]
pub struct Run {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub outcome: Outcome,
    /// The stored match of each proposal, in the same order (empty for a preview).
    pub match_ids: Vec<Uuid>,
    pub settings: MatchingSettings,
}

/// Runs matching over the waiting mentees (or the named ones); unless `dry_run`, stores the
/// proposals, superseding the mentees' older open proposals.
#[tracing::instrument(name = "matching_run", skip_all, fields(dry_run = dry_run))]
pub async fn run(app: &App, named: Option<Vec<Uuid>>, dry_run: bool) -> Result<Run, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            // A stored run reads, solves and writes in one exclusive transaction, so nothing
            // it relied on (a mentee still waiting, a place still free) changes meanwhile.
            let compute = |conn: &mut AnyConnection| -> Result<Run, AppError> {
                let mentees = match &named {
                    None => profiles::mentees_with_status(conn, MenteeStatus::Waiting)?,
                    Some(ids) => named_waiting_mentees(conn, ids)?,
                };
                let pool = Pool::load(conn, &config, mentees, Mentors::All)?;
                let ids = pool.ids();
                let outcome = pool
                    .engine(&ids, &config)
                    .run()
                    .map_err(|e| AppError::Internal(format!("matching run failed: {e}")))?;
                let id = Uuid::now_v7();
                let at = now();
                let match_ids: Vec<Uuid> = if dry_run {
                    Vec::new()
                } else {
                    outcome.proposals.iter().map(|_| Uuid::now_v7()).collect()
                };
                if !dry_run {
                    store_run(conn, id, at, &pool.settings, &ids.0, &outcome, &match_ids)?;
                }
                Ok(Run {
                    id,
                    created_at: at.and_utc(),
                    outcome,
                    match_ids,
                    settings: pool.settings,
                })
            };
            if dry_run {
                compute(conn)
            } else {
                exclusive_tx(conn, compute)
            }
        })
        .await
}

fn named_waiting_mentees(conn: &mut AnyConnection, ids: &[Uuid]) -> Result<Vec<Mentee>, AppError> {
    let mut errors = FieldErrors::new();
    let mut mentees = Vec::new();
    let mut seen = HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(*id) {
            continue;
        }
        match profiles::find_mentee(conn, *id)? {
            None => errors.add(
                format!("mentee_ids[{i}]"),
                format!("there is no mentee with id {id}"),
            ),
            Some(m) if m.status != MenteeStatus::Waiting => errors.add(
                format!("mentee_ids[{i}]"),
                format!(
                    "{}: this mentee is {}, not waiting",
                    Rule::MenteeNotWaiting.code(),
                    m.status
                ),
            ),
            Some(m) => mentees.push(m),
        }
    }
    errors.into_result(mentees).map_err(AppError::Validation)
}

fn store_run(
    conn: &mut AnyConnection,
    id: Uuid,
    at: chrono::NaiveDateTime,
    settings: &MatchingSettings,
    mentee_ids: &[String],
    outcome: &Outcome,
    match_ids: &[Uuid],
) -> Result<(), AppError> {
    let unmatched: Vec<Value> = outcome
        .unmatched
        .iter()
        .map(|u| serde_json::json!({"mentee_id": u.mentee_id, "reason": u.reason}))
        .collect();
    rows::insert_run(
        conn,
        &RunRow {
            id: id.to_string(),
            settings: settings_json::to_json(settings).to_string(),
            mentees: outcome.stats.mentees as i32,
            mentors: outcome.stats.mentors as i32,
            matched: outcome.stats.matched as i32,
            total_score: outcome.stats.total_score as i64,
            min_score: outcome.stats.min_score.0 as i32,
            unmatched: Value::Array(unmatched).to_string(),
            created_at: at,
        },
    )?;
    rows::supersede_proposed(conn, mentee_ids, None, at)?;
    for (proposal, match_id) in outcome.proposals.iter().zip(match_ids) {
        let parse = |s: &str| Uuid::parse_str(s).map_err(|e| AppError::Internal(e.to_string()));
        rows::insert(
            conn,
            &Match {
                id: *match_id,
                run_id: Some(id),
                mentee_id: parse(&proposal.mentee_id)?,
                mentor_id: parse(&proposal.mentor_id)?,
                status: MatchStatus::Proposed,
                score: proposal.score,
                explanation: proposal.explanation.clone(),
                reason: None,
                created_at: at.and_utc(),
                updated_at: at.and_utc(),
                approved_at: None,
                ended_at: None,
            },
        )?;
    }
    Ok(())
}

/// A run as read back from the store: its figures (scores in hundredths), the mentees left
/// unmatched and why, and the settings it used (`Null` if unreadable).
#[derive(Debug, Clone)]
pub struct StoredRun {
    pub created_at: DateTime<Utc>,
    pub mentees: i32,
    pub mentors: i32,
    pub matched: i32,
    pub total_score: i64,
    pub min_score: i32,
    pub unmatched: Vec<Unmatched>,
    pub settings: Value,
}

impl From<RunRow> for StoredRun {
    fn from(run: RunRow) -> Self {
        let unmatched: Vec<Value> = serde_json::from_str(&run.unmatched).unwrap_or_default();
        let text = |u: &Value, key: &str| u[key].as_str().unwrap_or_default().to_string();
        StoredRun {
            created_at: run.created_at.and_utc(),
            mentees: run.mentees,
            mentors: run.mentors,
            matched: run.matched,
            total_score: run.total_score,
            min_score: run.min_score,
            unmatched: unmatched
                .iter()
                .map(|u| Unmatched {
                    mentee_id: text(u, "mentee_id"),
                    reason: text(u, "reason"),
                })
                .collect(),
            settings: serde_json::from_str(&run.settings).unwrap_or(Value::Null),
        }
    }
}

/// A stored run and the matches it proposed (in their current status).
pub async fn get_run(app: &App, id: Uuid) -> Result<(StoredRun, Vec<Match>), AppError> {
    app.db
        .run(move |conn| {
            let run = rows::find_run(conn, id)?.ok_or_else(|| {
                AppError::NotFound(format!("there is no matching run with id {id}"))
            })?;
            Ok((run.into(), rows::of_run(conn, id)?))
        })
        .await
}

fn broken(field: &str, rules: &[Rule]) -> AppError {
    let mut errors = FieldErrors::new();
    for rule in rules {
        errors.add(field, format!("{}: {}", rule.code(), rule.sentence()));
    }
    AppError::Conflict {
        message: format!(
            "this pair breaks a matching rule: {}",
            rules
                .iter()
                .map(|r| r.sentence())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        errors,
    }
}

mod decisions;

pub(crate) use decisions::{best_mentor, decide_in_tx, propose_in_tx};
pub use decisions::{decide, get, list, propose, release_person, supersede_for};
