//! The belonging trend: the mean answer to the belonging question at each step, overall, by
//! cohort, or by a profile field of the respondent.
//!
//! Every way of slicing one step is protected together, as one system of figures: the step's
//! total, each cohort's total, and for each of the four profile fields its groups overall and
//! within each cohort. A figure hidden in one slicing is hidden in every other that shows it,
//! so no combination of filters (a cohort and a group, two group-bys, a total) lets anyone
//! compute a hidden figure by subtraction.

use std::collections::BTreeMap;

use super::cohort::Month;
use super::suppression::{Answers, Figures};
use super::{Cell, GroupBy, Mean, in_step_order, one_decimal};

/// Answers counted in the database for one step, cohort and combination of the respondents'
/// site, shift, profession and specialty.
#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub step: String,
    pub cohort: Month,
    /// Site, shift, profession and specialty codes.
    pub groups: [String; 4],
    pub n: u64,
    pub sum: f64,
    /// How many gave each answer (the scale point): a group whose answers are all, or all
    /// but one, alike is hidden.
    pub answers: Answers,
}

/// An answer of someone who answered a step more than once (in two matches, after being
/// re-matched): where it falls, so that the figures it adds to count that person once.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeat {
    pub step: String,
    pub person: String,
    pub cohort: Month,
    /// Site, shift, profession and specialty codes.
    pub groups: [String; 4],
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Sum {
    n: u64,
    sum: f64,
    answers: Answers,
}

impl Sum {
    fn add(&mut self, c: &Count) {
        self.n += c.n;
        self.sum += c.sum;
        for (v, n) in &c.answers {
            *self.answers.entry(*v).or_default() += n;
        }
    }

    /// The mean as published: to one decimal.
    fn mean(&self) -> Mean {
        Mean {
            n: self.n,
            mean: if self.n == 0 {
                0.0
            } else {
                one_decimal(self.sum / self.n as f64)
            },
        }
    }
}

/// One step's figures and which of them are hidden.
#[derive(Debug, Clone)]
struct StepTable {
    step: String,
    sums: Vec<Sum>,
    hidden: Vec<bool>,
    total: usize,
    cohorts: BTreeMap<Month, usize>,
    /// Per profile field: each group overall.
    groups: [BTreeMap<String, usize>; 4],
    /// Per profile field: each group within each cohort.
    cells: [BTreeMap<(Month, String), usize>; 4],
}

impl StepTable {
    fn build(step: String, counts: &[&Count], repeats: &[&Repeat], min_cell: u64) -> StepTable {
        let mut total = Sum::default();
        let mut cohorts: BTreeMap<Month, Sum> = BTreeMap::new();
        let mut groups: [BTreeMap<String, Sum>; 4] = Default::default();
        let mut cells: [BTreeMap<(Month, String), Sum>; 4] = Default::default();
        for c in counts {
            total.add(c);
            cohorts.entry(c.cohort).or_default().add(c);
            for f in 0..4 {
                groups[f].entry(c.groups[f].clone()).or_default().add(c);
                cells[f]
                    .entry((c.cohort, c.groups[f].clone()))
                    .or_default()
                    .add(c);
            }
        }
        let mut sums = Vec::new();
        let mut add = |s: Sum| {
            sums.push(s);
            sums.len() - 1
        };
        let total_id = add(total);
        let cohort_ids: BTreeMap<Month, usize> =
            cohorts.iter().map(|(m, s)| (*m, add(s.clone()))).collect();
        let group_ids: [BTreeMap<String, usize>; 4] = std::array::from_fn(|f| {
            groups[f]
                .iter()
                .map(|(g, s)| (g.clone(), add(s.clone())))
                .collect()
        });
        let cell_ids: [BTreeMap<(Month, String), usize>; 4] = std::array::from_fn(|f| {
            cells[f]
                .iter()
                .map(|(k, s)| (k.clone(), add(s.clone())))
                .collect()
        });
        // People, not answers: someone counted k times in a figure is one respondent.
        let mut respondents: Vec<u64> = sums.iter().map(|s| s.n).collect();
        let mut by_person: BTreeMap<&str, Vec<&Repeat>> = BTreeMap::new();
        for r in repeats {
            by_person.entry(&r.person).or_default().push(r);
        }
        for answers in by_person.values() {
            let mut times: BTreeMap<usize, u64> = BTreeMap::new();
            for r in answers {
                let mut figures = vec![total_id];
                figures.extend(cohort_ids.get(&r.cohort));
                for f in 0..4 {
                    figures.extend(group_ids[f].get(&r.groups[f]));
                    figures.extend(cell_ids[f].get(&(r.cohort, r.groups[f].clone())));
                }
                for i in figures {
                    *times.entry(i).or_default() += 1;
                }
            }
            for (i, k) in times {
                respondents[i] = respondents[i].saturating_sub(k.saturating_sub(1));
            }
        }
        let mut figures = Figures::new();
        for (s, r) in sums.iter().zip(&respondents) {
            if s.answers.is_empty() {
                figures.add_counted(s.n, *r);
            } else {
                figures.add_answers(&s.answers, *r);
            }
        }
        figures.relate(total_id, cohort_ids.values().copied().collect());
        for f in 0..4 {
            figures.relate(total_id, group_ids[f].values().copied().collect());
            for (m, &cohort) in &cohort_ids {
                let parts = cell_ids[f]
                    .iter()
                    .filter(|((cm, _), _)| cm == m)
                    .map(|(_, &i)| i)
                    .collect();
                figures.relate(cohort, parts);
            }
            for (g, &group) in &group_ids[f] {
                let parts = cell_ids[f]
                    .iter()
                    .filter(|((_, cg), _)| cg == g)
                    .map(|(_, &i)| i)
                    .collect();
                figures.relate(group, parts);
            }
        }
        let hidden = figures.protect(min_cell);
        StepTable {
            step,
            sums,
            hidden,
            total: total_id,
            cohorts: cohort_ids,
            groups: group_ids,
            cells: cell_ids,
        }
    }

