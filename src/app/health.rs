//! Pair health over time: reviewing running pairs against the early-warning rules, raising
//! risk flags, and the coordinators' daily digest.
//!
//! The answer page and the scheduler's expiry pass call [`review_match`]; the scheduler calls [`tick`] on every
//! tick; a tick does nothing that touches the database unless a review or the digest is due.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use uuid::Uuid;

use super::{App, AppError};
use crate::config::Settings;
use crate::domain::health::{
    self, Answer, Checkin, CheckinState, FlagStatus, Health, Pair, Resolution, Rule, Subject,
    Warning,
};
use crate::domain::matches::{Match, MatchStatus};
use crate::domain::survey::Respondent;
use crate::email::digest::{self, Digest};
use crate::email::message::Recipient;
use crate::email::outbox::Queued;
use crate::store::flags::{self, FlagRow, flag_key, health_tx};
use crate::store::health as facts;
use crate::store::{AnyConnection, StoreError, matches, profiles};

/// What one process remembers between ticks, so that an idle tick costs nothing.
#[derive(Debug, Default)]
pub struct Pace {
    state: Mutex<PaceState>,
}

#[derive(Debug, Default)]
struct PaceState {
    last_review: Option<NaiveDateTime>,
    digest_done: Option<NaiveDate>,
}

impl Pace {
    /// True at most once per `every`: the caller then reviews every running pair.
    fn review_due(&self, now: NaiveDateTime, every: std::time::Duration) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        let every = Duration::from_std(every).unwrap_or(Duration::minutes(1));
        match state.last_review {
            Some(last) if now - last < every => false,
            _ => {
                state.last_review = Some(now);
                true
            }
        }
    }

    /// The local day whose digest this process has not yet seen to, once its hour has come.
    fn digest_due(&self, now: NaiveDateTime, settings: &Settings) -> Option<NaiveDate> {
        let at = settings.health.digest_at?;
        let local = settings.checkins.timezone.from_utc_datetime(&now);
        if local.time() < at {
            return None;
        }
        let day = local.date_naive();
        let state = self.state.lock().ok()?;
        (state.digest_done != Some(day)).then_some(day)
    }

    fn digest_done(&self, day: NaiveDate) {
        if let Ok(mut state) = self.state.lock() {
            state.digest_done = Some(day);
        }
    }
}

/// Reviews one match against the rules at `now` and raises what holds. Most reviews find
/// nothing new, and find it out without taking the write lock; what is new is written in its
/// own transaction (or a savepoint of the caller's). Anything but a running match is left
/// alone.
pub fn review_match(
    conn: &mut AnyConnection,
    settings: &Settings,
    match_id: &str,
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    let Ok(id) = Uuid::parse_str(match_id) else {
        return Ok(());
    };
    if changes(conn, settings, id, now)?.is_empty() {
        return Ok(());
    }
    health_tx(conn, |conn| {
        // Again under the lock: the match may have ended, another process may have acted.
        let Changes { news, cleared } = changes(conn, settings, id, now)?;
        for warning in news {
            if raise(conn, match_id, &warning, now)? {
                tracing::info!(match_id, rule = warning.rule.as_str(), "risk flag raised");
            }
        }
        for flag in cleared {
            if flags::resolve(conn, &flag.id, Resolution::Cleared, None, None, now)? {
                tracing::info!(match_id, rule = %flag.rule, "risk flag cleared by later answers");
            }
        }
        Ok(())
    })
}

/// What a review would write.
#[derive(Default)]
struct Changes {
    /// Warnings that hold and are not yet recorded as they stand.
    news: Vec<Warning>,
    /// Open flags whose rule no longer holds and that close by themselves.
    cleared: Vec<FlagRow>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.news.is_empty() && self.cleared.is_empty()
    }
}

fn changes(
    conn: &mut AnyConnection,
    settings: &Settings,
    id: Uuid,
    now: NaiveDateTime,
) -> Result<Changes, StoreError> {
    let Some(m) = matches::find(conn, id)? else {
        return Ok(Changes::default());
    };
    let (MatchStatus::Approved, Some(approved_at)) = (m.status, m.approved_at) else {
        return Ok(Changes::default());
    };
    let pair = load_pair(conn, &m, approved_at)?;
    let match_id = id.to_string();
    let warnings = health::review(&pair, &settings.health.thresholds, now.and_utc());
    let keys: Vec<String> = warnings.iter().map(|w| key_of(&match_id, w)).collect();
    let mut news = Vec::new();
    for (warning, key) in warnings.into_iter().zip(&keys) {
        let recorded = match flags::unresolved(conn, key)? {
            Some(open) => open.basis == warning.basis,
            None => flags::raised_on(conn, key, &warning.basis)?,
        };
        if !recorded {
            news.push(warning);
        }
    }
    let cleared = flags::of_match(conn, &match_id)?
        .into_iter()
        .filter(|f| f.status == FlagStatus::Open.as_str())
        .filter(|f| Rule::parse(&f.rule).is_ok_and(Rule::clears_itself))
        .filter(|f| !keys.contains(&f.flag_key))
        .collect();
    Ok(Changes { news, cleared })
}

