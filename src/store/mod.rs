//! Storage on diesel, one code path for SQLite (embedded, the default) and PostgreSQL.
//!
//! Every query goes through [`Db::run`], which takes a pooled connection inside a blocking
//! task; write transactions go through [`write_tx`].

pub mod checkins;
mod connection;
pub mod coordinators;
pub mod emails;
mod error;
pub mod matches;
pub mod migrate;
pub mod profiles;
pub mod schema;
pub mod secrets;
pub mod tokens;

pub use connection::{AnyConnection, DatabaseUrl, Db, exclusive_tx, write_tx};
pub use error::StoreError;

/// The current time as stored: UTC, truncated to microseconds (what PostgreSQL keeps).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}
