//! The outbox: the emails as coordinators see them, when to try one again (exponential
//! backoff with jitter), and when to give up.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::profile::text_enum;

text_enum!(
    /// Where an email stands: waiting for its next attempt, delivered, or given up on.
    EmailStatus { Queued = "queued", Sent = "sent", Failed = "failed" }
);

impl EmailStatus {
    /// The status as a person reads it: "Queued", "Sent", "Failed".
    pub fn label(self) -> &'static str {
        match self {
            EmailStatus::Queued => "Queued",
            EmailStatus::Sent => "Sent",
            EmailStatus::Failed => "Failed",
        }
    }
}

/// One email in the outbox and how its delivery went (never its body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub id: String,
    /// What the email is for (`proposal`, `checkin`, `health_digest`…).
    pub kind: String,
    pub match_id: Option<String>,
    /// The recipients' addresses.
    pub to: Vec<String>,
    pub subject: String,
    pub status: EmailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due, while the email is queued.
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// The retry policy of the outbox.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub base: Duration,
    pub cap: Duration,
    pub max_attempts: u32,
}

/// What happens after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AfterFailure {
    /// Try again after this long.
    RetryIn(Duration),
    /// Give up: a coordinator may retry it by hand.
    GiveUp,
}

impl RetryPolicy {
    /// `attempts` counts every attempt so far, this failed one included; `permanent` is a
    /// refusal that retrying cannot change (an SMTP 5xx). `jitter` in `0.0..=1.0` spreads
    /// retries so that a recovering server is not hit by every email at once.
    pub fn after_failure(&self, attempts: u32, permanent: bool, jitter: f64) -> AfterFailure {
        if permanent || attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let exponent = attempts.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        // Half fixed, half random: never sooner than half the nominal delay.
        AfterFailure::RetryIn(full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(3600),
            max_attempts: 8,
        }
    }

    #[test]
    fn delays_grow_and_are_capped() {
        let p = policy();
        assert_eq!(
            p.after_failure(1, false, 1.0),
            AfterFailure::RetryIn(Duration::from_secs(30))
        );
        assert_eq!(
            p.after_failure(2, false, 1.0),
            AfterFailure::RetryIn(Duration::from_secs(60))
        );
        assert_eq!(
            p.after_failure(3, false, 0.0),
            AfterFailure::RetryIn(Duration::from_secs(60))
        );
        assert_eq!(
            p.after_failure(7, false, 1.0),
            AfterFailure::RetryIn(Duration::from_secs(1920))
        );
        let capped = RetryPolicy {
            max_attempts: 100,
            ..p
        };
        assert_eq!(
            capped.after_failure(60, false, 1.0),
            AfterFailure::RetryIn(Duration::from_secs(3600))
        );
    }

    #[test]
    fn gives_up_after_the_last_attempt_or_a_permanent_refusal() {
        let p = policy();
        assert_eq!(p.after_failure(8, false, 0.5), AfterFailure::GiveUp);
        assert_eq!(p.after_failure(1, true, 0.5), AfterFailure::GiveUp);
    }
}