fn key_of(match_id: &str, warning: &Warning) -> String {
    let person = match &warning.subject {
        Subject::Pair => None,
        Subject::Person { id, .. } => Some(id.as_str()),
    };
    flag_key(match_id, warning.rule.as_str(), person)
}

/// What the rules know of a running match: its check-ins, numeric answers and shifts.
fn load_pair(
    conn: &mut AnyConnection,
    m: &Match,
    approved_at: DateTime<Utc>,
) -> Result<Pair, StoreError> {
    let match_id = m.id.to_string();
    let checkins = facts::checkins_of(conn, &match_id)?
        .into_iter()
        .filter_map(|(id, person_id, role, step, due_at, status)| {
            Some(Checkin {
                id,
                person_id,
                role: Respondent::parse(&role)?,
                step,
                due_at: due_at.and_utc(),
                state: match status.as_str() {
                    "answered" => CheckinState::Answered,
                    "expired" => CheckinState::Expired,
                    _ => CheckinState::Pending,
                },
            })
        })
        .collect();
    let answers = facts::numeric_answers_of(conn, &match_id)?
        .into_iter()
        .filter_map(
            |(checkin_id, person_id, role, step, question, number, answered_at)| {
                Some(Answer {
                    checkin_id,
                    person_id,
                    role: Respondent::parse(&role)?,
                    step,
                    question,
                    number,
                    answered_at: answered_at.and_utc(),
                })
            },
        )
        .collect();
    Ok(Pair {
        approved_at,
        mentee_shift: profiles::find_mentee(conn, m.mentee_id)?.map(|p| p.details.person.shift),
        mentor_shift: profiles::find_mentor(conn, m.mentor_id)?.map(|p| p.details.person.shift),
        checkins,
        answers,
    })
}

/// Raises a flag for a warning unless one is unresolved already (on a new basis it is then
/// raised again: open, with the new evidence) or a resolved one rests on the same basis. True
/// when a flag was raised.
fn raise(
    conn: &mut AnyConnection,
    match_id: &str,
    warning: &Warning,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let (person, role) = match &warning.subject {
        Subject::Pair => (None, None),
        Subject::Person { id, role } => (Some(id.clone()), Some(role.as_str().to_string())),
    };
    let rule = warning.rule.as_str();
    let key = key_of(match_id, warning);
    if let Some(open) = flags::unresolved(conn, &key)? {
        if open.basis == warning.basis {
            return Ok(false);
        }
        flags::raise_again(conn, &open.id, &warning.evidence, &warning.basis, at)?;
        return Ok(true);
    }
    if flags::raised_on(conn, &key, &warning.basis)? {
        return Ok(false);
    }
    if let Some(lesser) = warning.rule.supersedes() {
        flags::close(
            conn,
            match_id,
            Some(lesser.as_str()),
            flags::Closing {
                resolution: Resolution::Superseded,
                by: None,
            },
            at,
        )?;
    }
    flags::insert(
        conn,
        &FlagRow {
            seq: 0,
            id: Uuid::now_v7().to_string(),
            match_id: match_id.to_string(),
            person_id: person,
            role,
            rule: rule.to_string(),
            severity: warning.rule.severity().as_str().to_string(),
            evidence: warning.evidence.clone(),
            basis: warning.basis.clone(),
            open_key: Some(key.clone()),
            flag_key: key,
            status: "open".into(),
            raised_at: at,
            updated_at: at,
            acknowledged_at: None,
            acknowledged_by: None,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
            note: None,
        },
    )?;
    Ok(true)
}

/// One scheduler tick: every `health.review_every` a review of every running pair (for the
/// rules that fire as time passes), and once a day at `health.digest_at` the digest.
pub async fn tick(app: &App, now: NaiveDateTime) -> Result<(), AppError> {
    if app.health.review_due(now, app.settings.health.review_every) {
        review_all(app, now).await?;
    }
    if let Some(day) = app.health.digest_due(now, &app.settings) {
        if send_digest(app, day, now).await? {
            app.outbox.ring();
        }
        app.health.digest_done(day);
    }
    Ok(())
}

/// Reviews every running pair, one transaction each; one pair's failure does not stop the
/// others.
pub async fn review_all(app: &App, now: NaiveDateTime) -> Result<(), AppError> {
    let settings = app.settings.clone();
    app.db
        .run(move |conn| {
            for id in facts::running_matches(conn)? {
                if let Err(e) = review_match(conn, &settings, &id, now) {
                    tracing::warn!(match_id = %id, error = %e, "pair health review failed");
                }
            }
            Ok(())
        })
        .await
}

/// The health of every pair with an unresolved flag (others are on track).
pub fn healths(conn: &mut AnyConnection) -> Result<HashMap<String, Health>, StoreError> {
    let mut by_match: HashMap<String, Vec<health::Severity>> = HashMap::new();
    for (match_id, severity) in flags::unresolved_severities(conn)? {
        if let Ok(s) = health::Severity::parse(&severity) {
            by_match.entry(match_id).or_default().push(s);
        }
    }
    Ok(by_match
        .into_iter()
        .map(|(m, s)| (m, Health::of(s)))
        .collect())
}

