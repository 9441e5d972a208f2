//! The life of a flag: a pair's health from its unresolved flags, open → acknowledged →
//! resolved, and how a flag was closed.

use chrono::{DateTime, Utc};

use super::{Rule, Severity};
use crate::domain::profile::text_enum;
use crate::domain::survey::Respondent;

text_enum!(
    /// A pair's health, from the worst of its unresolved flags.
    Health { OnTrack = "on_track", AtRisk = "at_risk", OffTrack = "off_track" }
);

impl Health {
    /// The health of a pair whose unresolved flags have these severities.
    pub fn of(severities: impl IntoIterator<Item = Severity>) -> Health {
        severities
            .into_iter()
            .map(|s| match s {
                Severity::Warning => Health::AtRisk,
                Severity::Critical => Health::OffTrack,
            })
            .max()
            .unwrap_or(Health::OnTrack)
    }

    pub fn label(self) -> &'static str {
        match self {
            Health::OnTrack => "On track",
            Health::AtRisk => "At risk",
            Health::OffTrack => "Off track",
        }
    }
}

text_enum!(
    /// Where a flag stands.
    FlagStatus { Open = "open", Acknowledged = "acknowledged", Resolved = "resolved" }
);

impl FlagStatus {
    /// The status as a person reads it: "Open", "Acknowledged", "Resolved".
    pub fn label(self) -> &'static str {
        match self {
            FlagStatus::Open => "Open",
            FlagStatus::Acknowledged => "Acknowledged",
            FlagStatus::Resolved => "Resolved",
        }
    }
}

text_enum!(
    /// How a flag was closed. Coordinators choose the first four; Belong itself records the
    /// others when a match ends or a graver rule takes over.
    Resolution {
        Nudged = "nudged",
        CheckedIn = "checked_in",
        Rematched = "rematched",
        NoAction = "no_action",
        MatchEnded = "match_ended",
        Superseded = "superseded",
        Cleared = "cleared",
    }
);

impl Resolution {
    /// The resolutions a coordinator may choose.
    pub const CHOSEN: &'static [Resolution] = &[
        Resolution::Nudged,
        Resolution::CheckedIn,
        Resolution::Rematched,
        Resolution::NoAction,
    ];

    /// A coordinator's choice; the error lists the allowed values.
    pub fn parse_chosen(input: &str) -> Result<Self, String> {
        let allowed = || {
            Self::CHOSEN
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match Resolution::parse(input) {
            Ok(r) if Self::CHOSEN.contains(&r) => Ok(r),
            Err(e) if input.trim().is_empty() => Err(e),
            _ => Err(format!(
                "\"{}\" is not allowed; use one of: {}",
                input.trim(),
                allowed()
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Resolution::Nudged => "Nudged the pair",
            Resolution::CheckedIn => "Checked in with them",
            Resolution::Rematched => "Re-matched",
            Resolution::NoAction => "No action needed",
            Resolution::MatchEnded => "The match ended",
            Resolution::Superseded => "Replaced by a graver flag",
            Resolution::Cleared => "Later answers no longer show it",
        }
    }
}

/// What a coordinator asks of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagAction {
    Acknowledge,
    Resolve,
}

/// What an action does to a flag in a given status: move it, nothing (already done), or
/// refuse with a reason.
pub fn flag_transition(
    action: FlagAction,
    from: FlagStatus,
) -> Result<Option<FlagStatus>, &'static str> {
    match (action, from) {
        (FlagAction::Acknowledge, FlagStatus::Open) => Ok(Some(FlagStatus::Acknowledged)),
        (FlagAction::Acknowledge, FlagStatus::Acknowledged) => Ok(None),
        (FlagAction::Acknowledge, FlagStatus::Resolved) => Err("this flag is already resolved"),
        (FlagAction::Resolve, FlagStatus::Open | FlagStatus::Acknowledged) => {
            Ok(Some(FlagStatus::Resolved))
        }
        (FlagAction::Resolve, FlagStatus::Resolved) => Err("this flag is already resolved"),
    }
}

/// A coordinator's note on a resolution: optional, at most 1000 characters.
pub fn parse_note(input: Option<&str>) -> Result<Option<String>, String> {
    match input.map(str::trim) {
        None | Some("") => Ok(None),
        Some(note) => {
            crate::domain::text::check_text(note, 1000, true)?;
            Ok(Some(note.to_string()))
        }
    }
}

/// A flag as raised on a running pair, and what coordinators (or Belong) did about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaisedFlag {
    pub id: String,
    pub match_id: String,
    /// The person it is about; `None` when it is about the pair.
    pub person_id: Option<String>,
    pub role: Option<Respondent>,
    pub rule: Rule,
    pub severity: Severity,
    /// Numbers, dates and steps; never a person's own words.
    pub evidence: String,
    pub status: FlagStatus,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// `None` when Belong closed it.
    pub resolved_by: Option<String>,
    pub resolution: Option<Resolution>,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_is_the_worst_unresolved_severity() {
        assert_eq!(Health::of([Severity::Warning]), Health::AtRisk);
        assert_eq!(
            Health::of([Severity::Warning, Severity::Critical]),
            Health::OffTrack
        );
        assert_eq!(Rule::NoFirstMeeting.severity(), Severity::Warning);
        assert_eq!(Rule::BurnoutHigh.severity(), Severity::Critical);
        assert_eq!(
            Rule::NoFirstMeetingEscalated.supersedes(),
            Some(Rule::NoFirstMeeting)
        );
    }

    #[test]
    fn flags_move_open_acknowledged_resolved() {
        use FlagAction::*;
        use FlagStatus::*;
        assert_eq!(flag_transition(Acknowledge, Open), Ok(Some(Acknowledged)));
        assert_eq!(flag_transition(Acknowledge, Acknowledged), Ok(None));
        assert!(flag_transition(Acknowledge, Resolved).is_err());
        assert_eq!(flag_transition(Resolve, Open), Ok(Some(Resolved)));
        assert_eq!(flag_transition(Resolve, Acknowledged), Ok(Some(Resolved)));
        assert!(flag_transition(Resolve, Resolved).is_err());
    }

    #[test]
    fn coordinators_choose_among_four_resolutions() {
        assert_eq!(Resolution::parse_chosen("nudged"), Ok(Resolution::Nudged));
        assert_eq!(
            Resolution::parse_chosen(" checked_in "),
            Ok(Resolution::CheckedIn)
        );
        let e = Resolution::parse_chosen("match_ended").expect_err("system only");
        assert!(
            e.contains("nudged, checked_in, rematched, no_action"),
            "{e}"
        );
        assert!(Resolution::parse_chosen("").is_err());
        assert!(Resolution::parse_chosen("later").is_err());
        assert_eq!(parse_note(Some("  ")), Ok(None));
        assert_eq!(
            parse_note(Some(" Called her ")),
            Ok(Some("Called her".into()))
        );
        assert!(parse_note(Some(&"x".repeat(1001))).is_err());
        assert!(parse_note(Some("a\u{0}b")).is_err());
    }
}
