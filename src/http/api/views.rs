//! What the API answers with: profiles as JSON.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::profile::{Mentee, Mentor, PersonDetails};

/// The details every person gives.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    #[schema(example = "Ana Souza")]
    pub full_name: String,
    #[schema(example = "ana.souza@example.org")]
    pub email: String,
    #[schema(example = "registered_nurse")]
    pub profession: String,
    #[schema(example = "emergency")]
    pub specialty: String,
    #[schema(example = "north_campus")]
    pub site: String,
    /// day | evening | night | rotating
    #[schema(example = "night")]
    pub shift: String,
    #[schema(example = json!(["en", "pt"]))]
    pub languages: Vec<String>,
    pub interests: Vec<String>,
    pub goals: Vec<String>,
    pub affinity_groups: Vec<String>,
    /// Whether a shared affinity group may be named to the person's partner (in the
    /// introduction email); a group is named only when both partners said yes.
    #[schema(example = false)]
    pub share_affinity_with_partner: bool,
    /// in_person | virtual | either
    #[schema(example = "either")]
    pub preferred_meeting: String,
    pub manager_email: Option<String>,
    pub notes: Option<String>,
}

impl From<&PersonDetails> for PersonView {
    fn from(p: &PersonDetails) -> Self {
        let codes = |c: &[crate::domain::taxonomy::Code]| {
            c.iter().map(|c| c.as_str().to_string()).collect()
        };
        PersonView {
            full_name: p.full_name.as_str().into(),
            email: p.email.as_str().into(),
            profession: p.profession.as_str().into(),
            specialty: p.specialty.as_str().into(),
            site: p.site.as_str().into(),
            shift: p.shift.as_str().into(),
            languages: p.languages.iter().map(|l| l.as_str().to_string()).collect(),
            interests: p.interests.clone(),
            goals: codes(&p.goals),
            affinity_groups: codes(&p.affinity_groups),
            share_affinity_with_partner: p.share_affinity_with_partner,
            preferred_meeting: p.preferred_meeting.as_str().into(),
            manager_email: p.manager_email.as_ref().map(|e| e.as_str().to_string()),
            notes: p.notes.as_ref().map(|n| n.as_str().to_string()),
        }
    }
}

/// A mentee as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct MenteeView {
    pub id: Uuid,
    #[serde(flatten)]
    pub person: PersonView,
    pub start_date: Option<NaiveDate>,
    /// waiting | matched | withdrawn
    #[schema(example = "waiting")]
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Mentee> for MenteeView {
    fn from(m: &Mentee) -> Self {
        MenteeView {
            id: m.id.0,
            person: PersonView::from(&m.details.person),
            start_date: m.details.start_date,
            status: m.status.as_str().into(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A mentor as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorView {
    pub id: Uuid,
    #[serde(flatten)]
    pub person: PersonView,
    #[schema(example = 12)]
    pub years_experience: u8,
    #[schema(example = 2)]
    pub capacity: u8,
    pub can_help_with: Vec<String>,
    pub certifications: Vec<String>,
    /// active | paused
    #[schema(example = "active")]
    pub status: String,
    /// Approved matches now running.
    pub active_mentees: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&Mentor> for MentorView {
    fn from(m: &Mentor) -> Self {
        MentorView {
            id: m.id.0,
            person: PersonView::from(&m.details.person),
            years_experience: m.details.years_experience.get(),
            capacity: m.details.capacity.get(),
            can_help_with: m
                .details
                .can_help_with
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            certifications: m.details.certifications.clone(),
            status: m.status.as_str().into(),
            active_mentees: m.active_mentees,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}
