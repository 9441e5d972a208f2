//! `[matching]`: the weights and hard rules of matching, checked against the taxonomy.

use serde::Deserialize;

use super::{ConfigError, invalid};
use crate::domain::matching::settings::{MatchingSettings, Points, SettingsInput, Weights};
use crate::domain::profile::{Capacity, YearsExperience};
use crate::domain::taxonomy::Taxonomy;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMatching {
    default_capacity: i64,
    min_score: f64,
    min_mentor_years: i64,
    working_language: String,
    cross_profession: Vec<RawCrossProfession>,
    weights: std::collections::BTreeMap<String, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCrossProfession {
    mentee: String,
    mentor: String,
}

/// With the taxonomy, whose codes the cross-profession pairs must name.
impl TryFrom<(RawMatching, &Taxonomy)> for MatchingSettings {
    type Error = ConfigError;

    fn try_from((m, taxonomy): (RawMatching, &Taxonomy)) -> Result<Self, ConfigError> {
        let working_language = crate::domain::language::Language::parse(&m.working_language)
            .map_err(|e| invalid("matching.working_language", e))?;
        let base = MatchingSettings {
            weights: Weights::default(),
            min_score: Points(0),
            default_capacity: Capacity::parse(2)
                .map_err(|e| invalid("matching.default_capacity", e))?,
            min_mentor_years: YearsExperience::parse(0)
                .map_err(|e| invalid("matching.min_mentor_years", e))?,
            cross_profession: Vec::new(),
            working_language: working_language.as_str().to_string(),
        };
        base.updated(
            SettingsInput {
                weights: Some(m.weights.into_iter().collect()),
                min_score: Some(m.min_score),
                default_capacity: Some(m.default_capacity),
                min_mentor_years: Some(m.min_mentor_years),
                cross_profession: Some(
                    m.cross_profession
                        .into_iter()
                        .map(|c| (c.mentee, c.mentor))
                        .collect(),
                ),
            },
            taxonomy,
        )
        .map_err(|errors| {
            let first = errors
                .iter()
                .next()
                .map(|e| format!("matching.{}: {}", e.field, e.message));
            ConfigError(first.unwrap_or_else(|| "matching: invalid".into()))
        })
    }
}
