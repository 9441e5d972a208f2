//! Bringing the service up: settings → database → migrations → HTTP.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::config::Settings;
use crate::store::{Db, migrate};

/// Why the service could not start, in one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot open the {backend} database: {cause}")]
    Database {
        backend: &'static str,
        cause: String,
    },
    #[error("cannot listen on {address}: {cause}")]
    Listen {
        address: String,
        cause: std::io::Error,
    },
}

/// Connects to the database and applies pending migrations.
pub fn open(settings: Settings) -> Result<(App, Vec<String>), StartError> {
    let d = &settings.database;
    let failed = |cause: String| StartError::Database {
        backend: d.url.backend(),
        cause,
    };
    let db = Db::connect(
        &d.url,
        d.pool_size,
        Duration::from_secs(d.pool_timeout_secs),
        d.sqlite_busy_timeout_ms,
    )
    .map_err(|e| failed(e.to_string()))?;
    let applied = db
        .run_blocking(migrate::run_pending)
        .map_err(|e| failed(e.to_string()))?;
    Ok((
        App {
            db,
            settings: Arc::new(settings),
        },
        applied,
    ))
}

/// Binds the configured address.
pub fn bind(settings: &Settings) -> Result<TcpListener, StartError> {
    let address = format!("{}:{}", settings.server.host, settings.server.port);
    TcpListener::bind(&address).map_err(|cause| StartError::Listen { address, cause })
}

/// Runs the service until it is told to stop (SIGINT/SIGTERM finish in-flight requests).
pub async fn serve(app: App, listener: TcpListener) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    tracing::info!(%address, backend = app.db.url().backend(), "belong is listening");
    crate::http::server(app, listener)?.await
}
