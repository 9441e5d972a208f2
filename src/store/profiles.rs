//! Mentees and mentors in the `profiles` table, converted to and from the domain types.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::profiles;
use super::{AnyConnection, StoreError};
use crate::domain::email::EmailAddress;
use crate::domain::language::Language;
/// Paging is the domain's; the store's list functions keep finding it here.
pub use crate::domain::page::Page;
use crate::domain::profile::{
    Capacity, MeetingPreference, Mentee, MenteeDetails, MenteeId, MenteeStatus, Mentor,
    MentorDetails, MentorId, MentorStatus, PersonDetails, ProfileKind, Shift, YearsExperience,
};
use crate::domain::taxonomy::Code;
use crate::domain::text::{FullName, Notes};

fn role(kind: ProfileKind) -> &'static str {
    kind.noun()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = profiles)]
struct Row {
    seq: i64,
    id: String,
    #[diesel(embed)]
    details: DetailColumns,
    active_mentees: i32,
    status: String,
    created_at: NaiveDateTime,
}

/// The columns a person's details fill, for reads, inserts and updates alike.
#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = profiles, treat_none_as_null = true)]
struct DetailColumns {
    full_name: String,
    email: Option<String>,
    profession: String,
    specialty: String,
    site: String,
    shift: String,
    languages: String,
    interests: String,
    goals: String,
    affinity_groups: String,
    share_affinity_with_partner: bool,
    preferred_meeting: String,
    manager_email: Option<String>,
    notes: Option<String>,
    start_date: Option<NaiveDate>,
    years_experience: Option<i32>,
    capacity: Option<i32>,
    can_help_with: String,
    certifications: String,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = profiles)]
struct NewRow<'a> {
    id: String,
    role: &'a str,
    status: &'a str,
    created_at: NaiveDateTime,
}

fn json_list<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    serde_json::to_string(&items).unwrap_or_else(|_| "[]".into())
}

fn parse_list(text: &str, column: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{column}: {e}")))
}

fn codes(text: &str, column: &str) -> Result<Vec<Code>, StoreError> {
    Ok(parse_list(text, column)?
        .into_iter()
        .map(Code::from_trusted)
        .collect())
}

fn corrupt(column: &str) -> impl Fn(String) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{column}: {e}"))
}

fn person_columns(p: &PersonDetails, updated_at: NaiveDateTime) -> DetailColumns {
    DetailColumns {
        full_name: p.full_name.as_str().into(),
        email: Some(p.email.as_str().into()),
        profession: p.profession.as_str().into(),
        specialty: p.specialty.as_str().into(),
        site: p.site.as_str().into(),
        shift: p.shift.as_str().into(),
        languages: json_list(&p.languages.iter().map(Language::as_str).collect::<Vec<_>>()),
        interests: json_list(&p.interests),
        goals: json_list(&p.goals.iter().map(Code::as_str).collect::<Vec<_>>()),
        affinity_groups: json_list(
            &p.affinity_groups
                .iter()
                .map(Code::as_str)
                .collect::<Vec<_>>(),
        ),
        share_affinity_with_partner: p.share_affinity_with_partner,
        preferred_meeting: p.preferred_meeting.as_str().into(),
        manager_email: p.manager_email.as_ref().map(|e| e.as_str().into()),
        notes: p.notes.as_ref().map(|n| n.as_str().into()),
        start_date: None,
        years_experience: None,
        capacity: None,
        can_help_with: "[]".into(),
        certifications: "[]".into(),
        updated_at,
    }
}

fn mentee_columns(d: &MenteeDetails, at: NaiveDateTime) -> DetailColumns {
    DetailColumns {
        start_date: d.start_date,
        ..person_columns(&d.person, at)
    }
}

fn mentor_columns(d: &MentorDetails, at: NaiveDateTime) -> DetailColumns {
    DetailColumns {
        years_experience: Some(i32::from(d.years_experience.get())),
        capacity: Some(i32::from(d.capacity.get())),
        can_help_with: json_list(&d.can_help_with.iter().map(Code::as_str).collect::<Vec<_>>()),
        certifications: json_list(&d.certifications),
        ..person_columns(&d.person, at)
    }
}

