//! Coordinators: accounts made on the command line, sign-in with throttling, and sessions
//! kept on the server.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, NaiveDateTime};
use rand::RngCore;

use super::{App, AppError, tokens};
use crate::domain::email::EmailAddress;
use crate::domain::field_error::FieldErrors;
use crate::domain::password;
use crate::domain::text::FullName;
use crate::store::coordinators::{self as rows, CoordinatorRow, LoginRow};
use crate::store::{Db, StoreError, now, write_tx};

/// Failed sign-ins allowed per account, and per address, within [`WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_ACCOUNT: i32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i32 = 20;
pub const WINDOW_MINUTES: i64 = 15;

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
    /// Too many failures lately; try again later.
    Throttled,
    Unavailable(AppError),
}

/// A successful sign-in: the session cookie's value.
pub struct NewSession {
    pub cookie: String,
}

/// Checks the password and starts a session. Failures are counted per account and per
/// address; past the limits every attempt is refused until the window passes.
pub async fn login(
    app: &App,
    email: &str,
    password: &str,
    address: &str,
) -> Result<NewSession, LoginError> {
    let email = email.trim().to_ascii_lowercase();
    let (account, from) = (format!("account:{email}"), format!("address:{address}"));
    let since = now() - Duration::minutes(WINDOW_MINUTES);
    let (row, throttled) = {
        let (email, account, from) = (email.clone(), account.clone(), from.clone());
        app.db
            .run(move |conn| {
                let throttled = rows::failures(conn, &account, since)? >= MAX_FAILURES_PER_ACCOUNT
                    || rows::failures(conn, &from, since)? >= MAX_FAILURES_PER_ADDRESS;
                Ok::<_, AppError>((rows::by_email(conn, &email)?, throttled))
            })
            .await
            .map_err(LoginError::Unavailable)?
    };
    if throttled {
        return Err(LoginError::Throttled);
    }
    // Verify against a real hash even for an unknown email, so timing tells nothing.
    let stored = row.as_ref().map(|r| r.password_hash.clone());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
        PasswordHash::new(&stored)
            .map(|hash| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &hash)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false);
    let session_hours = app.settings.server.session_hours;
    app.db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let at = now();
                match row.filter(|_| matches) {
                    None => {
                        rows::record_failure(conn, &account, at, since)?;
                        rows::record_failure(conn, &from, at, since)?;
                        Ok(Err(LoginError::Invalid))
                    }
                    Some(coordinator) => {
                        rows::clear_failures(conn, &account)?;
                        let cookie = random_token();
                        rows::start_session(
                            conn,
                            &tokens::hash(&cookie),
                            &coordinator.id,
                            &random_token(),
                            at,
                            at + Duration::hours(i64::from(session_hours)),
                        )?;
                        Ok(Ok(NewSession { cookie }))
                    }
                }
            })
        })
        .await
        .map_err(|e: AppError| LoginError::Unavailable(e))?
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

/// Every login, for `belong coordinator list`.
pub fn list(db: &Db) -> Result<Vec<LoginRow>, AppError> {
    Ok(db.run_blocking(|conn| rows::list(conn, now()))?)
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

/// An argon2id hash of a random password, checked when the email is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        Argon2::default()
            .hash_password(random_token().as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}
