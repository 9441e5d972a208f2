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
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Unavailable(info.message().to_string())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("database is busy") =>
            {
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
