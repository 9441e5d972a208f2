//! The sign-up rules, applied once for every way a profile arrives (API, form, roster file).

use chrono::{Datelike, NaiveDate};

use super::email::EmailAddress;
use super::field_error::FieldErrors;
use super::input::{Field, MenteeInput, MentorInput, PersonInput};
use super::language::Language;
use super::profile::{
    Capacity, MeetingPreference, MenteeDetails, MentorDetails, PersonDetails, Shift,
    YearsExperience,
};
use super::taxonomy::{Code, CodeList, Taxonomy};
use super::text::{self, FullName, Notes};

/// What validation needs to know beyond the input itself.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub taxonomy: &'a Taxonomy,
    /// A mentor's capacity when they do not give one.
    pub default_capacity: Capacity,
    /// Codes a profile already holds: still accepted when a hospital has since removed them
    /// from its lists, so that changing one field never fails on another nobody touched.
    pub kept: &'a [String],
}

impl<'a> Rules<'a> {
    pub fn new(taxonomy: &'a Taxonomy, default_capacity: Capacity) -> Self {
        Rules {
            taxonomy,
            default_capacity,
            kept: &[],
        }
    }

    fn code(&self, list: &CodeList, input: &str) -> Result<Code, String> {
        match list.parse(input) {
            Err(_) if self.kept.iter().any(|k| k == input.trim()) => {
                Ok(Code::from_trusted(input.trim().to_string()))
            }
            other => other,
        }
    }

    fn codes(&self, list: &CodeList, inputs: &[String]) -> Result<Vec<Code>, String> {
        let mut out: Vec<Code> = Vec::new();
        for input in inputs {
            let code = self.code(list, input)?;
            if !out.contains(&code) {
                out.push(code);
            }
        }
        Ok(out)
    }
}

pub fn mentee(input: &MenteeInput, rules: Rules<'_>) -> Result<MenteeDetails, FieldErrors> {
    let mut errors = FieldErrors::new();
    let person = person(&input.person, rules, &mut errors);
    let start_date = match &input.start_date {
        Field::Value(s) => errors.check("start_date", parse_date(s)).flatten(),
        _ => None,
    };
    let person = person.ok_or_else(|| errors.clone())?;
    errors.into_result(MenteeDetails { person, start_date })
}

pub fn mentor(input: &MentorInput, rules: Rules<'_>) -> Result<MentorDetails, FieldErrors> {
    let mut errors = FieldErrors::new();
    let person = person(&input.person, rules, &mut errors);
    let years_experience = match &input.years_experience {
        Field::Value(v) => errors.check("years_experience", YearsExperience::parse(*v)),
        _ => {
            errors.add("years_experience", "is required");
            None
        }
    };
    let capacity = match &input.capacity {
        Field::Value(v) => errors.check("capacity", Capacity::parse(*v)),
        _ => Some(rules.default_capacity),
    };
    let can_help_with = errors.check(
        "can_help_with",
        rules.codes(&rules.taxonomy.goals, list(&input.can_help_with)),
    );
    let certifications = errors.check(
        "certifications",
        text::parse_tags(list(&input.certifications), text::CERTIFICATIONS),
    );
    match (
        person,
        years_experience,
        capacity,
        can_help_with,
        certifications,
    ) {
        (Some(person), Some(years_experience), Some(capacity), Some(can), Some(certs))
            if errors.is_empty() =>
        {
            Ok(MentorDetails {
                person,
                years_experience,
                capacity,
                can_help_with: can,
                certifications: certs,
            })
        }
        _ => Err(errors),
    }
}

