//! `[taxonomy]`: the professions, specialties, sites, goals and affinity groups people choose
//! from.

use serde::Deserialize;

use super::ConfigError;
use crate::domain::taxonomy::{Entry, Taxonomy, TaxonomySpec};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaxonomy {
    professions: Vec<RawEntry>,
    specialties: Vec<RawSpecialty>,
    sites: Vec<RawEntry>,
    goals: Vec<RawEntry>,
    affinity_groups: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    code: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpecialty {
    code: String,
    label: String,
    #[serde(default)]
    related: Vec<String>,
}

impl From<RawEntry> for Entry {
    fn from(raw: RawEntry) -> Self {
        Entry {
            code: raw.code,
            label: raw.label,
        }
    }
}

impl TryFrom<RawTaxonomy> for Taxonomy {
    type Error = ConfigError;

    fn try_from(t: RawTaxonomy) -> Result<Self, ConfigError> {
        let entries = |list: Vec<RawEntry>| list.into_iter().map(Entry::from).collect();
        Taxonomy::new(TaxonomySpec {
            professions: entries(t.professions),
            specialties: t
                .specialties
                .into_iter()
                .map(|s| {
                    (
                        Entry {
                            code: s.code,
                            label: s.label,
                        },
                        s.related,
                    )
                })
                .collect(),
            sites: entries(t.sites),
            goals: entries(t.goals),
            affinity_groups: entries(t.affinity_groups),
        })
        .map_err(ConfigError)
    }
}
