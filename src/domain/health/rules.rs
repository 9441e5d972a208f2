//! The early-warning rules: [`review`] looks at one running pair at one moment and returns
//! the warnings that hold, each under a stable [`Rule`] code. It reads numbers only: a
//! free-text answer never reaches these rules, so no evidence can quote one.

use chrono::{DateTime, Utc};

use crate::domain::checkin::After;
use crate::domain::profile::{Shift, text_enum};
use crate::domain::survey::{Respondent, keys};

/// A span of time in a threshold: a number of days, or an ISO 8601 duration (`PT30S` lets a
/// trial or a test see the rules fire within seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    after: After,
    label: String,
}

impl Period {
    /// `14` (days) or an ISO 8601 duration such as `P3W` or `PT5S`.
    pub fn parse(input: &str) -> Result<Period, String> {
        let text = input.trim();
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
            let n: u32 = text
                .parse()
                .map_err(|_| format!("\"{text}\" is too many days"))?;
            return Ok(Period {
                after: After::parse(&format!("P{n}D"))
                    .map_err(|_| format!("\"{text}\" is too many days"))?,
                label: if n == 1 {
                    "1 day".into()
                } else {
                    format!("{n} days")
                },
            });
        }
        Ok(Period {
            after: After::parse(text)?,
            label: text.to_string(),
        })
    }

    /// The moment this long after `start`.
    pub fn from(&self, start: DateTime<Utc>) -> DateTime<Utc> {
        self.after.from(start)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label)
    }
}

/// Every threshold the rules use, from `[health]` in configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// No first meeting reported this long after approval: at risk.
    pub first_meeting: Period,
    /// Still none this long after approval: off track.
    pub first_meeting_escalate: Period,
    /// No meeting reported for this long since the last one.
    pub no_meeting: Period,
    pub fit_at_most: f64,
    pub belonging_drop: f64,
    pub belonging_at_most: f64,
    pub intent_to_stay_at_most: f64,
    pub burnout_at_least: f64,
    pub unanswered_in_a_row: u32,
}

text_enum!(
    /// An early-warning rule, by its stable code.
    Rule {
        NoFirstMeeting = "no_first_meeting",
        NoFirstMeetingEscalated = "no_first_meeting_escalated",
        NoRecentMeeting = "no_recent_meeting",
        PoorFit = "poor_fit",
        BelongingLow = "belonging_low",
        BelongingDropped = "belonging_dropped",
        IntentToLeave = "intent_to_leave",
        BurnoutHigh = "burnout_high",
        AskedForContact = "asked_for_contact",
        UnansweredCheckins = "unanswered_checkins",
        ShiftMismatch = "shift_mismatch",
    }
);

text_enum!(
    /// How much a warning weighs: `warning` puts a pair at risk, `critical` off track.
    Severity { Warning = "warning", Critical = "critical" }
);

impl Rule {
    pub fn severity(self) -> Severity {
        match self {
            Rule::NoFirstMeetingEscalated
            | Rule::PoorFit
            | Rule::IntentToLeave
            | Rule::BurnoutHigh => Severity::Critical,
            _ => Severity::Warning,
        }
    }

