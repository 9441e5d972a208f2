//! Check-ins: listed by the API (never with answers), sent when due within each person's send
//! hours (a kind of job, [`Sending`]), reminded, expired, opened and answered through a
//! personal link.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use rand::RngCore;
use uuid::Uuid;

use super::{App, AppError};
use crate::config::Settings;
use crate::domain::checkin::{CheckinStatus, PlannedCheckin};
use crate::domain::field_error::FieldErrors;
use crate::domain::outbox::RetryPolicy;
use crate::domain::page::Page;
use crate::domain::profile::PersonDetails;
use crate::domain::survey::{Answers, Question, Respondent, Value};
use crate::email::checkin::{self as email, Invitation};
use crate::email::message::Recipient;
use crate::email::outbox::Queued;
use crate::jobs::{Kind, Outcome, Pace, Queue};
use crate::store::answers::{self, AnswerRow};
use crate::store::checkins::{self as rows, CheckinRow, Due};
use crate::store::profiles;
use crate::store::{AnyConnection, StoreError, now, write_tx};

/// A page of check-ins (of one match, in one status, when given), never with answers.
pub async fn list_checkins(
    app: &App,
    match_id: Option<Uuid>,
    status: Option<CheckinStatus>,
    after: i64,
    limit: i64,
) -> Result<Page<PlannedCheckin>, AppError> {
    let page = app
        .db
        .run(move |conn| {
            let match_id = match_id.map(|m| m.to_string());
            rows::list(
                conn,
                match_id.as_deref(),
                status.map(|s| s.as_str()),
                after,
                limit,
            )
        })
        .await?;
    Ok(page.try_map(PlannedCheckin::try_from)?)
}

/// Check-ins as jobs on [`crate::jobs`]: the first email of each check-in when it falls due,
/// and each reminder when it falls due (`due` says which), sent within the person's send
/// hours.
pub struct Sending {
    app: App,
    due: Due,
}

impl Sending {
    pub fn new(app: App, due: Due) -> Self {
        Sending { app, due }
    }
}

/// What sending one claimed check-in did.
enum Step {
    /// Its email was queued.
    Emailed,
    /// Nothing to send any more (erased, answered, expired, opted out, or taken meanwhile).
    Nothing,
    /// Outside the person's send hours: due again when they open.
    NotBefore(NaiveDateTime),
}

impl Kind for Sending {
    type Job = CheckinRow;

    fn name(&self) -> &'static str {
        match self.due {
            Due::First => "checkin",
            Due::Reminder => "checkin_reminder",
        }
    }

    fn queue(&self) -> Queue {
        rows::queue(self.due)
    }

    fn pace(&self) -> Pace {
        let c = &self.app.settings.checkins;
        Pace {
            lease: c.lease,
            poll: c.tick_interval,
            batch: 20,
            at_once: 2,
            // A check-in that could not be sent (the database was busy) is tried again after
            // about a lease; check-ins count no attempts and are never given up on.
            retry: RetryPolicy {
                base: c.lease,
                cap: c.lease,
                max_attempts: u32::MAX,
            },
        }
    }

    fn load(
        &self,
        conn: &mut AnyConnection,
        ids: &[String],
    ) -> Result<Vec<CheckinRow>, StoreError> {
        rows::find_all(conn, ids)
    }

    fn id<'j>(&self, job: &'j CheckinRow) -> &'j str {
        &job.id
    }

    async fn run(&self, row: &CheckinRow, owner: &str) -> Outcome {
        let (settings, due) = (self.app.settings.clone(), self.due);
        let (row, owner) = (row.clone(), owner.to_string());
        let step = self
            .app
            .db
            .run(move |conn| send_one(conn, &settings, due, &row, &owner))
            .await;
        match step {
            Ok(Step::Emailed) => {
                self.app.outbox.ring();
                Outcome::Done
            }
            Ok(Step::Nothing) => Outcome::Done,
            Ok(Step::NotBefore(at)) => Outcome::Later(at),
            Err(e) => Outcome::Failed {
                error: e.to_string(),
                permanent: false,
            },
        }
    }
}

