use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// What can go wrong in storage, sorted by what the caller should tell the user.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write (e.g. an email already signed up).
    #[error("unique constraint violated: {0}")]
    Unique(String),
    /// The database could not be reached or is too busy right now; worth retrying.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Stored data that does not parse: a bug or a hand edit, never the user's fault.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Other(DieselError),
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Unique(info.message().to_string())
            }
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => StoreError::Unavailable(info.message().to_string()),
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                StoreError::Unavailable(info.message().to_string())
            }
            DieselError::DatabaseError(_, ref info) if is_transient(info.message()) => {
                StoreError::Unavailable(info.message().to_string())
            }
            other => StoreError::Other(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// Messages of failures that say "not now" rather than "never": a lock held too long, or a
/// server that went away (PostgreSQL reports several of these without a specific kind).
fn is_transient(message: &str) -> bool {
    [
        "database is locked",
        "database is busy",
        "terminating connection",
        "server closed the connection",
        "no connection to the server",
        "could not receive data from server",
        "deadlock detected",
        "could not serialize access",
        "lock timeout",
        "canceling statement due to",
    ]
    .iter()
    .any(|m| message.contains(m))
}