    /// A short heading for coordinators.
    pub fn title(self) -> &'static str {
        match self {
            Rule::NoFirstMeeting => "No first meeting yet",
            Rule::NoFirstMeetingEscalated => "Still no first meeting",
            Rule::NoRecentMeeting => "No recent meeting",
            Rule::PoorFit => "Poor fit: offer a re-match",
            Rule::BelongingLow => "Low sense of belonging",
            Rule::BelongingDropped => "Belonging dropped",
            Rule::IntentToLeave => "Thinking of leaving",
            Rule::BurnoutHigh => "High burnout",
            Rule::AskedForContact => "Asked to be contacted",
            Rule::UnansweredCheckins => "Check-ins unanswered",
            Rule::ShiftMismatch => "Night-shift mentee, mentor not on nights",
        }
    }

    /// Whether an open flag of this rule closes by itself once the answers no longer show it
    /// (a later fit of 4 after a 2). A request to be contacted waits for a person.
    pub fn clears_itself(self) -> bool {
        self != Rule::AskedForContact
    }

    /// The lesser rule this one takes over from: raising it closes that one's open flag.
    pub fn supersedes(self) -> Option<Rule> {
        match self {
            Rule::NoFirstMeetingEscalated => Some(Rule::NoFirstMeeting),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinState {
    /// Not yet due, sent and waiting, or cancelled: says nothing yet.
    Pending,
    Answered,
    Expired,
}

/// One person's check-in at one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkin {
    pub id: String,
    pub person_id: String,
    pub role: Respondent,
    pub step: String,
    pub due_at: DateTime<Utc>,
    pub state: CheckinState,
}

/// One numeric answer (scales, yes = 1 / no = 0, counts). Text answers are never read here.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub checkin_id: String,
    pub person_id: String,
    pub role: Respondent,
    pub step: String,
    pub question: String,
    pub number: f64,
    pub answered_at: DateTime<Utc>,
}

/// What the rules know about one running pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub approved_at: DateTime<Utc>,
    /// `None` once a profile is erased.
    pub mentee_shift: Option<Shift>,
    pub mentor_shift: Option<Shift>,
    pub checkins: Vec<Checkin>,
    pub answers: Vec<Answer>,
}

/// Whom a warning is about: the pair as a whole, or one person in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Pair,
    Person { id: String, role: Respondent },
}

/// One rule that holds for a pair now.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub rule: Rule,
    pub subject: Subject,
    /// For coordinators: numbers, dates and steps, never a person's words.
    pub evidence: String,
    /// What the warning rests on (a check-in, a date). A resolved flag is raised again only
    /// when the same rule holds on a different basis: the situation recurred.
    pub basis: String,
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// Trims a number for people: `2` not `2.0`, `2.5` stays.
fn num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

const EPSILON: f64 = 1e-9;

/// The rules that hold for `pair` at `now`, in rule order.
pub fn review(pair: &Pair, t: &Thresholds, now: DateTime<Utc>) -> Vec<Warning> {
    let mut out = Vec::new();
    meetings(pair, t, now, &mut out);
    answers(pair, t, &mut out);
    unanswered(pair, t, &mut out);
    shifts(pair, &mut out);
    out.sort_by_key(|w| w.rule);
    out
}

/// A meeting is reported by `met = yes` or a positive `times`, from either person.
fn meeting_reports(pair: &Pair) -> impl Iterator<Item = &Answer> {
    pair.answers.iter().filter(|a| {
        (a.question == keys::MET && a.number >= 1.0)
            || (a.question == keys::TIMES && a.number > 0.0)
    })
}

/// Answers saying the pair has not met since the last check-in.
fn not_met_reports(pair: &Pair) -> impl Iterator<Item = &Answer> {
    pair.answers
        .iter()
        .filter(|a| a.question == keys::MET && a.number < 1.0)
}