fn person(
    input: &PersonInput,
    rules: Rules<'_>,
    errors: &mut FieldErrors,
) -> Option<PersonDetails> {
    let t = rules.taxonomy;
    let full_name = errors.check("full_name", required(&input.full_name, FullName::parse));
    let email = errors.check("email", required(&input.email, EmailAddress::parse));
    let profession = errors.check(
        "profession",
        required(&input.profession, |s| rules.code(&t.professions, s)),
    );
    let specialty = errors.check(
        "specialty",
        required(&input.specialty, |s| rules.code(&t.specialties, s)),
    );
    let site = errors.check("site", required(&input.site, |s| rules.code(&t.sites, s)));
    let shift = errors.check("shift", required(&input.shift, Shift::parse));
    let languages = errors.check("languages", Language::parse_many(list(&input.languages)));
    let interests = errors.check(
        "interests",
        text::parse_tags(list(&input.interests), text::INTERESTS),
    );
    let goals = errors.check("goals", rules.codes(&t.goals, list(&input.goals)));
    let affinity_groups = errors.check(
        "affinity_groups",
        rules.codes(&t.affinity_groups, list(&input.affinity_groups)),
    );
    let preferred_meeting = errors.check(
        "preferred_meeting",
        match &input.preferred_meeting {
            Field::Value(s) => MeetingPreference::parse(s),
            _ => Ok(MeetingPreference::Either),
        },
    );
    let manager_email = errors
        .check(
            "manager_email",
            optional(&input.manager_email, EmailAddress::parse),
        )
        .flatten();
    let notes = errors
        .check(
            "notes",
            match &input.notes {
                Field::Value(s) => Notes::parse(s),
                _ => Ok(None),
            },
        )
        .flatten();
    if let (Some(own), Some(manager)) = (&email, &manager_email)
        && own == manager
    {
        errors.add(
            "manager_email",
            "must be your manager's address, not your own",
        );
    }
    Some(PersonDetails {
        full_name: full_name?,
        email: email?,
        profession: profession?,
        specialty: specialty?,
        site: site?,
        shift: shift?,
        languages: languages?,
        interests: interests?,
        goals: goals?,
        affinity_groups: affinity_groups?,
        share_affinity_with_partner: matches!(
            input.share_affinity_with_partner,
            Field::Value(true)
        ),
        preferred_meeting: preferred_meeting?,
        manager_email,
        notes,
    })
}

