//! Fast seeding of outcomes data straight into the store: profiles, approved matches, their
//! check-ins and answers, written as multi-row INSERTs (the same SQL on both backends). For
//! the large data sets of benchmarks and for exact, hand-checkable figures in tests.

use belong::store::{AnyConnection, Db, StoreError};
use diesel::connection::SimpleConnection;

/// The profile fields outcomes are grouped by.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub site: &'static str,
    pub shift: &'static str,
    pub profession: &'static str,
    pub specialty: &'static str,
}

impl Default for Person {
    fn default() -> Self {
        Person {
            site: "north_campus",
            shift: "night",
            profession: "registered_nurse",
            specialty: "emergency",
        }
    }
}

/// An answer value.
#[derive(Debug, Clone)]
pub enum Value {
    Number(f64),
    Text(String),
}

/// The ids of a seeded pair.
#[derive(Debug, Clone)]
pub struct Pair {
    pub match_id: String,
    pub mentee_id: String,
    pub mentor_id: String,
    approved_at: String,
}

/// Rows to insert, kept per table until [`Seed::write`].
#[derive(Default)]
pub struct Seed {
    profiles: Vec<String>,
    matches: Vec<String>,
    checkins: Vec<String>,
    answers: Vec<String>,
    employment: Vec<String>,
    /// Answers added so far.
    pub answer_count: usize,
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The survey a default step asks.
fn survey(step: &str) -> &'static str {
    if step == "day14" {
        "first_meeting"
    } else {
        "pulse"
    }
}

impl Seed {
    pub fn new() -> Self {
        Self::default()
    }

    fn profile(&mut self, role: &str, p: &Person, at: &str) -> String {
        let pid = id();
        let n = self.profiles.len();
        let (capacity, years, status) = if role == "mentor" {
            ("2", "10", "active")
        } else {
            ("NULL", "NULL", "matched")
        };
        self.profiles.push(format!(
            "({}, '{role}', 'Seeded {role} {n}', 'seeded.{role}.{n}.{pid}@example.org', {}, {}, {}, {}, \
             'either', {capacity}, {years}, '{status}', {at}, {at})",
            quote(&pid),
            quote(p.profession),
            quote(p.specialty),
            quote(p.site),
            quote(p.shift),
            at = quote(at),
        ));
        pid
    }

    /// A mentee with these fields, a mentor, and their match approved at `approved_at`
    /// (`YYYY-MM-DD HH:MM:SS`).
    pub fn pair(&mut self, mentee: Person, approved_at: &str) -> Pair {
        self.pair_as(mentee, approved_at, "approved")
    }

    /// As [`Seed::pair`], the match now in `status` (`approved` or `ended`).
    pub fn pair_as(&mut self, mentee: Person, approved_at: &str, status: &str) -> Pair {
        let mentee_id = self.profile("mentee", &mentee, approved_at);
        self.matched(mentee_id, approved_at, status)
    }

    /// The same mentee with a new mentor, approved at `approved_at`.
    pub fn rematch(&mut self, earlier: &Pair, approved_at: &str) -> Pair {
        let mentor_id = self.profile("mentor", &Person::default(), approved_at);
        self.matched_with(
            earlier.mentee_id.clone(),
            mentor_id,
            approved_at,
            "approved",
        )
    }

    /// A new mentee for the mentor of `other`.
    pub fn pair_with(&mut self, mentee: Person, other: &Pair, approved_at: &str) -> Pair {
        let mentee_id = self.profile("mentee", &mentee, approved_at);
        self.matched_with(mentee_id, other.mentor_id.clone(), approved_at, "approved")
    }

    fn matched(&mut self, mentee_id: String, approved_at: &str, status: &str) -> Pair {
        let mentor_id = self.profile("mentor", &Person::default(), approved_at);
        self.matched_with(mentee_id, mentor_id, approved_at, status)
    }

    fn matched_with(
        &mut self,
        mentee_id: String,
        mentor_id: String,
        approved_at: &str,
        status: &str,
    ) -> Pair {
        let match_id = id();
        self.matches.push(format!(
            "({}, {}, {}, {}, 5000, '[]', {at}, {at}, {at})",
            quote(&match_id),
            quote(&mentee_id),
            quote(&mentor_id),
            quote(status),
            at = quote(approved_at),
        ));
        Pair {
            match_id,
            mentee_id,
            mentor_id,
            approved_at: approved_at.to_string(),
        }
    }

