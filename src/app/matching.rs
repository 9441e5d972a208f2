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
use crate::domain::matching::engine::{Candidate, Engine, MenteeEntry, MentorEntry, Outcome};
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

/// A stored run and the matches it proposed (in their current status).
pub async fn get_run(app: &App, id: Uuid) -> Result<(RunRow, Vec<Match>), AppError> {
    app.db
        .run(move |conn| {
            let run = rows::find_run(conn, id)?.ok_or_else(|| {
                AppError::NotFound(format!("there is no matching run with id {id}"))
            })?;
            Ok((run, rows::of_run(conn, id)?))
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

/// A coordinator's own proposal: scored, and refused when it breaks a hard rule.
pub async fn propose(app: &App, mentee_id: Uuid, mentor_id: Uuid) -> Result<Match, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            exclusive_tx(conn, |conn| {
                propose_in_tx(conn, &config, mentee_id, mentor_id)
            })
        })
        .await
}

/// [`propose`] inside the caller's exclusive transaction.
pub(crate) fn propose_in_tx(
    conn: &mut AnyConnection,
    config: &Settings,
    mentee_id: Uuid,
    mentor_id: Uuid,
) -> Result<Match, AppError> {
    let mentee = profiles::find_mentee(conn, mentee_id)?;
    let mentor = profiles::find_mentor(conn, mentor_id)?;
    let mut errors = FieldErrors::new();
    if mentee.is_none() {
        errors.add(
            "mentee_id",
            format!("there is no mentee with id {mentee_id}"),
        );
    }
    if mentor.is_none() {
        errors.add(
            "mentor_id",
            format!("there is no mentor with id {mentor_id}"),
        );
    }
    let (Some(mentee), Some(_)) = (mentee, mentor) else {
        return Err(AppError::Validation(errors));
    };
    if mentee.status != MenteeStatus::Waiting {
        return Err(broken("mentee_id", &[Rule::MenteeNotWaiting]));
    }
    let pool = Pool::load(conn, config, vec![mentee], Mentors::Only(mentor_id))?;
    let ids = pool.ids();
    let engine = pool.engine(&ids, config);
    let (score, rules) = engine.check(0, 0);
    if !rules.is_empty() {
        return Err(broken("mentor_id", &rules));
    }
    let at = now();
    let proposal = Match {
        id: Uuid::now_v7(),
        run_id: None,
        mentee_id,
        mentor_id,
        status: MatchStatus::Proposed,
        score,
        explanation: engine.explain(0, 0),
        reason: None,
        created_at: at.and_utc(),
        updated_at: at.and_utc(),
        approved_at: None,
        ended_at: None,
    };
    rows::supersede_proposed(conn, &[mentee_id.to_string()], None, at)?;
    rows::insert(conn, &proposal)?;
    Ok(proposal)
}

/// The mentor the engine would propose for a mentee now (pairs rejected or ended before, and
/// the mentor `excluding`, left out), or why there is none.
pub(crate) fn best_mentor(
    conn: &mut AnyConnection,
    config: &Settings,
    mentee: Mentee,
    excluding: Option<Uuid>,
) -> Result<Result<Uuid, String>, AppError> {
    let mentee_id = mentee.id.0.to_string();
    let mut pool = Pool::load(conn, config, vec![mentee], Mentors::All)?;
    if let Some(mentor) = excluding {
        pool.previous.push((mentee_id, mentor.to_string()));
    }
    let ids = pool.ids();
    let outcome = pool
        .engine(&ids, config)
        .run()
        .map_err(|e| AppError::Internal(format!("matching failed: {e}")))?;
    Ok(
        match (outcome.proposals.first(), outcome.unmatched.first()) {
            (Some(p), _) => {
                Ok(Uuid::parse_str(&p.mentor_id).map_err(|e| AppError::Internal(e.to_string()))?)
            }
            (None, Some(u)) => Err(u.reason.clone()),
            (None, None) => Err("no eligible mentor".into()),
        },
    )
}

fn no_match(id: Uuid) -> AppError {
    AppError::NotFound(format!("there is no match with id {id}"))
}

pub async fn get(app: &App, id: Uuid) -> Result<Match, AppError> {
    app.db
        .run(move |conn| rows::find(conn, id)?.ok_or_else(|| no_match(id)))
        .await
}

pub async fn list(
    app: &App,
    status: Option<MatchStatus>,
    after: i64,
    limit: i64,
) -> Result<Page<Match>, AppError> {
    Ok(app
        .db
        .run(move |conn| rows::list(conn, status, after, limit))
        .await?)
}