fn required<T>(
    field: &Field<String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, String> {
    match field {
        Field::Value(s) => parse(s),
        _ => Err("is required".into()),
    }
}

/// An optional text field: absent, null or blank all mean "none".
fn optional<T>(
    field: &Field<String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match field {
        Field::Value(s) if !s.trim().is_empty() => parse(s).map(Some),
        _ => Ok(None),
    }
}

fn list(field: &Field<Vec<String>>) -> &[String] {
    field.value().map_or(&[], Vec::as_slice)
}

/// A calendar date written `YYYY-MM-DD`; blank means none.
fn parse_date(input: &str) -> Result<Option<NaiveDate>, String> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let well_formed = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err("must be a date written YYYY-MM-DD, e.g. 2026-10-01".into());
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s} is not a real calendar date"))?;
    if !(1950..=2100).contains(&date.year()) {
        return Err("must be a date between 1950 and 2100".into());
    }
    Ok(Some(date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::taxonomy::{Entry, TaxonomySpec};
    use proptest::prelude::*;

    fn taxonomy() -> Taxonomy {
        let e = |c: &str| Entry {
            code: c.into(),
            label: c.into(),
        };
        Taxonomy::new(TaxonomySpec {
            professions: vec![e("registered_nurse")],
            specialties: vec![(e("emergency"), vec![])],
            sites: vec![e("north_campus")],
            goals: vec![e("leadership"), e("communication")],
            affinity_groups: vec![e("parent")],
        })
        .expect("valid")
    }

    fn rules(t: &Taxonomy) -> Rules<'_> {
        Rules::new(t, Capacity::parse(2).expect("valid"))
    }

    fn s(v: &str) -> Field<String> {
        Field::Value(v.into())
    }

    fn valid_person() -> PersonInput {
        PersonInput {
            full_name: s(" Ana Souza "),
            email: s("Ana@Example.org"),
            profession: s("registered_nurse"),
            specialty: s("emergency"),
            site: s("north_campus"),
            shift: s("night"),
            ..Default::default()
        }
    }

    #[test]
    fn a_minimal_mentee_gets_defaults() {
        let t = taxonomy();
        let input = MenteeInput {
            person: valid_person(),
            start_date: s("2026-10-01"),
        };
        let details = mentee(&input, rules(&t)).expect("valid");
        assert_eq!(details.person.full_name.as_str(), "Ana Souza");
        assert_eq!(details.person.email.as_str(), "ana@example.org");
        assert_eq!(details.person.preferred_meeting, MeetingPreference::Either);
        assert!(details.person.goals.is_empty());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let t = taxonomy();
        let input = MentorInput {
            person: PersonInput {
                full_name: Field::Null,
                email: s("nope"),
                profession: s("surgeon"),
                shift: s("nights"),
                goals: Field::Value(vec!["juggling".into()]),
                notes: s(&"x".repeat(2001)),
                ..valid_person()
            },
            years_experience: Field::Value(61),
            capacity: Field::Value(0),
            ..Default::default()
        };
        let errors = mentor(&input, rules(&t)).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "full_name",
                "email",
                "profession",
                "shift",
                "goals",
                "notes",
                "years_experience",
                "capacity"
            ]
        );
        assert!(
            errors
                .message_for("profession")
                .is_some_and(|m| m.contains("registered_nurse"))
        );
    }

    #[test]
    fn updates_lay_over_current_details() {
        let t = taxonomy();
        let current = mentee(
            &MenteeInput {
                person: PersonInput {
                    notes: s("hello"),
                    ..valid_person()
                },
                start_date: Field::Absent,
            },
            rules(&t),
        )
        .expect("valid");
        let update = MenteeInput {
            person: PersonInput {
                shift: s("day"),
                notes: Field::Null,
                ..Default::default()
            },
            ..Default::default()
        };
        let updated = mentee(&MenteeInput::updated(&current, update), rules(&t)).expect("valid");
        assert_eq!(updated.person.shift, Shift::Day);
        assert_eq!(updated.person.notes, None);
        assert_eq!(updated.person.full_name, current.person.full_name);
    }

    #[test]
    fn own_address_is_not_a_manager() {
        let t = taxonomy();
        let input = MenteeInput {
            person: PersonInput {
                manager_email: s("ANA@example.org"),
                ..valid_person()
            },
            ..Default::default()
        };
        let errors = mentee(&input, rules(&t)).expect_err("invalid");
        assert!(errors.message_for("manager_email").is_some());
    }

    #[test]
    fn codes_a_profile_already_holds_stay_valid_after_a_list_changes() {
        let t = taxonomy();
        let input = MenteeInput {
            person: PersonInput {
                site: s("old_site"),
                ..valid_person()
            },
            ..Default::default()
        };
        assert!(mentee(&input, rules(&t)).is_err(), "not in the list");
        let kept = vec!["old_site".to_string()];
        let keeping = Rules {
            kept: &kept,
            ..rules(&t)
        };
        assert_eq!(
            mentee(&input, keeping).map(|d| d.person.site.as_str().to_string()),
            Ok("old_site".into())
        );
    }

    #[test]
    fn dates_must_be_real() {
        assert_eq!(
            parse_date("2026-10-01"),
            Ok(NaiveDate::from_ymd_opt(2026, 10, 1))
        );
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "01/10/2026",
            "2026-1-1",
            "20261001",
            "0000-01-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn date_parse_never_panics(s in "\\PC{0,20}") {
            let _ = parse_date(&s);
        }

        #[test]
        fn date_round_trips(y in 1950i32..=2100, d in 0u32..366) {
            if let Some(date) = NaiveDate::from_yo_opt(y, d + 1) {
                let text = date.format("%Y-%m-%d").to_string();
                prop_assert_eq!(parse_date(&text), Ok(Some(date)));
            }
        }
    }
}
