//! When outcome figures may change. A coordinator who reads the outcomes, sees one more
//! check-in answered (the check-ins list shows who and when) and reads again would learn that
//! person's answer from the difference. So figures are not live: answers enter them in
//! publications, each of a step, cohort and respondent role, and a publication takes at least
//! `min_cell` newly answered check-ins at once. Between two reads the figures either do not
//! change or change by a group at least as large as the smallest group ever shown.
//!
//! A step that has closed for a cohort (every check-in answered, expired or cancelled) is not
//! published on closing alone: its last few answers would move the programme's totals by
//! fewer than `min_cell`, which is the difference the rule exists to prevent. They wait, like
//! any other answers, for enough company.

/// One step, cohort and role: what is published and what has arrived since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Answered check-ins already in the figures.
    pub published: u64,
    /// Answered check-ins not yet in them.
    pub waiting: u64,
}

/// Whether the waiting answers may be published now: only together with at least `min_cell`
/// others, so that no two published figures differ by fewer.
pub fn may_publish(unit: Unit, min_cell: u64) -> bool {
    unit.waiting > 0 && unit.waiting >= min_cell.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn answers_are_published_in_groups_of_min_cell() {
        let unit = |published, waiting| Unit { published, waiting };
        assert!(!may_publish(unit(0, 0), 5));
        assert!(!may_publish(unit(0, 4), 5), "four: not yet");
        assert!(may_publish(unit(0, 5), 5));
        assert!(
            !may_publish(unit(17, 1), 5),
            "one more answer never shows alone"
        );
        assert!(!may_publish(unit(17, 4), 5));
        assert!(may_publish(unit(17, 6), 5));
        assert!(
            !may_publish(unit(0, 0), 0),
            "nothing to publish, whatever the threshold"
        );
    }

    proptest! {
        /// Answers arriving one by one and read after each: every change of the published
        /// count is by `min_cell` or more, and no more than `min_cell − 1` ever wait.
        #[test]
        fn published_figures_move_by_groups(arrivals in 1u64..200, min_cell in 1u64..12) {
            let mut published = 0;
            let mut changes = Vec::new();
            for answered in 1..=arrivals {
                let unit = Unit { published, waiting: answered - published };
                if may_publish(unit, min_cell) {
                    changes.push(answered - published);
                    published = answered;
                }
                prop_assert!(answered - published < min_cell);
            }
            prop_assert!(changes.iter().all(|&c| c >= min_cell), "{changes:?}");
        }
    }
}
