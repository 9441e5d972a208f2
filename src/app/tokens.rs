//! API tokens: made once, shown once, stored as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::AppError;
use crate::domain::field_error::FieldErrors;
use crate::domain::role::Role;
use crate::store::{Db, tokens, write_tx};

/// Every token starts with this, so a leaked one is easy to recognise in logs and scanners.
pub const PREFIX: &str = "belong_";

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes a token for `name` with `role` and returns it; only its hash is kept.
pub fn create(db: &Db, name: &str, role: Role) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FieldErrors::single("name", "must be 1 to 100 characters").into());
    }
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let token = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    let digest = hash(&token);
    db.run_blocking(|conn| write_tx(conn, |conn| tokens::insert(conn, name, role, &digest)))?;
    Ok(token)
}

/// The role and name of a presented token, or `None` when it is unknown or revoked.
pub async fn identify(db: &Db, token: &str) -> Result<Option<(Role, String)>, AppError> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let digest = hash(token);
    Ok(db.run(move |conn| tokens::identity(conn, &digest)).await?)
}

/// The role of a presented token, or `None` when it is unknown or revoked.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<Role>, AppError> {
    if !token.starts_with(PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let digest = hash(token);
    Ok(db.run(move |conn| tokens::role_of(conn, &digest)).await?)
}
