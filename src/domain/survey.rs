//! Check-in surveys as configured: questions, the surveys that ask them, licensed instruments,
//! and the checking of one person's answers.
//!
//! Nothing here is fixed in code: a hospital defines its questions in configuration. The health
//! rules and the outcomes read answers by the conventional keys in [`keys`].

use std::collections::BTreeMap;

use super::field_error::FieldErrors;

/// The question keys the pair-health rules and the outcomes pages read.
pub mod keys {
    pub const BELONGING: &str = "belonging";
    pub const MET: &str = "met";
    pub const TIMES: &str = "times";
    pub const FIT: &str = "fit";
    pub const STAY: &str = "stay";
    pub const BURNOUT: &str = "burnout";
    pub const CONTACT: &str = "contact";
    pub const COMMENT: &str = "comment";
}

/// Who answers a check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Respondent {
    Mentee,
    Mentor,
}

impl Respondent {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "mentee" => Some(Respondent::Mentee),
            "mentor" => Some(Respondent::Mentor),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Respondent::Mentee => "mentee",
            Respondent::Mentor => "mentor",
        }
    }
}

/// What kind of answer a question takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A whole number from `min` to `max`, one label per point.
    Scale {
        min: i64,
        max: i64,
        labels: Vec<String>,
    },
    /// Yes or no, stored as 1 or 0.
    YesNo,
    /// A count from 0 to `max`.
    Count { max: i64 },
    /// Free text up to `max_chars` characters.
    Text { max_chars: usize },
}

/// One configured question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub key: String,
    /// As a mentee reads it.
    pub text: String,
    /// As a mentor reads it, where it differs.
    pub mentor_text: Option<String>,
    pub kind: Kind,
    pub required: bool,
    /// Asked of mentees only; questions about the pair are asked of both.
    pub mentee_only: bool,
    /// Where the item comes from, shown under it (e.g. a published single item).
    pub attribution: Option<String>,
}

impl Question {
    pub fn text_for(&self, who: Respondent) -> &str {
        match (who, &self.mentor_text) {
            (Respondent::Mentor, Some(t)) => t,
            _ => &self.text,
        }
    }

    pub fn asks(&self, who: Respondent) -> bool {
        who == Respondent::Mentee || !self.mentee_only
    }

    /// The choices a person picks from, as (form value, label); empty for counts and text.
    pub fn choices(&self) -> Vec<(String, String)> {
        match &self.kind {
            Kind::Scale { min, labels, .. } => labels
                .iter()
                .enumerate()
                .map(|(i, l)| ((min + i as i64).to_string(), l.clone()))
                .collect(),
            Kind::YesNo => vec![("yes".into(), "Yes".into()), ("no".into(), "No".into())],
            Kind::Count { .. } | Kind::Text { .. } => Vec::new(),
        }
    }
}

/// How a licensed instrument's score is computed from its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoring {
    Sum,
    Mean,
}

/// A validated instrument a hospital holds a licence for: its items are questions in its own
/// configuration, and its score is stored beside the items under the instrument's key.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    pub key: String,
    pub name: String,
    /// The licence under which the hospital uses it; required.
    pub licence: String,
    pub scoring: Scoring,
    pub items: Vec<String>,
}

/// One configured survey: a title and the questions it asks, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    pub key: String,
    pub title: String,
    pub questions: Vec<String>,
}

/// One recorded answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
}

/// The checked answers to one check-in, by question key (instrument scores included).
pub type Answers = BTreeMap<String, Value>;

/// Every question, survey and instrument of the installation, cross-checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Surveys {
    questions: BTreeMap<String, Question>,
    surveys: BTreeMap<String, Survey>,
    instruments: Vec<Instrument>,
}

