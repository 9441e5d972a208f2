//! Request bodies for mentees and mentors: one table of fields drives both the parser and the
//! OpenAPI schemas, so the documentation cannot drift from what is accepted.

use serde_json::{Map, Value, json};
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, RefOr, SchemaFormat};

use crate::domain::field_error::FieldErrors;
use crate::domain::input::{Field, MenteeInput, MentorInput, PersonInput};
use crate::domain::profile::{MeetingPreference, MenteeStatus, MentorStatus, Shift};

/// The JSON shape of a field.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Text { max: usize },
    Email,
    Code,
    Codes,
    Texts,
    Choice(&'static [&'static str]),
    Integer { min: i64, max: i64 },
    Date,
    Bool,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub shape: Shape,
    /// Required when creating a profile.
    pub required: bool,
    pub doc: &'static str,
}

const fn spec(name: &'static str, shape: Shape, required: bool, doc: &'static str) -> FieldSpec {
    FieldSpec {
        name,
        shape,
        required,
        doc,
    }
}

const SHIFTS: &[&str] = &["day", "evening", "night", "rotating"];
const MEETINGS: &[&str] = &["in_person", "virtual", "either"];

pub const PERSON_FIELDS: &[FieldSpec] = &[
    spec(
        "full_name",
        Shape::Text { max: 120 },
        true,
        "1–120 characters after trimming.",
    ),
    spec(
        "email",
        Shape::Email,
        true,
        "Stored lower-case; unique among mentees (or mentors).",
    ),
    spec(
        "profession",
        Shape::Code,
        true,
        "A profession code from the taxonomy.",
    ),
    spec(
        "specialty",
        Shape::Code,
        true,
        "A specialty code from the taxonomy.",
    ),
    spec("site", Shape::Code, true, "A site code from the taxonomy."),
    spec(
        "shift",
        Shape::Choice(SHIFTS),
        true,
        "The shift mostly worked.",
    ),
    spec(
        "languages",
        Shape::Codes,
        false,
        "ISO 639-1 codes, e.g. [\"en\", \"pt\"].",
    ),
    spec(
        "interests",
        Shape::Texts,
        false,
        "Free-text interests, up to 20 of 60 characters.",
    ),
    spec(
        "goals",
        Shape::Codes,
        false,
        "Goal codes from the taxonomy.",
    ),
    spec(
        "affinity_groups",
        Shape::Codes,
        false,
        "Opt-in affinity group codes; only ever compared with another person who also opted in.",
    ),
    spec(
        "share_affinity_with_partner",
        Shape::Bool,
        false,
        "Consent to name a shared affinity group to the partner in the introduction email; \
         a group is named only when both partners said yes. Defaults to false. Matching uses \
         affinity groups either way.",
    ),
    spec(
        "preferred_meeting",
        Shape::Choice(MEETINGS),
        false,
        "Defaults to either.",
    ),
    spec(
        "manager_email",
        Shape::Email,
        false,
        "The person's manager, so they are never paired.",
    ),
    spec(
        "notes",
        Shape::Text { max: 2000 },
        false,
        "Up to 2000 characters.",
    ),
];

pub const MENTEE_FIELDS: &[FieldSpec] = &[spec(
    "start_date",
    Shape::Date,
    false,
    "First day in the new role, YYYY-MM-DD.",
)];

pub const MENTOR_FIELDS: &[FieldSpec] = &[
    spec(
        "years_experience",
        Shape::Integer { min: 0, max: 60 },
        true,
        "Whole years, 0–60.",
    ),
    spec(
        "capacity",
        Shape::Integer { min: 1, max: 10 },
        false,
        "Mentees at once, 1–10; defaults to matching.default_capacity.",
    ),
    spec(
        "can_help_with",
        Shape::Codes,
        false,
        "Goal codes the mentor can help with.",
    ),
    spec(
        "certifications",
        Shape::Texts,
        false,
        "Free-text certifications, up to 20.",
    ),
];

/// Fields Belong sets itself.
const READ_ONLY: &[&str] = &["id", "created_at", "updated_at", "active_mentees"];

/// Whether a body creates a profile or updates one (where `status` may also be set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    Update,
}

fn text(key: &str, value: Value, errors: &mut FieldErrors) -> Field<String> {
    match value {
        Value::Null => Field::Null,
        Value::String(s) => Field::Value(s),
        _ => {
            errors.add(key, "must be a string");
            Field::Absent
        }
    }
}

fn list(key: &str, value: Value, errors: &mut FieldErrors) -> Field<Vec<String>> {
    match value {
        Value::Null => Field::Null,
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.push(s),
                    _ => {
                        errors.add(key, "must be a list of strings");
                        return Field::Absent;
                    }
                }
            }
            Field::Value(out)
        }
        _ => {
            errors.add(key, "must be a list of strings");
            Field::Absent
        }
    }
}

fn boolean(key: &str, value: Value, errors: &mut FieldErrors) -> Field<bool> {
    match value {
        Value::Null => Field::Null,
        Value::Bool(b) => Field::Value(b),
        _ => {
            errors.add(key, "must be true or false");
            Field::Absent
        }
    }
}

