//! API tokens: made once, shown once, stored as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::AppError;
use crate::domain::checkin::After;
use crate::domain::field_error::FieldErrors;
use crate::domain::role::Role;
use crate::store::tokens::TokenRow;
use crate::store::{Db, now, tokens, write_tx};

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
pub async fn identify(db: &Db, token: &str) -> Result<Option<(Role, String)>, AppError> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let digest = hash(token);
    Ok(db
        .run(move |conn| tokens::use_live(conn, &digest, now()))
        .await?)
}

/// The role of a presented token, or `None` when it is unknown, revoked or expired.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<Role>, AppError> {
    Ok(identify(db, token).await?.map(|(role, _)| role))
}

/// Every token, for `belong token list`.
pub fn list(db: &Db) -> Result<Vec<TokenRow>, AppError> {
    Ok(db.run_blocking(tokens::list)?)
}

/// Revokes the one unrevoked token with this id or name, and returns it. A name shared by
/// several tokens must be given by id instead.
pub fn revoke(db: &Db, name_or_id: &str) -> Result<TokenRow, AppError> {
    let name_or_id = name_or_id.trim();
    db.run_blocking(|conn| {
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
    })
}
