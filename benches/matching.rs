//! Matching throughput: scoring pairs, a whole run, and the exact assignment solver.
//!
//! `cargo bench --bench matching` (add a filter such as `score` or `solve` to run a part).
//!
//! * `matching/score pairs 2000x700`: the fast scoring path alone ([`Scorer::score`], what a
//!   run calls for every pair) over all 1.4 M pairs of 2000 generated mentees × 700 mentors
//!   with the default taxonomy and weights. Criterion reports pairs per second; the time per
//!   iteration divided by 1.4 M is the cost of one pair.
//! * `matching/run 2000x700`: [`Engine::run`] on the same pool: hard rules, scoring on all
//!   cores, the optimal assignment and every proposal's explanation. Its throughput counts
//!   the same 1.4 M pairs, though only pairs of compatible professions get scored.
//! * `matching/solve …`: the assignment solver alone on [`assignment::generate`] instances.

use std::hint::black_box;
use std::time::Duration;

use belong::config::Settings;
use belong::domain::input::{Field, MenteeInput, MentorInput, PersonInput};
use belong::domain::matching::assignment::{self, generate::SplitMix64};
use belong::domain::matching::engine::{Engine, MenteeEntry, MentorEntry};
use belong::domain::matching::score::Scorer;
use belong::domain::profile::{MenteeDetails, MentorDetails};
use belong::domain::validate::{self, Rules};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const MENTEES: usize = 2000;
const MENTORS: usize = 700;

/// Most people in a nursing programme are registered nurses.
const PROFESSIONS: &[(&str, u64)] = &[
    ("registered_nurse", 60),
    ("licensed_practical_nurse", 12),
    ("nurse_practitioner", 10),
    ("midwife", 6),
    ("respiratory_therapist", 4),
    ("paramedic", 4),
    ("physical_therapist", 4),
];
const SPECIALTIES: &[&str] = &[
    "emergency",
    "intensive_care",
    "medical_surgical",
    "pediatrics",
    "neonatal_intensive_care",
    "labor_delivery",
    "oncology",
    "perioperative",
    "behavioral_health",
    "cardiology",
    "neurology",
    "geriatrics",
    "palliative_care",
    "primary_care",
    "rehabilitation",
    "home_health",
];
const SITES: &[&str] = &["north_campus", "south_campus", "community_clinic"];
const SHIFTS: &[&str] = &["day", "day", "evening", "night", "rotating"];
const MEETINGS: &[&str] = &["either", "either", "virtual", "in_person"];
const LANGUAGES: &[&str] = &["es", "pt", "tl", "zh", "fr", "vi", "ar"];
const GOALS: &[&str] = &[
    "clinical_skills",
    "time_management",
    "communication",
    "career_growth",
    "work_life_balance",
    "leadership",
    "confidence",
    "specialty_knowledge",
    "research",
    "wellbeing",
];
const AFFINITY: &[&str] = &[
    "internationally_educated",
    "first_generation",
    "career_changer",
    "parent",
    "lgbtq",
    "veteran",
    "disability",
    "ethnic_minority",
];
const INTERESTS: &[&str] = &[
    "running",
    "hiking",
    "cooking",
    "baking",
    "reading",
    "gardening",
    "photography",
    "yoga",
    "cycling",
    "travel",
    "music",
    "board games",
    "painting",
    "knitting",
    "swimming",
    "volunteering",
    "podcasts",
    "film",
    "dance",
    "climbing",
];

fn pick<'a>(rng: &mut SplitMix64, options: &[&'a str]) -> &'a str {
    options[rng.below(options.len() as u64) as usize]
}

/// `count` distinct options.
fn some(rng: &mut SplitMix64, options: &[&str], count: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    while out.len() < count.min(options.len()) {
        let o = pick(rng, options);
        if !out.iter().any(|x| x == o) {
            out.push(o.to_string());
        }
    }
    out
}

fn profession(rng: &mut SplitMix64) -> &'static str {
    let total: u64 = PROFESSIONS.iter().map(|p| p.1).sum();
    let mut roll = rng.below(total);
    for (name, weight) in PROFESSIONS {
        if roll < *weight {
            return name;
        }
        roll -= weight;
    }
    PROFESSIONS[0].0
}

/// A realistic person; some mentees name one of the mentors as their manager.
fn person(rng: &mut SplitMix64, n: usize, manager: Option<usize>) -> PersonInput {
    let mut languages = vec!["en".to_string()];
    if rng.chance(1, 3) {
        languages.push(pick(rng, LANGUAGES).to_string());
    }
    let goals = 1 + rng.below(3) as usize;
    let affinity = if rng.chance(1, 2) {
        rng.below(3) as usize
    } else {
        0
    };
    let interests = rng.below(5) as usize;
    PersonInput {
        full_name: Field::Value(format!("Person {n}")),
        email: Field::Value(format!("p{n}@example.org")),
        profession: Field::Value(profession(rng).into()),
        specialty: Field::Value(pick(rng, SPECIALTIES).into()),
        site: Field::Value(pick(rng, SITES).into()),
        shift: Field::Value(pick(rng, SHIFTS).into()),
        languages: Field::Value(languages),
        interests: Field::Value(some(rng, INTERESTS, interests)),
        goals: Field::Value(some(rng, GOALS, goals)),
        affinity_groups: Field::Value(some(rng, AFFINITY, affinity)),
        preferred_meeting: Field::Value(pick(rng, MEETINGS).into()),
        manager_email: manager.map_or(Field::Absent, |m| {
            Field::Value(format!("p{}@example.org", 1_000_000 + m))
        }),
        ..Default::default()
    }
}