impl Row {
    fn person(&self) -> Result<PersonDetails, StoreError> {
        Ok(PersonDetails {
            full_name: FullName::from_trusted(self.details.full_name.clone()),
            email: EmailAddress::from_trusted(
                self.details
                    .email
                    .clone()
                    .ok_or_else(|| StoreError::Corrupt("email is missing".into()))?,
            ),
            profession: Code::from_trusted(self.details.profession.clone()),
            specialty: Code::from_trusted(self.details.specialty.clone()),
            site: Code::from_trusted(self.details.site.clone()),
            shift: Shift::parse(&self.details.shift).map_err(corrupt("shift"))?,
            languages: parse_list(&self.details.languages, "languages")?
                .into_iter()
                .map(Language::from_trusted)
                .collect(),
            interests: parse_list(&self.details.interests, "interests")?,
            goals: codes(&self.details.goals, "goals")?,
            affinity_groups: codes(&self.details.affinity_groups, "affinity_groups")?,
            share_affinity_with_partner: self.details.share_affinity_with_partner,
            preferred_meeting: MeetingPreference::parse(&self.details.preferred_meeting)
                .map_err(corrupt("preferred_meeting"))?,
            manager_email: self
                .details
                .manager_email
                .clone()
                .map(EmailAddress::from_trusted),
            notes: self.details.notes.clone().map(Notes::from_trusted),
        })
    }

    fn id(&self) -> Result<Uuid, StoreError> {
        Uuid::parse_str(&self.id).map_err(|e| StoreError::Corrupt(format!("id: {e}")))
    }

    fn into_mentee(self) -> Result<Mentee, StoreError> {
        Ok(Mentee {
            id: MenteeId(self.id()?),
            details: MenteeDetails {
                person: self.person()?,
                start_date: self.details.start_date,
            },
            status: MenteeStatus::parse(&self.status).map_err(corrupt("status"))?,
            created_at: self.created_at.and_utc(),
            updated_at: self.details.updated_at.and_utc(),
        })
    }

    fn into_mentor(self) -> Result<Mentor, StoreError> {
        let number = |v: Option<i32>, column: &str| {
            v.map(i64::from)
                .ok_or_else(|| StoreError::Corrupt(format!("{column} is missing")))
        };
        Ok(Mentor {
            id: MentorId(self.id()?),
            details: MentorDetails {
                person: self.person()?,
                years_experience: YearsExperience::parse(number(
                    self.details.years_experience,
                    "years_experience",
                )?)
                .map_err(corrupt("years_experience"))?,
                capacity: Capacity::parse(number(self.details.capacity, "capacity")?)
                    .map_err(corrupt("capacity"))?,
                can_help_with: codes(&self.details.can_help_with, "can_help_with")?,
                certifications: parse_list(&self.details.certifications, "certifications")?,
            },
            status: MentorStatus::parse(&self.status).map_err(corrupt("status"))?,
            active_mentees: u32::try_from(self.active_mentees).unwrap_or(0),
            created_at: self.created_at.and_utc(),
            updated_at: self.details.updated_at.and_utc(),
        })
    }
}

