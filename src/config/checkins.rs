//! `[checkins]`: the steps every approved match gets, when check-ins are sent, reminded and
//! expired, and what they ask.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{ConfigError, invalid};
use crate::domain::checkin::{After, Audience, SendWindow, Step};
use crate::domain::profile::Shift;
use crate::domain::survey::{Instrument, Kind, Question, Scoring, Survey, Surveys};

/// How check-ins are sent, reminded and expired, and what they ask.
#[derive(Debug, Clone)]
pub struct CheckinSettings {
    pub expire_after: After,
    pub reminders: Vec<After>,
    pub timezone: chrono_tz::Tz,
    send_hours: Vec<(Shift, SendWindow)>,
    pub who_sees: String,
    pub tick_interval: std::time::Duration,
    pub lease: std::time::Duration,
    pub surveys: Surveys,
}

impl CheckinSettings {
    /// The hours within which someone on `shift` may be emailed.
    pub fn send_window(&self, shift: Shift) -> SendWindow {
        self.send_hours
            .iter()
            .find(|(s, _)| *s == shift)
            .map(|(_, w)| *w)
            .unwrap_or(SendWindow::ANY_TIME)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCheckins {
    pub(super) steps: Vec<RawStep>,
    expire_after: String,
    reminders: Vec<String>,
    timezone: String,
    send_hours: BTreeMap<String, String>,
    who_sees: String,
    tick_interval_ms: u64,
    lease_secs: u64,
    questions: BTreeMap<String, RawQuestion>,
    surveys: BTreeMap<String, RawSurvey>,
    #[serde(default)]
    instruments: BTreeMap<String, RawInstrument>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    text: String,
    mentor_text: Option<String>,
    kind: String,
    min: Option<i64>,
    max: Option<i64>,
    #[serde(default)]
    labels: Vec<String>,
    max_chars: Option<usize>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    mentee_only: bool,
    attribution: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    title: String,
    questions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    name: String,
    #[serde(default)]
    licence: String,
    scoring: String,
    items: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStep {
    key: String,
    after: String,
    audience: String,
    survey: String,
}

/// The steps, each with a unique key, a time after approval and an audience.
pub(super) fn steps(raw: Vec<RawStep>) -> Result<Vec<Step>, ConfigError> {
    let mut checkin_steps: Vec<Step> = Vec::new();
    for (i, raw) in raw.into_iter().enumerate() {
        let key = |field: &str| format!("checkins.steps[{i}].{field}");
        if raw.key.trim().is_empty() || checkin_steps.iter().any(|s| s.key == raw.key.trim()) {
            return Err(invalid(&key("key"), "must be present and unique"));
        }
        checkin_steps.push(Step {
            key: raw.key.trim().to_string(),
            after: After::parse(&raw.after).map_err(|e| invalid(&key("after"), e))?,
            audience: Audience::parse(&raw.audience).map_err(|e| invalid(&key("audience"), e))?,
            survey: raw.survey.trim().to_string(),
        });
    }
    Ok(checkin_steps)
}

/// Every step names a configured survey.
pub(super) fn check_surveys(steps: &[Step], checkins: &CheckinSettings) -> Result<(), ConfigError> {
    for (i, step) in steps.iter().enumerate() {
        if checkins.surveys.survey(&step.survey).is_none() {
            return Err(invalid(
                &format!("checkins.steps[{i}].survey"),
                format!("\"{}\" is not a configured survey", step.survey),
            ));
        }
    }
    Ok(())
}

impl TryFrom<RawCheckins> for CheckinSettings {
    type Error = ConfigError;

    fn try_from(c: RawCheckins) -> Result<Self, ConfigError> {
        let expire_after =
            After::parse(&c.expire_after).map_err(|e| invalid("checkins.expire_after", e))?;
        let reminders = c
            .reminders
            .iter()
            .enumerate()
            .map(|(i, r)| {
                After::parse(r).map_err(|e| invalid(&format!("checkins.reminders[{i}]"), e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let timezone: chrono_tz::Tz = c.timezone.trim().parse().map_err(|_| {
            invalid(
                "checkins.timezone",
                format!("\"{}\" is not a time zone like Europe/London", c.timezone),
            )
        })?;
        let mut send_hours = Vec::new();
        for (shift, window) in &c.send_hours {
            let key = format!("checkins.send_hours.{shift}");
            let shift = Shift::parse(shift).map_err(|_| {
                invalid(&key, "is not a shift: use day, evening, night or rotating")
            })?;
            send_hours.push((
                shift,
                SendWindow::parse(window).map_err(|e| invalid(&key, e))?,
            ));
        }
        if c.who_sees.trim().is_empty() {
            return Err(invalid(
                "checkins.who_sees",
                "must say who sees the answers",
            ));
        }
        if c.lease_secs == 0 {
            return Err(invalid("checkins.lease_secs", "must be above 0"));
        }
        let mut questions = Vec::new();
        for (key, q) in c.questions {
            let at = |field: &str| format!("checkins.questions.{key}.{field}");
            let kind = match q.kind.as_str() {
                "scale" => Kind::Scale {
                    min: q
                        .min
                        .ok_or_else(|| invalid(&at("min"), "is required for a scale"))?,
                    max: q
                        .max
                        .ok_or_else(|| invalid(&at("max"), "is required for a scale"))?,
                    labels: q.labels,
                },
                "yes_no" => Kind::YesNo,
                "count" => Kind::Count {
                    max: q
                        .max
                        .ok_or_else(|| invalid(&at("max"), "is required for a count"))?,
                },
                "text" => Kind::Text {
                    max_chars: q
                        .max_chars
                        .ok_or_else(|| invalid(&at("max_chars"), "is required for text"))?,
                },
                other => {
                    return Err(invalid(
                        &at("kind"),
                        format!("\"{other}\" is not one of scale, yes_no, count, text"),
                    ));
                }
            };
            questions.push(Question {
                key,
                text: q.text.trim().to_string(),
                mentor_text: q.mentor_text.map(|t| t.trim().to_string()),
                kind,
                required: q.required,
                mentee_only: q.mentee_only,
                attribution: q.attribution,
            });
        }
        let surveys = c
            .surveys
            .into_iter()
            .map(|(key, s)| Survey {
                key,
                title: s.title,
                questions: s.questions,
            })
            .collect();
        let mut instruments = Vec::new();
        for (key, i) in c.instruments {
            let scoring = match i.scoring.as_str() {
                "sum" => Scoring::Sum,
                "mean" => Scoring::Mean,
                _ => {
                    return Err(invalid(
                        &format!("checkins.instruments.{key}.scoring"),
                        "must be sum or mean",
                    ));
                }
            };
            instruments.push(Instrument {
                key,
                name: i.name,
                licence: i.licence,
                scoring,
                items: i.items,
            });
        }
        let surveys = Surveys::new(questions, surveys, instruments).map_err(ConfigError)?;
        Ok(CheckinSettings {
            expire_after,
            reminders,
            timezone,
            send_hours,
            who_sees: c.who_sees.trim().to_string(),
            tick_interval: std::time::Duration::from_millis(c.tick_interval_ms.max(10)),
            lease: std::time::Duration::from_secs(c.lease_secs),
            surveys,
        })
    }
}
