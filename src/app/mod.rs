//! Use cases that span the domain and the store: what the API, the pages and the CLI call.

pub mod checkins;
pub mod console;
pub mod coordinators;
pub mod emails;
pub mod employment;
pub mod flags;
pub mod health;
pub mod limits;
pub mod matching;
pub mod outcomes;
pub mod passwords;
pub mod profiles;
pub mod rematch;
pub mod tokens;

use std::sync::Arc;

use crate::config::Settings;
use crate::domain::field_error::FieldErrors;
use crate::jobs::Doorbell;
use crate::store::{Db, StoreError};

/// What every use case needs: the database, the settings, and the job runners' doorbell.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub outbox: Doorbell,
    pub keys: Arc<Keys>,
    /// When this process last reviewed pair health and sent the digest.
    pub health: Arc<health::Pace>,
    /// The threads that check passwords, a few at a time.
    pub hashers: Arc<passwords::Hashers>,
}

/// Installation-wide keys, the same in every process.
pub struct Keys {
    /// Signs the tokens that protect forms against cross-site requests.
    pub form: Vec<u8>,
}

/// Why a use case did not happen, in terms the caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {0}")]
    Validation(FieldErrors),
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with stored state; `errors` names the fields involved.
    #[error("{message}")]
    Conflict {
        message: String,
        errors: FieldErrors,
    },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict {
            message: message.into(),
            errors: FieldErrors::new(),
        }
    }
}

impl App {
    /// Whether the database answers a trivial statement: the service's health.
    pub async fn database_answers(&self) -> Result<(), StoreError> {
        self.db.run(crate::store::ping).await
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound("not found".into()),
            StoreError::Unique(m) => AppError::conflict(m),
            StoreError::Unavailable(m) => AppError::Unavailable(m),
            StoreError::Corrupt(_) | StoreError::Other(_) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Validation(e)
    }
}
