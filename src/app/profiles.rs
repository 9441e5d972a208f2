//! Signing up, reading, changing and erasing mentees and mentors.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{App, AppError, matching};
use crate::config::{EmailTransport, Settings};
use crate::domain::cursor::Cursor;
use crate::domain::field_error::FieldErrors;
use crate::domain::input::{MenteeInput, MentorInput};
use crate::domain::profile::{
    Mentee, MenteeId, MenteeStatus, Mentor, MentorId, MentorStatus, PersonDetails, ProfileKind,
    StatusChangeError,
};
use crate::domain::validate::{self, Rules};
use crate::email::message::Recipient;
use crate::email::outbox::Queued;
use crate::email::{signup_again, transport};
use crate::store::emails;
use crate::store::employment;
use crate::store::profiles::{self as rows, Page};
use crate::store::{AnyConnection, StoreError, exclusive_tx, now, write_tx};

/// What the use cases need to know about a kind of profile.
pub trait Profile: Sized + Send + 'static {
    type Input: Send + 'static;
    type Status: Copy + Send + 'static;
    const KIND: ProfileKind;

    fn new(
        id: Uuid,
        input: &Self::Input,
        rules: Rules<'_>,
        at: DateTime<Utc>,
    ) -> Result<Self, FieldErrors>;
    /// Lays a partial update over the current details and checks the result.
    fn update(&mut self, input: Self::Input, rules: Rules<'_>) -> Result<(), FieldErrors>;
    fn change_status(&mut self, to: Self::Status) -> Result<(), StatusChangeError>;
    fn touch(&mut self, at: DateTime<Utc>);
    fn person(&self) -> &PersonDetails;
    /// What else changes when a profile is saved (a withdrawn mentee's proposals go).
    fn on_saved(_conn: &mut AnyConnection, _profile: &Self) -> Result<(), StoreError> {
        Ok(())
    }

    fn insert(conn: &mut AnyConnection, profile: &Self) -> Result<(), StoreError>;
    fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Self>, StoreError>;
    fn save(conn: &mut AnyConnection, profile: &Self) -> Result<(), StoreError>;
    fn list(
        conn: &mut AnyConnection,
        status: Option<Self::Status>,
        after: i64,
        limit: i64,
    ) -> Result<Page<Self>, StoreError>;
}

impl Profile for Mentee {
    type Input = MenteeInput;
    type Status = MenteeStatus;
    const KIND: ProfileKind = ProfileKind::Mentee;

    fn new(
        id: Uuid,
        input: &MenteeInput,
        rules: Rules<'_>,
        at: DateTime<Utc>,
    ) -> Result<Self, FieldErrors> {
        Ok(Mentee {
            id: MenteeId(id),
            details: validate::mentee(input, rules)?,
            status: MenteeStatus::Waiting,
            created_at: at,
            updated_at: at,
        })
    }

    fn update(&mut self, input: MenteeInput, rules: Rules<'_>) -> Result<(), FieldErrors> {
        let kept = self.details.person.codes();
        let rules = Rules {
            kept: &kept,
            ..rules
        };
        self.details = validate::mentee(&MenteeInput::updated(&self.details, input), rules)?;
        Ok(())
    }

    fn change_status(&mut self, to: MenteeStatus) -> Result<(), StatusChangeError> {
        self.status = self.status.change_to(to)?;
        Ok(())
    }

    fn touch(&mut self, at: DateTime<Utc>) {
        self.updated_at = at;
    }

    fn person(&self) -> &PersonDetails {
        &self.details.person
    }

    fn on_saved(conn: &mut AnyConnection, profile: &Self) -> Result<(), StoreError> {
        if profile.status == MenteeStatus::Withdrawn {
            matching::supersede_for(conn, profile.id.0, profile.updated_at.naive_utc())?;
        }
        Ok(())
    }

    fn insert(conn: &mut AnyConnection, profile: &Self) -> Result<(), StoreError> {
        rows::insert_mentee(conn, profile)
    }

    fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Self>, StoreError> {
        rows::find_mentee(conn, id)
    }

    fn save(conn: &mut AnyConnection, profile: &Self) -> Result<(), StoreError> {
        rows::update_mentee(conn, profile)
    }

    fn list(
        conn: &mut AnyConnection,
        status: Option<MenteeStatus>,
        after: i64,
        limit: i64,
    ) -> Result<Page<Self>, StoreError> {
        rows::list_mentees(conn, status, after, limit)
    }
}

impl Profile for Mentor {
    type Input = MentorInput;
    type Status = MentorStatus;
    const KIND: ProfileKind = ProfileKind::Mentor;

