//! The hospital's lists: professions, specialties (and which are related), sites, goals and
//! affinity groups. They come from configuration, so a hospital edits lists, not code.

use std::collections::BTreeSet;
use std::fmt;

/// A code from one of the taxonomy lists, e.g. `registered_nurse`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(String);

impl Code {
    /// Wraps a code read back from storage; it was checked against the taxonomy when stored.
    pub fn from_trusted(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One entry of a list as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub code: String,
    pub label: String,
}

/// One named list of codes, in the configured order (the order forms show them in).
#[derive(Debug, Clone)]
pub struct CodeList {
    noun: &'static str,
    entries: Vec<Entry>,
}

impl CodeList {
    fn new(key: &str, noun: &'static str, entries: Vec<Entry>) -> Result<Self, String> {
        if entries.is_empty() {
            return Err(format!("{key}: the list must not be empty"));
        }
        let mut seen = BTreeSet::new();
        for (i, entry) in entries.iter().enumerate() {
            if !is_snake_case(&entry.code) {
                return Err(format!(
                    "{key}[{i}].code: \"{}\" is not a lowercase snake_case code",
                    entry.code
                ));
            }
            if entry.label.trim().is_empty() {
                return Err(format!("{key}[{i}].label: must not be empty"));
            }
            if !seen.insert(entry.code.as_str()) {
                return Err(format!("{key}[{i}].code: \"{}\" appears twice", entry.code));
            }
        }
        Ok(Self { noun, entries })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn contains(&self, code: &str) -> bool {
        self.entries.iter().any(|e| e.code == code)
    }

    /// The display label of a code; an unknown code (say, removed from config since) shows as is.
    pub fn label<'a>(&'a self, code: &'a str) -> &'a str {
        self.entries
            .iter()
            .find(|e| e.code == code)
            .map_or(code, |e| e.label.as_str())
    }

    pub fn allowed(&self) -> String {
        self.entries
            .iter()
            .map(|e| e.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Parses one code; the error names the allowed codes.
    pub fn parse(&self, input: &str) -> Result<Code, String> {
        let code = input.trim();
        if code.is_empty() {
            return Err("is required".into());
        }
        if self.contains(code) {
            Ok(Code(code.to_string()))
        } else {
            Err(format!(
                "\"{code}\" is not a known {}; allowed: {}",
                self.noun,
                self.allowed()
            ))
        }
    }

    /// Parses a list of codes, dropping duplicates and keeping the first-seen order.
    pub fn parse_many(&self, inputs: &[String]) -> Result<Vec<Code>, String> {
        let mut out: Vec<Code> = Vec::new();
        for input in inputs {
            let code = self.parse(input)?;
            if !out.contains(&code) {
                out.push(code);
            }
        }
        Ok(out)
    }
}

/// The configured lists, as plain data, before they are checked.
#[derive(Debug, Clone, Default)]
pub struct TaxonomySpec {
    pub professions: Vec<Entry>,
    pub specialties: Vec<(Entry, Vec<String>)>,
    pub sites: Vec<Entry>,
    pub goals: Vec<Entry>,
    pub affinity_groups: Vec<Entry>,
}

/// All lists, checked: codes unique and snake_case, labels present, relations to known codes.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub professions: CodeList,
    pub specialties: CodeList,
    pub sites: CodeList,
    pub goals: CodeList,
    pub affinity_groups: CodeList,
    /// Related specialty pairs, stored both ways round.
    related: BTreeSet<(String, String)>,
}

impl Taxonomy {
    pub fn new(spec: TaxonomySpec) -> Result<Self, String> {
        let specialties = CodeList::new(
            "taxonomy.specialties",
            "specialty",
            spec.specialties.iter().map(|(e, _)| e.clone()).collect(),
        )?;
        let mut related = BTreeSet::new();
        for (i, (entry, others)) in spec.specialties.iter().enumerate() {
            for other in others {
                if !specialties.contains(other) {
                    return Err(format!(
                        "taxonomy.specialties[{i}].related: \"{other}\" is not a specialty code"
                    ));
                }
                if other != &entry.code {
                    related.insert((entry.code.clone(), other.clone()));
                    related.insert((other.clone(), entry.code.clone()));
                }
            }
        }
        Ok(Self {
            professions: CodeList::new("taxonomy.professions", "profession", spec.professions)?,
            specialties,
            sites: CodeList::new("taxonomy.sites", "site", spec.sites)?,
            goals: CodeList::new("taxonomy.goals", "goal", spec.goals)?,
            affinity_groups: CodeList::new(
                "taxonomy.affinity_groups",
                "affinity group",
                spec.affinity_groups,
            )?,
            related,
        })
    }

    /// Whether two different specialties are configured as related.
    pub fn specialties_related(&self, a: &str, b: &str) -> bool {
        self.related.contains(&(a.to_string(), b.to_string()))
    }

    /// The specialties related to `code`, in list order.
    pub fn related_to(&self, code: &str) -> Vec<&str> {
        self.specialties
            .entries()
            .iter()
            .map(|e| e.code.as_str())
            .filter(|other| self.specialties_related(code, other))
            .collect()
    }
}

fn is_snake_case(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && !code.ends_with('_')
        && !code.contains("__")
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str) -> Entry {
        Entry {
            code: code.into(),
            label: code.replace('_', " "),
        }
    }

    fn spec() -> TaxonomySpec {
        TaxonomySpec {
            professions: vec![entry("registered_nurse"), entry("midwife")],
            specialties: vec![
                (entry("emergency"), vec!["intensive_care".into()]),
                (entry("intensive_care"), vec![]),
                (entry("oncology"), vec![]),
            ],
            sites: vec![entry("north_campus")],
            goals: vec![entry("leadership")],
            affinity_groups: vec![entry("parent")],
        }
    }

    #[test]
    fn relations_read_both_ways() {
        let taxonomy = Taxonomy::new(spec()).expect("valid");
        assert!(taxonomy.specialties_related("emergency", "intensive_care"));
        assert!(taxonomy.specialties_related("intensive_care", "emergency"));
        assert!(!taxonomy.specialties_related("emergency", "oncology"));
        assert_eq!(taxonomy.related_to("intensive_care"), vec!["emergency"]);
    }

    #[test]
    fn bad_lists_are_named() {
        let mut bad = spec();
        bad.sites.push(entry("North Campus"));
        let err = Taxonomy::new(bad).expect_err("invalid code");
        assert!(err.starts_with("taxonomy.sites[1].code"), "{err}");

        let mut bad = spec();
        bad.specialties[2].1.push("cardiology".into());
        let err = Taxonomy::new(bad).expect_err("unknown relation");
        assert!(err.starts_with("taxonomy.specialties[2].related"), "{err}");

        let mut bad = spec();
        bad.goals.push(entry("leadership"));
        assert!(Taxonomy::new(bad).is_err());
    }

    #[test]
    fn parse_names_allowed_codes() {
        let taxonomy = Taxonomy::new(spec()).expect("valid");
        let err = taxonomy.professions.parse("nurse").expect_err("unknown");
        assert!(err.contains("registered_nurse, midwife"), "{err}");
        let codes = taxonomy
            .specialties
            .parse_many(&["oncology".into(), "emergency".into(), "oncology".into()])
            .expect("valid");
        assert_eq!(codes.len(), 2);
    }
}
