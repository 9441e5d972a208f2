//! API tokens: only their SHA-256 is stored; each may expire, is revoked rather than deleted,
//! and remembers when it was last used.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::api_tokens;
use super::{AnyConnection, StoreError};
use crate::domain::role::Role;

#[derive(Insertable)]
#[diesel(table_name = api_tokens)]
struct NewToken<'a> {
    id: String,
    name: &'a str,
    role: &'a str,
    token_hash: &'a str,
    created_at: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
}

/// A token as `belong token list` shows it: never its secret, nor its hash.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// How often `last_used_at` is written for a token in steady use: once a minute is precise
/// enough to tell a forgotten token from a busy one, and spares a write per request.
const LAST_USED_PRECISION_SECS: i64 = 60;

pub fn insert(
    conn: &mut AnyConnection,
    name: &str,
    role: Role,
    token_hash: &str,
    now: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(api_tokens::table)
        .values(NewToken {
            id: id.clone(),
            name,
            role: role.as_str(),
            token_hash,
            created_at: now,
            expires_at,
        })
        .execute(conn)?;
    Ok(id)
}

/// The live token with this hash (not revoked, not expired at `now`), noting its use.
pub fn use_live(
    conn: &mut AnyConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<(Role, String)>, StoreError> {
    let found: Option<TokenRow> = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::expires_at
                .is_null()
                .or(api_tokens::expires_at.gt(now)),
        )
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?;
    let Some(token) = found else {
        return Ok(None);
    };
    let stale = now - chrono::Duration::seconds(LAST_USED_PRECISION_SECS);
    if token.last_used_at.is_none_or(|at| at < stale) {
        // Conditional, so that parallel requests write it once.
        diesel::update(
            api_tokens::table
                .filter(api_tokens::id.eq(&token.id))
                .filter(
                    api_tokens::last_used_at
                        .is_null()
                        .or(api_tokens::last_used_at.lt(stale)),
                ),
        )
        .set(api_tokens::last_used_at.eq(Some(now)))
        .execute(conn)?;
    }
    let role = token.role.parse().map_err(StoreError::Corrupt)?;
    Ok(Some((role, token.name)))
}

/// Every token ever made, oldest first.
pub fn list(conn: &mut AnyConnection) -> Result<Vec<TokenRow>, StoreError> {
    Ok(api_tokens::table
        .order((api_tokens::created_at.asc(), api_tokens::id.asc()))
        .select(TokenRow::as_select())
        .load(conn)?)
}

/// The tokens not yet revoked whose id or name is `name_or_id`.
pub fn unrevoked_named(
    conn: &mut AnyConnection,
    name_or_id: &str,
) -> Result<Vec<TokenRow>, StoreError> {
    Ok(api_tokens::table
        .filter(api_tokens::revoked_at.is_null())
        .filter(
            api_tokens::id
                .eq(name_or_id)
                .or(api_tokens::name.eq(name_or_id)),
        )
        .order(api_tokens::created_at.asc())
        .select(TokenRow::as_select())
        .load(conn)?)
}

/// Revokes the token `id`; false when it was revoked already.
pub fn revoke(conn: &mut AnyConnection, id: &str, now: NaiveDateTime) -> Result<bool, StoreError> {
    let n = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}