    fn cell(&self, figure: usize) -> Cell<Mean> {
        if self.hidden[figure] {
            Cell::Suppressed
        } else {
            Cell::Shown(self.sums[figure].mean())
        }
    }

    /// The step's total, or one cohort's.
    fn total_for(&self, cohort: Option<Month>) -> Option<usize> {
        match cohort {
            None => Some(self.total),
            Some(m) => self.cohorts.get(&m).copied(),
        }
    }
}

/// One point of the trend: a step and a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub step: String,
    pub group: String,
    pub cell: Cell<Mean>,
}

/// What one slicing shows: a point per step and group with answers, and each step's total.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    pub points: Vec<Point>,
    pub totals: Vec<(String, Cell<Mean>)>,
}

/// The belonging answers of every step, protected once for every slicing.
#[derive(Debug, Clone)]
pub struct Belonging {
    steps: Vec<StepTable>,
}

impl Belonging {
    /// `steps` is the configured order of the steps; `repeats` are the answers of people
    /// who answered a step more than once.
    pub fn new(counts: &[Count], repeats: &[Repeat], steps: &[String], min_cell: u64) -> Self {
        let keys = in_step_order(steps, counts.iter().map(|c| c.step.clone()));
        Belonging {
            steps: keys
                .into_iter()
                .map(|step| {
                    let of_step: Vec<&Count> = counts.iter().filter(|c| c.step == step).collect();
                    let repeated: Vec<&Repeat> =
                        repeats.iter().filter(|r| r.step == step).collect();
                    StepTable::build(step, &of_step, &repeated, min_cell)
                })
                .collect(),
        }
    }

    /// The cohorts with answers, oldest first.
    pub fn cohorts(&self) -> Vec<Month> {
        let mut all: Vec<Month> = self
            .steps
            .iter()
            .flat_map(|s| s.cohorts.keys().copied())
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// Whether the step's total (of one cohort, or of all) is hidden.
    pub fn is_hidden(&self, step: &str, cohort: Option<Month>) -> bool {
        self.steps
            .iter()
            .find(|s| s.step == step)
            .and_then(|s| s.total_for(cohort).map(|i| s.hidden[i]))
            .unwrap_or(false)
    }

    /// The points and totals for a group-by (none: one point per step, group `all`) within
    /// one cohort or all of them.
    pub fn view(&self, group_by: Option<GroupBy>, cohort: Option<Month>) -> View {
        let mut view = View::default();
        for s in &self.steps {
            let Some(total) = s.total_for(cohort) else {
                continue;
            };
            view.totals.push((s.step.clone(), s.cell(total)));
            let point = |group: String, figure: usize| Point {
                step: s.step.clone(),
                group,
                cell: s.cell(figure),
            };
            match group_by.map(|g| (g, g.field())) {
                None => view.points.push(point("all".into(), total)),
                Some((_, None)) => view.points.extend(
                    s.cohorts
                        .iter()
                        .filter(|(m, _)| cohort.is_none_or(|c| c == **m))
                        .map(|(m, &i)| point(m.to_string(), i)),
                ),
                Some((_, Some(f))) => match cohort {
                    None => view
                        .points
                        .extend(s.groups[f].iter().map(|(g, &i)| point(g.clone(), i))),
                    Some(m) => view.points.extend(
                        s.cells[f]
                            .iter()
                            .filter(|((cm, _), _)| *cm == m)
                            .map(|((_, g), &i)| point(g.clone(), i)),
                    ),
                },
            }
        }
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).expect("test value")
    }

