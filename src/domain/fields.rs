//! Every profile field, once: its name, the shape of its value, its limits (the domain types'
//! own constants), who gives it, whether it is required, and a label. One reader turns generic
//! values (a JSON object, form pairs with repeated keys, a row of named strings) into the
//! profile input that [`super::validate`] checks, so the API, the sign-up forms and the roster
//! file accept the same fields and report problems the same way: field and message.

use serde_json::{Map, Value};

use super::field_error::FieldErrors;
use super::input::{Field, MenteeInput, MentorInput, PersonInput};
use super::profile::{Capacity, MeetingPreference, ProfileKind, Shift, YearsExperience};
use super::taxonomy::{CodeList, Taxonomy};
use super::text::{self, FullName, Notes, TagRules};

/// Which taxonomy list a code field draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    Professions,
    Specialties,
    Sites,
    Goals,
    AffinityGroups,
}

impl Vocabulary {
    pub fn list(self, taxonomy: &Taxonomy) -> &CodeList {
        match self {
            Vocabulary::Professions => &taxonomy.professions,
            Vocabulary::Specialties => &taxonomy.specialties,
            Vocabulary::Sites => &taxonomy.sites,
            Vocabulary::Goals => &taxonomy.goals,
            Vocabulary::AffinityGroups => &taxonomy.affinity_groups,
        }
    }
}

/// The values of a closed set, with a label for each.
#[derive(Debug, Clone, Copy)]
pub struct Choices {
    pub values: &'static [&'static str],
    pub label: fn(&str) -> Option<&'static str>,
}

/// What a field's value looks like.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Free text, at most `max_chars` characters after trimming.
    Text {
        max_chars: usize,
        multiline: bool,
    },
    Email,
    /// One code from a taxonomy list.
    Code(Vocabulary),
    /// Codes from a taxonomy list.
    Codes(Vocabulary),
    /// ISO 639-1 language codes.
    Languages,
    /// Short free-text entries.
    Tags(TagRules),
    Choice(Choices),
    /// A calendar date written YYYY-MM-DD.
    Date,
    Integer {
        min: i64,
        max: i64,
    },
    Bool,
}

impl Shape {
    /// The kind of value the field holds once read.
    pub fn value_kind(self) -> ValueKind {
        match self {
            Shape::Text { .. } | Shape::Email | Shape::Code(_) | Shape::Choice(_) | Shape::Date => {
                ValueKind::Text
            }
            Shape::Codes(_) | Shape::Languages | Shape::Tags(_) => ValueKind::List,
            Shape::Integer { .. } => ValueKind::Integer,
            Shape::Bool => ValueKind::Bool,
        }
    }

    /// `(min, max)` numbers that `{min}`, `{max}` and `{items}` stand for in a field's texts.
    fn numbers(self) -> (Option<i64>, Option<usize>, Option<usize>) {
        match self {
            Shape::Text { max_chars, .. } => (None, Some(max_chars), None),
            Shape::Tags(rules) => (None, Some(rules.max_chars), Some(rules.max_items)),
            Shape::Integer { min, max } => (Some(min), usize::try_from(max).ok(), None),
            _ => (None, None, None),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    List,
    Integer,
    Bool,
}

/// Who gives a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    Both,
    Mentee,
    Mentor,
}

impl Applies {
    pub fn includes(self, kind: ProfileKind) -> bool {
        matches!(
            (self, kind),
            (Applies::Both, _)
                | (Applies::Mentee, ProfileKind::Mentee)
                | (Applies::Mentor, ProfileKind::Mentor)
        )
    }
}

/// Whether a new profile must give the field, and what it is when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Required,
    /// Empty when not given.
    Optional,
    /// The named default when not given (or given blank, in text sources).
    Default(&'static str),
}

/// Where a field's value goes in the profile input.
#[derive(Clone, Copy)]
enum Slot {
    PersonText(fn(&mut PersonInput) -> &mut Field<String>),
    PersonList(fn(&mut PersonInput) -> &mut Field<Vec<String>>),
    PersonBool(fn(&mut PersonInput) -> &mut Field<bool>),
    MenteeText(fn(&mut MenteeInput) -> &mut Field<String>),
    MentorInteger(fn(&mut MentorInput) -> &mut Field<i64>),
    MentorList(fn(&mut MentorInput) -> &mut Field<Vec<String>>),
}

impl Slot {
    fn kind(self) -> ValueKind {
        match self {
            Slot::PersonText(_) | Slot::MenteeText(_) => ValueKind::Text,
            Slot::PersonList(_) | Slot::MentorList(_) => ValueKind::List,
            Slot::PersonBool(_) => ValueKind::Bool,
            Slot::MentorInteger(_) => ValueKind::Integer,
        }
    }
}

/// A value read for one field, of the kind its slot holds.
enum Given {
    Text(Field<String>),
    List(Field<Vec<String>>),
    Integer(Field<i64>),
    Bool(Field<bool>),
}

/// One profile field.
#[derive(Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    pub shape: Shape,
    pub applies: Applies,
    pub presence: Presence,
    /// A short label, e.g. for a column heading or a list of fields.
    pub label: &'static str,
    /// What the field means, with `{min}`, `{max}` and `{items}` for its limits.
    doc: &'static str,
    slot: Slot,
}

