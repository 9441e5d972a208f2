//! First-year retention after hire, by the Kaplan–Meier product-limit estimator.
//!
//! Each person is followed from their hire for at most [`WINDOW_DAYS`]. Leaving (voluntarily
//! or not) within that time is an exit; a transfer inside the organisation is not. Someone
//! still employed is *censored*: followed until today or until the window closes, whichever
//! comes first, and after that no longer counted as at risk. Censoring is what lets a cohort
//! hired four months ago contribute its four months without pretending they stay for twelve.
//!
//! The voluntary curve counts only voluntary leavers as exits: an involuntary leaver is
//! censored on the day they left (they can no longer choose to leave).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::cohort::Month;
use super::{Cell, protect_cohorts};

/// The first year, in days.
pub const WINDOW_DAYS: u32 = 365;

/// How a person's observed first year ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Still employed at the end of the observation (censored).
    Stayed,
    LeftVoluntarily,
    LeftInvoluntarily,
}

/// One person's first year as far as it is observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observation {
    /// Days from the hire to the leaving or to the end of the observation.
    pub days: u32,
    pub ending: Ending,
}

/// What an employment event records, for retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Hired,
    Transferred,
    Left { voluntary: bool },
}

/// A person's first hire and the first leaving on or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spell {
    pub hired: NaiveDate,
    pub left: Option<(NaiveDate, bool)>,
}

impl Spell {
    /// The spell in one person's events (any order); none without a hire. A later rehire
    /// starts no new spell: the first year after the first hire is what is measured.
    pub fn from_events(events: &[(Event, NaiveDate)]) -> Option<Spell> {
        let hired = events
            .iter()
            .filter(|(e, _)| *e == Event::Hired)
            .map(|(_, d)| *d)
            .min()?;
        let left = events
            .iter()
            .filter_map(|(e, d)| match e {
                Event::Left { voluntary } if *d >= hired => Some((*d, *voluntary)),
                _ => None,
            })
            .min();
        Some(Spell { hired, left })
    }

    /// The observation as of `today`; none for a hire still in the future.
    pub fn observe(&self, today: NaiveDate) -> Option<Observation> {
        let since_hire = u32::try_from((today - self.hired).num_days()).ok()?;
        let horizon = since_hire.min(WINDOW_DAYS);
        if let Some((left, voluntary)) = self.left {
            let days = u32::try_from((left - self.hired).num_days()).unwrap_or(u32::MAX);
            if left <= today && days <= WINDOW_DAYS {
                let ending = if voluntary {
                    Ending::LeftVoluntarily
                } else {
                    Ending::LeftInvoluntarily
                };
                return Some(Observation { days, ending });
            }
        }
        Some(Observation {
            days: horizon,
            ending: Ending::Stayed,
        })
    }
}

/// Which leavers a curve counts as exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exits {
    All,
    Voluntary,
}

impl Exits {
    fn counts(self, ending: Ending) -> bool {
        match (self, ending) {
            (_, Ending::Stayed) => false,
            (Exits::All, _) => true,
            (Exits::Voluntary, e) => e == Ending::LeftVoluntarily,
        }
    }
}

/// The curve at one day on which someone left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub day: u32,
    /// People still followed on that day (those leaving or censored that day included).
    pub at_risk: u32,
    pub exits: u32,
    /// The estimated share still employed after that day.
    pub retention: f64,
}

/// A Kaplan–Meier curve: a step down on each day someone left.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub people: u32,
    pub steps: Vec<Step>,
    /// The longest observation: the curve says nothing beyond it.
    pub followed_days: u32,
}

impl Curve {
    /// The estimated share still employed `day` days after hire; none past the follow-up
    /// (unless everyone has left, when it stays at zero).
    pub fn at(&self, day: u32) -> Option<f64> {
        let value = self
            .steps
            .iter()
            .take_while(|s| s.day <= day)
            .last()
            .map_or(1.0, |s| s.retention);
        (day <= self.followed_days || value == 0.0).then_some(value)
    }
}

