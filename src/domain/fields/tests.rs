//! The field table against the rules it describes.

use super::*;
use crate::domain::taxonomy::{Entry, TaxonomySpec};
use crate::domain::validate::{self, Rules};
use serde_json::json;

fn taxonomy() -> Taxonomy {
    let e = |c: &str| Entry {
        code: c.into(),
        label: c.into(),
    };
    Taxonomy::new(TaxonomySpec {
        professions: vec![e("registered_nurse")],
        specialties: vec![(e("emergency"), vec![])],
        sites: vec![e("north_campus")],
        goals: vec![e("leadership")],
        affinity_groups: vec![e("parent")],
    })
    .expect("valid")
}

fn mentor_row(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut row: Vec<(String, String)> = [
        ("full_name", "Grace Okafor"),
        ("email", "grace@example.org"),
        ("profession", "registered_nurse"),
        ("specialty", "emergency"),
        ("site", "north_campus"),
        ("shift", "night"),
        ("years_experience", "12"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        row.retain(|(key, _)| key != k);
        row.push((k.to_string(), v.to_string()));
    }
    row
}

fn check_mentor(extra: &[(&str, &str)]) -> Result<(), FieldErrors> {
    let t = taxonomy();
    let rules = Rules::new(&t, Capacity::parse(2).expect("valid"));
    let input: MentorInput = from_pairs(&mentor_row(extra), Pairs::Row { separator: ';' })?;
    validate::mentor(&input, rules).map(|_| ())
}

#[test]
fn every_field_reads_into_its_own_slot() {
    for spec in FIELDS {
        assert_eq!(spec.shape.value_kind(), spec.slot.kind(), "{}", spec.name);
        let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(
            names.iter().filter(|n| **n == spec.name).count(),
            1,
            "{} is spelled once",
            spec.name
        );
    }
    // Setting each field on its own changes the input, so no slot points elsewhere.
    for kind in [ProfileKind::Mentee, ProfileKind::Mentor] {
        for spec in of(kind) {
            let body = Map::from_iter([(spec.name.to_string(), Value::Null)]);
            let changed = match kind {
                ProfileKind::Mentee => from_json::<MenteeInput>(body, |_, _, _| false)
                    .map(|i| i != MenteeInput::default()),
                ProfileKind::Mentor => from_json::<MentorInput>(body, |_, _, _| false)
                    .map(|i| i != MentorInput::default()),
            };
            assert_eq!(changed, Ok(true), "{} of a {}", spec.name, kind.noun());
        }
    }
}

/// The limits the table states are the limits validation applies: each bound is accepted
/// and one past it is refused, with the error on that field.
#[test]
fn limits_are_those_the_domain_applies() {
    assert!(check_mentor(&[]).is_ok());
    let refused = |extra: &[(&str, &str)], field: &str| {
        check_mentor(extra).is_err_and(|e| e.message_for(field).is_some())
    };
    let mut checked = 0;
    for spec in of(ProfileKind::Mentor) {
        let name = spec.name;
        match spec.shape {
            Shape::Text { max_chars, .. } => {
                assert!(
                    check_mentor(&[(name, &"x".repeat(max_chars))]).is_ok(),
                    "{name}"
                );
                assert!(
                    refused(&[(name, &"x".repeat(max_chars + 1))], name),
                    "{name}"
                );
            }
            Shape::Tags(rules) => {
                let at_most = (0..rules.max_items)
                    .map(|i| format!("t{i}"))
                    .collect::<Vec<_>>();
                let long = "x".repeat(rules.max_chars);
                assert!(
                    check_mentor(&[(name, &at_most.join(";"))]).is_ok(),
                    "{name}"
                );
                assert!(check_mentor(&[(name, &long)]).is_ok(), "{name}");
                let too_many = format!("{};extra", at_most.join(";"));
                assert!(refused(&[(name, &too_many)], name), "{name}");
                assert!(refused(&[(name, &format!("{long}x"))], name), "{name}");
            }
            Shape::Integer { min, max } => {
                for ok in [min, max] {
                    assert!(
                        check_mentor(&[(name, &ok.to_string())]).is_ok(),
                        "{name} {ok}"
                    );
                }
                for bad in [min - 1, max + 1] {
                    assert!(refused(&[(name, &bad.to_string())], name), "{name} {bad}");
                }
            }
            _ => continue,
        }
        checked += 1;
    }
    assert_eq!(
        checked, 6,
        "full_name, notes, interests, years, capacity, certifications"
    );
    // The table names the domain types' own constants.
    let limit = |name| find(ProfileKind::Mentor, name).map(|f| f.shape.numbers());
    assert_eq!(
        limit("full_name"),
        Some((None, Some(FullName::MAX_CHARS), None))
    );
    assert_eq!(limit("notes"), Some((None, Some(Notes::MAX_CHARS), None)));
    assert_eq!(
        limit("capacity"),
        Some((Some(Capacity::MIN), Some(Capacity::MAX as usize), None))
    );
    assert_eq!(
        limit("years_experience"),
        Some((
            Some(YearsExperience::MIN),
            Some(YearsExperience::MAX as usize),
            None
        ))
    );
}

/// What the table calls required is what validation requires of a new profile.
#[test]
fn required_fields_are_those_validation_requires() {
    let t = taxonomy();
    let rules = Rules::new(&t, Capacity::parse(2).expect("valid"));
    let errors = validate::mentor(&MentorInput::default(), rules).expect_err("empty");
    let refused: Vec<&str> = errors
        .iter()
        .filter(|e| e.message == "is required")
        .map(|e| e.field.as_str())
        .collect();
    let required: Vec<&str> = of(ProfileKind::Mentor)
        .filter(|f| f.required())
        .map(|f| f.name)
        .collect();
    assert_eq!(refused, required);
    assert_eq!(errors.iter().count(), required.len());
    let errors = validate::mentee(&MenteeInput::default(), rules).expect_err("empty");
    let refused: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    let required: Vec<&str> = of(ProfileKind::Mentee)
        .filter(|f| f.required())
        .map(|f| f.name)
        .collect();
    assert_eq!(refused, required);
}

#[test]
fn choices_are_the_domain_values_with_labels() {
    let Some(Shape::Choice(shifts)) = find(ProfileKind::Mentee, "shift").map(|f| f.shape) else {
        panic!("shift is a choice");
    };
    let all: Vec<&str> = Shift::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(shifts.values.to_vec(), all);
    assert_eq!((shifts.label)("night"), Some("Night"));
    assert_eq!((shifts.label)("nights"), None);
    let Some(Shape::Choice(meetings)) =
        find(ProfileKind::Mentor, "preferred_meeting").map(|f| f.shape)
    else {
        panic!("preferred_meeting is a choice");
    };
    assert_eq!(meetings.values, MeetingPreference::NAMES);
    assert_eq!((meetings.label)("virtual"), Some("Video or phone"));
}

#[test]
fn json_types_and_unknown_fields_are_reported_by_field() {
    let body: Map<String, Value> = serde_json::from_value(json!({
        "full_name": 5, "languages": "en", "years_experience": 2.5, "capacity": "2",
        "share_affinity_with_partner": "yes", "start_date": "2026-10-01", "id": "x"
    }))
    .expect("object");
    let errors = from_json::<MentorInput>(body, |_, _, _| false).expect_err("wrong types");
    let found: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("full_name", "must be a string"),
            ("languages", "must be a list of strings"),
            ("years_experience", "must be a whole number"),
            ("capacity", "must be a number"),
            ("share_affinity_with_partner", "must be true or false"),
            ("start_date", "is not a field of a mentor"),
            ("id", "is set by Belong and cannot be sent"),
        ]
    );
}

