//! API tokens: made once, shown once, stored as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{App, AppError};
use crate::domain::checkin::After;
use crate::domain::field_error::FieldErrors;
use crate::domain::role::Role;
use crate::store::tokens::TokenRow;
use crate::store::{Db, StoreError, now, tokens, write_tx};

/// Every token starts with this, so a leaked one is easy to recognise in logs and scanners.
pub const PREFIX: &str = "belong_";

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes a token for `name` with `role` that lasts until revoked, and returns it; only its
/// hash is kept.
pub fn create(db: &Db, name: &str, role: Role) -> Result<String, AppError> {
    create_expiring(db, name, role, None)
}

/// Makes a token as [`create`] does, valid for `expires_in` when given.
pub fn create_expiring(
    db: &Db,
    name: &str,
    role: Role,
    expires_in: Option<After>,
) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FieldErrors::single("name", "must be 1 to 100 characters").into());
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    let digest = hash(&token);
    let created = now();
    let expires_at = expires_in.map(|after| after.from(created.and_utc()).naive_utc());
    db.run_blocking(|conn| {
        write_tx(conn, |conn| {
            tokens::insert(conn, name, role, &digest, created, expires_at)
        })
    })?;
    Ok(token)
}

/// The role and name of a presented token, or `None` when it is unknown, revoked or expired.
/// Every instance reads the database for each request, so a revocation holds at once.
pub async fn identify(app: &App, token: &str) -> Result<Option<(Role, String)>, AppError> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let digest = hash(token);
    Ok(app
        .db
        .run(move |conn| tokens::use_live(conn, &digest, now()))
        .await?)
}

/// The role of a presented token, or `None` when it is unknown, revoked or expired.
pub async fn authenticate(app: &App, token: &str) -> Result<Option<Role>, AppError> {
    Ok(identify(app, token).await?.map(|(role, _)| role))
}

/// A token as listed: never its secret, nor its hash.
#[derive(Debug, Clone)]
pub struct Token {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl TryFrom<TokenRow> for Token {
    type Error = StoreError;

    fn try_from(t: TokenRow) -> Result<Self, StoreError> {
        Ok(Token {
            role: t
                .role
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("api_tokens.role: {e}")))?,
            id: t.id,
            name: t.name,
            created_at: t.created_at.and_utc(),
            expires_at: t.expires_at.map(|at| at.and_utc()),
            last_used_at: t.last_used_at.map(|at| at.and_utc()),
            revoked_at: t.revoked_at.map(|at| at.and_utc()),
        })
    }
}

/// Every token, for `belong token list`.
pub fn list(db: &Db) -> Result<Vec<Token>, AppError> {
    let rows = db.run_blocking(tokens::list)?;
    Ok(rows
        .into_iter()
        .map(Token::try_from)
        .collect::<Result<_, _>>()?)
}

/// Revokes the one unrevoked token with this id or name, and returns it. A name shared by
/// several tokens must be given by id instead.
pub fn revoke(db: &Db, name_or_id: &str) -> Result<Token, AppError> {
    let name_or_id = name_or_id.trim();
    let row = db.run_blocking(|conn| {
        write_tx(conn, |conn| {
            let found = tokens::unrevoked_named(conn, name_or_id)?;
            match found.as_slice() {
                [] => Err(AppError::NotFound(format!(
                    "no unrevoked token has the id or name \"{name_or_id}\""
                ))),
                [token] => {
                    tokens::revoke(conn, &token.id, now())?;
                    Ok(token.clone())
                }
                several => Err(AppError::conflict(format!(
                    "{} tokens are named \"{name_or_id}\"; revoke one by its id: {}",
                    several.len(),
                    several
                        .iter()
                        .map(|t| t.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        })
    })?;
    Ok(Token::try_from(row)?)
}