impl std::fmt::Debug for FieldSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldSpec")
            .field("name", &self.name)
            .field("shape", &self.shape)
            .field("applies", &self.applies)
            .field("presence", &self.presence)
            .finish_non_exhaustive()
    }
}

impl FieldSpec {
    pub fn required(&self) -> bool {
        self.presence == Presence::Required
    }

    /// What the field means, its limits filled in.
    pub fn doc(&self) -> String {
        self.fill(self.doc)
    }

    /// `template` with `{min}`, `{max}` and `{items}` replaced by this field's limits.
    pub fn fill(&self, template: &str) -> String {
        let (min, max, items) = self.shape.numbers();
        let mut out = template.to_string();
        if let Some(min) = min {
            out = out.replace("{min}", &min.to_string());
        }
        if let Some(max) = max {
            out = out.replace("{max}", &max.to_string());
        }
        if let Some(items) = items {
            out = out.replace("{items}", &items.to_string());
        }
        out
    }

    fn put<I: ProfileInput>(&self, input: &mut I, given: Given) {
        match (self.slot, given) {
            (Slot::PersonText(at), Given::Text(v)) => *at(input.person()) = v,
            (Slot::PersonList(at), Given::List(v)) => *at(input.person()) = v,
            (Slot::PersonBool(at), Given::Bool(v)) => *at(input.person()) = v,
            (Slot::MenteeText(at), Given::Text(v)) => {
                if let Some(m) = input.mentee() {
                    *at(m) = v;
                }
            }
            (Slot::MentorInteger(at), Given::Integer(v)) => {
                if let Some(m) = input.mentor() {
                    *at(m) = v;
                }
            }
            (Slot::MentorList(at), Given::List(v)) => {
                if let Some(m) = input.mentor() {
                    *at(m) = v;
                }
            }
            // Readers produce the slot's own kind (checked in tests).
            _ => {}
        }
    }
}

const SHIFTS: Choices = Choices {
    values: Shift::NAMES,
    label: |v| Shift::parse(v).ok().map(Shift::label),
};

const MEETINGS: Choices = Choices {
    values: MeetingPreference::NAMES,
    label: |v| {
        MeetingPreference::parse(v)
            .ok()
            .map(MeetingPreference::label)
    },
};

