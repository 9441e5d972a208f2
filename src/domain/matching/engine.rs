//! A matching run over a pool of mentees and mentors: which pairs are allowed, how they
//! score, the optimal assignment, and why anyone is left unmatched.

use std::collections::HashMap;

use super::assignment;
use super::rules::{Exclusions, Rule};
use super::score::{Explained, Scorer, Traits};
use super::settings::{MatchingSettings, Points};
use crate::domain::profile::{MenteeDetails, MentorDetails};
use crate::domain::taxonomy::Taxonomy;

/// A mentee taking part in a run.
#[derive(Debug, Clone, Copy)]
pub struct MenteeEntry<'a> {
    pub id: &'a str,
    pub details: &'a MenteeDetails,
}

/// A mentor taking part in a run.
#[derive(Debug, Clone, Copy)]
pub struct MentorEntry<'a> {
    pub id: &'a str,
    pub details: &'a MentorDetails,
    pub paused: bool,
    /// Places left: capacity − active mentees − places held by other open proposals.
    pub free: u32,
}

/// A proposed pair with its score and explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub mentee_id: String,
    pub mentor_id: String,
    pub score: Points,
    pub explanation: Vec<Explained>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub mentee_id: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub mentees: usize,
    pub mentors: usize,
    pub matched: usize,
    /// Sum of the proposals' scores, in hundredths.
    pub total_score: u64,
    pub min_score: Points,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub proposals: Vec<Proposal>,
    pub unmatched: Vec<Unmatched>,
    pub stats: Stats,
}

/// A mentor ranked for one mentee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub mentor_id: String,
    pub score: Points,
    pub explanation: Vec<Explained>,
}

/// The pool of one run, with everything interned and sorted by id so that the same input
/// gives the same output whatever order it arrived in.
pub struct Engine<'a> {
    settings: &'a MatchingSettings,
    scorer: Scorer<'a>,
    mentees: Vec<MenteeEntry<'a>>,
    mentee_traits: Vec<Traits>,
    mentors: Vec<MentorEntry<'a>>,
    mentor_traits: Vec<Traits>,
    /// Per mentee, the mentor indexes of pairs rejected or ended before (sorted).
    previous: Vec<Vec<u32>>,
    mentee_profession: Vec<u16>,
    mentor_profession: Vec<u16>,
    /// `allowed[mentee profession][mentor profession]`.
    allowed: Vec<Vec<bool>>,
    /// Mentor indexes grouped by profession, each group in index order.
    by_profession: Vec<Vec<u32>>,
    /// Interned emails: mentee's own and manager's, mentor's own (`u32::MAX` = none).
    mentee_email: Vec<u32>,
    mentee_manager: Vec<u32>,
    mentor_email: Vec<u32>,
    /// The rule that rules a mentor out for everyone, if any.
    mentor_rule: Vec<Option<Rule>>,
}

impl<'a> Engine<'a> {
    /// `previous` lists (mentee id, mentor id) pairs that were rejected or ended before.
    pub fn new(
        mut mentees: Vec<MenteeEntry<'a>>,
        mut mentors: Vec<MentorEntry<'a>>,
        previous: &[(String, String)],
        settings: &'a MatchingSettings,
        taxonomy: &'a Taxonomy,
    ) -> Self {
        mentees.sort_by(|a, b| a.id.cmp(b.id));
        mentors.sort_by(|a, b| a.id.cmp(b.id));
        let mut scorer = Scorer::new(settings.weights, taxonomy, &settings.working_language);
        let mentee_traits: Vec<Traits> = mentees.iter().map(|m| scorer.mentee(m.details)).collect();
        let mentor_traits: Vec<Traits> = mentors.iter().map(|m| scorer.mentor(m.details)).collect();
        scorer.prepare();

        let mut professions: HashMap<&str, u16> = HashMap::new();
        let mut profession = |code: &'a str| {
            let next = professions.len() as u16;
            *professions.entry(code).or_insert(next)
        };
        let mentee_profession: Vec<u16> = mentees
            .iter()
            .map(|m| profession(m.details.person.profession.as_str()))
            .collect();
        let mentor_profession: Vec<u16> = mentors
            .iter()
            .map(|m| profession(m.details.person.profession.as_str()))
            .collect();
        let mut names: Vec<&str> = vec![""; professions.len()];
        for (name, id) in &professions {
            names[usize::from(*id)] = name;
        }
        let allowed = names
            .iter()
            .map(|a| {
                names
                    .iter()
                    .map(|b| settings.professions_compatible(a, b))
                    .collect()
            })
            .collect();
        let mut by_profession = vec![Vec::new(); names.len()];
        for (j, p) in mentor_profession.iter().enumerate() {
            by_profession[usize::from(*p)].push(j as u32);
        }