/// The product-limit estimate: on each day `t` with `d` exits among `n` people at risk, the
/// retention is multiplied by `1 − d/n`. Exits on a day count before that day's censoring.
pub fn kaplan_meier(observations: &[Observation], exits: Exits) -> Curve {
    let mut by_day: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for o in observations {
        let (e, c) = by_day.entry(o.days).or_default();
        if exits.counts(o.ending) {
            *e += 1;
        } else {
            *c += 1;
        }
    }
    let people = observations.len() as u32;
    let mut at_risk = people;
    let mut retention = 1.0;
    let mut steps = Vec::new();
    for (&day, &(exited, censored)) in &by_day {
        if exited > 0 {
            retention *= 1.0 - f64::from(exited) / f64::from(at_risk);
            steps.push(Step {
                day,
                at_risk,
                exits: exited,
                retention,
            });
        }
        at_risk -= exited + censored;
    }
    Curve {
        people,
        steps,
        followed_days: observations.iter().map(|o| o.days).max().unwrap_or(0),
    }
}

/// A group's first year: who was followed, who left, and the two curves.
#[derive(Debug, Clone, PartialEq)]
pub struct Retention {
    pub people: u32,
    pub exits: u32,
    pub voluntary_exits: u32,
    /// Every leaver an exit.
    pub all: Curve,
    /// Only voluntary leavers exits.
    pub voluntary: Curve,
}

impl Retention {
    pub fn of(observations: &[Observation]) -> Retention {
        let count = |e: Ending| observations.iter().filter(|o| o.ending == e).count() as u32;
        Retention {
            people: observations.len() as u32,
            exits: count(Ending::LeftVoluntarily) + count(Ending::LeftInvoluntarily),
            voluntary_exits: count(Ending::LeftVoluntarily),
            all: kaplan_meier(observations, Exits::All),
            voluntary: kaplan_meier(observations, Exits::Voluntary),
        }
    }
}

/// Retention per cohort (month of hire) and for everyone. A cohort is a cell whose
/// respondents are the people hired in it: small ones are hidden, with a complement.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub cohorts: Vec<(Month, Cell<Retention>)>,
    pub all: Cell<Retention>,
}