/// Expires the sent check-ins whose link has run out, and reviews their pairs' health;
/// returns how many expired.
pub async fn expire_due(app: &App) -> Result<usize, AppError> {
    let settings = app.settings.clone();
    app.db
        .run(move |conn| {
            let at = crate::store::database_now(conn)?;
            let expired = rows::expire_due(conn, at)?;
            for match_id in &expired {
                review_after(conn, &settings, match_id, at);
            }
            Ok(expired.len())
        })
        .await
}

/// Sends one claimed check-in (or reminder) in one transaction: the email is queued, the link
/// stored and the row moved on together (only while `owner` holds it), or none of it.
/// Outside the person's send hours it waits for the next opening instead.
fn send_one(
    conn: &mut AnyConnection,
    settings: &Settings,
    due: Due,
    row: &CheckinRow,
    owner: &str,
) -> Result<Step, AppError> {
    let Some(who) = Respondent::parse(&row.role) else {
        return Err(AppError::Internal(format!(
            "check-in {} has no role",
            row.id
        )));
    };
    let Some(person) = person(conn, who, &row.person_id)? else {
        // Erased since it was claimed: its check-ins were cancelled with the match.
        return Ok(Step::Nothing);
    };
    let at = crate::store::database_now(conn)?;
    let window = settings.checkins.send_window(person.shift);
    let open = window
        .next_open(at.and_utc(), settings.checkins.timezone)
        .naive_utc();
    if open > at {
        return Ok(Step::NotBefore(open));
    }
    write_tx(conn, |conn| {
        let moved = match due {
            Due::First => {
                let expires_at = settings
                    .checkins
                    .expire_after
                    .from(at.and_utc())
                    .naive_utc();
                let next = settings
                    .checkins
                    .reminders
                    .first()
                    .map(|r| r.from(at.and_utc()).naive_utc());
                rows::mark_sent(conn, &row.id, owner, at, expires_at, next)?
            }
            Due::Reminder => {
                let expired = row.expires_at.is_none_or(|e| e <= at);
                if expired || rows::opted_out(conn, &row.person_id)? {
                    rows::stop_reminders(conn, &row.id)?;
                    return Ok(Step::Nothing);
                }
                let sent_at = row.sent_at.unwrap_or(at).and_utc();
                let next = settings
                    .checkins
                    .reminders
                    .get(row.reminders_sent as usize + 1)
                    .map(|r| r.from(sent_at).naive_utc())
                    .filter(|n| row.expires_at.is_some_and(|e| *n < e));
                rows::mark_reminded(conn, &row.id, owner, row.reminders_sent, next)?
            }
        };
        if !moved {
            return Ok(Step::Nothing);
        }
        let token = new_token();
        rows::add_link(conn, &super::tokens::hash(&token), &row.id, at)?;
        let expires_at = match due {
            Due::First => settings.checkins.expire_after.from(at.and_utc()),
            Due::Reminder => row.expires_at.unwrap_or(at).and_utc(),
        };
        let surveys = &settings.checkins.surveys;
        let invitation = Invitation {
            name: person.full_name.as_str(),
            who,
            title: surveys
                .survey(&row.survey)
                .map(|s| s.title.as_str())
                .unwrap_or("Your check-in"),
            // Only a question answered with one tap belongs in the email.
            first: surveys
                .questions_for(&row.survey, who)
                .into_iter()
                .find(|q| !q.choices().is_empty()),
            form_url: &link(settings, &token, ""),
            unsubscribe_url: &link(settings, &token, "/unsubscribe"),
            expires_on: expires_at
                .with_timezone(&settings.checkins.timezone)
                .format("%-d %B %Y")
                .to_string(),
            who_sees: &settings.checkins.who_sees,
            reminder: due == Due::Reminder,
        };
        queue_email(conn, settings, row, &person, &invitation, at)?;
        Ok(Step::Emailed)
    })
}

