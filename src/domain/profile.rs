//! Mentees and mentors: the validated details a person gives, and the profile Belong keeps.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::email::EmailAddress;
use super::language::Language;
use super::taxonomy::Code;
use super::text::{FullName, Notes};

/// Declares a closed set of lowercase values with parsing and display.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The text forms of [`Self::ALL`], in the same order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the lowercase text form; the error lists the allowed values.
            pub fn parse(input: &str) -> Result<Self, String> {
                match input.trim() {
                    $($text => Ok($name::$variant),)+
                    "" => Err("is required".into()),
                    other => Err(format!(
                        "\"{}\" is not allowed; use one of: {}",
                        other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// The shift a person mostly works.
    Shift { Day = "day", Evening = "evening", Night = "night", Rotating = "rotating" }
);

text_enum!(
    /// How a person prefers to meet.
    MeetingPreference { InPerson = "in_person", Virtual = "virtual", Either = "either" }
);

text_enum!(
    /// Where a mentee stands: waiting for a mentor, matched, or withdrawn from the program.
    MenteeStatus { Waiting = "waiting", Matched = "matched", Withdrawn = "withdrawn" }
);

text_enum!(
    /// Whether a mentor takes on mentees now.
    MentorStatus { Active = "active", Paused = "paused" }
);

impl MenteeStatus {
    /// The status as a person reads it: "Waiting", "Matched", "Withdrawn".
    pub fn label(self) -> &'static str {
        match self {
            MenteeStatus::Waiting => "Waiting",
            MenteeStatus::Matched => "Matched",
            MenteeStatus::Withdrawn => "Withdrawn",
        }
    }
}

impl MentorStatus {
    /// The status as a person reads it: "Active", "Paused".
    pub fn label(self) -> &'static str {
        match self {
            MentorStatus::Active => "Active",
            MentorStatus::Paused => "Paused",
        }
    }
}

impl Shift {
    pub fn label(self) -> &'static str {
        match self {
            Shift::Day => "Day",
            Shift::Evening => "Evening",
            Shift::Night => "Night",
            Shift::Rotating => "Rotating",
        }
    }
}

impl MeetingPreference {
    pub fn label(self) -> &'static str {
        match self {
            MeetingPreference::InPerson => "In person",
            MeetingPreference::Virtual => "Video or phone",
            MeetingPreference::Either => "Either is fine",
        }
    }
}

/// Whole years of experience, 0–60.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearsExperience(u8);

impl YearsExperience {
    pub const MIN: i64 = 0;
    pub const MAX: i64 = 60;

    pub fn parse(value: i64) -> Result<Self, String> {
        u8::try_from(value)
            .ok()
            .filter(|v| (Self::MIN..=Self::MAX).contains(&i64::from(*v)))
            .map(Self)
            .ok_or_else(|| {
                format!(
                    "must be a whole number of years from {} to {}",
                    Self::MIN,
                    Self::MAX
                )
            })
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// How many mentees a mentor takes on at once, 1–10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Capacity(u8);

impl Capacity {
    pub const MIN: i64 = 1;
    pub const MAX: i64 = 10;

    pub fn parse(value: i64) -> Result<Self, String> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Self(value as u8))
        } else {
            Err(format!(
                "must be a whole number from {} to {}",
                Self::MIN,
                Self::MAX
            ))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// The details every person gives, mentee or mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetails {
    pub full_name: FullName,
    pub email: EmailAddress,
    pub profession: Code,
    pub specialty: Code,
    pub site: Code,
    pub shift: Shift,
    pub languages: Vec<Language>,
    pub interests: Vec<String>,
    pub goals: Vec<Code>,
    /// Opt-in; only ever compared with another person who also opted in.
    pub affinity_groups: Vec<Code>,
    /// The person agreed that a group they share with their partner may be named to the
    /// partner (in the introduction). Without both partners' consent no group is named.
    pub share_affinity_with_partner: bool,
    pub preferred_meeting: MeetingPreference,
    /// So that nobody is paired with their own manager.
    pub manager_email: Option<EmailAddress>,
    pub notes: Option<Notes>,
}

impl PersonDetails {
    /// Every taxonomy code the person holds.
    pub fn codes(&self) -> Vec<String> {
        [&self.profession, &self.specialty, &self.site]
            .into_iter()
            .chain(&self.goals)
            .chain(&self.affinity_groups)
            .map(|c| c.as_str().to_string())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenteeDetails {
    pub person: PersonDetails,
    /// The first day in the new role, when known.
    pub start_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorDetails {
    pub person: PersonDetails,
    pub years_experience: YearsExperience,
    pub capacity: Capacity,
    pub can_help_with: Vec<Code>,
    pub certifications: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MenteeId(pub Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MentorId(pub Uuid);

/// A stored mentee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentee {
    pub id: MenteeId,
    pub details: MenteeDetails,
    pub status: MenteeStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A stored mentor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentor {
    pub id: MentorId,
    pub details: MentorDetails,
    pub status: MentorStatus,
    /// Approved matches now running.
    pub active_mentees: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which kind of profile: mentees and mentors share most rules but not all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    Mentee,
    Mentor,
}

impl ProfileKind {
    pub fn noun(self) -> &'static str {
        match self {
            ProfileKind::Mentee => "mentee",
            ProfileKind::Mentor => "mentor",
        }
    }
}

/// Why a requested status change cannot happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusChangeError {
    /// The status is not one a person or integration may set (the field's message).
    NotSettable(String),
    /// The change conflicts with the profile's current state.
    Conflict(String),
}

impl MenteeStatus {
    /// The status after a requested change: `withdrawn` and `waiting` may be asked for;
    /// `matched` only comes from approving a match, and a matched mentee's match must be
    /// ended first.
    pub fn change_to(self, to: MenteeStatus) -> Result<MenteeStatus, StatusChangeError> {
        match (self, to) {
            (_, MenteeStatus::Matched) if self != MenteeStatus::Matched => {
                Err(StatusChangeError::NotSettable(
                    "becomes matched when a coordinator approves a match; use waiting or withdrawn"
                        .into(),
                ))
            }
            (MenteeStatus::Matched, MenteeStatus::Matched) => Ok(self),
            (MenteeStatus::Matched, _) => Err(StatusChangeError::Conflict(
                "this mentee has an approved match; end the match first".into(),
            )),
            (_, to) => Ok(to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentee_status_changes() {
        use MenteeStatus::*;
        assert_eq!(Waiting.change_to(Withdrawn), Ok(Withdrawn));
        assert_eq!(Withdrawn.change_to(Waiting), Ok(Waiting));
        assert!(matches!(
            Waiting.change_to(Matched),
            Err(StatusChangeError::NotSettable(_))
        ));
        assert!(matches!(
            Matched.change_to(Withdrawn),
            Err(StatusChangeError::Conflict(_))
        ));
        assert!(matches!(
            Matched.change_to(Waiting),
            Err(StatusChangeError::Conflict(_))
        ));
    }

    #[test]
    fn numbers_have_bounds() {
        assert!(Capacity::parse(0).is_err() && Capacity::parse(11).is_err());
        assert_eq!(Capacity::parse(10).map(Capacity::get), Ok(10));
        assert!(YearsExperience::parse(-1).is_err() && YearsExperience::parse(61).is_err());
        assert_eq!(YearsExperience::parse(0).map(YearsExperience::get), Ok(0));
        assert_eq!(Shift::parse("night"), Ok(Shift::Night));
        assert!(Shift::parse("Night").is_err());
    }
}
