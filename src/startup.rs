//! Bringing the service up: settings → database → migrations → HTTP.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use crate::app::passwords::Hashers;
use crate::app::{App, Keys};
use crate::config::Settings;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::checkins::Sending;
use crate::email::worker::{Delivery, shutdown_grace};
use crate::jobs::{Doorbell, Runner};
use crate::store::checkins::Due;
use crate::store::{Db, migrate, secrets};

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
    #[error("cannot set up email: {0}")]
    Email(String),
}

/// Prepares the process before any database connection: OpenSSL (which libpq uses for TLS to
/// PostgreSQL) is initialised without its exit handler. Otherwise the handler frees OpenSSL's
/// state while pooled connections on other threads may still be using it, which can crash the
/// process as it exits (openssl/openssl#3505). Safe to call more than once.
pub fn prepare_process() {
    openssl_sys::init();
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
    let form_key = db
        .run_blocking(|conn| {
            secrets::get_or_create(conn, "form_key", || {
                let mut bytes = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
                bytes.iter().map(|b| format!("{b:02x}")).collect()
            })
        })
        .map_err(|e| failed(e.to_string()))?;
    let hashers = Arc::new(Hashers::new(settings.server.password_hashers));
    Ok((
        App {
            db,
            settings: Arc::new(settings),
            outbox: Doorbell::default(),
            keys: Arc::new(Keys {
                form: form_key.into_bytes(),
            }),
            health: Arc::default(),
            hashers,
        },
        applied,
    ))
}

/// Binds the configured address.
pub fn bind(settings: &Settings) -> Result<TcpListener, StartError> {
    let address = format!("{}:{}", settings.server.host, settings.server.port);
    TcpListener::bind(&address).map_err(|cause| StartError::Listen { address, cause })
}

/// Starts email delivery; it stops when `stop` turns true.
pub fn start_worker(app: &App, stop: watch::Receiver<bool>) -> Result<JoinHandle<()>, StartError> {
    let delivery =
        Delivery::new(app.db.clone(), app.settings.email.clone()).map_err(StartError::Email)?;
    let runner = Runner::new(delivery, app.db.clone(), app.outbox.clone());
    Ok(tokio::spawn(runner.run(stop)))
}

/// Starts sending check-ins and reminders, and the periodic chores (expiry, pair health);
/// they stop when `stop` turns true, and the handle finishes when all have.
pub fn start_scheduler(app: &App, stop: watch::Receiver<bool>) -> JoinHandle<()> {
    let runner = |due| {
        Runner::new(
            Sending::new(app.clone(), due),
            app.db.clone(),
            app.outbox.clone(),
        )
    };
    let tasks = [
        tokio::spawn(runner(Due::First).run(stop.clone())),
        tokio::spawn(runner(Due::Reminder).run(stop.clone())),
        tokio::spawn(crate::scheduler::run(app.clone(), stop)),
    ];
    tokio::spawn(async move {
        for task in tasks {
            let _ = task.await;
        }
    })
}

/// Runs the service until it is told to stop: SIGINT/SIGTERM let in-flight requests, the
/// jobs under way (an email send, a check-in) and a scheduler tick finish first; jobs claimed
/// but not started are given back.
pub async fn serve(app: App, listener: TcpListener) -> Result<(), String> {
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = watch::channel(false);
    let worker = start_worker(&app, stopped.clone()).map_err(|e| e.to_string())?;
    let scheduler = start_scheduler(&app, stopped);
    tracing::info!(%address, backend = app.db.url().backend(), "belong is listening");
    let grace = shutdown_grace(&app.settings.email);
    let served = crate::http::server(app, listener)
        .map_err(|e| e.to_string())?
        .await;
    let _ = stop.send(true);
    if tokio::time::timeout(grace, worker).await.is_err() {
        tracing::warn!("the email worker did not stop in time");
    }
    if tokio::time::timeout(grace, scheduler).await.is_err() {
        tracing::warn!("the check-in scheduler did not stop in time");
    }
    served.map_err(|e| format!("the server stopped: {e}"))
}