#[test]
fn form_pairs_read_like_the_forms_send_them() {
    let pairs: Vec<(String, String)> = [
        ("csrf_token", "t"),
        ("full_name", " Ana "),
        ("languages", "en"),
        ("languages", ""),
        ("languages", "pt"),
        ("interests", "trauma care, teaching"),
        ("interests", "running"),
        ("preferred_meeting", " "),
        ("share_affinity_with_partner", "yes"),
        ("start_date", ""),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let input: MenteeInput = from_pairs(&pairs, Pairs::Form).expect("readable");
    let p = &input.person;
    assert_eq!(p.full_name, Field::Value(" Ana ".into()));
    assert_eq!(p.languages, Field::Value(vec!["en".into(), "pt".into()]));
    assert_eq!(
        p.interests,
        Field::Value(vec![
            "trauma care".into(),
            "teaching".into(),
            "running".into()
        ])
    );
    assert_eq!(p.goals, Field::Value(vec![]));
    assert_eq!(p.preferred_meeting, Field::Absent);
    assert_eq!(p.share_affinity_with_partner, Field::Value(true));
    assert_eq!(p.email, Field::Absent);
    assert_eq!(input.start_date, Field::Value(String::new()));

    let numbers: Vec<(String, String)> = vec![
        ("years_experience".into(), "ten".into()),
        ("capacity".into(), "".into()),
    ];
    let errors = from_pairs::<MentorInput>(&numbers, Pairs::Form).expect_err("not a number");
    assert_eq!(
        errors.message_for("years_experience"),
        Some("must be a whole number, e.g. 5")
    );
    assert_eq!(errors.iter().count(), 1);
}

#[test]
fn a_row_of_strings_gives_every_field() {
    assert!(
        check_mentor(&[
            ("languages", "en; pt"),
            ("interests", "trauma care; teaching"),
            ("goals", "leadership"),
            ("affinity_groups", "parent"),
            ("share_affinity_with_partner", "Yes"),
            ("preferred_meeting", ""),
            ("manager_email", "boss@example.org"),
            ("notes", "Mornings, please."),
            ("capacity", "3"),
            ("can_help_with", "leadership"),
            ("certifications", "CEN;TNCC"),
        ])
        .is_ok()
    );
    let errors = from_pairs::<MenteeInput>(
        &[
            ("share_affinity_with_partner".into(), "maybe".into()),
            ("capacity".into(), "2".into()),
            ("notes".into(), "a".into()),
            ("notes".into(), "b".into()),
        ],
        Pairs::Row { separator: ';' },
    )
    .expect_err("bad row");
    let found: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("capacity", "is not a field of a mentee"),
            ("notes", "is given twice"),
            ("share_affinity_with_partner", "must be yes or no"),
        ]
    );
}

#[test]
fn docs_carry_the_limits() {
    let doc = |kind, name| find(kind, name).map(|f| f.doc()).unwrap_or_default();
    assert_eq!(
        doc(ProfileKind::Mentee, "full_name"),
        format!("1–{} characters after trimming.", FullName::MAX_CHARS)
    );
    assert_eq!(
        doc(ProfileKind::Mentor, "capacity"),
        format!(
            "Mentees at once, {}–{}; defaults to matching.default_capacity.",
            Capacity::MIN,
            Capacity::MAX
        )
    );
    assert!(!FIELDS.iter().any(|f| f.doc().contains('{')));
}
