//! `[health]`: the thresholds of the early-warning rules, and the coordinators' digest.

use serde::Deserialize;

use super::{ConfigError, invalid};
use crate::domain::health::{Period, Thresholds};

#[derive(Debug, Clone)]
pub struct HealthSettings {
    pub thresholds: Thresholds,
    /// Local time of the coordinators' daily digest, in the check-ins' time zone; `None`
    /// (`digest_at = "off"`) sends none.
    pub digest_at: Option<chrono::NaiveTime>,
    /// How often each process reviews every running pair for the time-based rules.
    pub review_every: std::time::Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHealth {
    first_meeting_days: RawPeriod,
    first_meeting_escalate_days: RawPeriod,
    no_meeting_days: RawPeriod,
    fit_at_most: f64,
    belonging_drop: f64,
    belonging_at_most: f64,
    intent_to_stay_at_most: f64,
    burnout_at_least: f64,
    unanswered_in_a_row: u32,
    digest_at: String,
    review_every_secs: u64,
}

/// A number of days, or an ISO 8601 duration in a string (environment values are strings).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawPeriod {
    Days(u32),
    Text(String),
}

impl RawPeriod {
    fn check(self, key: &str) -> Result<Period, ConfigError> {
        let text = match self {
            RawPeriod::Days(n) => n.to_string(),
            RawPeriod::Text(t) => t,
        };
        Period::parse(&text).map_err(|e| {
            invalid(
                key,
                format!("{e}; give a number of days, or a duration such as P3W or PT30S"),
            )
        })
    }
}

impl TryFrom<RawHealth> for HealthSettings {
    type Error = ConfigError;

    fn try_from(h: RawHealth) -> Result<Self, ConfigError> {
        let first_meeting = h.first_meeting_days.check("health.first_meeting_days")?;
        let first_meeting_escalate = h
            .first_meeting_escalate_days
            .check("health.first_meeting_escalate_days")?;
        let no_meeting = h.no_meeting_days.check("health.no_meeting_days")?;
        let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        if first_meeting_escalate.from(epoch) < first_meeting.from(epoch) {
            return Err(invalid(
                "health.first_meeting_escalate_days",
                "must be at least health.first_meeting_days",
            ));
        }
        if h.unanswered_in_a_row == 0 {
            return Err(invalid("health.unanswered_in_a_row", "must be at least 1"));
        }
        if !(1..=3600).contains(&h.review_every_secs) {
            return Err(invalid(
                "health.review_every_secs",
                "must be from 1 to 3600",
            ));
        }
        for (key, value) in [
            ("health.fit_at_most", h.fit_at_most),
            ("health.belonging_drop", h.belonging_drop),
            ("health.belonging_at_most", h.belonging_at_most),
            ("health.intent_to_stay_at_most", h.intent_to_stay_at_most),
            ("health.burnout_at_least", h.burnout_at_least),
        ] {
            if !value.is_finite() || !(0.0..=100.0).contains(&value) {
                return Err(invalid(
                    key,
                    "must be a number on the answers' scale, e.g. 2",
                ));
            }
        }
        if h.belonging_drop <= 0.0 {
            return Err(invalid(
                "health.belonging_drop",
                "must be above 0, or every repeated answer would count as a drop",
            ));
        }
        let digest_at = match h.digest_at.trim() {
            "" | "off" => None,
            text => Some(
                chrono::NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| {
                    invalid("health.digest_at", "must be a time like 07:30, or off")
                })?,
            ),
        };
        Ok(HealthSettings {
            thresholds: Thresholds {
                first_meeting,
                first_meeting_escalate,
                no_meeting,
                fit_at_most: h.fit_at_most,
                belonging_drop: h.belonging_drop,
                belonging_at_most: h.belonging_at_most,
                intent_to_stay_at_most: h.intent_to_stay_at_most,
                burnout_at_least: h.burnout_at_least,
                unanswered_in_a_row: h.unanswered_in_a_row,
            },
            digest_at,
            review_every: std::time::Duration::from_secs(h.review_every_secs),
        })
    }
}