/// Every field, in the order the API documents them.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "full_name",
        shape: Shape::Text {
            max_chars: FullName::MAX_CHARS,
            multiline: false,
        },
        applies: Applies::Both,
        presence: Presence::Required,
        label: "Full name",
        doc: "1–{max} characters after trimming.",
        slot: Slot::PersonText(|p| &mut p.full_name),
    },
    FieldSpec {
        name: "email",
        shape: Shape::Email,
        applies: Applies::Both,
        presence: Presence::Required,
        label: "Work email",
        doc: "Stored lower-case; unique among mentees (or mentors).",
        slot: Slot::PersonText(|p| &mut p.email),
    },
    FieldSpec {
        name: "profession",
        shape: Shape::Code(Vocabulary::Professions),
        applies: Applies::Both,
        presence: Presence::Required,
        label: "Profession",
        doc: "A profession code from the taxonomy.",
        slot: Slot::PersonText(|p| &mut p.profession),
    },
    FieldSpec {
        name: "specialty",
        shape: Shape::Code(Vocabulary::Specialties),
        applies: Applies::Both,
        presence: Presence::Required,
        label: "Specialty or unit",
        doc: "A specialty code from the taxonomy.",
        slot: Slot::PersonText(|p| &mut p.specialty),
    },
    FieldSpec {
        name: "site",
        shape: Shape::Code(Vocabulary::Sites),
        applies: Applies::Both,
        presence: Presence::Required,
        label: "Site",
        doc: "A site code from the taxonomy.",
        slot: Slot::PersonText(|p| &mut p.site),
    },
    FieldSpec {
        name: "shift",
        shape: Shape::Choice(SHIFTS),
        applies: Applies::Both,
        presence: Presence::Required,
        label: "Shift",
        doc: "The shift mostly worked.",
        slot: Slot::PersonText(|p| &mut p.shift),
    },
    FieldSpec {
        name: "languages",
        shape: Shape::Languages,
        applies: Applies::Both,
        presence: Presence::Optional,
        label: "Languages",
        doc: "ISO 639-1 codes, e.g. [\"en\", \"pt\"].",
        slot: Slot::PersonList(|p| &mut p.languages),
    },
    FieldSpec {
        name: "interests",
        shape: Shape::Tags(text::INTERESTS),
        applies: Applies::Both,
        presence: Presence::Optional,
        label: "Interests",
        doc: "Free-text interests, up to {items} of {max} characters.",
        slot: Slot::PersonList(|p| &mut p.interests),
    },
    FieldSpec {
        name: "goals",
        shape: Shape::Codes(Vocabulary::Goals),
        applies: Applies::Both,
        presence: Presence::Optional,
        label: "Goals",
        doc: "Goal codes from the taxonomy.",
        slot: Slot::PersonList(|p| &mut p.goals),
    },
    FieldSpec {
        name: "affinity_groups",
        shape: Shape::Codes(Vocabulary::AffinityGroups),
        applies: Applies::Both,
        presence: Presence::Optional,
        label: "Affinity groups",
        doc: "Opt-in affinity group codes; only ever compared with another person who also \
              opted in.",
        slot: Slot::PersonList(|p| &mut p.affinity_groups),
    },
    FieldSpec {
        name: "share_affinity_with_partner",
        shape: Shape::Bool,
        applies: Applies::Both,
        presence: Presence::Default("false"),
        label: "Share affinity groups with the partner",
        doc: "Consent to name a shared affinity group to the partner in the introduction email; \
              a group is named only when both partners said yes. Defaults to false. Matching \
              uses affinity groups either way.",
        slot: Slot::PersonBool(|p| &mut p.share_affinity_with_partner),
    },
    FieldSpec {
        name: "preferred_meeting",
        shape: Shape::Choice(MEETINGS),
        applies: Applies::Both,
        presence: Presence::Default("either"),
        label: "Preferred meeting",
        doc: "Defaults to either.",
        slot: Slot::PersonText(|p| &mut p.preferred_meeting),
    },
    FieldSpec {
        name: "manager_email",
        shape: Shape::Email,
        applies: Applies::Both,
        presence: Presence::Optional,
        label: "Manager's email",
        doc: "The person's manager, so they are never paired.",
        slot: Slot::PersonText(|p| &mut p.manager_email),
    },
    FieldSpec {
        name: "notes",
        shape: Shape::Text {
            max_chars: Notes::MAX_CHARS,
            multiline: true,
        },
        applies: Applies::Both,
        presence: Presence::Optional,
        label: "Notes",
        doc: "Up to {max} characters.",
        slot: Slot::PersonText(|p| &mut p.notes),
    },
    FieldSpec {
        name: "start_date",
        shape: Shape::Date,
        applies: Applies::Mentee,
        presence: Presence::Optional,
        label: "Start date",
        doc: "First day in the new role, YYYY-MM-DD.",
        slot: Slot::MenteeText(|m| &mut m.start_date),
    },
    FieldSpec {
        name: "years_experience",
        shape: Shape::Integer {
            min: YearsExperience::MIN,
            max: YearsExperience::MAX,
        },
        applies: Applies::Mentor,
        presence: Presence::Required,
        label: "Years of experience",
        doc: "Whole years, {min}–{max}.",
        slot: Slot::MentorInteger(|m| &mut m.years_experience),
    },
    FieldSpec {
        name: "capacity",
        shape: Shape::Integer {
            min: Capacity::MIN,
            max: Capacity::MAX,
        },
        applies: Applies::Mentor,
        presence: Presence::Default("matching.default_capacity"),
        label: "Capacity",
        doc: "Mentees at once, {min}–{max}; defaults to matching.default_capacity.",
        slot: Slot::MentorInteger(|m| &mut m.capacity),
    },
    FieldSpec {
        name: "can_help_with",
        shape: Shape::Codes(Vocabulary::Goals),
        applies: Applies::Mentor,
        presence: Presence::Optional,
        label: "Can help with",
        doc: "Goal codes the mentor can help with.",
        slot: Slot::MentorList(|m| &mut m.can_help_with),
    },
    FieldSpec {
        name: "certifications",
        shape: Shape::Tags(text::CERTIFICATIONS),
        applies: Applies::Mentor,
        presence: Presence::Optional,
        label: "Certifications",
        doc: "Free-text certifications, up to {items}.",
        slot: Slot::MentorList(|m| &mut m.certifications),
    },
];