fn integer(key: &str, value: Value, errors: &mut FieldErrors) -> Field<i64> {
    match value {
        Value::Null => Field::Null,
        Value::Number(n) => match n.as_i64() {
            Some(i) => Field::Value(i),
            None => {
                errors.add(key, "must be a whole number");
                Field::Absent
            }
        },
        _ => {
            errors.add(key, "must be a number");
            Field::Absent
        }
    }
}

/// Sets a shared field; false when `key` is not one.
fn person_field(p: &mut PersonInput, key: &str, value: Value, errors: &mut FieldErrors) -> bool {
    match key {
        "full_name" => p.full_name = text(key, value, errors),
        "email" => p.email = text(key, value, errors),
        "profession" => p.profession = text(key, value, errors),
        "specialty" => p.specialty = text(key, value, errors),
        "site" => p.site = text(key, value, errors),
        "shift" => p.shift = text(key, value, errors),
        "languages" => p.languages = list(key, value, errors),
        "interests" => p.interests = list(key, value, errors),
        "goals" => p.goals = list(key, value, errors),
        "affinity_groups" => p.affinity_groups = list(key, value, errors),
        "share_affinity_with_partner" => {
            p.share_affinity_with_partner = boolean(key, value, errors)
        }
        "preferred_meeting" => p.preferred_meeting = text(key, value, errors),
        "manager_email" => p.manager_email = text(key, value, errors),
        "notes" => p.notes = text(key, value, errors),
        _ => return false,
    }
    true
}

/// The `status` of an update body, parsed with the kind's own status type.
fn status<S>(
    value: Value,
    mode: Mode,
    parse: impl Fn(&str) -> Result<S, String>,
    errors: &mut FieldErrors,
) -> Option<S> {
    if mode == Mode::Create {
        errors.add("status", "is set by Belong; change it later with PATCH");
        return None;
    }
    match value {
        Value::String(s) => errors.check("status", parse(&s)),
        _ => {
            errors.add("status", "must be a string");
            None
        }
    }
}

fn unknown(key: &str, noun: &str, errors: &mut FieldErrors) {
    if READ_ONLY.contains(&key) {
        errors.add(key, "is set by Belong and cannot be sent");
    } else {
        errors.add(key, format!("is not a field of a {noun}"));
    }
}

pub fn mentee(
    body: Map<String, Value>,
    mode: Mode,
) -> Result<(MenteeInput, Option<MenteeStatus>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut input = MenteeInput::default();
    let mut new_status = None;
    for (key, value) in body {
        if person_field(&mut input.person, &key, value.clone(), &mut errors) {
            continue;
        }
        match key.as_str() {
            "start_date" => input.start_date = text(&key, value, &mut errors),
            "status" => new_status = status(value, mode, MenteeStatus::parse, &mut errors),
            _ => unknown(&key, "mentee", &mut errors),
        }
    }
    errors.into_result((input, new_status))
}

pub fn mentor(
    body: Map<String, Value>,
    mode: Mode,
) -> Result<(MentorInput, Option<MentorStatus>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut input = MentorInput::default();
    let mut new_status = None;
    for (key, value) in body {
        if person_field(&mut input.person, &key, value.clone(), &mut errors) {
            continue;
        }
        match key.as_str() {
            "years_experience" => input.years_experience = integer(&key, value, &mut errors),
            "capacity" => input.capacity = integer(&key, value, &mut errors),
            "can_help_with" => input.can_help_with = list(&key, value, &mut errors),
            "certifications" => input.certifications = list(&key, value, &mut errors),
            "status" => new_status = status(value, mode, MentorStatus::parse, &mut errors),
            _ => unknown(&key, "mentor", &mut errors),
        }
    }
    errors.into_result((input, new_status))
}

fn field_schema(shape: Shape, doc: &str) -> RefOr<Schema> {
    let string = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(doc))
    };
    let schema: Schema = match shape {
        Shape::Text { max } => string().max_length(Some(max)).into(),
        Shape::Email => string()
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
            .into(),
        Shape::Code => string().pattern(Some("^[a-z][a-z0-9_]*$")).into(),
        Shape::Choice(values) => string().enum_values(Some(values.iter().copied())).into(),
        Shape::Date => string()
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .into(),
        Shape::Integer { min, max } => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min as f64))
            .maximum(Some(max as f64))
            .description(Some(doc))
            .into(),
        Shape::Bool => ObjectBuilder::new()
            .schema_type(Type::Boolean)
            .default(Some(Value::Bool(false)))
            .description(Some(doc))
            .into(),
        Shape::Codes | Shape::Texts => ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(doc))
            .into(),
    };
    RefOr::T(schema)
}

/// The JSON schema of a create or update body made of `parts`.
pub fn body_schema(
    parts: &[&[FieldSpec]],
    mode: Mode,
    statuses: &'static [&'static str],
) -> RefOr<Schema> {
    let mut object =
        ObjectBuilder::new().additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for field in parts.iter().flat_map(|p| p.iter()) {
        object = object.property(field.name, field_schema(field.shape, field.doc));
        if mode == Mode::Create && field.required {
            object = object.required(field.name);
        }
    }
    if mode == Mode::Update {
        object = object
            .property(
                "status",
                field_schema(Shape::Choice(statuses), "The new status."),
            )
            .description(Some(
                "Any subset of the fields; null clears an optional field.",
            ));
    }
    RefOr::T(object.into())
}