/// Renders a check-in's email and queues it, in the caller's transaction.
fn queue_email(
    conn: &mut AnyConnection,
    settings: &Settings,
    row: &CheckinRow,
    person: &PersonDetails,
    invitation: &Invitation<'_>,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let rendered = email::render(invitation, &settings.email)
        .map_err(|e| AppError::Internal(format!("check-in email: {e}")))?;
    let to = vec![Recipient {
        name: person.full_name.as_str().to_string(),
        email: person.email.as_str().to_string(),
    }];
    let kind = if invitation.reminder {
        "checkin_reminder"
    } else {
        "checkin"
    };
    Queued::new(kind, to, rendered)
        .about_match(&row.match_id)
        .for_checkin(&row.id, invitation.unsubscribe_url.to_string())
        .queue(conn, &settings.email.from, at)?;
    Ok(())
}

/// A personal link's token: 256 random bits, URL-safe.
fn new_token() -> String {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    URL_SAFE_NO_PAD.encode(secret)
}

fn link(settings: &Settings, token: &str, suffix: &str) -> String {
    let base = settings.server.public_url.as_str().trim_end_matches('/');
    format!("{base}/c/{token}{suffix}")
}

fn person(
    conn: &mut AnyConnection,
    who: Respondent,
    id: &str,
) -> Result<Option<PersonDetails>, StoreError> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Ok(None);
    };
    Ok(match who {
        Respondent::Mentee => profiles::find_mentee(conn, id)?.map(|m| m.details.person),
        Respondent::Mentor => profiles::find_mentor(conn, id)?.map(|m| m.details.person),
    })
}

/// Where a personal link stands, as the check-in page shows it.
#[derive(Debug)]
pub enum Opened {
    /// Open for answers.
    Open(CheckinForm),
    /// Answered already.
    Answered(CheckinForm),
    /// The link ran out, or the pair ended.
    Gone,
}

/// What the check-in page needs: who is asked, and which questions.
#[derive(Debug, Clone)]
pub struct CheckinForm {
    pub checkin_id: String,
    pub first_name: String,
    pub who: Respondent,
    pub survey: String,
    pub expires_at: Option<NaiveDateTime>,
    /// Whether they asked a coordinator to contact them (on the thank-you page).
    pub asked_for_contact: bool,
}

impl CheckinForm {
    pub fn questions<'s>(&self, settings: &'s Settings) -> Vec<&'s Question> {
        settings
            .checkins
            .surveys
            .questions_for(&self.survey, self.who)
    }
}

/// Opens a personal link without changing anything (mail scanners open every link).
/// `None` when the link is unknown.
pub async fn open(app: &App, token: String) -> Result<Option<Opened>, AppError> {
    app.db
        .run(move |conn| {
            let at = crate::store::database_now(conn)?;
            open_in(conn, &token, at)
        })
        .await
}

fn open_in(
    conn: &mut AnyConnection,
    token: &str,
    at: NaiveDateTime,
) -> Result<Option<Opened>, AppError> {
    if token.is_empty() || token.len() > 100 {
        return Ok(None);
    }
    let Some(row) = rows::by_link(conn, &super::tokens::hash(token))? else {
        return Ok(None);
    };
    let Some(who) = Respondent::parse(&row.role) else {
        return Ok(None);
    };
    let Some(person) = person(conn, who, &row.person_id)? else {
        return Ok(Some(Opened::Gone));
    };
    let asked_for_contact = row.status == "answered"
        && answers::for_checkin(conn, &row.id)?
            .iter()
            .any(|a| a.question == crate::domain::survey::keys::CONTACT && a.number == Some(1.0));
    let form = CheckinForm {
        checkin_id: row.id.clone(),
        first_name: first_name(person.full_name.as_str()),
        who,
        survey: row.survey.clone(),
        expires_at: row.expires_at,
        asked_for_contact,
    };
    // After its expiry a link says only that the check-in closed, answered or not: an old
    // email in someone else's hands shows no name.
    let open_until = row.expires_at.is_some_and(|e| e > at);
    Ok(Some(match row.status.as_str() {
        "sent" if open_until => Opened::Open(form),
        "answered" if open_until => Opened::Answered(form),
        _ => Opened::Gone,
    }))
}

