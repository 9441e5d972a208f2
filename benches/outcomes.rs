//! The console's outcomes pages under a year of data: 60 000 answers from about 1 700 pairs
//! across three sites, four shifts, seven professions, sixteen specialties and twelve
//! monthly cohorts, with their check-ins and the mentees' employment events. Each page is
//! fetched through real HTTP by a signed-in coordinator, on SQLite and on PostgreSQL.
//!
//! `cargo bench --bench outcomes`. Criterion reports the mean per page; the 50th and 95th
//! percentiles of every request timed (warm-up included) are printed at the end, and written
//! to `target/criterion/outcomes-percentiles.txt`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use belong::domain::matching::assignment::generate::SplitMix64;
use chrono::{Days, Months, NaiveDate};
use common::seed::{Person, Seed, Value};
use common::{Backend, signed_in, spawn};
use criterion::{Criterion, criterion_group, criterion_main};

const ANSWERS: usize = 60_000;

const SITES: &[&str] = &["north_campus", "south_campus", "community_clinic"];
const SHIFTS: &[&str] = &["day", "day", "evening", "night", "rotating"];
const PROFESSIONS: &[&str] = &[
    "registered_nurse",
    "registered_nurse",
    "registered_nurse",
    "licensed_practical_nurse",
    "nurse_practitioner",
    "midwife",
    "respiratory_therapist",
    "paramedic",
    "physical_therapist",
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
/// The default steps: key, survey, months after approval (day 14 as 0).
const STEPS: &[(&str, u32)] = &[
    ("day14", 0),
    ("month1", 1),
    ("month3", 3),
    ("month6", 6),
    ("month9", 9),
    ("month12", 12),
];

fn pick(rng: &mut SplitMix64, options: &[&'static str]) -> &'static str {
    options[rng.below(options.len() as u64) as usize]
}

fn scale(rng: &mut SplitMix64, centre: u64) -> Value {
    let v = (centre + rng.below(3)).saturating_sub(1).clamp(1, 5);
    Value::Number(v as f64)
}

/// Pairs approved over the last twelve months until there are 60 000 answers: each check-in
/// already due is answered (about 7 in 10), expired or still waiting; later ones are planned.
fn year_of_answers(today: NaiveDate) -> Seed {
    let mut rng = SplitMix64::new(2026);
    let mut seed = Seed::new();
    let mut n = 0u64;
    while seed.answer_count < ANSWERS {
        n += 1;
        let approved = today - Days::new(14 + rng.below(365));
        let person = Person {
            site: pick(&mut rng, SITES),
            shift: pick(&mut rng, SHIFTS),
            profession: pick(&mut rng, PROFESSIONS),
            specialty: pick(&mut rng, SPECIALTIES),
        };
        let pair = seed.pair(person, &format!("{approved} 09:30:00"));
        let hired = approved - Days::new(rng.below(60));
        seed.employment(&pair.mentee_id, "mentee", "hired", None, &hired.to_string());
        if rng.chance(1, 7) {
            let left = hired + Days::new(rng.below(365));
            if left < today {
                let voluntary = rng.chance(3, 4);
                seed.employment(
                    &pair.mentee_id,
                    "mentee",
                    "left",
                    Some(voluntary),
                    &left.to_string(),
                );
            }
        }
        let belonging = 2 + rng.below(3);
        for (step, months) in STEPS {
            let due = if *months == 0 {
                approved + Days::new(14)
            } else {
                approved + Months::new(*months)
            };
            for role in ["mentee", "mentor"] {
                if due > today {
                    seed.checkin(&pair, role, step, "scheduled", &[]);
                    continue;
                }
                let roll = rng.below(20);
                if roll >= 14 {
                    let status = if roll >= 18 { "sent" } else { "expired" };
                    seed.checkin(&pair, role, step, status, &[]);
                    continue;
                }
                let mut answers = vec![
                    ("met", Value::Number(1.0)),
                    ("times", Value::Number(1.0 + rng.below(4) as f64)),
                    ("fit", scale(&mut rng, 4)),
                ];
                if role == "mentee" && *step != "day14" {
                    answers.push(("belonging", scale(&mut rng, belonging)));
                    answers.push(("stay", scale(&mut rng, 4)));
                    answers.push(("burnout", scale(&mut rng, 2)));
                }
                if rng.chance(1, 5) {
                    answers.push(("comment", Value::Text(format!("Notes from check-in {n}"))));
                }
                seed.checkin(&pair, role, step, "answered", &answers);
            }
        }
    }
    seed
}

/// Signs a coordinator in; the client keeps the sign-in cookie.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn pages(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let today = chrono::Utc::now().date_naive();
    let month = (today - Months::new(6)).format("%Y-%m").to_string();
    let paths = [
        "/coordinator/outcomes".to_string(),
        "/coordinator/outcomes?group_by=specialty".into(),
        format!("/coordinator/outcomes?group_by=site&cohort={month}"),
        "/coordinator/outcomes/checkins".into(),
        "/coordinator/outcomes/questions?step=month3".into(),
        "/coordinator/outcomes/retention".into(),
    ];
    let timings: Arc<Mutex<BTreeMap<String, Vec<Duration>>>> = Arc::default();
    let mut group = c.benchmark_group("outcomes");
    group.sample_size(30);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(6));
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = runtime.block_on(spawn(backend));
        let seed = year_of_answers(today);
        let answers = seed.answer_count;
        let started = Instant::now();
        seed.write(&app.app.db);
        println!(
            "{backend:?}: {answers} answers seeded in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let client = runtime.block_on(signed_in(&app));
        for path in &paths {
            let name = format!("{backend:?} {path}").to_lowercase();
            let url = app.url(path);
            let timings = timings.clone();
            group.bench_function(&name, |b| {
                b.iter_custom(|iterations| {
                    let mut total = Duration::ZERO;
                    let mut seen = Vec::new();
                    for _ in 0..iterations {
                        let start = Instant::now();
                        let response = runtime.block_on(client.get(&url).send()).expect("page");
                        assert_eq!(response.status(), 200, "{url}");
                        runtime.block_on(response.bytes()).expect("body");
                        let took = start.elapsed();
                        total += took;
                        seen.push(took);
                    }
                    timings
                        .lock()
                        .expect("timings")
                        .entry(name.clone())
                        .or_default()
                        .extend(seen);
                    total
                })
            });
        }
    }
    group.finish();
    let mut report = String::from("page | requests | p50 ms | p95 ms | max ms\n");
    for (name, mut all) in std::mem::take(&mut *timings.lock().expect("timings")) {
        all.sort();
        report.push_str(&format!(
            "{name} | {} | {:.1} | {:.1} | {:.1}\n",
            all.len(),
            percentile(&all, 0.50).as_secs_f64() * 1000.0,
            percentile(&all, 0.95).as_secs_f64() * 1000.0,
            all.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        ));
    }
    println!("\n{report}");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("outcomes-percentiles.txt"), report);
}

criterion_group!(benches, pages);
criterion_main!(benches);