    fn new(
        id: Uuid,
        input: &MentorInput,
        rules: Rules<'_>,
        at: DateTime<Utc>,
    ) -> Result<Self, FieldErrors> {
        Ok(Mentor {
            id: MentorId(id),
            details: validate::mentor(input, rules)?,
            status: MentorStatus::Active,
            active_mentees: 0,
            created_at: at,
            updated_at: at,
        })
    }

    fn update(&mut self, input: MentorInput, rules: Rules<'_>) -> Result<(), FieldErrors> {
        let mut kept = self.details.person.codes();
        kept.extend(
            self.details
                .can_help_with
                .iter()
                .map(|c| c.as_str().to_string()),
        );
        let rules = Rules {
            kept: &kept,
            ..rules
        };
        let details = validate::mentor(&MentorInput::updated(&self.details, input), rules)?;
        if u32::from(details.capacity.get()) < self.active_mentees {
            return Err(FieldErrors::single(
                "capacity",
                format!(
                    "cannot be below the {} mentees this mentor has now",
                    self.active_mentees
                ),
            ));
        }
        self.details = details;
        Ok(())
    }

    fn change_status(&mut self, to: MentorStatus) -> Result<(), StatusChangeError> {
        self.status = to;
        Ok(())
    }

    fn touch(&mut self, at: DateTime<Utc>) {
        self.updated_at = at;
    }

    fn person(&self) -> &PersonDetails {
        &self.details.person
    }

    fn insert(conn: &mut AnyConnection, profile: &Self) -> Result<(), StoreError> {
        rows::insert_mentor(conn, profile)
    }

    fn find(conn: &mut AnyConnection, id: Uuid) -> Result<Option<Self>, StoreError> {
        rows::find_mentor(conn, id)
    }

    fn save(conn: &mut AnyConnection, profile: &Self) -> Result<(), StoreError> {
        rows::update_mentor(conn, profile)
    }

    fn list(
        conn: &mut AnyConnection,
        status: Option<MentorStatus>,
        after: i64,
        limit: i64,
    ) -> Result<Page<Self>, StoreError> {
        rows::list_mentors(conn, status, after, limit)
    }
}

fn not_found<P: Profile>(id: Uuid) -> AppError {
    AppError::NotFound(format!("there is no {} with id {id}", P::KIND.noun()))
}

/// A unique-email refusal, in words the person understands.
fn email_taken<P: Profile>(e: StoreError) -> AppError {
    match e {
        StoreError::Unique(_) => AppError::Conflict {
            message: format!(
                "a {} with this email address has already signed up",
                P::KIND.noun()
            ),
            errors: FieldErrors::single("email", "is already signed up"),
        },
        other => other.into(),
    }
}

fn status_error(e: StatusChangeError) -> AppError {
    match e {
        StatusChangeError::NotSettable(m) => FieldErrors::single("status", m).into(),
        StatusChangeError::Conflict(m) => AppError::Conflict {
            message: m.clone(),
            errors: FieldErrors::single("status", m),
        },
    }
}

/// Runs `f` with the validation rules in force (the taxonomy, the current default capacity).
fn with_rules<T>(
    conn: &mut AnyConnection,
    config: &Settings,
    f: impl FnOnce(&mut AnyConnection, Rules<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let default_capacity = matching::current_settings(conn, config)?.default_capacity;
    f(conn, Rules::new(&config.taxonomy, default_capacity))
}

/// Signs a person up. The profile is durable when this returns.
#[tracing::instrument(name = "create_profile", skip_all, fields(role = P::KIND.noun()))]
pub async fn create<P: Profile>(app: &App, input: P::Input) -> Result<P, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            with_rules(conn, &config, |conn, rules| {
                let profile = P::new(Uuid::now_v7(), &input, rules, now().and_utc())?;
                write_tx(conn, |conn| P::insert(conn, &profile)).map_err(email_taken::<P>)?;
                Ok(profile)
            })
        })
        .await
}

/// What a sign-up through the public form led to. The form answers both the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignUp {
    Created,
    /// The address was already signed up: nothing changed, and the address was told by email
    /// (at most once a day).
    AlreadySignedUp,
}