/// Queues the digest of local `day` for every coordinator, unless a process has already:
/// the day's row in `health_digests` is claimed in the same transaction as the emails are
/// queued. True when emails were queued.
pub async fn send_digest(app: &App, day: NaiveDate, now: NaiveDateTime) -> Result<bool, AppError> {
    let settings = app.settings.clone();
    app.db
        .run(move |conn| {
            health_tx(conn, |conn| {
                if facts::digest_claimed(conn, day)? {
                    return Ok(false);
                }
                let coordinators = facts::coordinator_addresses(conn)?;
                if coordinators.is_empty() {
                    // Nobody to tell yet: leave the day unclaimed for a process started later.
                    return Ok(false);
                }
                let digest = counts(conn, &settings, day, now)?;
                facts::claim_digest(conn, day, now, coordinators.len() as i32)?;
                for (name, email) in &coordinators {
                    queue_digest(conn, &settings, &digest, name, email, now)?;
                }
                tracing::info!(%day, coordinators = coordinators.len(), "health digest queued");
                Ok(!coordinators.is_empty())
            })
        })
        .await
}

/// The digest's counts: since the previous digest (at most a week back), else a day.
fn counts(
    conn: &mut AnyConnection,
    settings: &Settings,
    day: NaiveDate,
    now: NaiveDateTime,
) -> Result<Digest, AppError> {
    let since = facts::previous_digest(conn, day)?
        .unwrap_or(now - Duration::days(1))
        .max(now - Duration::days(7));
    let mut new_by_rule: Vec<(Rule, i64)> = Vec::new();
    for code in flags::raised_between(conn, since, now + Duration::seconds(1))? {
        if let Ok(rule) = Rule::parse(&code) {
            match new_by_rule.iter_mut().find(|(r, _)| *r == rule) {
                Some((_, n)) => *n += 1,
                None => new_by_rule.push((rule, 1)),
            }
        }
    }
    new_by_rule.sort();
    let (open, acknowledged) = flags::unresolved_counts(conn)?;
    let healths = healths(conn)?;
    let count = |h: Health| healths.values().filter(|v| **v == h).count() as i64;
    let (answered, expired) = facts::checkins_between(conn, since, now + Duration::seconds(1))?;
    let zone = settings.checkins.timezone;
    Ok(Digest {
        day,
        since: zone
            .from_utc_datetime(&since)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        new_by_rule: new_by_rule
            .into_iter()
            .map(|(r, n)| (r.title().to_string(), r.as_str().to_string(), n))
            .collect(),
        open,
        acknowledged,
        at_risk: count(Health::AtRisk),
        off_track: count(Health::OffTrack),
        answered,
        expired,
    })
}

fn queue_digest(
    conn: &mut AnyConnection,
    settings: &Settings,
    counts: &Digest,
    name: &str,
    email: &str,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let link = settings
        .server
        .public_url
        .join("/coordinator/flags")
        .map(|u| u.to_string())
        .unwrap_or_default();
    let rendered = digest::render(counts, name, &link, &settings.email)
        .map_err(|e| AppError::Internal(format!("digest template: {e}")))?;
    let to = vec![Recipient {
        name: name.to_string(),
        email: email.to_string(),
    }];
    Queued::new("health_digest", to, rendered).queue(conn, &settings.email.from, at)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviews_are_paced_and_the_digest_waits_for_its_hour() {
        let settings = Settings::load_with_env(
            None,
            vec![
                ("BELONG__HEALTH__DIGEST_AT".to_string(), "07:30".to_string()),
                (
                    "BELONG__CHECKINS__TIMEZONE".to_string(),
                    "Europe/London".to_string(),
                ),
            ],
        )
        .expect("settings");
        let pace = Pace::default();
        let at = |h: u32, m: u32, s: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 7, 1)
                .and_then(|d| d.and_hms_opt(h, m, s))
                .expect("time")
        };
        let minute = std::time::Duration::from_secs(60);
        assert!(pace.review_due(at(6, 0, 0), minute));
        assert!(!pace.review_due(at(6, 0, 59), minute));
        assert!(pace.review_due(at(6, 1, 0), minute));
        // 06:00 UTC is 07:00 in London in July: not yet; 06:30 UTC is 07:30 there.
        assert_eq!(pace.digest_due(at(6, 0, 0), &settings), None);
        let day = pace.digest_due(at(6, 30, 0), &settings);
        assert_eq!(day, chrono::NaiveDate::from_ymd_opt(2026, 7, 1));
        pace.digest_done(day.expect("day"));
        assert_eq!(pace.digest_due(at(22, 59, 0), &settings), None);
        // 23:30 UTC is already the next day in London, but before its 07:30.
        assert_eq!(pace.digest_due(at(23, 30, 0), &settings), None);
        let off = Settings::load_with_env(
            None,
            vec![("BELONG__HEALTH__DIGEST_AT".to_string(), "off".to_string())],
        )
        .expect("settings");
        assert_eq!(Pace::default().digest_due(at(12, 0, 0), &off), None);
    }
}