        let mut emails: HashMap<&str, u32> = HashMap::new();
        let mut email = |address: &'a str| {
            let next = emails.len() as u32;
            *emails.entry(address).or_insert(next)
        };
        let mentee_email = mentees
            .iter()
            .map(|m| email(m.details.person.email.as_str()))
            .collect();
        let mentee_manager = mentees
            .iter()
            .map(|m| {
                m.details
                    .person
                    .manager_email
                    .as_ref()
                    .map_or(u32::MAX, |e| email(e.as_str()))
            })
            .collect();
        let mentor_email = mentors
            .iter()
            .map(|m| email(m.details.person.email.as_str()))
            .collect();

        let mentor_rule = mentors
            .iter()
            .map(|m| {
                if m.paused {
                    Some(Rule::MentorPaused)
                } else if m.free == 0 {
                    Some(Rule::NoCapacity)
                } else if m.details.years_experience < settings.min_mentor_years {
                    Some(Rule::MentorExperience)
                } else {
                    None
                }
            })
            .collect();

        let mentee_index: HashMap<&str, usize> =
            mentees.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
        let mentor_index: HashMap<&str, u32> = mentors
            .iter()
            .enumerate()
            .map(|(j, m)| (m.id, j as u32))
            .collect();
        let mut previous_pairs = vec![Vec::new(); mentees.len()];
        for (mentee, mentor) in previous {
            if let (Some(i), Some(j)) = (
                mentee_index.get(mentee.as_str()),
                mentor_index.get(mentor.as_str()),
            ) {
                previous_pairs[*i].push(*j);
            }
        }
        for list in &mut previous_pairs {
            list.sort_unstable();
            list.dedup();
        }

        Engine {
            settings,
            scorer,
            mentees,
            mentee_traits,
            mentors,
            mentor_traits,
            previous: previous_pairs,
            mentee_profession,
            mentor_profession,
            allowed,
            by_profession,
            mentee_email,
            mentee_manager,
            mentor_email,
            mentor_rule,
        }
    }

    pub fn mentee_index(&self, id: &str) -> Option<usize> {
        self.mentees.binary_search_by(|m| m.id.cmp(id)).ok()
    }

    pub fn mentor_index(&self, id: &str) -> Option<usize> {
        self.mentors.binary_search_by(|m| m.id.cmp(id)).ok()
    }

    /// The first hard rule pair (i, j) breaks, ignoring the score.
    fn pair_rule(&self, i: usize, j: usize) -> Option<Rule> {
        if let Some(rule) = self.mentor_rule[j] {
            return Some(rule);
        }
        if self.mentee_email[i] == self.mentor_email[j] {
            return Some(Rule::SamePerson);
        }
        let (a, b) = (self.mentee_profession[i], self.mentor_profession[j]);
        if !self.allowed[usize::from(a)][usize::from(b)] {
            return Some(Rule::Profession);
        }
        if self.mentee_manager[i] == self.mentor_email[j] {
            return Some(Rule::Manager);
        }
        if self.previous[i].binary_search(&(j as u32)).is_ok() {
            return Some(Rule::PreviousPair);
        }
        None
    }

    /// Every hard rule the pair breaks, and its score.
    pub fn check(&self, i: usize, j: usize) -> (Points, Vec<Rule>) {
        let score = self
            .scorer
            .score(&self.mentee_traits[i], &self.mentor_traits[j]);
        let mut broken = Vec::new();
        let mentor = &self.mentors[j];
        if mentor.paused {
            broken.push(Rule::MentorPaused);
        }
        if mentor.free == 0 {
            broken.push(Rule::NoCapacity);
        }
        if mentor.details.years_experience < self.settings.min_mentor_years {
            broken.push(Rule::MentorExperience);
        }
        if self.mentee_email[i] == self.mentor_email[j] {
            broken.push(Rule::SamePerson);
        }
        let (a, b) = (self.mentee_profession[i], self.mentor_profession[j]);
        if !self.allowed[usize::from(a)][usize::from(b)] {
            broken.push(Rule::Profession);
        }
        if self.mentee_manager[i] == self.mentor_email[j] {
            broken.push(Rule::Manager);
        }
        if self.previous[i].binary_search(&(j as u32)).is_ok() {
            broken.push(Rule::PreviousPair);
        }
        if score < self.settings.min_score {
            broken.push(Rule::MinScore);
        }
        (score, broken)
    }

    /// The eligible mentors of mentee `i` with their scores, in mentor index order.
    fn edges(&self, i: usize, out: &mut Vec<(u32, u16)>) {
        let traits = &self.mentee_traits[i];
        let profession = usize::from(self.mentee_profession[i]);
        for (group, allowed) in self.by_profession.iter().zip(&self.allowed[profession]) {
            if !allowed {
                continue;
            }
            for &j in group {
                let j = j as usize;
                if self.mentor_rule[j].is_some()
                    || self.mentee_email[i] == self.mentor_email[j]
                    || self.mentee_manager[i] == self.mentor_email[j]
                    || (!self.previous[i].is_empty()
                        && self.previous[i].binary_search(&(j as u32)).is_ok())
                {
                    continue;
                }
                let score = self.scorer.score(traits, &self.mentor_traits[j]);
                if score >= self.settings.min_score {
                    out.push((j as u32, score.0 as u16));
                }
            }
        }
        out.sort_unstable_by_key(|(j, _)| *j);
    }

    /// Why every mentor was ruled out for mentee `i`, counted per rule.
    fn exclusions(&self, i: usize) -> Exclusions {
        let mut counts = Exclusions::default();
        for j in 0..self.mentors.len() {
            match self.pair_rule(i, j) {
                Some(rule) => counts.add(rule, 1),
                None => {
                    let score = self
                        .scorer
                        .score(&self.mentee_traits[i], &self.mentor_traits[j]);
                    if score < self.settings.min_score {
                        counts.add(Rule::MinScore, 1);
                    }
                }
            }
        }
        counts
    }

    pub fn explain(&self, i: usize, j: usize) -> Vec<Explained> {
        self.scorer.explain(
            (self.mentees[i].details, &self.mentee_traits[i]),
            (self.mentors[j].details, &self.mentor_traits[j]),
        )
    }

    /// Eligible mentors for mentee `i`, best first (ties by mentor id); `limit` 0 means all.
    pub fn candidates(&self, i: usize, limit: usize) -> Vec<Candidate> {
        let mut edges = Vec::new();
        self.edges(i, &mut edges);
        edges.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if limit > 0 {
            edges.truncate(limit);
        }
        edges
            .into_iter()
            .map(|(j, score)| Candidate {
                mentor_id: self.mentors[j as usize].id.to_string(),
                score: Points(u32::from(score)),
                explanation: self.explain(i, j as usize),
            })
            .collect()
    }

    /// Every mentee's eligible edges, scored on all cores; the result does not depend on
    /// how the work was split.
    fn all_edges(&self) -> Result<assignment::Problem, String> {
        let n = self.mentees.len();
        let threads = std::thread::available_parallelism()
            .map_or(1, |t| t.get())
            .min(8);
        let chunk = n.div_ceil(threads.max(1)).max(1);
        let parts: Vec<(Vec<usize>, Vec<u32>, Vec<u16>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .step_by(chunk)
                .map(|start| {
                    s.spawn(move || {
                        let mut lens = Vec::new();
                        let (mut mentors, mut scores) = (Vec::new(), Vec::new());
                        let mut row = Vec::new();
                        for i in start..(start + chunk).min(n) {
                            row.clear();
                            self.edges(i, &mut row);
                            lens.push(row.len());
                            mentors.extend(row.iter().map(|e| e.0));
                            scores.extend(row.iter().map(|e| e.1));
                        }
                        (lens, mentors, scores)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().map_err(|_| "a scoring thread failed".to_string()))
                .collect::<Result<Vec<_>, String>>()
        })?;
        let mut problem = assignment::Problem {
            capacity: self.mentors.iter().map(|m| m.free).collect(),
            offsets: Vec::with_capacity(n + 1),
            mentor: Vec::new(),
            score: Vec::new(),
        };
        problem.offsets.push(0);
        for (lens, mentors, scores) in parts {
            for len in lens {
                let last = problem.offsets.last().copied().unwrap_or(0);
                problem.offsets.push(last + len);
            }
            problem.mentor.extend(mentors);
            problem.score.extend(scores);
        }
        Ok(problem)
    }

    /// The optimal assignment: as many mentees matched as possible, then the highest total
    /// score, every hard rule kept.
    pub fn run(&self) -> Result<Outcome, String> {
        let problem = self.all_edges()?;
        let solution = problem.solve().map_err(|e| e.to_string())?;
        let mut proposals = Vec::new();
        let mut unmatched = Vec::new();
        for (i, assigned) in solution.assignment.iter().enumerate() {
            let mentee = &self.mentees[i];
            match assigned {
                Some(j) => {
                    let j = *j as usize;
                    let explanation = self.explain(i, j);
                    proposals.push(Proposal {
                        mentee_id: mentee.id.to_string(),
                        mentor_id: self.mentors[j].id.to_string(),
                        score: Points(explanation.iter().map(|e| e.points.0).sum()),
                        explanation,
                    });
                }
                None => {
                    let eligible = problem.offsets[i + 1] - problem.offsets[i];
                    let reason = if eligible == 0 {
                        self.exclusions(i).no_eligible_mentor()
                    } else {
                        format!(
                            "every eligible mentor's capacity went to mentees with no other option \
                             ({eligible} eligible mentor{}; the run matches as many mentees as possible)",
                            if eligible == 1 { "" } else { "s" }
                        )
                    };
                    unmatched.push(Unmatched {
                        mentee_id: mentee.id.to_string(),
                        reason,
                    });
                }
            }
        }
        Ok(Outcome {
            stats: Stats {
                mentees: self.mentees.len(),
                mentors: self.mentors.len(),
                matched: proposals.len(),
                total_score: proposals.iter().map(|p| u64::from(p.score.0)).sum(),
                min_score: self.settings.min_score,
            },
            proposals,
            unmatched,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::input::{Field, MenteeInput, MentorInput, PersonInput};
    use crate::domain::matching::settings::{Points, Weights};
    use crate::domain::profile::{Capacity, YearsExperience};
    use crate::domain::taxonomy::{Entry, TaxonomySpec};
    use crate::domain::validate::{self, Rules};
    use proptest::prelude::*;

    fn taxonomy() -> Taxonomy {
        let e = |c: &str| Entry {
            code: c.into(),
            label: c.into(),
        };
        Taxonomy::new(TaxonomySpec {
            professions: vec![e("nurse"), e("midwife")],
            specialties: vec![
                (e("er"), vec!["icu".into()]),
                (e("icu"), vec![]),
                (e("onc"), vec![]),
            ],
            sites: vec![e("north"), e("south")],
            goals: vec![e("skills"), e("time"), e("lead")],
            affinity_groups: vec![e("parent")],
        })
        .expect("taxonomy")
    }

    fn settings(min_score: u32) -> MatchingSettings {
        MatchingSettings {
            weights: Weights::default(),
            min_score: Points(min_score),
            default_capacity: Capacity::parse(2).expect("capacity"),
            min_mentor_years: YearsExperience::parse(1).expect("years"),
            cross_profession: Vec::new(),
            working_language: "en".into(),
        }
    }

    /// A person from a handful of small random choices.
    fn person(n: usize, seed: &[u8], managers_from: usize) -> PersonInput {
        let pick =
            |i: usize, options: &[&str]| options[usize::from(seed[i]) % options.len()].to_string();
        let s = |v: String| Field::Value(v);
        PersonInput {
            full_name: s(format!("Person {n}")),
            email: s(format!("p{n}@example.org")),
            profession: s(pick(0, &["nurse", "nurse", "nurse", "midwife"])),
            specialty: s(pick(1, &["er", "icu", "onc"])),
            site: s(pick(2, &["north", "south"])),
            shift: s(pick(3, &["day", "night", "rotating"])),
            languages: Field::Value(vec!["en".into(), pick(4, &["en", "pt", "tl"])]),
            goals: Field::Value(vec![pick(5, &["skills", "time", "lead"])]),
            affinity_groups: Field::Value(if seed[6].is_multiple_of(2) {
                vec!["parent".into()]
            } else {
                vec![]
            }),
            manager_email: if seed[7].is_multiple_of(5) {
                s(format!(
                    "p{}@example.org",
                    managers_from + usize::from(seed[7] % 4)
                ))
            } else {
                Field::Absent
            },
            preferred_meeting: s(pick(8, &["either", "virtual", "in_person"])),
            ..Default::default()
        }
    }

    /// The best (matched, total) over every assignment, by exhaustive search.
    fn brute_force(edges: &[Vec<(usize, u32)>], capacity: &mut [u32], i: usize) -> (usize, u64) {
        if i == edges.len() {
            return (0, 0);
        }
        let mut best = brute_force(edges, capacity, i + 1);
        for &(j, score) in &edges[i] {
            if capacity[j] > 0 {
                capacity[j] -= 1;
                let (m, t) = brute_force(edges, capacity, i + 1);
                capacity[j] += 1;
                best = best.max((m + 1, t + u64::from(score)));
            }
        }
        best
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn runs_are_optimal_keep_every_rule_and_ignore_input_order(
            mentee_seeds in prop::collection::vec(prop::collection::vec(any::<u8>(), 9), 1..7),
            mentor_seeds in prop::collection::vec((prop::collection::vec(any::<u8>(), 9), 0u8..3, 0u8..3, any::<bool>()), 1..5),
            previous_seed in any::<u8>(),
            min_score in prop::sample::select(vec![0u32, 2000, 5000]),
        ) {
            let taxonomy = taxonomy();
            let settings = settings(min_score);
            let rules = Rules::new(&taxonomy, settings.default_capacity);
            let mentees: Vec<(String, MenteeDetails)> = mentee_seeds.iter().enumerate().map(|(n, seed)| {
                let input = MenteeInput { person: person(n, seed, 100), start_date: Field::Absent };
                (format!("e{n}"), validate::mentee(&input, rules).expect("valid mentee"))
            }).collect();
            let mentors: Vec<(String, MentorDetails, u32, bool)> = mentor_seeds.iter().enumerate().map(|(n, (seed, cap, years, paused))| {
                let input = MentorInput {
                    person: person(100 + n, seed, 0),
                    years_experience: Field::Value(i64::from(*years)),
                    capacity: Field::Value(3),
                    can_help_with: Field::Value(vec!["skills".into(), "lead".into()]),
                    certifications: Field::Absent,
                };
                (format!("t{n}"), validate::mentor(&input, rules).expect("valid mentor"), u32::from(*cap), *paused && n % 2 == 0)
            }).collect();
            let previous = vec![(format!("e{}", previous_seed as usize % mentees.len()), format!("t{}", previous_seed as usize % mentors.len()))];
            let entries = |reverse: bool| {
                let mut e: Vec<MenteeEntry> = mentees.iter().map(|(id, d)| MenteeEntry { id, details: d }).collect();
                let mut t: Vec<MentorEntry> = mentors.iter().map(|(id, d, free, paused)| MentorEntry { id, details: d, paused: *paused, free: *free }).collect();
                if reverse {
                    e.reverse();
                    t.reverse();
                }
                (e, t)
            };
            let (e, t) = entries(false);
            let engine = Engine::new(e, t, &previous, &settings, &taxonomy);
            let outcome = engine.run().expect("run");

            // Every proposal keeps every rule, and its score is its explanation's sum.
            let mut used = vec![0u32; mentors.len()];
            for p in &outcome.proposals {
                let i = engine.mentee_index(&p.mentee_id).expect("mentee");
                let j = engine.mentor_index(&p.mentor_id).expect("mentor");
                let (score, broken) = engine.check(i, j);
                prop_assert!(broken.is_empty(), "{:?}", broken);
                prop_assert_eq!(score, p.score);
                used[j] += 1;
                prop_assert!(used[j] <= engine.mentors[j].free);
            }
            prop_assert_eq!(outcome.proposals.len() + outcome.unmatched.len(), mentees.len());

            // Optimal: as many matched as possible, then the highest total.
            let edges: Vec<Vec<(usize, u32)>> = (0..mentees.len()).map(|i| {
                (0..mentors.len()).filter_map(|j| {
                    let (score, broken) = engine.check(i, j);
                    broken.is_empty().then_some((j, score.0))
                }).collect()
            }).collect();
            let mut capacity: Vec<u32> = engine.mentors.iter().map(|m| m.free).collect();
            let best = brute_force(&edges, &mut capacity, 0);
            prop_assert_eq!((outcome.stats.matched, outcome.stats.total_score), best);

            // The order rows come in changes nothing.
            let (e, t) = entries(true);
            let reversed = Engine::new(e, t, &previous, &settings, &taxonomy).run().expect("run");
            prop_assert_eq!(reversed, outcome);
        }
    }
}
