//! Profile input as a form or a JSON body gives it: typed, but not yet checked against the
//! rules. One input type serves creation (absent means default) and partial updates (absent
//! means unchanged), so the API and the sign-up forms validate with the same code.

use super::profile::{MenteeDetails, MentorDetails, PersonDetails};

/// One field of input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Field<T> {
    /// Not given: the default on creation, unchanged on update.
    #[default]
    Absent,
    /// Given as empty (`null`): cleared, or "is required" where a value is needed.
    Null,
    Value(T),
}

impl<T> Field<T> {
    /// `self`, unless `update` says something about the field.
    fn or_update(self, update: Field<T>) -> Field<T> {
        match update {
            Field::Absent => self,
            given => given,
        }
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }
}

fn value<T>(v: T) -> Field<T> {
    Field::Value(v)
}

fn optional<T>(v: Option<T>) -> Field<T> {
    v.map_or(Field::Null, Field::Value)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonInput {
    pub full_name: Field<String>,
    pub email: Field<String>,
    pub profession: Field<String>,
    pub specialty: Field<String>,
    pub site: Field<String>,
    pub shift: Field<String>,
    pub languages: Field<Vec<String>>,
    pub interests: Field<Vec<String>>,
    pub goals: Field<Vec<String>>,
    pub affinity_groups: Field<Vec<String>>,
    /// Consent to name a shared affinity group to the partner; absent is no.
    pub share_affinity_with_partner: Field<bool>,
    pub preferred_meeting: Field<String>,
    pub manager_email: Field<String>,
    pub notes: Field<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MenteeInput {
    pub person: PersonInput,
    pub start_date: Field<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentorInput {
    pub person: PersonInput,
    pub years_experience: Field<i64>,
    pub capacity: Field<i64>,
    pub can_help_with: Field<Vec<String>>,
    pub certifications: Field<Vec<String>>,
}

impl PersonInput {
    fn or_update(self, u: PersonInput) -> PersonInput {
        PersonInput {
            full_name: self.full_name.or_update(u.full_name),
            email: self.email.or_update(u.email),
            profession: self.profession.or_update(u.profession),
            specialty: self.specialty.or_update(u.specialty),
            site: self.site.or_update(u.site),
            shift: self.shift.or_update(u.shift),
            languages: self.languages.or_update(u.languages),
            interests: self.interests.or_update(u.interests),
            goals: self.goals.or_update(u.goals),
            affinity_groups: self.affinity_groups.or_update(u.affinity_groups),
            share_affinity_with_partner: self
                .share_affinity_with_partner
                .or_update(u.share_affinity_with_partner),
            preferred_meeting: self.preferred_meeting.or_update(u.preferred_meeting),
            manager_email: self.manager_email.or_update(u.manager_email),
            notes: self.notes.or_update(u.notes),
        }
    }
}

impl MenteeInput {
    /// The stored details with `update` laid over them: what a partial update asks for.
    pub fn updated(current: &MenteeDetails, update: MenteeInput) -> MenteeInput {
        let base = MenteeInput::from(current);
        MenteeInput {
            person: base.person.or_update(update.person),
            start_date: base.start_date.or_update(update.start_date),
        }
    }
}

impl MentorInput {
    /// The stored details with `update` laid over them: what a partial update asks for.
    pub fn updated(current: &MentorDetails, update: MentorInput) -> MentorInput {
        let base = MentorInput::from(current);
        MentorInput {
            person: base.person.or_update(update.person),
            years_experience: base.years_experience.or_update(update.years_experience),
            capacity: base.capacity.or_update(update.capacity),
            can_help_with: base.can_help_with.or_update(update.can_help_with),
            certifications: base.certifications.or_update(update.certifications),
        }
    }
}

impl From<&PersonDetails> for PersonInput {
    fn from(p: &PersonDetails) -> Self {
        let strings = |codes: &[super::taxonomy::Code]| {
            value(codes.iter().map(|c| c.as_str().to_string()).collect())
        };
        PersonInput {
            full_name: value(p.full_name.as_str().into()),
            email: value(p.email.as_str().into()),
            profession: value(p.profession.as_str().into()),
            specialty: value(p.specialty.as_str().into()),
            site: value(p.site.as_str().into()),
            shift: value(p.shift.as_str().into()),
            languages: value(p.languages.iter().map(|l| l.as_str().into()).collect()),
            interests: value(p.interests.clone()),
            goals: strings(&p.goals),
            affinity_groups: strings(&p.affinity_groups),
            share_affinity_with_partner: value(p.share_affinity_with_partner),
            preferred_meeting: value(p.preferred_meeting.as_str().into()),
            manager_email: optional(p.manager_email.as_ref().map(|e| e.as_str().into())),
            notes: optional(p.notes.as_ref().map(|n| n.as_str().into())),
        }
    }
}

impl From<&MenteeDetails> for MenteeInput {
    fn from(d: &MenteeDetails) -> Self {
        MenteeInput {
            person: PersonInput::from(&d.person),
            start_date: optional(d.start_date.map(|s| s.format("%Y-%m-%d").to_string())),
        }
    }
}

impl From<&MentorDetails> for MentorInput {
    fn from(d: &MentorDetails) -> Self {
        MentorInput {
            person: PersonInput::from(&d.person),
            years_experience: value(i64::from(d.years_experience.get())),
            capacity: value(i64::from(d.capacity.get())),
            can_help_with: value(
                d.can_help_with
                    .iter()
                    .map(|c| c.as_str().to_string())
                    .collect(),
            ),
            certifications: value(d.certifications.clone()),
        }
    }
}