/// The report as of `today`, for every cohort or one.
pub fn report(spells: &[Spell], today: NaiveDate, cohort: Option<Month>, min_cell: u64) -> Report {
    let mut by_cohort: BTreeMap<Month, Vec<Observation>> = BTreeMap::new();
    for s in spells {
        if let Some(o) = s.observe(today) {
            by_cohort.entry(Month::of(s.hired)).or_default().push(o);
        }
    }
    let sizes: BTreeMap<Month, u64> = by_cohort
        .iter()
        .map(|(m, o)| (*m, o.len() as u64))
        .collect();
    let (hidden, total_hidden) = protect_cohorts(&sizes, |_| None, |_| false, min_cell);
    let everyone: Vec<Observation> = by_cohort.values().flatten().copied().collect();
    let cell = |is_hidden: bool, observations: &[Observation]| {
        if is_hidden {
            Cell::Suppressed
        } else {
            Cell::Shown(Retention::of(observations))
        }
    };
    Report {
        cohorts: by_cohort
            .iter()
            .filter(|(m, _)| cohort.is_none_or(|c| c == **m))
            .map(|(m, o)| (*m, cell(hidden.contains(m), o)))
            .collect(),
        all: cell(total_hidden, &everyone),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn obs(days: u32, ending: Ending) -> Observation {
        Observation { days, ending }
    }

    /// Ten people, worked out by hand:
    ///
    /// | day | at risk | exits (all) | retention        | voluntary exits | voluntary retention |
    /// |-----|---------|-------------|------------------|-----------------|---------------------|
    /// | 30  | 10      | 1 (v)       | 9/10 = 0.9       | 1               | 0.9                 |
    /// | 60  | 9       | 2 (v, i)    | 0.9·7/9 = 0.7    | 1               | 0.9·8/9 = 0.8       |
    /// | 100 | —       | censored    |                  |                 |                     |
    /// | 150 | 6       | 1 (v)       | 0.7·5/6 = 0.5833 | 1               | 0.8·5/6 = 0.6667    |
    /// | 200 | —       | censored    |                  |                 |                     |
    /// | 250 | 4       | 1 (i)       | 0.5833·3/4 = 0.4375 | 0 (censored) | 0.6667              |
    /// | 365 | 3       | stayed      |                  |                 |                     |
    fn ten() -> Vec<Observation> {
        use Ending::*;
        vec![
            obs(30, LeftVoluntarily),
            obs(60, LeftInvoluntarily),
            obs(60, LeftVoluntarily),
            obs(100, Stayed),
            obs(150, LeftVoluntarily),
            obs(200, Stayed),
            obs(250, LeftInvoluntarily),
            obs(365, Stayed),
            obs(365, Stayed),
            obs(365, Stayed),
        ]
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.001
    }

    #[test]
    fn the_hand_computed_example() {
        let all = kaplan_meier(&ten(), Exits::All);
        let expected = [
            (30, 10, 1, 0.9),
            (60, 9, 2, 0.7),
            (150, 6, 1, 0.5833),
            (250, 4, 1, 0.4375),
        ];
        assert_eq!(all.steps.len(), expected.len());
        for (s, (day, at_risk, exits, retention)) in all.steps.iter().zip(expected) {
            assert_eq!((s.day, s.at_risk, s.exits), (day, at_risk, exits));
            assert!(close(s.retention, retention), "{s:?}");
        }
        assert!(close(all.at(365).expect("test value"), 0.4375));
        assert!(close(all.at(149).expect("test value"), 0.7));
        assert!(close(all.at(0).expect("test value"), 1.0));

        let voluntary = kaplan_meier(&ten(), Exits::Voluntary);
        assert_eq!(
            voluntary.steps.iter().map(|s| s.day).collect::<Vec<_>>(),
            [30, 60, 150]
        );
        assert!(close(voluntary.at(60).expect("test value"), 0.8));
        assert!(close(voluntary.at(365).expect("test value"), 0.6667));
    }

    #[test]
    fn the_curve_says_nothing_past_its_follow_up() {
        let c = kaplan_meier(
            &[obs(40, Ending::Stayed), obs(20, Ending::LeftVoluntarily)],
            Exits::All,
        );
        assert_eq!(c.followed_days, 40);
        assert!(close(c.at(40).expect("test value"), 0.5));
        assert_eq!(c.at(365), None);
        let gone = kaplan_meier(&[obs(20, Ending::LeftInvoluntarily)], Exits::All);
        assert_eq!(gone.at(365), Some(0.0), "everyone left: zero stays zero");
        assert_eq!(kaplan_meier(&[], Exits::All).at(0), Some(1.0));
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test value")
    }

    #[test]
    fn spells_from_events() {
        let today = day("2026-11-25");
        let spell = Spell::from_events(&[
            (Event::Transferred, day("2026-03-01")),
            (Event::Left { voluntary: true }, day("2025-12-01")),
            (Event::Hired, day("2026-01-10")),
            (Event::Left { voluntary: false }, day("2026-04-10")),
            (Event::Hired, day("2026-06-01")),
        ])
        .expect("test value");
        assert_eq!(spell.hired, day("2026-01-10"), "the first hire");
        assert_eq!(
            spell.left,
            Some((day("2026-04-10"), false)),
            "a leaving before the hire is ignored"
        );
        assert_eq!(
            spell.observe(today),
            Some(obs(90, Ending::LeftInvoluntarily))
        );
        assert_eq!(Spell::from_events(&[(Event::Transferred, today)]), None);

        let recent = Spell {
            hired: day("2026-08-27"),
            left: None,
        };
        assert_eq!(
            recent.observe(today),
            Some(obs(90, Ending::Stayed)),
            "censored today"
        );
        let old = Spell {
            hired: day("2020-01-01"),
            left: Some((day("2021-06-01"), true)),
        };
        assert_eq!(
            old.observe(today),
            Some(obs(365, Ending::Stayed)),
            "left after the first year"
        );
        let future = Spell {
            hired: day("2027-01-01"),
            left: None,
        };
        assert_eq!(future.observe(today), None);
        let leaving_later = Spell {
            hired: day("2026-10-26"),
            left: Some((day("2026-12-31"), true)),
        };
        assert_eq!(
            leaving_later.observe(today),
            Some(obs(30, Ending::Stayed)),
            "not yet left"
        );
    }

    /// An independent computation: at each exit day, count who is at risk afresh and
    /// multiply; compare at every day of the year.
    fn naive(observations: &[Observation], exits: Exits, at: u32) -> f64 {
        let mut days: Vec<u32> = observations
            .iter()
            .filter(|o| exits.counts(o.ending))
            .map(|o| o.days)
            .collect();
        days.sort_unstable();
        days.dedup();
        days.iter()
            .filter(|&&d| d <= at)
            .map(|&d| {
                let at_risk = observations.iter().filter(|o| o.days >= d).count() as f64;
                let died = observations
                    .iter()
                    .filter(|o| o.days == d && exits.counts(o.ending))
                    .count() as f64;
                1.0 - died / at_risk
            })
            .product()
    }

    fn ending() -> impl Strategy<Value = Ending> {
        prop_oneof![
            Just(Ending::Stayed),
            Just(Ending::LeftVoluntarily),
            Just(Ending::LeftInvoluntarily)
        ]
    }

    proptest! {
        #[test]
        fn matches_an_independent_computation(
            people in proptest::collection::vec((0u32..=365, ending()), 1..60),
            exits_all in any::<bool>(),
        ) {
            let observations: Vec<Observation> =
                people.iter().map(|&(days, ending)| obs(days, ending)).collect();
            let exits = if exits_all { Exits::All } else { Exits::Voluntary };
            let curve = kaplan_meier(&observations, exits);
            for d in (0..=curve.followed_days).step_by(7).chain([curve.followed_days]) {
                let expected = naive(&observations, exits, d);
                let got = curve.at(d).expect("test value");
                prop_assert!((got - expected).abs() < 1e-9, "day {d}: {got} vs {expected}");
            }
        }

        #[test]
        fn without_censoring_it_is_the_share_still_employed(
            days in proptest::collection::vec(0u32..=365, 1..60),
        ) {
            // Everyone followed the whole year; some leave.
            let observations: Vec<Observation> = days
                .iter()
                .map(|&d| if d < 365 { obs(d, Ending::LeftVoluntarily) } else { obs(365, Ending::Stayed) })
                .collect();
            let curve = kaplan_meier(&observations, Exits::All);
            for d in [0, 30, 90, 180, 364] {
                let share = observations.iter().filter(|o| o.days > d || o.ending == Ending::Stayed).count() as f64
                    / observations.len() as f64;
                prop_assert!((curve.at(d).expect("test value") - share).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn cohorts_by_month_of_hire_with_small_ones_hidden() {
        let today = day("2026-11-25");
        let hire = |d: &str, left: Option<(&str, bool)>| Spell {
            hired: day(d),
            left: left.map(|(l, v)| (day(l), v)),
        };
        let mut spells = vec![
            hire("2024-03-04", Some(("2024-06-12", true))),
            hire("2024-03-04", Some(("2024-09-20", false))),
        ];
        spells.extend((0..4).map(|_| hire("2024-03-11", None)));
        spells.extend((0..2).map(|_| hire("2024-05-02", None)));
        spells.extend((0..5).map(|_| hire("2024-07-01", None)));
        spells.push(hire("2027-01-04", None));
        let r = report(&spells, today, None, 5);
        let months: Vec<String> = r.cohorts.iter().map(|(m, _)| m.to_string()).collect();
        assert_eq!(
            months,
            ["2024-03", "2024-05", "2024-07"],
            "the future hire is not followed"
        );
        let Cell::Shown(march) = &r.cohorts[0].1 else {
            panic!("{r:?}")
        };
        assert_eq!(
            (march.people, march.exits, march.voluntary_exits),
            (6, 2, 1)
        );
        assert!(close(march.all.at(365).expect("test value"), 4.0 / 6.0));
        assert!(close(
            march.voluntary.at(365).expect("test value"),
            5.0 / 6.0
        ));
        assert!(r.cohorts[1].1.is_suppressed(), "two people");
        assert!(
            r.cohorts[2].1.is_suppressed(),
            "July (5) is the next smallest, hidden so that everyone minus March gives nothing"
        );
        let Cell::Shown(all) = &r.all else { panic!() };
        assert_eq!(all.people, 13);
        let one = report(
            &spells,
            today,
            Some(Month::parse("2024-07").expect("test value")),
            5,
        );
        assert_eq!(one.cohorts.len(), 1);
    }
}
