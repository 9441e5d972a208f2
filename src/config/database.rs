//! `[database]`: which database, and how many connections to it.

use serde::Deserialize;

use super::{ConfigError, invalid};
use crate::store::DatabaseUrl;

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: DatabaseUrl,
    pub pool_size: u32,
    pub pool_timeout_secs: u64,
    pub sqlite_busy_timeout_ms: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDatabase {
    url: String,
    pool_size: u32,
    pool_timeout_secs: u64,
    sqlite_busy_timeout_ms: u32,
}

impl TryFrom<RawDatabase> for DatabaseSettings {
    type Error = ConfigError;

    fn try_from(d: RawDatabase) -> Result<Self, ConfigError> {
        Ok(DatabaseSettings {
            url: DatabaseUrl::parse(&d.url).map_err(|e| invalid("database.url", e))?,
            pool_size: match d.pool_size {
                1..=200 => d.pool_size,
                _ => return Err(invalid("database.pool_size", "must be from 1 to 200")),
            },
            pool_timeout_secs: match d.pool_timeout_secs {
                1..=600 => d.pool_timeout_secs,
                _ => {
                    return Err(invalid(
                        "database.pool_timeout_secs",
                        "must be from 1 to 600",
                    ));
                }
            },
            sqlite_busy_timeout_ms: d.sqlite_busy_timeout_ms,
        })
    }
}
