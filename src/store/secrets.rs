//! Installation-wide secrets, generated once and shared by every process.

use diesel::prelude::*;

use super::schema::app_secrets;
use super::{AnyConnection, StoreError};

/// The secret called `name`, created from `generate` the first time anyone asks. When two
/// processes race, one insert wins and both read the winner's value.
pub fn get_or_create(
    conn: &mut AnyConnection,
    name: &str,
    generate: impl FnOnce() -> String,
) -> Result<String, StoreError> {
    let read = |conn: &mut AnyConnection| -> Result<Option<String>, StoreError> {
        Ok(app_secrets::table
            .filter(app_secrets::name.eq(name))
            .select(app_secrets::value)
            .first(conn)
            .optional()?)
    };
    if let Some(value) = read(conn)? {
        return Ok(value);
    }
    let inserted = diesel::insert_into(app_secrets::table)
        .values((
            app_secrets::name.eq(name),
            app_secrets::value.eq(generate()),
        ))
        .execute(conn);
    match inserted.map_err(StoreError::from) {
        Ok(_) | Err(StoreError::Unique(_)) => read(conn)?.ok_or(StoreError::NotFound),
        Err(e) => Err(e),
    }
}