fn first_name(full: &str) -> String {
    full.split_whitespace().next().unwrap_or(full).to_string()
}

/// Why answers were not recorded.
#[derive(Debug)]
pub enum NotRecorded {
    Unknown,
    Gone,
    AlreadyAnswered(CheckinForm),
    Invalid(CheckinForm, FieldErrors),
}

/// Records the answers given through a personal link, once; then reviews the pair's health.
pub async fn answer(
    app: &App,
    token: String,
    form: Vec<(String, String)>,
) -> Result<Result<CheckinForm, NotRecorded>, AppError> {
    let settings = app.settings.clone();
    app.db
        .run(move |conn| {
            let at = crate::store::database_now(conn)?;
            let opened = match open_in(conn, &token, at)? {
                None => return Ok(Err(NotRecorded::Unknown)),
                Some(Opened::Gone) => return Ok(Err(NotRecorded::Gone)),
                Some(Opened::Answered(f)) => return Ok(Err(NotRecorded::AlreadyAnswered(f))),
                Some(Opened::Open(f)) => f,
            };
            let checked = match settings
                .checkins
                .surveys
                .check(&opened.survey, opened.who, &form)
            {
                Ok(a) => a,
                Err(errors) => return Ok(Err(NotRecorded::Invalid(opened, errors))),
            };
            let row = rows::get(conn, &opened.checkin_id)?;
            let recorded = write_tx(conn, |conn| -> Result<bool, AppError> {
                if !rows::mark_answered(conn, &row.id, at)? {
                    return Ok(false);
                }
                answers::insert(conn, &answer_rows(&row, &checked, at))?;
                Ok(true)
            })?;
            if !recorded {
                // Answered or expired between opening and recording: say which.
                return Ok(match open_in(conn, &token, at)? {
                    Some(Opened::Answered(f)) => Err(NotRecorded::AlreadyAnswered(f)),
                    _ => Err(NotRecorded::Gone),
                });
            }
            review_after(conn, &settings, &row.match_id, at);
            let asked_for_contact =
                checked.get(crate::domain::survey::keys::CONTACT) == Some(&Value::Number(1.0));
            Ok(Ok(CheckinForm {
                asked_for_contact,
                ..opened
            }))
        })
        .await
}

/// Reviews a pair's health after its check-ins moved on. What moved is recorded already, so a
/// failed review is logged, not answered as an error; the next periodic review catches up.
fn review_after(conn: &mut AnyConnection, settings: &Settings, match_id: &str, at: NaiveDateTime) {
    if let Err(e) = super::health::review_match(conn, settings, match_id, at) {
        tracing::warn!(match_id, error = %e, "pair-health review failed; the next one will catch up");
    }
}

fn answer_rows(row: &CheckinRow, answers: &Answers, at: NaiveDateTime) -> Vec<AnswerRow> {
    answers
        .iter()
        .map(|(question, value)| {
            let (number, text) = match value {
                Value::Number(n) => (Some(*n), None),
                Value::Text(t) => (None, Some(t.clone())),
            };
            AnswerRow {
                seq: 0,
                checkin_id: row.id.clone(),
                match_id: row.match_id.clone(),
                person_id: row.person_id.clone(),
                role: row.role.clone(),
                step: row.step.clone(),
                question: question.clone(),
                number,
                text,
                answered_at: at,
            }
        })
        .collect()
}

/// Stops reminders for the person a link belongs to (RFC 8058 one-click, or the page's
/// button). False when the link is unknown.
pub async fn opt_out(app: &App, token: String) -> Result<bool, AppError> {
    app.db
        .run(move |conn| {
            if token.is_empty() || token.len() > 100 {
                return Ok(false);
            }
            let Some(row) = rows::by_link(conn, &super::tokens::hash(&token))? else {
                return Ok(false);
            };
            write_tx(conn, |conn| rows::opt_out(conn, &row.person_id, now()))?;
            Ok(true)
        })
        .await
}
