//! Answers per question: how many chose each answer, per step and respondent role, for the
//! diverging bars. Free-text answers are shown only to groups of `min_cell_text` or more.

use std::collections::BTreeMap;

use super::cohort::Month;
use super::suppression::{Answers, alike};
use super::{Cell, protect_cohort_answers};

/// Answers counted in the database for one question, role, step, cohort (`None`: counted
/// over every cohort at once) and answer value.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub question: String,
    pub role: String,
    pub step: String,
    pub cohort: Option<Month>,
    pub value: f64,
    pub n: u64,
}

/// The people who answered a question asked of one role at one step, within one cohort or
/// (`None`) in all. A mentor answers for each of their mentees: people, not answers, are
/// what small-cell suppression counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Respondents {
    pub question: String,
    pub role: String,
    pub step: String,
    pub cohort: Option<Month>,
    pub n: u64,
}

/// A question asked of one role at one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub question: String,
    pub role: String,
    pub step: String,
}

/// How many chose each answer (whole-number answers: a scale point, or 1 for yes, 0 for no).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    pub n: u64,
    pub counts: Answers,
}

impl Distribution {
    fn add(&mut self, value: i64, n: u64) {
        self.n += n;
        *self.counts.entry(value).or_default() += n;
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let sum: f64 = self.counts.iter().map(|(v, n)| *v as f64 * *n as f64).sum();
        sum / self.n as f64
    }

    pub fn count(&self, value: i64) -> u64 {
        self.counts.get(&value).copied().unwrap_or(0)
    }
}

/// The distribution of each asked question that has answers, in the order asked, within
/// one cohort or all. A distribution where all, or all but one, gave the same answer ("Yes 6
/// of 6") is hidden like a small one. `forced` says which totals (of a cohort, or of all under `None`) are
/// hidden in another report that shows the same answers; they stay hidden here.
///
/// For all cohorts the counts need no cohort: the total is hidden exactly when it rests on
/// too few people or is forced (hiding cohorts never requires hiding their total, as long as
/// one other cohort is shown or two are hidden). Within one cohort, the cohorts and their
/// total are protected together, so `counts` must then come per cohort.
pub fn distributions(
    counts: &[Count],
    respondents: &[Respondents],
    asked: &[Asked],
    cohort: Option<Month>,
    min_cell: u64,
    forced: impl Fn(&Asked, Option<Month>) -> bool,
) -> Vec<(Asked, Cell<Distribution>)> {
    type ByCohort = BTreeMap<Option<Month>, Distribution>;
    let mut by_key: BTreeMap<(&str, &str, &str), ByCohort> = BTreeMap::new();
    for c in counts {
        by_key
            .entry((&c.question, &c.role, &c.step))
            .or_default()
            .entry(c.cohort)
            .or_default()
            .add(c.value.round() as i64, c.n);
    }
    asked
        .iter()
        .filter_map(|a| {
            let by_cohort = by_key.get(&(a.question.as_str(), a.role.as_str(), a.step.as_str()))?;
            let people = |m: Option<Month>| {
                respondents
                    .iter()
                    .find(|r| {
                        r.cohort == m
                            && r.question == a.question
                            && r.role == a.role
                            && r.step == a.step
                    })
                    .map(|r| r.n)
            };
            let (value, is_hidden) = match cohort {
                None => {
                    let mut all = Distribution::default();
                    for d in by_cohort.values() {
                        for (v, n) in &d.counts {
                            all.add(*v, *n);
                        }
                    }
                    let hidden = forced(a, None)
                        || people(None).unwrap_or(all.n) < min_cell
                        || alike(&all.counts);
                    (all, hidden)
                }
                Some(m) => {
                    let answers: BTreeMap<Month, Answers> = by_cohort
                        .iter()
                        .filter_map(|(c, d)| c.map(|c| (c, d.counts.clone())))
                        .collect();
                    let (hidden, _) =
                        protect_cohort_answers(&answers, people, |m| forced(a, m), min_cell);
                    (by_cohort.get(&Some(m))?.clone(), hidden.contains(&m))
                }
            };
            let cell = if is_hidden {
                Cell::Suppressed
            } else {
                Cell::Shown(value)
            };
            Some((a.clone(), cell))
        })
        .collect()
}

