//! Scoring a mentee–mentor pair: points per criterion in hundredths, and an explanation a
//! coordinator can read. The fast path ([`Scorer::score`]) and the explained path
//! ([`Scorer::explain`]) share one points function, so they can never disagree.

use std::collections::HashMap;

use super::settings::{Criterion, Points, Weights};
use crate::domain::language;
use crate::domain::profile::{
    MeetingPreference, MenteeDetails, MentorDetails, PersonDetails, Shift,
};
use crate::domain::taxonomy::Taxonomy;

/// A small set of interned codes (up to 256 distinct per kind).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bits([u64; 4]);

impl Bits {
    pub const CAPACITY: usize = 256;

    fn insert(&mut self, i: usize) {
        if i < Self::CAPACITY {
            self.0[i / 64] |= 1 << (i % 64);
        }
    }

    fn contains(&self, i: usize) -> bool {
        i < Self::CAPACITY && self.0[i / 64] & (1 << (i % 64)) != 0
    }

    #[inline]
    fn and(&self, other: &Bits) -> Bits {
        Bits([
            self.0[0] & other.0[0],
            self.0[1] & other.0[1],
            self.0[2] & other.0[2],
            self.0[3] & other.0[3],
        ])
    }

    #[inline]
    fn count(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    #[inline]
    fn any(&self) -> bool {
        self.0.iter().any(|w| *w != 0)
    }

    fn members(&self) -> impl Iterator<Item = usize> + '_ {
        (0..Self::CAPACITY).filter(|i| self.contains(*i))
    }
}

/// What scoring compares of one person, with codes interned to small integers.
#[derive(Debug, Clone)]
pub struct Traits {
    specialty: u16,
    site: u16,
    shift: Shift,
    meeting: MeetingPreference,
    /// Languages other than the working language.
    languages: Bits,
    /// A mentee's goals, or what a mentor can help with.
    goals: Bits,
    affinity: Bits,
    /// Normalised interests, interned and sorted.
    interests: Vec<u32>,
    interest_mask: u64,
}

/// Interns codes so that pairs compare integers, not strings.
#[derive(Debug, Default)]
struct Interner {
    ids: HashMap<String, usize>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, name: &str) -> usize {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len();
        self.ids.insert(name.to_string(), id);
        self.names.push(name.to_string());
        id
    }

    fn name(&self, id: usize) -> &str {
        self.names.get(id).map_or("", String::as_str)
    }
}

/// Interests compare case- and space-insensitively.
fn normalise_interest(interest: &str) -> String {
    interest
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Scores pairs for one run: holds the weights, the taxonomy and the interned codes.
pub struct Scorer<'a> {
    weights: Weights,
    taxonomy: &'a Taxonomy,
    working_language: String,
    specialties: Interner,
    sites: Interner,
    languages: Interner,
    goals: Interner,
    affinity: Interner,
    interests: Interner,
    /// For each interned specialty, the interned specialties related to it.
    related: Vec<Bits>,
}

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub criterion: Criterion,
    pub points: Points,
    pub max_points: Points,
    pub detail: String,
}

impl<'a> Scorer<'a> {
    pub fn new(weights: Weights, taxonomy: &'a Taxonomy, working_language: &str) -> Self {
        Scorer {
            weights,
            taxonomy,
            working_language: working_language.to_string(),
            specialties: Interner::default(),
            sites: Interner::default(),
            languages: Interner::default(),
            goals: Interner::default(),
            affinity: Interner::default(),
            interests: Interner::default(),
            related: Vec::new(),
        }
    }

    fn traits(&mut self, p: &PersonDetails, goals: &[crate::domain::taxonomy::Code]) -> Traits {
        let mut languages = Bits::default();
        for l in &p.languages {
            if l.as_str() != self.working_language {
                languages.insert(self.languages.id(l.as_str()));
            }
        }
        let mut goal_bits = Bits::default();
        for g in goals {
            goal_bits.insert(self.goals.id(g.as_str()));
        }
        let mut affinity = Bits::default();
        for a in &p.affinity_groups {
            affinity.insert(self.affinity.id(a.as_str()));
        }
        let mut interests: Vec<u32> = p
            .interests
            .iter()
            .map(|i| self.interests.id(&normalise_interest(i)) as u32)
            .collect();
        interests.sort_unstable();
        interests.dedup();
        let interest_mask = interests.iter().fold(0u64, |m, i| m | 1 << (i % 64));
        Traits {
            specialty: self.specialties.id(p.specialty.as_str()) as u16,
            site: self.sites.id(p.site.as_str()) as u16,
            shift: p.shift,
            meeting: p.preferred_meeting,
            languages,
            goals: goal_bits,
            affinity,
            interests,
            interest_mask,
        }
    }