impl Surveys {
    /// Checks that every survey names known questions, that scales are labelled, and that each
    /// instrument has a licence and known items. Errors name the configuration key.
    pub fn new(
        questions: Vec<Question>,
        surveys: Vec<Survey>,
        instruments: Vec<Instrument>,
    ) -> Result<Self, String> {
        let mut by_key = BTreeMap::new();
        for q in questions {
            let at = format!("checkins.questions.{}", q.key);
            if !is_key(&q.key) {
                return Err(format!("{at}: a key is lower-case letters, digits and _"));
            }
            if q.text.trim().is_empty() {
                return Err(format!("{at}.text: must not be empty"));
            }
            match &q.kind {
                Kind::Scale { min, max, labels } => {
                    if min >= max || max - min > 10 {
                        return Err(format!("{at}: a scale needs min < max, at most 11 points"));
                    }
                    if labels.len() as i64 != max - min + 1 {
                        return Err(format!("{at}.labels: give one label per point"));
                    }
                }
                Kind::Count { max } if *max < 1 => {
                    return Err(format!("{at}.max: must be at least 1"));
                }
                Kind::Text { max_chars } if *max_chars < 1 => {
                    return Err(format!("{at}.max_chars: must be at least 1"));
                }
                _ => {}
            }
            by_key.insert(q.key.clone(), q);
        }
        let mut surveys_by_key = BTreeMap::new();
        for s in surveys {
            let at = format!("checkins.surveys.{}", s.key);
            if s.questions.is_empty() {
                return Err(format!("{at}.questions: must not be empty"));
            }
            for q in &s.questions {
                if !by_key.contains_key(q) {
                    return Err(format!(
                        "{at}.questions: \"{q}\" is not a configured question"
                    ));
                }
            }
            surveys_by_key.insert(s.key.clone(), s);
        }
        for i in &instruments {
            let at = format!("checkins.instruments.{}", i.key);
            if i.licence.trim().is_empty() {
                return Err(format!(
                    "{at}.licence: a validated instrument is copyrighted; name the licence \
                     under which this installation uses it"
                ));
            }
            if by_key.contains_key(&i.key) {
                return Err(format!("{at}: the key is already a question's"));
            }
            if i.items.is_empty() {
                return Err(format!("{at}.items: must not be empty"));
            }
            for item in &i.items {
                match by_key.get(item).map(|q| &q.kind) {
                    Some(Kind::Scale { .. }) => {}
                    _ => {
                        return Err(format!(
                            "{at}.items: \"{item}\" is not a configured scale question"
                        ));
                    }
                }
            }
        }
        Ok(Surveys {
            questions: by_key,
            surveys: surveys_by_key,
            instruments,
        })
    }

    pub fn survey(&self, key: &str) -> Option<&Survey> {
        self.surveys.get(key)
    }

    pub fn question(&self, key: &str) -> Option<&Question> {
        self.questions.get(key)
    }

    pub fn instruments(&self) -> &[Instrument] {
        &self.instruments
    }

