//! The hard rules: a pair that breaks one is never proposed, whatever its score.

use std::collections::BTreeMap;

/// One hard rule, with a stable code for APIs and a phrase for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The mentee and the mentor are the same person.
    SamePerson,
    MentorPaused,
    /// `capacity − active_mentees` (less places held by open proposals) is zero.
    NoCapacity,
    /// Different professions, and the settings do not allow this pair of professions.
    Profession,
    /// The mentor has fewer years of experience than the settings ask.
    MentorExperience,
    /// The mentor is the mentee's manager.
    Manager,
    /// The pair was rejected or ended before.
    PreviousPair,
    /// The pair scores below the minimum score.
    MinScore,
    /// The mentee is not waiting for a mentor (matched or withdrawn).
    MenteeNotWaiting,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::SamePerson => "same_person",
            Rule::MentorPaused => "mentor_paused",
            Rule::NoCapacity => "mentor_capacity",
            Rule::Profession => "profession",
            Rule::MentorExperience => "mentor_experience",
            Rule::Manager => "manager_conflict",
            Rule::PreviousPair => "previous_pair",
            Rule::MinScore => "min_score",
            Rule::MenteeNotWaiting => "mentee_not_waiting",
        }
    }

    /// The rule as a sentence about one pair.
    pub fn sentence(self) -> &'static str {
        match self {
            Rule::SamePerson => "the mentee and the mentor are the same person",
            Rule::MentorPaused => "the mentor is paused",
            Rule::NoCapacity => "the mentor has no capacity left",
            Rule::Profession => {
                "the mentor is of another profession, which the matching settings do not allow for this mentee"
            }
            Rule::MentorExperience => {
                "the mentor has fewer years of experience than the matching settings ask"
            }
            Rule::Manager => "the mentor is the mentee's manager",
            Rule::PreviousPair => "this pair was rejected or ended before",
            Rule::MinScore => "the pair scores below the minimum score",
            Rule::MenteeNotWaiting => "the mentee is not waiting for a mentor",
        }
    }

    /// "N excluded as manager"-style phrase for a count of mentors.
    fn counted(self, n: usize) -> String {
        let s = if n == 1 { "" } else { "s" };
        match self {
            Rule::SamePerson => format!("{n} is the mentee themself"),
            Rule::MentorPaused => format!("{n} paused"),
            Rule::NoCapacity => format!("{n} with no capacity left"),
            Rule::Profession => format!("{n} of another profession"),
            Rule::MentorExperience => format!("{n} with too little experience"),
            Rule::Manager => format!("{n} excluded as manager"),
            Rule::PreviousPair => format!("{n} paired before (rejected or ended)"),
            Rule::MinScore => format!("{n} below the minimum score"),
            Rule::MenteeNotWaiting => format!("{n} mentee{s} not waiting"),
        }
    }
}

/// How many mentors each rule excluded for one mentee.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions(BTreeMap<Rule, usize>);

impl Exclusions {
    pub fn add(&mut self, rule: Rule, n: usize) {
        if n > 0 {
            *self.0.entry(rule).or_default() += n;
        }
    }

    pub fn total(&self) -> usize {
        self.0.values().sum()
    }

    pub fn count(&self, rule: Rule) -> usize {
        self.0.get(&rule).copied().unwrap_or(0)
    }

    /// "no eligible mentor: 2 excluded as manager, 14 below the minimum score".
    pub fn no_eligible_mentor(&self) -> String {
        if self.0.is_empty() {
            return "no eligible mentor: there are no mentors to consider".into();
        }
        let parts: Vec<String> = self.0.iter().map(|(rule, n)| rule.counted(*n)).collect();
        format!("no eligible mentor: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_naturally() {
        let mut e = Exclusions::default();
        e.add(Rule::MinScore, 14);
        e.add(Rule::Manager, 2);
        e.add(Rule::Profession, 0);
        assert_eq!(
            e.no_eligible_mentor(),
            "no eligible mentor: 2 excluded as manager, 14 below the minimum score"
        );
        assert_eq!(e.total(), 16);
        assert!(
            Exclusions::default()
                .no_eligible_mentor()
                .contains("no mentors")
        );
    }
}
