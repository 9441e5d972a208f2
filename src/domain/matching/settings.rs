//! Matching settings coordinators can change: criterion weights, the minimum score, the
//! default capacity, the minimum experience of a mentor and allowed cross-profession pairs.

use std::fmt;

use crate::domain::field_error::FieldErrors;
use crate::domain::profile::{Capacity, YearsExperience};
use crate::domain::taxonomy::{Code, Taxonomy};

/// Points in hundredths: 2550 is 25.5 points. Integer arithmetic keeps explanations summing
/// exactly to their score and makes ties exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(pub u32);

impl Points {
    pub const HUNDRED: Points = Points(10_000);

    /// Parses a number of points with at most two decimals, within `0..=100`.
    pub fn parse(value: f64) -> Result<Self, String> {
        let hundredths = (value * 100.0).round();
        if !value.is_finite() || !(0.0..=100.0).contains(&value) {
            return Err("must be a number from 0 to 100".into());
        }
        if (value * 100.0 - hundredths).abs() > 1e-6 {
            return Err("may have at most two decimals".into());
        }
        Ok(Points(hundredths as u32))
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 100.0
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(100) {
            write!(f, "{}", self.0 / 100)
        } else {
            write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
        }
    }
}

/// What a pair is scored on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Criterion {
    Specialty,
    Shift,
    Site,
    Goals,
    Languages,
    Affinity,
    Interests,
    Meeting,
}

impl Criterion {
    pub const ALL: [Criterion; 8] = [
        Criterion::Specialty,
        Criterion::Shift,
        Criterion::Site,
        Criterion::Goals,
        Criterion::Languages,
        Criterion::Affinity,
        Criterion::Interests,
        Criterion::Meeting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Specialty => "specialty",
            Criterion::Shift => "shift",
            Criterion::Site => "site",
            Criterion::Goals => "goals",
            Criterion::Languages => "languages",
            Criterion::Affinity => "affinity",
            Criterion::Interests => "interests",
            Criterion::Meeting => "meeting",
        }
    }

    /// The criterion as a person reads it: "Specialty", "Shared affinity groups".
    pub fn label(self) -> &'static str {
        match self {
            Criterion::Specialty => "Specialty",
            Criterion::Shift => "Shift",
            Criterion::Site => "Site",
            Criterion::Goals => "Goals",
            Criterion::Languages => "Languages",
            Criterion::Affinity => "Shared affinity groups",
            Criterion::Interests => "Interests",
            Criterion::Meeting => "Meeting preferences",
        }
    }

    pub fn parse(name: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.as_str() == name)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The weight of each criterion; they sum to exactly 100 points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights([Points; 8]);

impl Weights {
    /// Weights from (criterion, points) pairs: every criterion once, summing to 100.
    pub fn new(pairs: &[(Criterion, Points)]) -> Result<Self, String> {
        let mut weights = [None; 8];
        for (criterion, points) in pairs {
            if weights[criterion.index()].replace(*points).is_some() {
                return Err(format!("{} is given twice", criterion.as_str()));
            }
        }
        let mut out = [Points(0); 8];
        for criterion in Criterion::ALL {
            out[criterion.index()] = weights[criterion.index()]
                .ok_or_else(|| format!("{} is missing", criterion.as_str()))?;
        }
        let total: u32 = out.iter().map(|p| p.0).sum();
        if total != Points::HUNDRED.0 {
            return Err(format!("must add up to 100, not {}", Points(total)));
        }
        Ok(Weights(out))
    }

    pub fn get(&self, criterion: Criterion) -> Points {
        self.0[criterion.index()]
    }

    pub fn iter(&self) -> impl Iterator<Item = (Criterion, Points)> + '_ {
        Criterion::ALL.into_iter().map(|c| (c, self.get(c)))
    }
}

