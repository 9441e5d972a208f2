//! Request bodies for mentees and mentors: the domain's field table (`domain::fields`) reads
//! them and describes them in the OpenAPI schemas, so the documentation cannot drift from what
//! is accepted. Only `status`, which an update may carry, is read here.

use serde_json::{Map, Value, json};
use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, RefOr, SchemaFormat};

use crate::domain::field_error::FieldErrors;
use crate::domain::fields::{self, ProfileInput, Shape};
use crate::domain::input::{MenteeInput, MentorInput};
use crate::domain::profile::{MenteeStatus, MentorStatus, ProfileKind};

/// Whether a body creates a profile or updates one (where `status` may also be set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    Update,
}

/// The `status` of an update body, parsed with the kind's own status type.
fn status<S>(
    value: Value,
    mode: Mode,
    parse: impl Fn(&str) -> Result<S, String>,
    errors: &mut FieldErrors,
) -> Option<S> {
    if mode == Mode::Create {
        errors.add("status", fields::STATUS_ON_CREATE);
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

/// A body read with the field table; `status` is the only key beyond the fields.
fn read<I: ProfileInput, S>(
    body: Map<String, Value>,
    mode: Mode,
    parse: impl Fn(&str) -> Result<S, String>,
) -> Result<(I, Option<S>), FieldErrors> {
    let mut new_status = None;
    let input = fields::from_json::<I>(body, |key, value, errors| {
        if key != "status" {
            return false;
        }
        new_status = status(value, mode, &parse, errors);
        true
    })?;
    Ok((input, new_status))
}

pub fn mentee(
    body: Map<String, Value>,
    mode: Mode,
) -> Result<(MenteeInput, Option<MenteeStatus>), FieldErrors> {
    read(body, mode, MenteeStatus::parse)
}

pub fn mentor(
    body: Map<String, Value>,
    mode: Mode,
) -> Result<(MentorInput, Option<MentorStatus>), FieldErrors> {
    read(body, mode, MentorStatus::parse)
}

fn string(doc: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(doc))
}

fn field_schema(shape: Shape, doc: &str) -> RefOr<Schema> {
    let schema: Schema = match shape {
        Shape::Text { max_chars, .. } => string(doc).max_length(Some(max_chars)).into(),
        Shape::Email => string(doc)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
            .into(),
        Shape::Code(_) => string(doc).pattern(Some("^[a-z][a-z0-9_]*$")).into(),
        Shape::Choice(choices) => choice_schema(choices.values, doc),
        Shape::Date => string(doc)
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
        Shape::Codes(_) | Shape::Languages | Shape::Tags(_) => ArrayBuilder::new()
            .items(ObjectBuilder::new().schema_type(Type::String))
            .description(Some(doc))
            .into(),
    };
    RefOr::T(schema)
}

fn choice_schema(values: &[&str], doc: &str) -> Schema {
    string(doc).enum_values(Some(values.iter().copied())).into()
}

/// The JSON schema of a create or update body for `kind`.
pub fn body_schema(
    kind: ProfileKind,
    mode: Mode,
    statuses: &'static [&'static str],
) -> RefOr<Schema> {
    let mut object =
        ObjectBuilder::new().additional_properties(Some(AdditionalProperties::FreeForm(false)));
    for field in fields::of(kind) {
        object = object.property(field.name, field_schema(field.shape, &field.doc()));
        if mode == Mode::Create && field.required() {
            object = object.required(field.name);
        }
    }
    if mode == Mode::Update {
        object = object
            .property(
                "status",
                RefOr::T(choice_schema(statuses, "The new status.")),
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
    ($name:ident, $kind:expr, $mode:expr, $statuses:expr, $example:expr) => {
        pub struct $name;

        impl utoipa::ToSchema for $name {}

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let schema = body_schema($kind, $mode, $statuses);
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
    ProfileKind::Mentee,
    Mode::Create,
    MENTEE_SETTABLE,
    with(example_person(), json!({"start_date": "2026-10-01"}))
);
body_schema_type!(
    MenteeUpdate,
    ProfileKind::Mentee,
    Mode::Update,
    MENTEE_SETTABLE,
    json!({"shift": "day", "status": "withdrawn"})
);
body_schema_type!(
    MentorCreate,
    ProfileKind::Mentor,
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
    ProfileKind::Mentor,
    Mode::Update,
    MENTOR_SETTABLE,
    json!({"capacity": 3, "status": "paused"})
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_field_is_parsed() {
        for field in fields::of(ProfileKind::Mentee) {
            let body = Map::from_iter([(field.name.to_string(), Value::Null)]);
            assert!(mentee(body, Mode::Update).is_ok(), "mentee {}", field.name);
        }
        for field in fields::of(ProfileKind::Mentor) {
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

    fn schema_json<S: utoipa::PartialSchema>() -> Value {
        serde_json::to_value(S::schema()).expect("serialisable")
    }

    /// The OpenAPI schemas state the domain's own limits, and document every field of the
    /// table with its shape.
    #[test]
    fn schema_limits_are_the_domain_constants() {
        use crate::domain::profile::{Capacity, MeetingPreference, Shift, YearsExperience};
        use crate::domain::text::{FullName, Notes};
        for mentee in [schema_json::<MenteeCreate>(), schema_json::<MenteeUpdate>()] {
            let p = &mentee["properties"];
            assert_eq!(p["full_name"]["maxLength"], json!(FullName::MAX_CHARS));
            assert_eq!(p["notes"]["maxLength"], json!(Notes::MAX_CHARS));
            assert_eq!(p["shift"]["enum"], json!(Shift::NAMES));
            assert_eq!(
                p["preferred_meeting"]["enum"],
                json!(MeetingPreference::NAMES)
            );
            assert!(p.get("capacity").is_none());
        }
        for mentor in [schema_json::<MentorCreate>(), schema_json::<MentorUpdate>()] {
            let p = &mentor["properties"];
            assert_eq!(p["full_name"]["maxLength"], json!(FullName::MAX_CHARS));
            assert_eq!(p["notes"]["maxLength"], json!(Notes::MAX_CHARS));
            let bounds = |name: &str| (p[name]["minimum"].as_f64(), p[name]["maximum"].as_f64());
            assert_eq!(
                bounds("capacity"),
                (Some(Capacity::MIN as f64), Some(Capacity::MAX as f64))
            );
            assert_eq!(
                bounds("years_experience"),
                (
                    Some(YearsExperience::MIN as f64),
                    Some(YearsExperience::MAX as f64)
                )
            );
            let doc = p["capacity"]["description"].as_str().unwrap_or_default();
            assert!(
                doc.contains(&format!("{}–{}", Capacity::MIN, Capacity::MAX)),
                "{doc}"
            );
        }
        let create = schema_json::<MentorCreate>();
        let required: Vec<&str> = create["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            required,
            vec![
                "full_name",
                "email",
                "profession",
                "specialty",
                "site",
                "shift",
                "years_experience"
            ]
        );
        assert_eq!(
            create["properties"].as_object().map(|o| o.len()),
            Some(fields::of(ProfileKind::Mentor).count())
        );
    }
}