/// The meeting rules rest on what people report, since a pair can only tell us at a
/// check-in: "no first meeting" when someone answered that they have not met yet (escalated
/// once the later threshold passes with no meeting reported at all), "no recent meeting"
/// when someone answered "not met" this long after the last meeting was reported.
fn meetings(pair: &Pair, t: &Thresholds, now: DateTime<Utc>, out: &mut Vec<Warning>) {
    let approved = pair.approved_at;
    let by_time = |a: &&Answer| (a.answered_at, a.checkin_id.clone());
    let last_met = meeting_reports(pair).max_by_key(by_time);
    match last_met {
        None => {
            let escalate_at = t.first_meeting_escalate.from(approved);
            let said_not_yet = not_met_reports(pair)
                .filter(|a| a.answered_at >= t.first_meeting.from(approved))
                .max_by_key(by_time);
            if escalate_at <= now {
                out.push(Warning {
                    rule: Rule::NoFirstMeetingEscalated,
                    subject: Subject::Pair,
                    evidence: format!(
                        "No meeting reported by {} ({} after approval on {}).",
                        day(escalate_at),
                        t.first_meeting_escalate,
                        day(approved)
                    ),
                    basis: format!("approved {}", approved.to_rfc3339()),
                });
            } else if let Some(report) = said_not_yet {
                out.push(Warning {
                    rule: Rule::NoFirstMeeting,
                    subject: Subject::Pair,
                    evidence: format!(
                        "The {} answered that they have not met yet, {}, {} or more after approval on {}.",
                        report.role.as_str(),
                        at(report),
                        t.first_meeting,
                        day(approved)
                    ),
                    basis: format!("checkin {}", report.checkin_id),
                });
            }
        }
        Some(met) => {
            let not_since = not_met_reports(pair)
                .filter(|a| a.answered_at > met.answered_at)
                .filter(|a| a.answered_at >= t.no_meeting.from(met.answered_at))
                .max_by_key(by_time);
            if let Some(report) = not_since {
                out.push(Warning {
                    rule: Rule::NoRecentMeeting,
                    subject: Subject::Pair,
                    evidence: format!(
                        "The last meeting was reported on {} at the {} check-in; the {} answered \
                         that they have not met since, {} ({} or more later).",
                        day(met.answered_at),
                        met.step,
                        report.role.as_str(),
                        at(report),
                        t.no_meeting
                    ),
                    basis: format!("checkin {}", report.checkin_id),
                });
            }
        }
    }
}

/// Each person's answers to `question`, latest first.
fn latest_by_person<'a>(pair: &'a Pair, question: &str) -> Vec<Vec<&'a Answer>> {
    let mut by_person: Vec<Vec<&Answer>> = Vec::new();
    for a in pair.answers.iter().filter(|a| a.question == question) {
        match by_person.iter_mut().find(|v| v[0].person_id == a.person_id) {
            Some(v) => v.push(a),
            None => by_person.push(vec![a]),
        }
    }
    for v in &mut by_person {
        v.sort_by(|a, b| (b.answered_at, &b.checkin_id).cmp(&(a.answered_at, &a.checkin_id)));
    }
    by_person.sort_by(|a, b| a[0].role.cmp(&b[0].role));
    by_person
}

fn about(a: &Answer) -> Subject {
    Subject::Person {
        id: a.person_id.clone(),
        role: a.role,
    }
}

fn at(a: &Answer) -> String {
    format!("at the {} check-in on {}", a.step, day(a.answered_at))
}

/// A single answer compared with a threshold: question, rule, whether it holds, what the
/// answer rates, and the threshold in words.
type Check = (
    &'static str,
    Rule,
    fn(f64, &Thresholds) -> bool,
    &'static str,
    fn(&Thresholds) -> String,
);