    pub fn mentee(&mut self, m: &MenteeDetails) -> Traits {
        self.traits(&m.person, &m.person.goals)
    }

    pub fn mentor(&mut self, m: &MentorDetails) -> Traits {
        self.traits(&m.person, &m.can_help_with)
    }

    /// Must be called after every person is interned and before scoring.
    pub fn prepare(&mut self) {
        let n = self.specialties.names.len();
        self.related = (0..n)
            .map(|a| {
                let mut bits = Bits::default();
                for b in 0..n {
                    if self
                        .taxonomy
                        .specialties_related(self.specialties.name(a), self.specialties.name(b))
                    {
                        bits.insert(b);
                    }
                }
                bits
            })
            .collect();
    }

    #[inline]
    fn points(&self, c: Criterion, mentee: &Traits, mentor: &Traits) -> u32 {
        let w = self.weights.get(c).0;
        match c {
            Criterion::Specialty => {
                if mentee.specialty == mentor.specialty {
                    w
                } else if self
                    .related
                    .get(usize::from(mentee.specialty))
                    .is_some_and(|r| r.contains(usize::from(mentor.specialty)))
                {
                    w / 2
                } else {
                    0
                }
            }
            Criterion::Shift => {
                if mentee.shift == mentor.shift {
                    w
                } else if mentee.shift == Shift::Rotating || mentor.shift == Shift::Rotating {
                    w / 2
                } else {
                    0
                }
            }
            Criterion::Site => u32::from(mentee.site == mentor.site) * w,
            Criterion::Goals => {
                let covered = mentee.goals.and(&mentor.goals).count();
                (w * covered).checked_div(mentee.goals.count()).unwrap_or(0)
            }
            Criterion::Languages => u32::from(mentee.languages.and(&mentor.languages).any()) * w,
            Criterion::Affinity => u32::from(mentee.affinity.and(&mentor.affinity).any()) * w,
            Criterion::Interests => {
                if mentee.interest_mask & mentor.interest_mask == 0 {
                    0
                } else {
                    w * shared(&mentee.interests, &mentor.interests).min(2) / 2
                }
            }
            Criterion::Meeting => u32::from(meeting_compatible(mentee.meeting, mentor.meeting)) * w,
        }
    }

    /// The pair's score in hundredths (0–10 000).
    #[inline]
    pub fn score(&self, mentee: &Traits, mentor: &Traits) -> Points {
        Points(
            Criterion::ALL
                .iter()
                .map(|c| self.points(*c, mentee, mentor))
                .sum(),
        )
    }

    /// The score with one line per criterion; the points add up to [`Self::score`].
    pub fn explain(
        &self,
        mentee: (&MenteeDetails, &Traits),
        mentor: (&MentorDetails, &Traits),
    ) -> Vec<Explained> {
        Criterion::ALL
            .iter()
            .map(|c| Explained {
                criterion: *c,
                points: Points(self.points(*c, mentee.1, mentor.1)),
                max_points: self.weights.get(*c),
                detail: self.detail(*c, mentee, mentor),
            })
            .collect()
    }