/// Inserts a new profile's row; the caller builds the domain value it returns.
fn insert(
    conn: &mut AnyConnection,
    id: Uuid,
    kind: ProfileKind,
    status: &str,
    columns: DetailColumns,
) -> Result<(), StoreError> {
    let created_at = columns.updated_at;
    diesel::insert_into(profiles::table)
        .values((
            NewRow {
                id: id.to_string(),
                role: role(kind),
                status,
                created_at,
            },
            columns,
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert_mentee(conn: &mut AnyConnection, mentee: &Mentee) -> Result<(), StoreError> {
    let at = mentee.created_at.naive_utc();
    insert(
        conn,
        mentee.id.0,
        ProfileKind::Mentee,
        mentee.status.as_str(),
        mentee_columns(&mentee.details, at),
    )
}

pub fn insert_mentor(conn: &mut AnyConnection, mentor: &Mentor) -> Result<(), StoreError> {
    let at = mentor.created_at.naive_utc();
    insert(
        conn,
        mentor.id.0,
        ProfileKind::Mentor,
        mentor.status.as_str(),
        mentor_columns(&mentor.details, at),
    )
}

fn find_row(
    conn: &mut AnyConnection,
    kind: ProfileKind,
    id: Uuid,
) -> Result<Option<Row>, StoreError> {
    Ok(profiles::table
        .filter(profiles::role.eq(role(kind)))
        .filter(profiles::id.eq(id.to_string()))
        .filter(profiles::erased_at.is_null())
        .select(Row::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_mentee(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Mentee>, StoreError> {
    find_row(conn, ProfileKind::Mentee, id)?
        .map(Row::into_mentee)
        .transpose()
}

pub fn find_mentor(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Mentor>, StoreError> {
    find_row(conn, ProfileKind::Mentor, id)?
        .map(Row::into_mentor)
        .transpose()
}

fn update_columns(
    conn: &mut AnyConnection,
    kind: ProfileKind,
    id: Uuid,
    status: &str,
    columns: DetailColumns,
) -> Result<(), StoreError> {
    let changed = diesel::update(
        profiles::table
            .filter(profiles::role.eq(role(kind)))
            .filter(profiles::id.eq(id.to_string()))
            .filter(profiles::erased_at.is_null()),
    )
    .set((columns, profiles::status.eq(status)))
    .execute(conn)?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Writes a mentee's details and status as given.
pub fn update_mentee(conn: &mut AnyConnection, mentee: &Mentee) -> Result<(), StoreError> {
    let columns = mentee_columns(&mentee.details, mentee.updated_at.naive_utc());
    update_columns(
        conn,
        ProfileKind::Mentee,
        mentee.id.0,
        mentee.status.as_str(),
        columns,
    )
}

/// Writes a mentor's details and status as given (not `active_mentees`: matching owns it).
pub fn update_mentor(conn: &mut AnyConnection, mentor: &Mentor) -> Result<(), StoreError> {
    let columns = mentor_columns(&mentor.details, mentor.updated_at.naive_utc());
    update_columns(
        conn,
        ProfileKind::Mentor,
        mentor.id.0,
        mentor.status.as_str(),
        columns,
    )
}

/// Erases what identifies the person; the row stays as an anonymous tombstone so that
/// history that refers to it (and programme-level counts) stays consistent.
pub fn erase(
    conn: &mut AnyConnection,
    kind: ProfileKind,
    id: Uuid,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        profiles::table
            .filter(profiles::role.eq(role(kind)))
            .filter(profiles::id.eq(id.to_string()))
            .filter(profiles::erased_at.is_null()),
    )
    .set((
        profiles::full_name.eq(""),
        profiles::email.eq(None::<String>),
        profiles::manager_email.eq(None::<String>),
        profiles::notes.eq(None::<String>),
        profiles::languages.eq("[]"),
        profiles::interests.eq("[]"),
        profiles::goals.eq("[]"),
        profiles::affinity_groups.eq("[]"),
        profiles::can_help_with.eq("[]"),
        profiles::certifications.eq("[]"),
        // Outcomes group people by site, shift, profession and specialty, and by the month
        // the pair was approved (not the start date): the rest could single a person out.
        profiles::start_date.eq(None::<NaiveDate>),
        profiles::years_experience.eq(None::<i32>),
        profiles::capacity.eq(None::<i32>),
        profiles::preferred_meeting.eq("either"),
        profiles::share_affinity_with_partner.eq(false),
        profiles::updated_at.eq(at),
        profiles::erased_at.eq(Some(at)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

fn list_rows(
    conn: &mut AnyConnection,
    kind: ProfileKind,
    status: Option<&str>,
    after: i64,
    limit: i64,
) -> Result<Vec<Row>, StoreError> {
    let base = profiles::table
        .filter(profiles::role.eq(role(kind)))
        .filter(profiles::erased_at.is_null())
        .filter(profiles::seq.gt(after))
        .order(profiles::seq.asc())
        .limit(limit + 1)
        .select(Row::as_select());
    let rows: Vec<Row> = match status {
        Some(status) => base.filter(profiles::status.eq(status)).load(conn)?,
        None => base.load(conn)?,
    };
    Ok(rows)
}

pub fn list_mentees(
    conn: &mut AnyConnection,
    status: Option<MenteeStatus>,
    after: i64,
    limit: i64,
) -> Result<Page<Mentee>, StoreError> {
    let rows = list_rows(
        conn,
        ProfileKind::Mentee,
        status.map(MenteeStatus::as_str),
        after,
        limit,
    )?;
    Page::from_rows(rows, limit, |r| r.seq, Row::into_mentee)
}

pub fn list_mentors(
    conn: &mut AnyConnection,
    status: Option<MentorStatus>,
    after: i64,
    limit: i64,
) -> Result<Page<Mentor>, StoreError> {
    let rows = list_rows(
        conn,
        ProfileKind::Mentor,
        status.map(MentorStatus::as_str),
        after,
        limit,
    )?;
    Page::from_rows(rows, limit, |r| r.seq, Row::into_mentor)
}

/// Every mentor (not erased), for matching.
pub fn all_mentors(conn: &mut AnyConnection) -> Result<Vec<Mentor>, StoreError> {
    profiles::table
        .filter(profiles::role.eq(role(ProfileKind::Mentor)))
        .filter(profiles::erased_at.is_null())
        .order(profiles::seq.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_mentor)
        .collect()
}

/// Mentees in a status (not erased), for matching.
pub fn mentees_with_status(
    conn: &mut AnyConnection,
    status: MenteeStatus,
) -> Result<Vec<Mentee>, StoreError> {
    profiles::table
        .filter(profiles::role.eq(role(ProfileKind::Mentee)))
        .filter(profiles::erased_at.is_null())
        .filter(profiles::status.eq(status.as_str()))
        .order(profiles::seq.asc())
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_mentee)
        .collect()
}

/// Takes one of the mentor's places, if one is free; false otherwise. The check and the
/// change are one statement, so concurrent approvals cannot overfill a mentor.
pub fn take_place(
    conn: &mut AnyConnection,
    mentor: Uuid,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        profiles::table
            .filter(profiles::role.eq(role(ProfileKind::Mentor)))
            .filter(profiles::id.eq(mentor.to_string()))
            .filter(profiles::erased_at.is_null())
            .filter(profiles::status.eq(MentorStatus::Active.as_str()))
            .filter(profiles::capacity.gt(profiles::active_mentees.nullable())),
    )
    .set((
        profiles::active_mentees.eq(profiles::active_mentees + 1),
        profiles::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives a place back when a match ends.
pub fn free_place(
    conn: &mut AnyConnection,
    mentor: Uuid,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(
        profiles::table
            .filter(profiles::role.eq(role(ProfileKind::Mentor)))
            .filter(profiles::id.eq(mentor.to_string()))
            .filter(profiles::active_mentees.gt(0)),
    )
    .set((
        profiles::active_mentees.eq(profiles::active_mentees - 1),
        profiles::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(())
}

/// Moves a mentee from one status to another; false when it was not in `from`.
pub fn move_mentee(
    conn: &mut AnyConnection,
    mentee: Uuid,
    from: MenteeStatus,
    to: MenteeStatus,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        profiles::table
            .filter(profiles::role.eq(role(ProfileKind::Mentee)))
            .filter(profiles::id.eq(mentee.to_string()))
            .filter(profiles::erased_at.is_null())
            .filter(profiles::status.eq(from.as_str())),
    )
    .set((
        profiles::status.eq(to.as_str()),
        profiles::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