    /// `n` answers with this mean, spread so that they are not alike: one a point below,
    /// one a point above, the rest at the mean (fewer than three: all at the mean).
    fn count(step: &str, cohort: &str, site: &str, shift: &str, n: u64, mean: f64) -> Count {
        let at = mean.round() as i64;
        let answers: Answers = if n >= 3 && (mean - at as f64).abs() < 1e-9 {
            [(at - 1, 1), (at, n - 2), (at + 1, 1)]
                .into_iter()
                .collect()
        } else {
            [(at, n)].into_iter().collect()
        };
        Count {
            step: step.into(),
            cohort: m(cohort),
            groups: [
                site.into(),
                shift.into(),
                "registered_nurse".into(),
                "emergency".into(),
            ],
            n,
            sum: mean * n as f64,
            answers,
        }
    }

    fn steps() -> Vec<String> {
        vec!["month1".into(), "month3".into()]
    }

    fn shown(view: &View, group: &str) -> Option<Mean> {
        view.points
            .iter()
            .find(|p| p.group == group)
            .and_then(|p| p.cell.shown().copied())
    }

    #[test]
    fn means_per_group_and_total() {
        let counts = vec![
            count("month1", "2026-01", "north", "day", 6, 4.0),
            count("month1", "2026-01", "south", "day", 5, 3.0),
            count("month1", "2026-02", "south", "night", 6, 2.0),
        ];
        let b = Belonging::new(&counts, &[], &steps(), 5);
        let by_site = b.view(Some(GroupBy::Site), None);
        assert_eq!(shown(&by_site, "north"), Some(Mean { n: 6, mean: 4.0 }));
        assert_eq!(
            shown(&by_site, "south"),
            Some(Mean { n: 11, mean: 2.5 }),
            "27 / 11 = 2.4545…, published to one decimal"
        );
        assert_eq!(
            by_site.totals,
            vec![("month1".into(), Cell::Shown(Mean { n: 17, mean: 3.0 }))]
        );
        let overall = b.view(None, None);
        assert_eq!(overall.points.len(), 1);
        assert_eq!(overall.points[0].group, "all");
        assert_eq!(b.cohorts(), [m("2026-01"), m("2026-02")]);
    }

    /// January has 4 answers from the south site: hidden. January's total and its other
    /// sites are shown, so one more January site must go (north, the next smallest whose
    /// column can take it); then north overall minus north in January would give February's
    /// north, and so on round the cycle: four cells hidden, nothing computable, the rest shown.
    #[test]
    fn a_cohort_filter_cannot_reveal_a_group_by_subtraction() {
        let counts = vec![
            count("month1", "2026-01", "north", "day", 6, 4.0),
            count("month1", "2026-01", "south", "day", 4, 3.0),
            count("month1", "2026-01", "community", "night", 7, 3.0),
            count("month1", "2026-02", "north", "day", 8, 4.0),
            count("month1", "2026-02", "south", "night", 9, 2.0),
            count("month1", "2026-02", "community", "night", 6, 5.0),
        ];
        let b = Belonging::new(&counts, &[], &steps(), 5);
        let hidden = |v: &View| -> Vec<String> {
            v.points
                .iter()
                .filter(|p| p.cell.is_suppressed())
                .map(|p| p.group.clone())
                .collect()
        };
        let jan = b.view(Some(GroupBy::Site), Some(m("2026-01")));
        assert_eq!(hidden(&jan), ["north", "south"]);
        assert_eq!(shown(&jan, "community"), Some(Mean { n: 7, mean: 3.0 }));
        assert!(!jan.totals[0].1.is_suppressed());
        let feb = b.view(Some(GroupBy::Site), Some(m("2026-02")));
        assert_eq!(hidden(&feb), ["north", "south"]);
        let overall = b.view(Some(GroupBy::Site), None);
        assert!(hidden(&overall).is_empty(), "{overall:?}");
        assert_eq!(
            shown(&overall, "south"),
            Some(Mean { n: 13, mean: 2.3 }),
            "30 / 13 = 2.307…"
        );
        // The other breakdowns have no small cell and lose nothing.
        let by_shift = b.view(Some(GroupBy::Shift), Some(m("2026-01")));
        assert!(hidden(&by_shift).is_empty());
    }