fn answers(pair: &Pair, t: &Thresholds, out: &mut Vec<Warning>) {
    let basis = |a: &Answer| format!("checkin {}", a.checkin_id);
    // Single answers compared with a threshold: the latest answer of each person counts.
    let checks: [Check; 4] = [
        (
            keys::FIT,
            Rule::PoorFit,
            |n, t| n <= t.fit_at_most + EPSILON,
            "rated the pair's fit",
            |t| format!("{} or lower offers a re-match", num(t.fit_at_most)),
        ),
        (
            keys::STAY,
            Rule::IntentToLeave,
            |n, t| n <= t.intent_to_stay_at_most + EPSILON,
            "rated their intent to stay",
            |t| format!("{} or lower", num(t.intent_to_stay_at_most)),
        ),
        (
            keys::BURNOUT,
            Rule::BurnoutHigh,
            |n, t| n + EPSILON >= t.burnout_at_least,
            "rated their burnout",
            |t| format!("{} or higher", num(t.burnout_at_least)),
        ),
        (
            keys::BELONGING,
            Rule::BelongingLow,
            |n, t| n <= t.belonging_at_most + EPSILON,
            "rated their belonging",
            |t| format!("{} or lower", num(t.belonging_at_most)),
        ),
    ];
    for (question, rule, holds, what, threshold) in checks {
        for answers in latest_by_person(pair, question) {
            let latest = answers[0];
            if holds(latest.number, t) {
                out.push(Warning {
                    rule,
                    subject: about(latest),
                    evidence: format!(
                        "The {} {what} {} {} (threshold: {}).",
                        latest.role.as_str(),
                        num(latest.number),
                        at(latest),
                        threshold(t)
                    ),
                    basis: basis(latest),
                });
            }
        }
    }
    for answers in latest_by_person(pair, keys::BELONGING) {
        if let [latest, previous, ..] = answers.as_slice()
            && previous.number - latest.number + EPSILON >= t.belonging_drop
        {
            out.push(Warning {
                rule: Rule::BelongingDropped,
                subject: about(latest),
                evidence: format!(
                    "The {}'s belonging fell from {} ({} check-in) to {} {} (a drop of {} or more).",
                    latest.role.as_str(),
                    num(previous.number),
                    previous.step,
                    num(latest.number),
                    at(latest),
                    num(t.belonging_drop)
                ),
                basis: basis(latest),
            });
        }
    }
    for answers in latest_by_person(pair, keys::CONTACT) {
        let latest = answers[0];
        if latest.number >= 1.0 {
            out.push(Warning {
                rule: Rule::AskedForContact,
                subject: about(latest),
                evidence: format!(
                    "The {} asked a coordinator to contact them {}.",
                    latest.role.as_str(),
                    at(latest)
                ),
                basis: basis(latest),
            });
        }
    }
}

fn unanswered(pair: &Pair, t: &Thresholds, out: &mut Vec<Warning>) {
    let n = t.unanswered_in_a_row as usize;
    let mut people: Vec<(&str, Respondent)> = Vec::new();
    for c in &pair.checkins {
        if !people.iter().any(|(id, _)| *id == c.person_id) {
            people.push((&c.person_id, c.role));
        }
    }
    people.sort_by_key(|(_, role)| *role);
    for (person, role) in people {
        let mut settled: Vec<&Checkin> = pair
            .checkins
            .iter()
            .filter(|c| c.person_id == person && c.state != CheckinState::Pending)
            .collect();
        settled.sort_by(|a, b| (a.due_at, &a.id).cmp(&(b.due_at, &b.id)));
        let run: Vec<&Checkin> = settled
            .iter()
            .rev()
            .take_while(|c| c.state == CheckinState::Expired)
            .copied()
            .collect();
        if n == 0 || run.len() < n {
            continue;
        }
        let steps: Vec<&str> = run.iter().rev().map(|c| c.step.as_str()).collect();
        out.push(Warning {
            rule: Rule::UnansweredCheckins,
            subject: Subject::Person {
                id: person.to_string(),
                role,
            },
            evidence: format!(
                "The {} left the last {} check-ins unanswered ({}).",
                role.as_str(),
                run.len(),
                steps.join(", ")
            ),
            basis: format!("checkin {}", run[0].id),
        });
    }
}

fn shifts(pair: &Pair, out: &mut Vec<Warning>) {
    if let (Some(Shift::Night), Some(mentor)) = (pair.mentee_shift, pair.mentor_shift)
        && mentor != Shift::Night
    {
        out.push(Warning {
            rule: Rule::ShiftMismatch,
            subject: Subject::Pair,
            evidence: format!(
                "The mentee works nights; the mentor works {} shifts.",
                mentor.as_str()
            ),
            basis: format!("shifts night/{}", mentor.as_str()),
        });
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