impl Default for Weights {
    /// Specialty 25, shift 15, site 15, goals 15, languages 10, affinity 10, interests 5,
    /// meeting 5.
    fn default() -> Self {
        Weights([
            Points(2500),
            Points(1500),
            Points(1500),
            Points(1500),
            Points(1000),
            Points(1000),
            Points(500),
            Points(500),
        ])
    }
}

/// A mentee profession that may be mentored by a mentor of another profession.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CrossProfession {
    pub mentee: Code,
    pub mentor: Code,
}

/// Everything that decides a matching run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchingSettings {
    pub weights: Weights,
    /// Pairs scoring below this are not eligible.
    pub min_score: Points,
    pub default_capacity: Capacity,
    pub min_mentor_years: YearsExperience,
    pub cross_profession: Vec<CrossProfession>,
    /// The language everyone works in; sharing it earns no language points.
    pub working_language: String,
}

/// Settings as given (API body, roster file), before checking.
#[derive(Debug, Clone, Default)]
pub struct SettingsInput {
    pub weights: Option<Vec<(String, f64)>>,
    pub min_score: Option<f64>,
    pub default_capacity: Option<i64>,
    pub min_mentor_years: Option<i64>,
    pub cross_profession: Option<Vec<(String, String)>>,
}

impl MatchingSettings {
    /// Lays `input` over `self` and checks the result; errors name each field.
    pub fn updated(&self, input: SettingsInput, taxonomy: &Taxonomy) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut next = self.clone();
        if let Some(pairs) = input.weights {
            let mut parsed = Vec::new();
            for (name, value) in pairs {
                let field = format!("weights.{name}");
                match Criterion::parse(&name) {
                    Some(criterion) => {
                        if let Some(points) = errors.check(&field, Points::parse(value)) {
                            parsed.push((criterion, points));
                        }
                    }
                    None => errors.add(
                        field,
                        format!(
                            "is not a criterion; use {}",
                            Criterion::ALL.map(Criterion::as_str).join(", ")
                        ),
                    ),
                }
            }
            if errors.is_empty()
                && let Some(weights) = errors.check("weights", Weights::new(&parsed))
            {
                next.weights = weights;
            }
        }
        if let Some(value) = input.min_score
            && let Some(points) = errors.check("min_score", Points::parse(value))
        {
            next.min_score = points;
        }
        if let Some(value) = input.default_capacity
            && let Some(capacity) = errors.check("default_capacity", Capacity::parse(value))
        {
            next.default_capacity = capacity;
        }
        if let Some(value) = input.min_mentor_years
            && let Some(years) = errors.check("min_mentor_years", YearsExperience::parse(value))
        {
            next.min_mentor_years = years;
        }
        if let Some(pairs) = input.cross_profession {
            let mut parsed = Vec::new();
            for (i, (mentee, mentor)) in pairs.iter().enumerate() {
                let field = format!("cross_profession[{i}]");
                let mentee = errors.check(
                    &format!("{field}.mentee"),
                    taxonomy.professions.parse(mentee),
                );
                let mentor = errors.check(
                    &format!("{field}.mentor"),
                    taxonomy.professions.parse(mentor),
                );
                if let (Some(mentee), Some(mentor)) = (mentee, mentor)
                    && mentee != mentor
                {
                    parsed.push(CrossProfession { mentee, mentor });
                }
            }
            parsed.sort();
            parsed.dedup();
            next.cross_profession = parsed;
        }
        errors.into_result(next)
    }

    /// Whether a mentee of one profession may be paired with a mentor of another.
    pub fn professions_compatible(&self, mentee: &str, mentor: &str) -> bool {
        mentee == mentor
            || self
                .cross_profession
                .iter()
                .any(|p| p.mentee.as_str() == mentee && p.mentor.as_str() == mentor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_have_two_decimals() {
        assert_eq!(Points::parse(25.0), Ok(Points(2500)));
        assert_eq!(Points::parse(12.34), Ok(Points(1234)));
        assert!(Points::parse(12.345).is_err());
        assert!(Points::parse(-1.0).is_err() && Points::parse(100.01).is_err());
        assert!(Points::parse(f64::NAN).is_err());
        assert_eq!(Points(8350).to_string(), "83.50");
        assert_eq!(Points(2500).to_string(), "25");
    }

    #[test]
    fn default_weights_sum_to_100() {
        let total: u32 = Weights::default().iter().map(|(_, p)| p.0).sum();
        assert_eq!(total, 10_000);
    }

    #[test]
    fn weights_must_be_complete_and_sum_to_100() {
        let mut pairs: Vec<(Criterion, Points)> = Weights::default().iter().collect();
        assert!(Weights::new(&pairs).is_ok());
        pairs[0].1 = Points(2400);
        assert!(Weights::new(&pairs).is_err_and(|e| e.contains("add up to 100")));
        pairs.pop();
        assert!(Weights::new(&pairs).is_err_and(|e| e.contains("missing")));
    }
}

/// The JSON form of settings, shared by the API, the stored copy and roster files.
pub mod json {
    use serde_json::{Map, Value, json};

    use super::{MatchingSettings, SettingsInput};
    use crate::domain::field_error::FieldErrors;

    pub fn to_json(s: &MatchingSettings) -> Value {
        let weights: Map<String, Value> = s
            .weights
            .iter()
            .map(|(c, p)| (c.as_str().to_string(), json!(p.as_f64())))
            .collect();
        json!({
            "weights": weights,
            "min_score": s.min_score.as_f64(),
            "default_capacity": s.default_capacity.get(),
            "min_mentor_years": s.min_mentor_years.get(),
            "cross_profession": s.cross_profession.iter()
                .map(|p| json!({"mentee": p.mentee.as_str(), "mentor": p.mentor.as_str()}))
                .collect::<Vec<_>>(),
        })
    }

    fn number(value: &Value, field: &str, errors: &mut FieldErrors) -> Option<f64> {
        let n = value.as_f64();
        if n.is_none() {
            errors.add(field, "must be a number");
        }
        n
    }

    fn integer(value: &Value, field: &str, errors: &mut FieldErrors) -> Option<i64> {
        let n = value.as_i64();
        if n.is_none() {
            errors.add(field, "must be a whole number");
        }
        n
    }

    /// Reads a (possibly partial) settings object; unknown keys are errors.
    pub fn input(body: &Map<String, Value>) -> Result<SettingsInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut input = SettingsInput::default();
        for (key, value) in body {
            match key.as_str() {
                "weights" => match value.as_object() {
                    Some(map) => {
                        let mut pairs = Vec::new();
                        for (name, v) in map {
                            if let Some(n) = number(v, &format!("weights.{name}"), &mut errors) {
                                pairs.push((name.clone(), n));
                            }
                        }
                        input.weights = Some(pairs);
                    }
                    None => errors.add("weights", "must be an object of criterion: points"),
                },
                "min_score" => input.min_score = number(value, key, &mut errors),
                "default_capacity" => input.default_capacity = integer(value, key, &mut errors),
                "min_mentor_years" => input.min_mentor_years = integer(value, key, &mut errors),
                "cross_profession" => {
                    let pairs = value.as_array().map(|items| {
                        items
                            .iter()
                            .map(|item| {
                                let text = |k: &str| {
                                    item.get(k).and_then(Value::as_str).map(str::to_string)
                                };
                                text("mentee").zip(text("mentor"))
                            })
                            .collect::<Option<Vec<_>>>()
                    });
                    match pairs.flatten() {
                        Some(pairs) => input.cross_profession = Some(pairs),
                        None => errors.add(
                            "cross_profession",
                            "must be a list of {\"mentee\": profession, \"mentor\": profession}",
                        ),
                    }
                }
                "working_language" => errors.add(key.as_str(), "is set in the configuration file"),
                other => errors.add(other, "is not a matching setting"),
            }
        }
        errors.into_result(input)
    }
}