struct Pool {
    settings: Settings,
    mentees: Vec<(String, MenteeDetails)>,
    /// (id, details, free places)
    mentors: Vec<(String, MentorDetails, u32)>,
}

fn pool(n: usize, m: usize) -> Pool {
    let settings =
        Settings::load_with_env(None, Vec::<(String, String)>::new()).expect("default settings");
    let rules = Rules::new(&settings.taxonomy, settings.matching.default_capacity);
    let mut rng = SplitMix64::new(0xBE10_0001);
    let mentors = (0..m)
        .map(|k| {
            let person = person(&mut rng, 1_000_000 + k, None);
            let years = rng.below(26) as i64;
            let capacity = 1 + rng.below(4) as i64;
            let helps = 2 + rng.below(4) as usize;
            let input = MentorInput {
                person,
                years_experience: Field::Value(years),
                capacity: Field::Value(capacity),
                can_help_with: Field::Value(some(&mut rng, GOALS, helps)),
                certifications: Field::Absent,
            };
            let details = validate::mentor(&input, rules).expect("valid mentor");
            let free = 1 + rng.below(3) as u32;
            (format!("t{k:05}"), details, free)
        })
        .collect();
    let mentees = (0..n)
        .map(|k| {
            let manager = rng.chance(1, 10).then(|| rng.below(m as u64) as usize);
            let input = MenteeInput {
                person: person(&mut rng, k, manager),
                start_date: Field::Absent,
            };
            let details = validate::mentee(&input, rules).expect("valid mentee");
            (format!("e{k:05}"), details)
        })
        .collect();
    Pool {
        settings,
        mentees,
        mentors,
    }
}

fn scoring(c: &mut Criterion) {
    let pool = pool(MENTEES, MENTORS);
    let matching = &pool.settings.matching;
    let mut group = c.benchmark_group("matching");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(8));

    let mut scorer = Scorer::new(
        matching.weights,
        &pool.settings.taxonomy,
        &matching.working_language,
    );
    let mentee_traits: Vec<_> = pool.mentees.iter().map(|(_, d)| scorer.mentee(d)).collect();
    let mentor_traits: Vec<_> = pool
        .mentors
        .iter()
        .map(|(_, d, _)| scorer.mentor(d))
        .collect();
    scorer.prepare();
    group.throughput(Throughput::Elements((MENTEES * MENTORS) as u64));
    group.bench_function(format!("score pairs {MENTEES}x{MENTORS}"), |b| {
        b.iter(|| {
            let mut total = 0u64;
            for a in &mentee_traits {
                for t in &mentor_traits {
                    total += u64::from(scorer.score(black_box(a), black_box(t)).0);
                }
            }
            total
        })
    });

    group.bench_function(
        format!("score pairs {MENTEES}x{MENTORS}, two threads"),
        |b| {
            b.iter(|| {
                let (left, right) = mentee_traits.split_at(mentee_traits.len() / 2);
                let half = |part: &[_]| {
                    let mut total = 0u64;
                    for a in part {
                        for t in &mentor_traits {
                            total += u64::from(scorer.score(black_box(a), black_box(t)).0);
                        }
                    }
                    total
                };
                std::thread::scope(|s| {
                    let other = s.spawn(|| half(right));
                    half(left) + other.join().unwrap_or_default()
                })
            })
        },
    );

    let mentees: Vec<MenteeEntry> = pool
        .mentees
        .iter()
        .map(|(id, details)| MenteeEntry { id, details })
        .collect();
    let mentors: Vec<MentorEntry> = pool
        .mentors
        .iter()
        .map(|(id, details, free)| MentorEntry {
            id,
            details,
            paused: false,
            free: *free,
        })
        .collect();
    let engine = Engine::new(
        mentees,
        mentors,
        &[],
        matching,
        pool.settings.taxonomy.as_ref(),
    );
    group.bench_function(format!("run {MENTEES}x{MENTORS}"), |b| {
        b.iter(|| engine.run().map(|o| o.stats))
    });
    group.finish();
}

fn solver(c: &mut Criterion) {
    let mut group = c.benchmark_group("matching");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (name, spec) in assignment::generate::benchmark_rows() {
        if !matches!(
            name,
            "2000x700 dense slack" | "2000x700 dense tight" | "10000x3000 sparse slack"
        ) {
            continue;
        }
        let problem = assignment::generate::generate(&spec);
        group.throughput(Throughput::Elements(problem.mentor.len() as u64));
        group.bench_function(format!("solve {name}"), |b| {
            b.iter(|| problem.solve().expect("valid instance").total_score)
        });
    }
    group.finish();
}

criterion_group!(benches, scoring, solver);
criterion_main!(benches);
