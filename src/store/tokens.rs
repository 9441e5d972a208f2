//! API tokens: only their SHA-256 is stored.

use diesel::prelude::*;

use super::schema::api_tokens;
use super::{AnyConnection, StoreError, now};
use crate::domain::role::Role;

#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
struct NewToken<'a> {
    id: String,
    name: &'a str,
    role: &'a str,
    token_hash: &'a str,
    created_at: chrono::NaiveDateTime,
}

pub fn insert(
    conn: &mut AnyConnection,
    name: &str,
    role: Role,
    token_hash: &str,
) -> Result<(), StoreError> {
    diesel::insert_into(api_tokens::table)
        .values(NewToken {
            id: uuid::Uuid::now_v7().to_string(),
            name,
            role: role.as_str(),
            token_hash,
            created_at: now(),
        })
        .execute(conn)?;
    Ok(())
}

/// The role and name of the live token with this hash, if any.
pub fn identity(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(Role, String)>, StoreError> {
    let found: Option<(String, String)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((api_tokens::role, api_tokens::name))
        .first(conn)
        .optional()?;
    found
        .map(|(role, name)| Ok((role.parse().map_err(StoreError::Corrupt)?, name)))
        .transpose()
}

/// The role of the live token with this hash, if any.
pub fn role_of(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<Role>, StoreError> {
    let role: Option<String> = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select(api_tokens::role)
        .first(conn)
        .optional()?;
    role.map(|r| r.parse().map_err(StoreError::Corrupt))
        .transpose()
}