/// How long after one "you are already signed up" email another is held back.
const SIGNED_UP_AGAIN_QUIET: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// Signs a person up from the public form. Whether an address is signed up is never shown on
/// the page (anyone can type a colleague's address); the address is told by email instead.
#[tracing::instrument(name = "sign_up", skip_all, fields(role = P::KIND.noun()))]
pub async fn sign_up<P: Profile>(app: &App, input: P::Input) -> Result<SignUp, AppError> {
    let config = app.settings.clone();
    let outcome = app
        .db
        .run(move |conn| {
            with_rules(conn, &config, |conn, rules| {
                let profile = P::new(Uuid::now_v7(), &input, rules, now().and_utc())?;
                match write_tx(conn, |conn| P::insert(conn, &profile)) {
                    Ok(()) => Ok(SignUp::Created),
                    Err(StoreError::Unique(_)) => {
                        let email = profile.person().email.as_str().to_string();
                        let rendered = signup_again::render(P::KIND.noun(), &config.email)
                            .map_err(|e| AppError::Internal(format!("sign-up email: {e}")))?;
                        let recipients = serde_json::to_string(&[Recipient {
                            name: String::new(),
                            email: email.clone(),
                        }])
                        .map_err(|e| AppError::Internal(e.to_string()))?;
                        let at = now();
                        write_tx(conn, |conn| {
                            if emails::sent_recently(
                                conn,
                                SIGNED_UP_AGAIN,
                                &recipients,
                                at - SIGNED_UP_AGAIN_QUIET,
                            )? {
                                return Ok(());
                            }
                            let to = vec![Recipient {
                                name: String::new(),
                                email,
                            }];
                            Queued::new(SIGNED_UP_AGAIN, to, rendered).queue(
                                conn,
                                &config.email.from,
                                at,
                            )
                        })?;
                        Ok(SignUp::AlreadySignedUp)
                    }
                    Err(other) => Err(other.into()),
                }
            })
        })
        .await?;
    if matches!(outcome, SignUp::AlreadySignedUp) {
        app.outbox.ring();
    }
    Ok(outcome)
}

/// The outbox kind of the "you are already signed up" email.
pub const SIGNED_UP_AGAIN: &str = "signed_up_again";

pub async fn get<P: Profile>(app: &App, id: Uuid) -> Result<P, AppError> {
    app.db
        .run(move |conn| P::find(conn, id)?.ok_or_else(|| not_found::<P>(id)))
        .await
}

/// Applies a partial update and, when given, a status change, all or nothing.
#[tracing::instrument(name = "update_profile", skip_all, fields(role = P::KIND.noun(), %id))]
pub async fn update<P: Profile>(
    app: &App,
    id: Uuid,
    input: P::Input,
    status: Option<P::Status>,
) -> Result<P, AppError> {
    let config = app.settings.clone();
    app.db
        .run(move |conn| {
            with_rules(conn, &config, |conn, rules| {
                exclusive_tx(conn, |conn| {
                    let mut profile = P::find(conn, id)?.ok_or_else(|| not_found::<P>(id))?;
                    profile.update(input, rules)?;
                    if let Some(status) = status {
                        profile.change_status(status).map_err(status_error)?;
                    }
                    profile.touch(now().and_utc());
                    P::save(conn, &profile).map_err(email_taken::<P>)?;
                    P::on_saved(conn, &profile)?;
                    Ok(profile)
                })
            })
        })
        .await
}

/// Erases the person's personal data; afterwards the profile is gone from every answer, and
/// the emails to them are emptied (rows) or deleted (`.eml` files of the file transport).
#[tracing::instrument(name = "erase", skip_all, fields(role = P::KIND.noun(), %id))]
pub async fn erase<P: Profile>(app: &App, id: Uuid) -> Result<(), AppError> {
    let message_ids = app
        .db
        .run(move |conn| {
            exclusive_tx(conn, |conn| {
                let at = now();
                let mut message_ids = Vec::new();
                if let Some(profile) = P::find(conn, id)? {
                    message_ids.extend(matching::release_person(conn, id, at)?);
                    message_ids.extend(emails::scrub_to_address(
                        conn,
                        profile.person().email.as_str(),
                    )?);
                }
                if rows::erase(conn, P::KIND, id, at)? {
                    employment::forget_person(conn, &id.to_string())?;
                    Ok(message_ids)
                } else {
                    Err(not_found::<P>(id))
                }
            })
        })
        .await?;
    if app.settings.email.transport == EmailTransport::File {
        let removed = transport::remove_eml_files(&app.settings.email.file_dir, &message_ids).await;
        tracing::info!(person = %id, files = removed, "erased emails' files removed");
    }
    Ok(())
}

/// A page of profiles in sign-up order, and the cursor for the next page if there is one.
pub async fn list<P: Profile>(
    app: &App,
    status: Option<P::Status>,
    cursor: Option<Cursor>,
    limit: u32,
) -> Result<(Vec<P>, Option<Cursor>), AppError> {
    let after = cursor.map_or(0, |c| c.after);
    let page = app
        .db
        .run(move |conn| P::list(conn, status, after, i64::from(limit)))
        .await?;
    Ok((page.items, page.next_after.map(|after| Cursor { after })))
}
