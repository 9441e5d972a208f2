//! Coordinators: accounts made on the command line, sign-in with throttling, and sessions
//! kept on the server.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::PasswordHasher;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use rand::RngCore;

use super::{App, AppError, limits, tokens};
use crate::domain::email::EmailAddress;
use crate::domain::field_error::FieldErrors;
use crate::domain::password;
use crate::domain::text::FullName;
use crate::store::coordinators::{self as rows, CoordinatorRow, LoginRow};
use crate::store::{Db, StoreError, now, write_tx};

/// The signed-in coordinator of a console request.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub id: String,
    pub name: String,
    pub email: String,
    /// The session's token for the console's forms.
    pub csrf_token: String,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Makes a coordinator login; refuses a weak password with a reason.
pub fn create(db: &Db, email: &str, name: &str, password: &str) -> Result<String, AppError> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", EmailAddress::parse(email));
    let name = errors.check("name", FullName::parse(name));
    let (Some(email), Some(name)) = (email, name) else {
        return Err(AppError::Validation(errors));
    };
    password::check(password, email.as_str(), name.as_str())
        .map_err(|m| AppError::Validation(FieldErrors::single("password", m)))?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))?
        .to_string();
    let id = uuid::Uuid::now_v7().to_string();
    let row = CoordinatorRow {
        id: id.clone(),
        email: email.as_str().to_string(),
        name: name.as_str().to_string(),
        password_hash: hash,
        created_at: now(),
    };
    db.run_blocking(|conn| write_tx(conn, |conn| rows::insert(conn, &row)))
        .map_err(|e| match e {
            StoreError::Unique(_) => {
                AppError::conflict("a coordinator with this email already exists")
            }
            other => other.into(),
        })?;
    Ok(id)
}

/// Why a sign-in did not work. Deliberately silent about whether the account exists.
#[derive(Debug)]
pub enum LoginError {
    Invalid,
    /// Too many failures lately, from this address or for this account: the password was not
    /// checked; try again after this many seconds.
    Throttled {
        retry_after_secs: u64,
    },
    /// Every password-checking thread is busy; try again in a moment.
    Busy,
    Unavailable(AppError),
}

/// A successful sign-in: the session cookie's value.
pub struct NewSession {
    pub cookie: String,
}

/// Checks the password and starts a session. The attempt is counted as a failure, per
/// account and per client address, before the password is checked (and taken back when it
/// was right), so parallel attempts cannot get past the limits; over a limit the password is
/// not checked at all.
pub async fn login(
    app: &App,
    email: &str,
    password: &str,
    address: &str,
) -> Result<NewSession, LoginError> {
    // A hashing thread first: a flood is turned away before it costs the database anything.
    let Some(slot) = app.hashers.try_reserve() else {
        return Err(LoginError::Busy);
    };
    let email = email.trim().to_ascii_lowercase();
    let subjects = Arc::new(limits::LoginSubjects::new(&email, address));
    let settings = app.settings.clone();
    let (row, counted) = {
        let (subjects, settings) = (subjects.clone(), settings.clone());
        app.db
            .run(move |conn| {
                let counted = limits::count_login_attempt(
                    conn,
                    &subjects,
                    &settings.server,
                    limits::now_ms(),
                )?;
                let row = match counted {
                    Ok(()) => rows::by_email(conn, &email)?,
                    Err(_) => None,
                };
                Ok::<_, AppError>((row, counted))
            })
            .await
            .map_err(LoginError::Unavailable)?
    };
    if let Err(wait_ms) = counted {
        return Err(LoginError::Throttled {
            retry_after_secs: limits::retry_after_secs(wait_ms),
        });
    }
    // Verify against a real hash even for an unknown email, so timing tells nothing.
    let stored = row
        .as_ref()
        .map_or_else(|| DUMMY_HASH.to_string(), |r| r.password_hash.clone());
    let matches = slot.verify(password.to_string(), stored).await;
    let Some(coordinator) = row.filter(|_| matches) else {
        return Err(LoginError::Invalid);
    };
    let session_hours = settings.server.session_hours;
    app.db
        .run(move |conn| {
            limits::login_succeeded(conn, &subjects, &settings.server, limits::now_ms())?;
            write_tx(conn, |conn| {
                let at = now();
                let cookie = random_token();
                rows::start_session(
                    conn,
                    &tokens::hash(&cookie),
                    &coordinator.id,
                    &random_token(),
                    at,
                    at + Duration::hours(i64::from(session_hours)),
                )?;
                Ok(NewSession { cookie })
            })
        })
        .await
        .map_err(|e: AppError| LoginError::Unavailable(e))
}

/// The coordinator a session cookie belongs to, while the session lasts.
pub async fn session(app: &App, cookie: &str) -> Result<Option<SignedIn>, AppError> {
    let hash = tokens::hash(cookie);
    let found = app
        .db
        .run(move |conn| rows::session(conn, &hash, now()))
        .await?;
    Ok(found.map(|s| SignedIn {
        id: s.coordinator.id,
        name: s.coordinator.name,
        email: s.coordinator.email,
        csrf_token: s.csrf_token,
    }))
}

pub async fn logout(app: &App, cookie: &str) -> Result<(), AppError> {
    let hash = tokens::hash(cookie);
    Ok(app
        .db
        .run(move |conn| rows::end_session(conn, &hash))
        .await?)
}

/// A console login as listed, with its live sessions counted.
#[derive(Debug, Clone)]
pub struct Login {
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub sessions: i64,
}

impl From<LoginRow> for Login {
    fn from(l: LoginRow) -> Self {
        Login {
            email: l.email,
            name: l.name,
            created_at: l.created_at.and_utc(),
            disabled_at: l.disabled_at.map(|at| at.and_utc()),
            sessions: l.sessions,
        }
    }
}

/// Every login, for `belong coordinator list`.
pub fn list(db: &Db) -> Result<Vec<Login>, AppError> {
    let rows = db.run_blocking(|conn| rows::list(conn, now()))?;
    Ok(rows.into_iter().map(Login::from).collect())
}

/// Disables a login: its sessions end at once, on every instance, and it cannot sign in
/// until enabled again.
pub fn disable(db: &Db, email: &str) -> Result<(), AppError> {
    set_disabled(db, email, Some(now()))
}

pub fn enable(db: &Db, email: &str) -> Result<(), AppError> {
    set_disabled(db, email, None)
}

fn set_disabled(db: &Db, email: &str, at: Option<NaiveDateTime>) -> Result<(), AppError> {
    let email = email.trim().to_ascii_lowercase();
    let found =
        db.run_blocking(|conn| write_tx(conn, |conn| rows::set_disabled(conn, &email, at)))?;
    if found {
        Ok(())
    } else {
        Err(AppError::NotFound(format!(
            "no coordinator has the email {email}"
        )))
    }
}

/// An argon2id hash (Belong's parameters) of a random password nobody knows, checked when the
/// email is unknown.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$tIjofLBx0DLu8wEGT961Fw$3Eh/bZiO8xnv/Tn2ZNNND/ITQir1W2+2iIPvUpr2weU";

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::Params;
    use argon2::password_hash::phc::PasswordHash;

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let dummy = PasswordHash::new(DUMMY_HASH).expect("a PHC string");
        let params = Params::try_from(&dummy).expect("argon2 parameters");
        let real = Params::default();
        assert_eq!(dummy.algorithm.as_str(), "argon2id");
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (real.m_cost(), real.t_cost(), real.p_cost())
        );
    }
}