/// Statuses a PATCH may ask for.
pub const MENTEE_SETTABLE: &[&str] = &["waiting", "withdrawn"];
pub const MENTOR_SETTABLE: &[&str] = &["active", "paused"];

/// Marker types naming the body schemas in the OpenAPI document.
macro_rules! body_schema_type {
    ($name:ident, $parts:expr, $mode:expr, $statuses:expr, $example:expr) => {
        pub struct $name;

        impl utoipa::ToSchema for $name {}

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let schema = body_schema($parts, $mode, $statuses);
                match schema {
                    RefOr::T(Schema::Object(mut object)) => {
                        object.example = Some($example);
                        RefOr::T(Schema::Object(object))
                    }
                    other => other,
                }
            }
        }
    };
}

fn example_person() -> Value {
    json!({
        "full_name": "Ana Souza",
        "email": "ana.souza@example.org",
        "profession": "registered_nurse",
        "specialty": "emergency",
        "site": "north_campus",
        "shift": "night",
        "languages": ["en", "pt"],
        "interests": ["trauma care", "teaching"],
        "goals": ["clinical_skills", "time_management"],
        "affinity_groups": ["internationally_educated"],
        "preferred_meeting": "either",
        "manager_email": "charge.nurse@example.org",
        "notes": "Happy to meet before night shifts."
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

body_schema_type!(
    MenteeCreate,
    &[PERSON_FIELDS, MENTEE_FIELDS],
    Mode::Create,
    MENTEE_SETTABLE,
    with(example_person(), json!({"start_date": "2026-10-01"}))
);
body_schema_type!(
    MenteeUpdate,
    &[PERSON_FIELDS, MENTEE_FIELDS],
    Mode::Update,
    MENTEE_SETTABLE,
    json!({"shift": "day", "status": "withdrawn"})
);
body_schema_type!(
    MentorCreate,
    &[PERSON_FIELDS, MENTOR_FIELDS],
    Mode::Create,
    MENTOR_SETTABLE,
    with(
        with(
            example_person(),
            json!({"full_name": "Grace Okafor", "email": "grace.okafor@example.org"})
        ),
        json!({"years_experience": 12, "capacity": 2, "can_help_with": ["clinical_skills", "leadership"], "certifications": ["CEN"]})
    )
);
body_schema_type!(
    MentorUpdate,
    &[PERSON_FIELDS, MENTOR_FIELDS],
    Mode::Update,
    MENTOR_SETTABLE,
    json!({"capacity": 3, "status": "paused"})
);

/// The allowed values of the enums, kept beside the domain's own lists (checked in tests).
pub fn choice_lists() -> [(&'static [&'static str], Vec<&'static str>); 2] {
    [
        (SHIFTS, Shift::ALL.iter().map(|s| s.as_str()).collect()),
        (
            MEETINGS,
            MeetingPreference::ALL.iter().map(|m| m.as_str()).collect(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_field_is_parsed() {
        for field in PERSON_FIELDS.iter().chain(MENTEE_FIELDS) {
            let body = Map::from_iter([(field.name.to_string(), Value::Null)]);
            assert!(mentee(body, Mode::Update).is_ok(), "mentee {}", field.name);
        }
        for field in PERSON_FIELDS.iter().chain(MENTOR_FIELDS) {
            let body = Map::from_iter([(field.name.to_string(), Value::Null)]);
            assert!(mentor(body, Mode::Update).is_ok(), "mentor {}", field.name);
        }
    }

    #[test]
    fn fields_of_the_other_kind_are_unknown() {
        let body = Map::from_iter([("capacity".to_string(), json!(2))]);
        let errors = mentee(body, Mode::Create).expect_err("not a mentee field");
        assert_eq!(
            errors.message_for("capacity"),
            Some("is not a field of a mentee")
        );
        let body = Map::from_iter([("id".to_string(), json!("x"))]);
        assert!(mentor(body, Mode::Update).is_err());
    }

    #[test]
    fn choices_match_the_domain() {
        for (documented, domain) in choice_lists() {
            assert_eq!(documented.to_vec(), domain);
        }
        for s in MENTEE_SETTABLE {
            assert!(
                MenteeStatus::parse(s).is_ok_and(|st| MenteeStatus::Waiting.change_to(st).is_ok())
            );
        }
        let all: Vec<&str> = MentorStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(MENTOR_SETTABLE.to_vec(), all);
    }

    #[test]
    fn types_are_checked() {
        let body: Map<String, Value> = serde_json::from_value(json!({
            "full_name": 5, "languages": "en", "years_experience": 2.5, "capacity": "2"
        }))
        .expect("object");
        let errors = mentor(body, Mode::Create).expect_err("wrong types");
        assert_eq!(errors.iter().count(), 4);
    }
}
