//! Schema migrations, embedded in the binary, one folder per backend with the same names.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::migration::MigrationSource;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{AnyConnection, StoreError};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Serialises migrations between processes sharing one PostgreSQL database.
const PG_LOCK_KEY: i64 = 0x62656c6f6e67; // "belong"

fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("migration failed: {e}"))
}

/// Applies pending migrations and returns their names. Safe when several processes start
/// at once: PostgreSQL takes an advisory lock, SQLite an immediate (write) transaction.
pub fn run_pending(conn: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            let applied = c.run_pending_migrations(SQLITE).map(names);
            match applied {
                Ok(names) => {
                    AnsiTransactionManager::commit_transaction(c)?;
                    Ok(names)
                }
                Err(e) => {
                    let _ = AnsiTransactionManager::rollback_transaction(c);
                    Err(failed(e))
                }
            }
        }
        AnyConnection::Postgresql(c) => {
            // Waiting for another instance's migrations, or one long migration, may take
            // longer than the pool's statement timeout allows ordinary queries.
            c.batch_execute("SET statement_timeout = 0")?;
            c.batch_execute(&format!("SELECT pg_advisory_lock({PG_LOCK_KEY})"))?;
            let applied = c.run_pending_migrations(POSTGRES).map(names);
            let unlocked = c.batch_execute(&format!("SELECT pg_advisory_unlock({PG_LOCK_KEY})"));
            let restored = c.batch_execute("RESET statement_timeout");
            let names = applied.map_err(failed)?;
            unlocked?;
            restored?;
            Ok(names)
        }
    }
}

/// Reverts every migration (for tests of the down migrations).
pub fn revert_all(conn: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let reverted = match conn {
        AnyConnection::Sqlite(c) => c.revert_all_migrations(SQLITE),
        AnyConnection::Postgresql(c) => c.revert_all_migrations(POSTGRES),
    };
    reverted.map(names).map_err(failed)
}

/// The migration names of each backend, to check that both folders stay in step.
pub fn names_per_backend() -> Result<(Vec<String>, Vec<String>), StoreError> {
    let list = |source: EmbeddedMigrations| -> Result<Vec<String>, StoreError> {
        let migrations =
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source).map_err(failed)?;
        Ok(migrations.iter().map(|m| m.name().to_string()).collect())
    };
    let pg = MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES)
        .map_err(failed)?
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    Ok((list(SQLITE)?, pg))
}

fn names<V: std::fmt::Display>(versions: Vec<V>) -> Vec<String> {
    versions.into_iter().map(|v| v.to_string()).collect()
}