/// Approves, rejects or ends a match, all or nothing. Approving also takes one of the
/// mentor's places, marks the mentee matched and queues the introduction email, in the same
/// transaction; the database refuses a second approved match for a mentee and a mentor
/// beyond capacity, whatever races.
pub async fn decide(
    app: &App,
    id: Uuid,
    decision: Decision,
    reason: Option<String>,
) -> Result<Match, AppError> {
    let config = app.settings.clone();
    let decided = app
        .db
        .run(move |conn| {
            exclusive_tx(conn, |conn| {
                decide_in_tx(
                    conn,
                    &config,
                    id,
                    decision,
                    reason,
                    flags::Closing {
                        resolution: Resolution::MatchEnded,
                        by: None,
                    },
                )
            })
        })
        .await?;
    if decision == Decision::Approve {
        app.outbox.ring();
    }
    Ok(decided)
}

/// [`decide`] inside the caller's exclusive transaction; ending closes the match's open
/// risk flags with `closing`.
pub(crate) fn decide_in_tx(
    conn: &mut AnyConnection,
    config: &Settings,
    id: Uuid,
    decision: Decision,
    reason: Option<String>,
    closing: flags::Closing<'_>,
) -> Result<Match, AppError> {
    let at = now();
    if !rows::lock(conn, id)? {
        return Err(no_match(id));
    }
    let current = rows::find(conn, id)?.ok_or_else(|| no_match(id))?;
    // Checked once the match is known to exist, so an unknown id is a 404.
    let reason = match decision {
        Decision::Approve => None,
        _ => Some(
            parse_reason(reason.as_deref().unwrap_or_default())
                .map_err(|m| AppError::Validation(FieldErrors::single("reason", m)))?,
        ),
    };
    let to = match decision.apply(current.status) {
        Transition::AlreadyDone => return Ok(current),
        Transition::Refused(message) => return Err(AppError::conflict(message)),
        Transition::To(to) => to,
    };
    match decision {
        Decision::Approve => approve(conn, config, &current, at)?,
        Decision::Reject => {}
        Decision::End => end(conn, &current, closing, at)?,
    }
    if !rows::transition(conn, id, current.status, to, reason.as_deref(), at)? {
        return Err(AppError::conflict("the match changed meanwhile; try again"));
    }
    rows::find(conn, id)?.ok_or_else(|| no_match(id))
}

/// What ending an approved match undoes, in the caller's transaction: its check-ins not yet
/// sent are cancelled, its open risk flags closed with `closing`, the mentor's place freed
/// and the mentee waiting again.
fn end(
    conn: &mut AnyConnection,
    m: &Match,
    closing: flags::Closing<'_>,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    let match_id = m.id.to_string();
    checkins::cancel_for_match(conn, &match_id)?;
    flags::close_for_ended(conn, &match_id, closing, at)?;
    profiles::free_place(conn, m.mentor_id, at)?;
    profiles::move_mentee(
        conn,
        m.mentee_id,
        MenteeStatus::Matched,
        MenteeStatus::Waiting,
        at,
    )?;
    Ok(())
}

fn approve(
    conn: &mut AnyConnection,
    config: &Settings,
    m: &Match,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let gone = |who: &str| AppError::conflict(format!("the {who}'s profile was erased"));
    let mentee = profiles::find_mentee(conn, m.mentee_id)?.ok_or_else(|| gone("mentee"))?;
    let mentor = profiles::find_mentor(conn, m.mentor_id)?.ok_or_else(|| gone("mentor"))?;
    match mentee.status {
        MenteeStatus::Waiting => {}
        MenteeStatus::Matched => {
            return Err(AppError::conflict(
                "the mentee already has an approved match",
            ));
        }
        MenteeStatus::Withdrawn => return Err(broken("mentee_id", &[Rule::MenteeNotWaiting])),
    }
    // The profiles may have changed since the proposal: check the hard rules again on what
    // they say now (places are checked by take_place below; a score that has since fallen
    // under the minimum does not undo a coordinator's decision).
    let pool = Pool::load(
        conn,
        config,
        vec![mentee.clone()],
        Mentors::Only(m.mentor_id),
    )?;
    let ids = pool.ids();
    let engine = pool.engine(&ids, config);
    let (_, rules) = engine.check(0, 0);
    let rules: Vec<Rule> = rules
        .into_iter()
        .filter(|r| !matches!(r, Rule::NoCapacity | Rule::MinScore | Rule::PreviousPair))
        .collect();
    if !rules.is_empty() {
        return Err(broken("mentor_id", &rules));
    }
    let explanation = engine.explain(0, 0);
    if !profiles::take_place(conn, m.mentor_id, at)? {
        return Err(broken("mentor_id", &[Rule::NoCapacity]));
    }
    if !profiles::move_mentee(
        conn,
        m.mentee_id,
        MenteeStatus::Waiting,
        MenteeStatus::Matched,
        at,
    )? {
        return Err(AppError::conflict(
            "the mentee already has an approved match",
        ));
    }
    rows::supersede_proposed(conn, &[m.mentee_id.to_string()], Some(m.id), at)?;
    queue_introduction(conn, config, m.id, &explanation, &mentee, &mentor, at)?;
    plan_checkins(conn, config, m, at)
}