/// Fields Belong sets itself: never accepted as input.
pub const READ_ONLY: &[&str] = &["id", "created_at", "updated_at", "active_mentees"];

/// The message for a status given with a new profile.
pub const STATUS_ON_CREATE: &str = "is set by Belong; change it later with PATCH";

/// The fields of one kind of profile, in documented order.
pub fn of(kind: ProfileKind) -> impl Iterator<Item = &'static FieldSpec> {
    FIELDS.iter().filter(move |f| f.applies.includes(kind))
}

/// The field of `kind` called `name`.
pub fn find(kind: ProfileKind, name: &str) -> Option<&'static FieldSpec> {
    of(kind).find(|f| f.name == name)
}

/// A mentee's or a mentor's input, as the reader fills it.
pub trait ProfileInput: Default {
    const KIND: ProfileKind;
    fn person(&mut self) -> &mut PersonInput;
    fn mentee(&mut self) -> Option<&mut MenteeInput> {
        None
    }
    fn mentor(&mut self) -> Option<&mut MentorInput> {
        None
    }
}

impl ProfileInput for MenteeInput {
    const KIND: ProfileKind = ProfileKind::Mentee;
    fn person(&mut self) -> &mut PersonInput {
        &mut self.person
    }
    fn mentee(&mut self) -> Option<&mut MenteeInput> {
        Some(self)
    }
}

impl ProfileInput for MentorInput {
    const KIND: ProfileKind = ProfileKind::Mentor;
    fn person(&mut self) -> &mut PersonInput {
        &mut self.person
    }
    fn mentor(&mut self) -> Option<&mut MentorInput> {
        Some(self)
    }
}

fn unknown(key: &str, kind: ProfileKind, errors: &mut FieldErrors) {
    if READ_ONLY.contains(&key) {
        errors.add(key, "is set by Belong and cannot be sent");
    } else {
        errors.add(key, format!("is not a field of a {}", kind.noun()));
    }
}

/// One JSON value read as `kind`; `null` clears.
fn json_value(kind: ValueKind, value: Value) -> Result<Given, &'static str> {
    Ok(match (kind, value) {
        (ValueKind::Text, Value::Null) => Given::Text(Field::Null),
        (ValueKind::List, Value::Null) => Given::List(Field::Null),
        (ValueKind::Integer, Value::Null) => Given::Integer(Field::Null),
        (ValueKind::Bool, Value::Null) => Given::Bool(Field::Null),
        (ValueKind::Text, Value::String(s)) => Given::Text(Field::Value(s)),
        (ValueKind::Text, _) => return Err("must be a string"),
        (ValueKind::List, Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.push(s),
                    _ => return Err("must be a list of strings"),
                }
            }
            Given::List(Field::Value(out))
        }
        (ValueKind::List, _) => return Err("must be a list of strings"),
        (ValueKind::Bool, Value::Bool(b)) => Given::Bool(Field::Value(b)),
        (ValueKind::Bool, _) => return Err("must be true or false"),
        (ValueKind::Integer, Value::Number(n)) => match n.as_i64() {
            Some(i) => Given::Integer(Field::Value(i)),
            None => return Err("must be a whole number"),
        },
        (ValueKind::Integer, _) => return Err("must be a number"),
    })
}