    #[test]
    fn suppressed_cells_carry_no_numbers_and_small_steps_hide_all() {
        let counts = vec![
            count("month3", "2026-01", "north", "day", 2, 5.0),
            count("month3", "2026-01", "south", "day", 1, 1.0),
        ];
        let b = Belonging::new(&counts, &[], &steps(), 5);
        let v = b.view(Some(GroupBy::Shift), None);
        assert_eq!(v.totals, vec![("month3".into(), Cell::Suppressed)]);
        assert!(v.points.iter().all(|p| p.cell == Cell::Suppressed));
    }

    #[test]
    fn grouping_by_cohort_shows_each_cohort() {
        let counts = vec![
            count("month1", "2026-01", "north", "day", 6, 4.0),
            count("month1", "2026-02", "north", "day", 7, 2.0),
            count("month3", "2026-01", "north", "day", 5, 5.0),
        ];
        let b = Belonging::new(&counts, &[], &steps(), 5);
        let v = b.view(Some(GroupBy::Cohort), None);
        let groups: Vec<(&str, &str)> = v
            .points
            .iter()
            .map(|p| (p.step.as_str(), p.group.as_str()))
            .collect();
        assert_eq!(
            groups,
            [
                ("month1", "2026-01"),
                ("month1", "2026-02"),
                ("month3", "2026-01")
            ]
        );
        assert!(v.points.iter().all(|p| !p.cell.is_suppressed()));
    }

    /// Six in January's north who all answered 4: their mean would tell each one's answer.
    /// Hidden, with a complement, in every slicing that shows that group of people.
    #[test]
    fn a_group_answering_alike_is_hidden_with_a_complement() {
        let mut counts = vec![
            count("month1", "2026-01", "south", "day", 7, 3.0),
            count("month1", "2026-01", "community", "night", 8, 2.0),
            count("month1", "2026-02", "north", "day", 9, 3.0),
            count("month1", "2026-02", "south", "night", 7, 4.0),
            count("month1", "2026-02", "community", "night", 6, 2.0),
        ];
        counts.push(Count {
            answers: [(4, 6)].into_iter().collect(),
            sum: 24.0,
            ..count("month1", "2026-01", "north", "evening", 6, 4.0)
        });
        let b = Belonging::new(&counts, &[], &steps(), 5);
        let hidden = |v: &View| -> Vec<String> {
            v.points
                .iter()
                .filter(|p| p.cell.is_suppressed())
                .map(|p| p.group.clone())
                .collect()
        };
        let jan = b.view(Some(GroupBy::Site), Some(m("2026-01")));
        assert!(hidden(&jan).contains(&"north".to_string()), "{jan:?}");
        assert_eq!(hidden(&jan).len(), 2, "one complement: {jan:?}");
        assert!(!jan.totals[0].1.is_suppressed());
        let evening = b.view(Some(GroupBy::Shift), None);
        assert!(
            hidden(&evening).contains(&"evening".to_string()),
            "the same six by shift"
        );
        let overall = b.view(Some(GroupBy::Site), None);
        assert_eq!(
            shown(&overall, "north").map(|m| m.n),
            Some(15),
            "mixed overall"
        );
    }

    /// Five answers at month 1 in January, but two are one mentee's (matched twice that
    /// month): four people, so hidden.
    #[test]
    fn people_answering_twice_count_once() {
        let counts = vec![
            count("month1", "2026-01", "north", "day", 5, 4.0),
            count("month1", "2026-02", "north", "day", 8, 3.0),
        ];
        let twice = |m: &str| Repeat {
            step: "month1".into(),
            person: "ana".into(),
            cohort: Month::parse(m).expect("month"),
            groups: [
                "north".into(),
                "day".into(),
                "registered_nurse".into(),
                "emergency".into(),
            ],
        };
        let b = Belonging::new(&counts, &[twice("2026-01"), twice("2026-01")], &steps(), 5);
        let by_cohort = b.view(Some(GroupBy::Cohort), None);
        assert!(by_cohort.points[0].cell.is_suppressed(), "{by_cohort:?}");
        let counted = Belonging::new(&counts, &[], &steps(), 5);
        assert!(
            !counted.view(Some(GroupBy::Cohort), None).points[0]
                .cell
                .is_suppressed()
        );
    }
}
