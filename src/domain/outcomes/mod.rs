//! Outcomes for programme leads: belonging over the first year, check-in response, answers
//! per question and first-year retention, each with small cells suppressed.
//!
//! The database counts (see the store); everything here works on those counts: margins,
//! suppression (including by subtraction), means and Kaplan–Meier curves.

pub mod belonging;
pub mod cohort;
pub mod funnel;
pub mod publication;
pub mod questions;
pub mod retention;
pub mod suppression;

use std::collections::{BTreeMap, BTreeSet};

use cohort::Month;
use suppression::{Answers, Figures};

/// A published mean, to one decimal on its scale (3.4 of 5): the exact mean of a group
/// whose size is shown would give away a newcomer's answer by difference.
pub fn one_decimal(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// A published share (0–1), to one decimal of a percent: 0.4567 is 0.457 (45.7%).
pub fn share_one_decimal(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// A published figure, or the fact that it is hidden to protect the few people behind it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<T> {
    Shown(T),
    Suppressed,
}

impl<T> Cell<T> {
    pub fn shown(&self) -> Option<&T> {
        match self {
            Cell::Shown(v) => Some(v),
            Cell::Suppressed => None,
        }
    }

    pub fn is_suppressed(&self) -> bool {
        matches!(self, Cell::Suppressed)
    }
}

/// How many answered, and their mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mean {
    pub n: u64,
    pub mean: f64,
}

/// What the belonging trend is broken down by: a profile field of the respondent, or the
/// cohort (the month their match was approved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupBy {
    Site,
    Shift,
    Profession,
    Specialty,
    Cohort,
}

impl GroupBy {
    pub const ALL: [GroupBy; 5] = [
        GroupBy::Site,
        GroupBy::Shift,
        GroupBy::Profession,
        GroupBy::Specialty,
        GroupBy::Cohort,
    ];

    pub fn parse(input: &str) -> Result<Self, String> {
        GroupBy::ALL
            .into_iter()
            .find(|g| g.as_str() == input.trim())
            .ok_or_else(|| "must be one of site, shift, profession, specialty, cohort".into())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Site => "site",
            GroupBy::Shift => "shift",
            GroupBy::Profession => "profession",
            GroupBy::Specialty => "specialty",
            GroupBy::Cohort => "cohort",
        }
    }

    /// The profile field's position in [`belonging::Count::groups`]; none for cohorts.
    fn field(self) -> Option<usize> {
        match self {
            GroupBy::Site => Some(0),
            GroupBy::Shift => Some(1),
            GroupBy::Profession => Some(2),
            GroupBy::Specialty => Some(3),
            GroupBy::Cohort => None,
        }
    }
}

/// Figures split by cohort with their total: which cohorts to hide, and whether the total
/// is hidden. `respondents` gives the people behind a cohort's figure (`None`: the total),
/// when that differs from its count; `forced` cohorts (and the total) are hidden whatever
/// their size.
pub fn protect_cohorts(
    counts: &BTreeMap<Month, u64>,
    respondents: impl Fn(Option<Month>) -> Option<u64>,
    forced: impl Fn(Option<Month>) -> bool,
    min_cell: u64,
) -> (BTreeSet<Month>, bool) {
    let answers: BTreeMap<Month, (u64, Answers)> = counts
        .iter()
        .map(|(m, n)| (*m, (*n, Answers::new())))
        .collect();
    protect(&answers, respondents, forced, min_cell)
}

/// As [`protect_cohorts`], for figures made of answers: a cohort (or the total) whose
/// answers are all, or all but one, alike is hidden too, with its complement.
pub fn protect_cohort_answers(
    answers: &BTreeMap<Month, Answers>,
    respondents: impl Fn(Option<Month>) -> Option<u64>,
    forced: impl Fn(Option<Month>) -> bool,
    min_cell: u64,
) -> (BTreeSet<Month>, bool) {
    let answers: BTreeMap<Month, (u64, Answers)> = answers
        .iter()
        .map(|(m, a)| (*m, (a.values().sum(), a.clone())))
        .collect();
    protect(&answers, respondents, forced, min_cell)
}

fn protect(
    counts: &BTreeMap<Month, (u64, Answers)>,
    respondents: impl Fn(Option<Month>) -> Option<u64>,
    forced: impl Fn(Option<Month>) -> bool,
    min_cell: u64,
) -> (BTreeSet<Month>, bool) {
    let mut figures = Figures::new();
    let add = |figures: &mut Figures, n: u64, answers: &Answers, people: u64| {
        if answers.is_empty() {
            figures.add_counted(n, people)
        } else {
            figures.add_answers(answers, people)
        }
    };
    let all: u64 = counts.values().map(|(n, _)| n).sum();
    let mut all_answers = Answers::new();
    for (_, a) in counts.values() {
        for (v, n) in a {
            *all_answers.entry(*v).or_default() += n;
        }
    }
    let total = add(
        &mut figures,
        all,
        &all_answers,
        respondents(None).unwrap_or(all),
    );
    if forced(None) {
        figures.force(total);
    }
    let parts: Vec<(Month, usize)> = counts
        .iter()
        .map(|(m, (n, a))| {
            let i = add(&mut figures, *n, a, respondents(Some(*m)).unwrap_or(*n));
            if forced(Some(*m)) {
                figures.force(i);
            }
            (*m, i)
        })
        .collect();
    figures.relate(total, parts.iter().map(|(_, i)| *i).collect());
    let hidden = figures.protect(min_cell);
    (
        parts
            .iter()
            .filter(|(_, i)| hidden[*i])
            .map(|(m, _)| *m)
            .collect(),
        hidden[total],
    )
}

/// Orders step keys as configured; steps no longer configured come after, by key.
pub fn in_step_order(steps: &[String], keys: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> = keys
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    keys.sort_by_key(|k| {
        (
            steps.iter().position(|s| s == k).unwrap_or(usize::MAX),
            k.clone(),
        )
    });
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohorts_protect_each_other() {
        let m = |s: &str| Month::parse(s).expect("test value");
        let counts = BTreeMap::from([(m("2026-01"), 12), (m("2026-02"), 3), (m("2026-03"), 8)]);
        let (hidden, total) = protect_cohorts(&counts, |_| None, |_| false, 5);
        assert_eq!(hidden, BTreeSet::from([m("2026-02"), m("2026-03")]));
        assert!(!total);
        let counts = BTreeMap::from([(m("2026-01"), 12), (m("2026-02"), 9), (m("2026-03"), 8)]);
        let (hidden, _) = protect_cohorts(&counts, |_| None, |c| c == Some(m("2026-01")), 5);
        assert_eq!(
            hidden,
            BTreeSet::from([m("2026-01"), m("2026-03")]),
            "a forced cohort needs a complement too"
        );
    }

    #[test]
    fn steps_in_configured_order() {
        let steps: Vec<String> = ["day14", "month1", "month3"].map(String::from).into();
        let keys = ["month3", "old", "day14", "month3"].map(String::from);
        assert_eq!(in_step_order(&steps, keys), ["day14", "month3", "old"]);
    }
}
