//! The check-in funnel per step: how many were planned, went out, were answered or expired.

use std::collections::BTreeMap;

use super::cohort::Month;
use super::{Cell, in_step_order, protect_cohorts};

/// Check-ins counted in the database for one step, cohort and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub step: String,
    pub cohort: Month,
    pub status: String,
    pub n: u64,
}

/// One step's check-ins by where they are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel {
    /// Planned, not yet due or not yet sent.
    pub scheduled: u64,
    /// Sent, waiting for an answer.
    pub sent: u64,
    pub answered: u64,
    pub expired: u64,
}

impl Funnel {
    fn add(&mut self, status: &str, n: u64) {
        match status {
            "scheduled" => self.scheduled += n,
            "sent" => self.sent += n,
            "answered" => self.answered += n,
            "expired" => self.expired += n,
            // Cancelled check-ins were never an invitation.
            _ => {}
        }
    }

    fn plus(mut self, other: Funnel) -> Funnel {
        self.scheduled += other.scheduled;
        self.sent += other.sent;
        self.answered += other.answered;
        self.expired += other.expired;
        self
    }

    /// Check-ins planned and not cancelled.
    pub fn invited(&self) -> u64 {
        self.scheduled + self.sent + self.answered + self.expired
    }

    /// Check-ins sent (and so answered, expired or still open).
    pub fn delivered(&self) -> u64 {
        self.sent + self.answered + self.expired
    }

    /// Answered of those sent; none before any was sent.
    pub fn response_rate(&self) -> Option<f64> {
        let delivered = self.delivered();
        (delivered > 0).then(|| self.answered as f64 / delivered as f64)
    }
}

/// Each step's funnel within one cohort or all of them. The people invited are the cell's
/// respondents: a cohort with fewer is hidden, and so is another when the total is shown.
pub fn funnel(
    counts: &[Count],
    steps: &[String],
    cohort: Option<Month>,
    min_cell: u64,
) -> Vec<(String, Cell<Funnel>)> {
    let keys = in_step_order(steps, counts.iter().map(|c| c.step.clone()));
    keys.into_iter()
        .filter_map(|step| {
            let mut by_cohort: BTreeMap<Month, Funnel> = BTreeMap::new();
            for c in counts.iter().filter(|c| c.step == step) {
                by_cohort.entry(c.cohort).or_default().add(&c.status, c.n);
            }
            let invited: BTreeMap<Month, u64> =
                by_cohort.iter().map(|(m, f)| (*m, f.invited())).collect();
            let (hidden, total_hidden) = protect_cohorts(&invited, |_| None, |_| false, min_cell);
            let (value, is_hidden) = match cohort {
                None => (
                    by_cohort
                        .values()
                        .fold(Funnel::default(), |a, f| a.plus(*f)),
                    total_hidden,
                ),
                Some(m) => (*by_cohort.get(&m)?, hidden.contains(&m)),
            };
            let cell = if is_hidden {
                Cell::Suppressed
            } else {
                Cell::Shown(value)
            };
            Some((step, cell))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(step: &str, cohort: &str, status: &str, n: u64) -> Count {
        Count {
            step: step.into(),
            cohort: Month::parse(cohort).expect("test value"),
            status: status.into(),
            n,
        }
    }

    #[test]
    fn funnels_add_up_and_small_cohorts_hide() {
        let counts = vec![
            count("day14", "2026-01", "answered", 6),
            count("day14", "2026-01", "expired", 4),
            count("day14", "2026-01", "cancelled", 3),
            count("day14", "2026-02", "sent", 2),
            count("day14", "2026-03", "scheduled", 9),
            count("month1", "2026-01", "scheduled", 8),
        ];
        let steps = vec!["day14".to_string(), "month1".to_string()];
        let all = funnel(&counts, &steps, None, 5);
        let Cell::Shown(day14) = all[0].1 else {
            panic!("{all:?}")
        };
        assert_eq!(
            (day14.invited(), day14.delivered(), day14.answered),
            (21, 12, 6)
        );
        assert_eq!(day14.response_rate(), Some(0.5));
        let feb = funnel(
            &counts,
            &steps,
            Some(Month::parse("2026-02").expect("test value")),
            5,
        );
        assert_eq!(feb, vec![("day14".to_string(), Cell::Suppressed)]);
        // March (9) is the next smallest: hidden with February, so 21 − 10 gives neither.
        let mar = funnel(
            &counts,
            &steps,
            Some(Month::parse("2026-03").expect("test value")),
            5,
        );
        assert_eq!(mar[0].1, Cell::Suppressed);
        let jan = funnel(
            &counts,
            &steps,
            Some(Month::parse("2026-01").expect("test value")),
            5,
        );
        assert!(!jan[0].1.is_suppressed());
        assert_eq!(jan.len(), 2);
    }
}