    /// One person's check-in at `step` in `status`; answers are stored when given (the status
    /// should then be `answered`). A scheduled one falls due far in the future, so that the
    /// running scheduler leaves it alone.
    pub fn checkin(
        &mut self,
        pair: &Pair,
        role: &str,
        step: &str,
        status: &str,
        answers: &[(&str, Value)],
    ) {
        let checkin_id = id();
        let person = if role == "mentee" {
            &pair.mentee_id
        } else {
            &pair.mentor_id
        };
        let at = quote(&pair.approved_at);
        let due_at = if status == "scheduled" {
            quote("2099-01-01 00:00:00")
        } else {
            at.clone()
        };
        let answered_at = if status == "answered" {
            at.clone()
        } else {
            "NULL".into()
        };
        let sent_at = if status == "scheduled" || status == "cancelled" {
            "NULL".to_string()
        } else {
            at.clone()
        };
        self.checkins.push(format!(
            "({}, {}, {}, '{role}', {}, '{}', {due_at}, {}, {answered_at}, {at}, {sent_at})",
            quote(&checkin_id),
            quote(&pair.match_id),
            quote(person),
            quote(step),
            survey(step),
            quote(status),
        ));
        for (question, value) in answers {
            let (number, text) = match value {
                Value::Number(n) => (n.to_string(), "NULL".to_string()),
                Value::Text(t) => ("NULL".to_string(), quote(t)),
            };
            self.answers.push(format!(
                "({}, {}, {}, '{role}', {}, {}, {number}, {text}, {at})",
                quote(&checkin_id),
                quote(&pair.match_id),
                quote(person),
                quote(step),
                quote(question),
            ));
            self.answer_count += 1;
        }
    }

    /// A mentee's answered check-in with a belonging answer (and `met`).
    pub fn belonging(&mut self, pair: &Pair, step: &str, belonging: f64) {
        self.checkin(
            pair,
            "mentee",
            step,
            "answered",
            &[
                ("belonging", Value::Number(belonging)),
                ("met", Value::Number(1.0)),
            ],
        );
    }

    /// An employment event of a seeded person (`YYYY-MM-DD`).
    pub fn employment(
        &mut self,
        person_id: &str,
        role: &str,
        event: &str,
        voluntary: Option<bool>,
        on: &str,
    ) {
        let voluntary = match voluntary {
            Some(true) => "TRUE",
            Some(false) => "FALSE",
            None => "NULL",
        };
        self.employment.push(format!(
            "({}, {p}, {p}, {}, {}, {voluntary}, {}, {})",
            quote(&id()),
            quote(role),
            quote(event),
            quote(on),
            quote("2026-01-01 00:00:00"),
            p = quote(person_id),
        ));
    }

    /// Writes everything in one transaction, a few hundred rows per statement.
    pub fn write(self, db: &Db) {
        let tables = [
            (
                "profiles (id, role, full_name, email, profession, specialty, site, shift, preferred_meeting, capacity, years_experience, status, created_at, updated_at)",
                self.profiles,
            ),
            (
                "matches (id, mentee_id, mentor_id, status, score, explanation, created_at, updated_at, approved_at)",
                self.matches,
            ),
            (
                "checkins (id, match_id, person_id, role, step, survey, due_at, status, answered_at, created_at, sent_at)",
                self.checkins,
            ),
            (
                "answers (checkin_id, match_id, person_id, role, step, question, number, text, answered_at)",
                self.answers,
            ),
            (
                "employment_events (id, person_id, subject, role, event, voluntary, occurred_on, created_at)",
                self.employment,
            ),
        ];
        db.run_blocking(|conn: &mut AnyConnection| {
            conn.batch_execute("BEGIN")?;
            for (table, rows) in &tables {
                for chunk in rows.chunks(400) {
                    conn.batch_execute(&format!(
                        "INSERT INTO {table} VALUES {}",
                        chunk.join(", ")
                    ))?;
                }
            }
            conn.batch_execute("COMMIT")?;
            Ok::<_, StoreError>(())
        })
        .expect("seed the store");
    }
}
