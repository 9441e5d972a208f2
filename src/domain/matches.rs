//! A match: a proposed pairing of a mentee and a mentor, and what a coordinator did with it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::matching::score::Explained;
use super::matching::settings::Points;
use super::profile::text_enum;

text_enum!(
    /// Where a match stands.
    MatchStatus {
        Proposed = "proposed",
        Approved = "approved",
        Rejected = "rejected",
        Ended = "ended",
        Superseded = "superseded",
    }
);

#[derive(Debug, Clone)]
pub struct Match {
    pub id: Uuid,
    /// The run that proposed it; `None` for a coordinator's own proposal.
    pub run_id: Option<Uuid>,
    pub mentee_id: Uuid,
    pub mentor_id: Uuid,
    pub status: MatchStatus,
    pub score: Points,
    pub explanation: Vec<Explained>,
    /// Why it was rejected or ended.
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// What a coordinator asks of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    End,
}

/// What a decision does to a match in a given status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Move to the new status.
    To(MatchStatus),
    /// Already done: answer as if done, change nothing.
    AlreadyDone,
    /// Not possible from here; the message says why.
    Refused(String),
}

impl Decision {
    pub fn apply(self, from: MatchStatus) -> Transition {
        use MatchStatus::*;
        match (self, from) {
            (Decision::Approve, Proposed) => Transition::To(Approved),
            (Decision::Approve, Approved) => Transition::AlreadyDone,
            (Decision::Reject, Proposed) => Transition::To(Rejected),
            (Decision::Reject, Rejected) => Transition::AlreadyDone,
            (Decision::Reject, Approved) => {
                Transition::Refused("this match is approved; end it instead of rejecting it".into())
            }
            (Decision::End, Approved) => Transition::To(Ended),
            (Decision::End, Ended) => Transition::AlreadyDone,
            (Decision::End, Proposed) => Transition::Refused(
                "this match is only proposed; reject it instead of ending it".into(),
            ),
            (_, status) => Transition::Refused(format!("this match is {status}")),
        }
    }
}

/// A reason for rejecting or ending: 1–500 characters after trimming.
pub fn parse_reason(input: &str) -> Result<String, String> {
    let reason = input.trim();
    if reason.is_empty() {
        return Err("is required: say why, for the record".into());
    }
    super::text::check_text(reason, 500, true)?;
    Ok(reason.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_follow_the_lifecycle() {
        use MatchStatus::*;
        assert_eq!(Decision::Approve.apply(Proposed), Transition::To(Approved));
        assert_eq!(Decision::Approve.apply(Approved), Transition::AlreadyDone);
        assert!(matches!(
            Decision::Approve.apply(Rejected),
            Transition::Refused(_)
        ));
        assert!(matches!(
            Decision::Approve.apply(Superseded),
            Transition::Refused(_)
        ));
        assert_eq!(Decision::End.apply(Approved), Transition::To(Ended));
        assert!(matches!(
            Decision::End.apply(Proposed),
            Transition::Refused(_)
        ));
        assert!(matches!(
            Decision::Reject.apply(Approved),
            Transition::Refused(_)
        ));
        assert_eq!(Decision::Reject.apply(Rejected), Transition::AlreadyDone);
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert!(parse_reason("  ").is_err());
        assert_eq!(parse_reason(" moved wards "), Ok("moved wards".into()));
        assert!(parse_reason(&"x".repeat(501)).is_err());
        assert!(parse_reason("a\u{0}b").is_err());
    }
}