    /// The questions of `survey` that `who` is asked, in order.
    pub fn questions_for(&self, survey: &str, who: Respondent) -> Vec<&Question> {
        self.surveys
            .get(survey)
            .map(|s| {
                s.questions
                    .iter()
                    .filter_map(|k| self.questions.get(k))
                    .filter(|q| q.asks(who))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Checks a submitted form (one field per question key) against the survey and returns
    /// the answers to record, with instrument scores added; errors are keyed by question.
    pub fn check(
        &self,
        survey: &str,
        who: Respondent,
        form: &[(String, String)],
    ) -> Result<Answers, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut answers = Answers::new();
        let questions = self.questions_for(survey, who);
        for q in &questions {
            let given: Vec<&str> = form
                .iter()
                .filter(|(k, _)| k == &q.key)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
                .collect();
            let raw = match given.as_slice() {
                [] if q.required => {
                    errors.add(&q.key, "Please choose an answer.");
                    continue;
                }
                [] => continue,
                [one] => *one,
                _ => {
                    errors.add(&q.key, "Please give one answer.");
                    continue;
                }
            };
            match parse_value(&q.kind, raw) {
                Ok(v) => {
                    answers.insert(q.key.clone(), v);
                }
                Err(message) => errors.add(&q.key, message),
            }
        }
        if answers.get(keys::MET) == Some(&Value::Number(0.0))
            && matches!(answers.get(keys::TIMES), Some(Value::Number(n)) if *n > 0.0)
        {
            errors.add(
                keys::TIMES,
                "You answered that you have not met; leave this empty or change that answer.",
            );
        }
        if answers.get(keys::MET) == Some(&Value::Number(0.0)) {
            answers.insert(keys::TIMES.into(), Value::Number(0.0));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for i in &self.instruments {
            let asked: Vec<&str> = i
                .items
                .iter()
                .filter(|item| questions.iter().any(|q| &q.key == *item))
                .map(String::as_str)
                .collect();
            if asked.len() != i.items.len() {
                continue;
            }
            let values: Option<Vec<f64>> = asked
                .iter()
                .map(|item| match answers.get(*item) {
                    Some(Value::Number(n)) => Some(*n),
                    _ => None,
                })
                .collect();
            if let Some(values) = values {
                let sum: f64 = values.iter().sum();
                let score = match i.scoring {
                    Scoring::Sum => sum,
                    Scoring::Mean => sum / values.len() as f64,
                };
                answers.insert(i.key.clone(), Value::Number(score));
            }
        }
        Ok(answers)
    }
}

fn parse_value(kind: &Kind, raw: &str) -> Result<Value, String> {
    match kind {
        Kind::Scale { min, max, .. } => match raw.parse::<i64>() {
            Ok(n) if (*min..=*max).contains(&n) => Ok(Value::Number(n as f64)),
            _ => Err(format!(
                "Please choose one of the answers from {min} to {max}."
            )),
        },
        Kind::YesNo => match raw {
            "yes" => Ok(Value::Number(1.0)),
            "no" => Ok(Value::Number(0.0)),
            _ => Err("Please choose yes or no.".into()),
        },
        Kind::Count { max } => match raw.parse::<i64>() {
            Ok(n) if (0..=*max).contains(&n) => Ok(Value::Number(n as f64)),
            _ => Err(format!("Please give a whole number from 0 to {max}.")),
        },
        Kind::Text { max_chars } => {
            let chars = raw.chars().count();
            if chars > *max_chars {
                return Err(format!(
                    "Please keep this to {max_chars} characters; it has {chars}."
                ));
            }
            super::text::check_text(raw, *max_chars, true)
                .map(|_| Value::Text(raw.to_string()))
                .map_err(|_| "Please remove the control characters from this text.".into())
        }
    }
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(key: &str, mentee_only: bool) -> Question {
        Question {
            key: key.into(),
            text: format!("{key}?"),
            mentor_text: None,
            kind: Kind::Scale {
                min: 1,
                max: 5,
                labels: (1..=5).map(|n| n.to_string()).collect(),
            },
            required: true,
            mentee_only,
            attribution: None,
        }
    }

    fn yes_no(key: &str) -> Question {
        Question {
            kind: Kind::YesNo,
            ..scale(key, false)
        }
    }

    fn count(key: &str) -> Question {
        Question {
            kind: Kind::Count { max: 60 },
            required: false,
            ..scale(key, false)
        }
    }

    fn surveys(instruments: Vec<Instrument>) -> Result<Surveys, String> {
        Surveys::new(
            vec![
                scale("belonging", true),
                yes_no("met"),
                count("times"),
                scale("fit", false),
            ],
            vec![Survey {
                key: "pulse".into(),
                title: "Pulse".into(),
                questions: vec![
                    "belonging".into(),
                    "met".into(),
                    "times".into(),
                    "fit".into(),
                ],
            }],
            instruments,
        )
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn mentors_are_asked_only_the_pair_questions() {
        let s = surveys(vec![]).expect("accepted");
        let keys: Vec<&str> = s
            .questions_for("pulse", Respondent::Mentor)
            .iter()
            .map(|q| q.key.as_str())
            .collect();
        assert_eq!(keys, ["met", "times", "fit"]);
    }

    #[test]
    fn answers_are_checked_per_question() {
        let s = surveys(vec![]).expect("accepted");
        let errors = s
            .check(
                "pulse",
                Respondent::Mentee,
                &form(&[("belonging", "7"), ("met", "maybe")]),
            )
            .expect_err("refused");
        assert!(
            errors
                .message_for("belonging")
                .expect("accepted")
                .contains("1 to 5")
        );
        assert!(
            errors
                .message_for("met")
                .expect("accepted")
                .contains("yes or no")
        );
        assert!(
            errors
                .message_for("fit")
                .expect("accepted")
                .contains("choose")
        );
        let ok = s
            .check(
                "pulse",
                Respondent::Mentee,
                &form(&[
                    ("belonging", "4"),
                    ("met", "yes"),
                    ("times", "2"),
                    ("fit", "5"),
                ]),
            )
            .expect("accepted");
        assert_eq!(ok["belonging"], Value::Number(4.0));
        assert_eq!(ok["met"], Value::Number(1.0));
        assert_eq!(ok["times"], Value::Number(2.0));
    }

    #[test]
    fn not_met_with_meetings_counted_is_refused() {
        let s = surveys(vec![]).expect("accepted");
        let e = s
            .check(
                "pulse",
                Respondent::Mentor,
                &form(&[("met", "no"), ("times", "3"), ("fit", "2")]),
            )
            .expect_err("refused");
        assert!(e.message_for("times").is_some());
        let ok = s
            .check(
                "pulse",
                Respondent::Mentor,
                &form(&[("met", "no"), ("fit", "2")]),
            )
            .expect("accepted");
        assert_eq!(ok["times"], Value::Number(0.0));
    }

    #[test]
    fn an_instrument_without_a_licence_is_refused() {
        let instrument = |licence: &str| Instrument {
            key: "scale_x".into(),
            name: "Scale X".into(),
            licence: licence.into(),
            scoring: Scoring::Mean,
            items: vec!["belonging".into(), "fit".into()],
        };
        let e = surveys(vec![instrument("  ")]).expect_err("refused");
        assert!(e.contains("checkins.instruments.scale_x.licence"), "{e}");
        let s = surveys(vec![instrument("Licence 2026-114")]).expect("accepted");
        let ok = s
            .check(
                "pulse",
                Respondent::Mentee,
                &form(&[("belonging", "4"), ("met", "yes"), ("fit", "3")]),
            )
            .expect("accepted");
        assert_eq!(ok["scale_x"], Value::Number(3.5));
    }

    #[test]
    fn unknown_questions_in_a_survey_are_refused() {
        let e = Surveys::new(
            vec![],
            vec![Survey {
                key: "s".into(),
                title: "S".into(),
                questions: vec!["nope".into()],
            }],
            vec![],
        )
        .expect_err("refused");
        assert!(e.contains("checkins.surveys.s.questions"), "{e}");
    }
}