/// Whether free text from a group of `respondents` may be shown.
pub fn comments_visible(respondents: u64, min_cell_text: u64) -> bool {
    respondents >= min_cell_text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(question: &str, cohort: &str, value: f64, n: u64) -> Count {
        Count {
            question: question.into(),
            role: "mentee".into(),
            step: "month1".into(),
            cohort: Some(Month::parse(cohort).expect("test value")),
            value,
            n,
        }
    }

    fn asked(question: &str) -> Asked {
        Asked {
            question: question.into(),
            role: "mentee".into(),
            step: "month1".into(),
        }
    }

    #[test]
    fn distributions_per_cohort_and_overall() {
        let counts = vec![
            count("belonging", "2026-01", 4.0, 3),
            count("belonging", "2026-01", 5.0, 3),
            count("belonging", "2026-02", 2.0, 2),
            count("belonging", "2026-03", 3.0, 7),
            count("met", "2026-01", 1.0, 6),
        ];
        let questions = [asked("belonging"), asked("met"), asked("fit")];
        let all = distributions(&counts, &[], &questions, None, 5, |_, _| false);
        assert_eq!(all.len(), 2, "no answers, no row");
        let Cell::Shown(b) = &all[0].1 else { panic!() };
        assert_eq!((b.n, b.count(4), b.count(2)), (15, 3, 2));
        assert!((b.mean() - (12.0 + 15.0 + 4.0 + 21.0) / 15.0).abs() < 1e-9);
        let feb = distributions(
            &counts,
            &[],
            &questions,
            Some(Month::parse("2026-02").expect("test value")),
            5,
            |_, _| false,
        );
        assert_eq!(feb[0].1, Cell::Suppressed);
        let jan = distributions(
            &counts,
            &[],
            &questions,
            Some(Month::parse("2026-01").expect("test value")),
            5,
            |_, _| false,
        );
        assert!(
            !jan[0].1.is_suppressed(),
            "March (seven who all answered 3) is hidden as alike, and with February (2) it \
             leaves nothing to subtract: January needs no complement"
        );
        let mar = distributions(
            &counts,
            &[],
            &questions,
            Some(Month::parse("2026-03").expect("test value")),
            5,
            |_, _| false,
        );
        assert_eq!(mar[0].1, Cell::Suppressed, "3 of 7, 7 of 7");
        assert_eq!(jan[1].1, Cell::Suppressed, "Yes, 6 of 6");
        let forced = distributions(&counts, &[], &questions, None, 5, |a, m| {
            a.question == "belonging" && m.is_none()
        });
        assert_eq!(forced[0].1, Cell::Suppressed);
    }

    /// Everyone but one answered alike: hidden overall, and within a cohort with a
    /// complement, so that the whole programme minus the other cohorts does not tell it.
    #[test]
    fn all_but_one_alike_is_hidden_under_every_filter() {
        let counts = vec![
            count("met", "2026-01", 1.0, 7),
            count("met", "2026-01", 0.0, 1),
            count("met", "2026-02", 1.0, 4),
            count("met", "2026-02", 0.0, 3),
            count("met", "2026-03", 1.0, 3),
            count("met", "2026-03", 0.0, 3),
        ];
        let month = |m: &str| Some(Month::parse(m).expect("month"));
        let of = |cohort| distributions(&counts, &[], &[asked("met")], cohort, 5, |_, _| false);
        assert!(!of(None)[0].1.is_suppressed(), "14 yes, 7 no");
        assert_eq!(of(month("2026-01"))[0].1, Cell::Suppressed, "7 yes, 1 no");
        let hidden = ["2026-02", "2026-03"]
            .iter()
            .filter(|m| of(month(m))[0].1.is_suppressed())
            .count();
        assert_eq!(hidden, 1, "one complement for January");
        let alike = vec![
            count("met", "2026-01", 1.0, 9),
            count("met", "2026-01", 0.0, 1),
        ];
        let all = distributions(&alike, &[], &[asked("met")], None, 5, |_, _| false);
        assert_eq!(all[0].1, Cell::Suppressed, "9 yes, 1 no");
    }

    #[test]
    fn comments_need_a_larger_group() {
        assert!(!comments_visible(9, 10));
        assert!(comments_visible(10, 10));
    }

    #[test]
    fn a_mentor_answering_for_two_mentees_is_one_person() {
        let counts = vec![
            count("fit", "2026-01", 4.0, 6),
            count("fit", "2026-02", 5.0, 9),
        ];
        let people = |cohort: Option<&str>, n: u64| Respondents {
            question: "fit".into(),
            role: "mentee".into(),
            step: "month1".into(),
            cohort: cohort.map(|c| Month::parse(c).expect("month")),
            n,
        };
        let respondents = [
            people(Some("2026-01"), 3),
            people(Some("2026-02"), 9),
            people(None, 12),
        ];
        let jan = distributions(
            &counts,
            &respondents,
            &[asked("fit")],
            Some(Month::parse("2026-01").expect("month")),
            5,
            |_, _| false,
        );
        assert_eq!(jan[0].1, Cell::Suppressed, "six answers from three people");
        let all = distributions(&counts, &respondents, &[asked("fit")], None, 5, |_, _| {
            false
        });
        assert!(!all[0].1.is_suppressed());
    }
}