/// Reads a JSON object into a profile input. `other` may claim keys that are not fields (it
/// returns true for those it handled, adding its own errors); any other key is an error.
/// Every problem is reported, in the order of the keys.
pub fn from_json<I: ProfileInput>(
    body: Map<String, Value>,
    mut other: impl FnMut(&str, Value, &mut FieldErrors) -> bool,
) -> Result<I, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut input = I::default();
    for (key, value) in body {
        match find(I::KIND, &key) {
            Some(spec) => match json_value(spec.slot.kind(), value) {
                Ok(given) => spec.put(&mut input, given),
                Err(message) => errors.add(key, message),
            },
            None => {
                if !other(&key, value, &mut errors) {
                    unknown(&key, I::KIND, &mut errors);
                }
            }
        }
    }
    errors.into_result(input)
}

/// How named string values are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairs {
    /// An HTML form: lists arrive as repeated names (free-text lists may also be typed
    /// comma-separated in one box), an unticked box or an empty list sends nothing, a ticked
    /// checkbox sends "yes", and names that are not fields (such as a CSRF token) are ignored.
    Form,
    /// A row of a table (one column per field, one row per person): lists are split on
    /// `separator`, yes/no columns take yes, no, true or false, a missing or blank column
    /// leaves the field to its default, and a column that is not a field is an error.
    Row { separator: char },
}

fn whole_number(text: Option<&str>) -> Result<Field<i64>, &'static str> {
    match text.map(str::trim) {
        None | Some("") => Ok(Field::Absent),
        Some(text) => text
            .parse::<i64>()
            .map(Field::Value)
            .map_err(|_| "must be a whole number, e.g. 5"),
    }
}

fn split(values: &[&str], separator: char) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(separator).map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty())
        .collect()
}

/// One field's value from named strings.
fn pairs_value(
    spec: &FieldSpec,
    pairs: &[(String, String)],
    layout: Pairs,
) -> Result<Given, &'static str> {
    let mut all = pairs
        .iter()
        .filter(|(k, _)| k == spec.name)
        .map(|(_, v)| v.as_str());
    let first = all.clone().next();
    let blank_default =
        |v: &str| matches!(spec.presence, Presence::Default(_)) && v.trim().is_empty();
    Ok(match spec.slot.kind() {
        ValueKind::Text => Given::Text(match first {
            Some(v) if blank_default(v) => Field::Absent,
            Some(v) => Field::Value(v.to_string()),
            None => Field::Absent,
        }),
        ValueKind::Integer => Given::Integer(whole_number(first)?),
        ValueKind::List => Given::List(match layout {
            Pairs::Form => {
                let given: Vec<&str> = all.by_ref().filter(|v| !v.trim().is_empty()).collect();
                Field::Value(match spec.shape {
                    Shape::Tags(_) => split(&given, ','),
                    _ => given.iter().map(|v| v.to_string()).collect(),
                })
            }
            Pairs::Row { separator } => match first {
                Some(v) => Field::Value(split(&[v], separator)),
                None => Field::Absent,
            },
        }),
        ValueKind::Bool => Given::Bool(match layout {
            Pairs::Form => Field::Value(first == Some("yes")),
            Pairs::Row { .. } => match first.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
                None | Some("") => Field::Absent,
                Some("yes" | "true") => Field::Value(true),
                Some("no" | "false") => Field::Value(false),
                Some(_) => return Err("must be yes or no"),
            },
        }),
    })
}

/// Reads named string values (a submitted form, or a row of a table) into a profile input.
/// Every problem is reported, field by field.
pub fn from_pairs<I: ProfileInput>(
    pairs: &[(String, String)],
    layout: Pairs,
) -> Result<I, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut input = I::default();
    if let Pairs::Row { .. } = layout {
        let mut seen: Vec<&str> = Vec::new();
        for (key, _) in pairs {
            if seen.contains(&key.as_str()) {
                errors.add(key.as_str(), "is given twice");
            } else if find(I::KIND, key).is_none() {
                unknown(key, I::KIND, &mut errors);
            }
            seen.push(key);
        }
    }
    for spec in of(I::KIND) {
        match pairs_value(spec, pairs, layout) {
            Ok(given) => spec.put(&mut input, given),
            Err(message) => errors.add(spec.name, message),
        }
    }
    errors.into_result(input)
}

#[cfg(test)]
mod tests {
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
        let Some(Shape::Choice(shifts)) = find(ProfileKind::Mentee, "shift").map(|f| f.shape)
        else {
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
}