    fn detail(
        &self,
        c: Criterion,
        (mentee, me): (&MenteeDetails, &Traits),
        (mentor, mo): (&MentorDetails, &Traits),
    ) -> String {
        let t = self.taxonomy;
        let (a, b) = (&mentee.person, &mentor.person);
        match c {
            Criterion::Specialty => {
                let (x, y) = (
                    t.specialties.label(a.specialty.as_str()),
                    t.specialties.label(b.specialty.as_str()),
                );
                if a.specialty == b.specialty {
                    format!("Both in {x}")
                } else if self.points(c, me, mo) > 0 {
                    format!("Related specialties: mentee in {x}, mentor in {y}")
                } else {
                    format!("Different specialties: mentee in {x}, mentor in {y}")
                }
            }
            Criterion::Shift => {
                let (x, y) = (a.shift.as_str(), b.shift.as_str());
                if a.shift == b.shift {
                    format!(
                        "Both on {x} shift{}",
                        if a.shift == Shift::Rotating { "s" } else { "" }
                    )
                } else if b.shift == Shift::Rotating {
                    format!("Mentor works rotating shifts, which overlap the mentee's {x} shift")
                } else if a.shift == Shift::Rotating {
                    format!("Mentee works rotating shifts, which overlap the mentor's {y} shift")
                } else {
                    format!("Different shifts: mentee on {x}, mentor on {y}")
                }
            }
            Criterion::Site => {
                let (x, y) = (
                    t.sites.label(a.site.as_str()),
                    t.sites.label(b.site.as_str()),
                );
                if a.site == b.site {
                    format!("Both at {x}")
                } else {
                    format!("Different sites: mentee at {x}, mentor at {y}")
                }
            }
            Criterion::Goals => {
                let total = me.goals.count();
                let covered: Vec<String> = a
                    .goals
                    .iter()
                    .filter(|g| mentor.can_help_with.contains(g))
                    .map(|g| t.goals.label(g.as_str()).to_lowercase())
                    .collect();
                match (total, covered.len()) {
                    (0, _) => "Mentee listed no goals".into(),
                    (_, 0) => format!("Mentor can help with none of the mentee's {total} goals"),
                    (_, n) => format!(
                        "Mentor can help with {n} of {total} goal{}: {}",
                        if total == 1 { "" } else { "s" },
                        covered.join(", ")
                    ),
                }
            }
            Criterion::Languages => {
                let shared: Vec<&str> = me
                    .languages
                    .and(&mo.languages)
                    .members()
                    .map(|i| {
                        language::name_of(self.languages.name(i)).unwrap_or("another language")
                    })
                    .collect();
                let working =
                    language::name_of(&self.working_language).unwrap_or("the working language");
                if shared.is_empty() {
                    format!("No shared language besides {working}")
                } else {
                    format!("Both speak {}", join_and(&shared))
                }
            }
            Criterion::Affinity => affinity_detail(me.affinity.and(&mo.affinity).any()).into(),
            Criterion::Interests => {
                let shared: Vec<&str> = a
                    .interests
                    .iter()
                    .filter(|i| {
                        let n = normalise_interest(i);
                        b.interests.iter().any(|j| normalise_interest(j) == n)
                    })
                    .map(String::as_str)
                    .collect();
                if shared.is_empty() {
                    "No shared interests".into()
                } else {
                    format!("Shared interests: {}", shared.join(", "))
                }
            }
            Criterion::Meeting => {
                let (x, y) = (a.preferred_meeting, b.preferred_meeting);
                if x == y {
                    match x {
                        MeetingPreference::InPerson => "Both prefer to meet in person".into(),
                        MeetingPreference::Virtual => {
                            "Both prefer to meet by video or phone".into()
                        }
                        MeetingPreference::Either => "Both are happy to meet either way".into(),
                    }
                } else if meeting_compatible(x, y) {
                    format!(
                        "Compatible: mentee prefers {}, mentor {}",
                        x.label().to_lowercase(),
                        y.label().to_lowercase()
                    )
                } else {
                    format!(
                        "Mentee prefers {}, mentor {}",
                        x.label().to_lowercase(),
                        y.label().to_lowercase()
                    )
                }
            }
        }
    }
}

/// The explanation of the affinity criterion never names the group: explanations reach
/// coordinators, integrations and (through the introduction) the pair, and a group may only
/// be named to the partner when both people agreed to it (see [`shared_affinity_labels`]).
pub fn affinity_detail(shared: bool) -> &'static str {
    if shared {
        "A shared affinity group (which one is not shown)"
    } else {
        "No shared affinity group"
    }
}

/// The labels of the affinity groups two people both chose, in the taxonomy's order.
pub fn shared_affinity_labels<'t>(
    a: &PersonDetails,
    b: &PersonDetails,
    taxonomy: &'t Taxonomy,
) -> Vec<&'t str> {
    taxonomy
        .affinity_groups
        .entries()
        .iter()
        .filter(|e| {
            a.affinity_groups.iter().any(|c| c.as_str() == e.code)
                && b.affinity_groups.iter().any(|c| c.as_str() == e.code)
        })
        .map(|e| e.label.as_str())
        .collect()
}

/// "A", "A and B", "A, B and C".
pub fn join_and_words(items: &[&str]) -> String {
    join_and(items)
}

fn meeting_compatible(a: MeetingPreference, b: MeetingPreference) -> bool {
    a == b || a == MeetingPreference::Either || b == MeetingPreference::Either
}

/// How many values two sorted lists share.
fn shared(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