/// Plans the pair's check-ins over the first year, in the approval's transaction. They fall
/// due by the database's clock, which the scheduler reads too, whichever process approved.
fn plan_checkins(
    conn: &mut AnyConnection,
    config: &Settings,
    m: &Match,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let start = crate::store::database_now(conn)?;
    for planned in checkin::plan(&config.checkin_steps, start.and_utc()) {
        let person = if planned.role == "mentee" {
            m.mentee_id
        } else {
            m.mentor_id
        };
        let survey = config
            .checkin_steps
            .iter()
            .find(|s| s.key == planned.step)
            .map_or_else(String::new, |s| s.survey.clone());
        checkins::plan(
            conn,
            &checkins::CheckinRow {
                seq: 0,
                id: Uuid::now_v7().to_string(),
                match_id: m.id.to_string(),
                person_id: person.to_string(),
                role: planned.role.to_string(),
                step: planned.step,
                survey,
                due_at: planned.due_at.naive_utc().trunc_subsecs(6),
                status: "scheduled".into(),
                answered_at: None,
                created_at: at,
                sent_at: None,
                expires_at: None,
                reminders_sent: 0,
                next_reminder_at: None,
            },
        )?;
    }
    Ok(())
}

/// Writes the introduction email into the outbox, in the approval's transaction.
fn queue_introduction(
    conn: &mut AnyConnection,
    config: &Settings,
    match_id: Uuid,
    explanation: &[crate::domain::matching::score::Explained],
    mentee: &Mentee,
    mentor: &Mentor,
    at: chrono::NaiveDateTime,
) -> Result<(), AppError> {
    let rendered = templates::introduction(
        &mentee.details,
        &mentor.details,
        explanation,
        &config.taxonomy,
        &config.email,
    )
    .map_err(|e| AppError::Internal(format!("introduction template: {e}")))?;
    let recipients: Vec<Recipient> = [&mentee.details.person, &mentor.details.person]
        .iter()
        .map(|p| Recipient {
            name: p.full_name.as_str().to_string(),
            email: p.email.as_str().to_string(),
        })
        .collect();
    Queued::new("introduction", recipients, rendered)
        .about_match(match_id)
        .queue(conn, &config.email.from, at)?;
    Ok(())
}

/// Ends a person's running matches and withdraws their open proposals (before erasure).
pub fn release_person(
    conn: &mut AnyConnection,
    person: Uuid,
    at: chrono::NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let open = [MatchStatus::Approved, MatchStatus::Proposed];
    for m in rows::of_person(conn, person, &open)? {
        let to = if m.status == MatchStatus::Approved {
            MatchStatus::Ended
        } else {
            MatchStatus::Superseded
        };
        let reason = (to == MatchStatus::Ended).then_some("a profile was erased");
        // Only the transaction that moved the match gives the place back.
        if rows::transition(conn, m.id, m.status, to, reason, at)? && to == MatchStatus::Ended {
            let closing = flags::Closing {
                resolution: Resolution::MatchEnded,
                by: None,
            };
            end(conn, &m, closing, at)?;
        }
    }
    // Nothing that identifies the person stays in emails or explanations about them.
    let mut message_ids = Vec::new();
    for m in rows::of_person(conn, person, &[])? {
        message_ids.extend(emails::scrub_for_match(conn, &m.id.to_string())?);
        flags::scrub_for_match(conn, &m.id.to_string())?;
        rows::forget_details(conn, m.id)?;
    }
    checkins::forget_person(conn, &person.to_string())?;
    crate::store::answers::forget_text(conn, &person.to_string())?;
    Ok(message_ids)
}

/// Withdraws a mentee's open proposals (when they withdraw).
pub fn supersede_for(
    conn: &mut AnyConnection,
    mentee: Uuid,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    rows::supersede_proposed(conn, &[mentee.to_string()], None, at).map(|_| ())
}
