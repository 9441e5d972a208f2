use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};

use super::StoreError;

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Where the data lives, picked by the URL's scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH`: a file, relative to the working directory unless absolute.
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, passed to libpq as given.
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://data/belong.db".into());
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_string()));
        }
        let scheme = url.split(':').next().unwrap_or_default();
        Err(format!(
            "unknown database \"{scheme}\"; use sqlite://PATH or postgres://USER@HOST/DB"
        ))
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// libpq settings added to a PostgreSQL URL that does not set them itself, so that a server
/// that stops answering costs seconds, not a hung request: give up connecting after 5 s, and
/// drop a connection whose sent data goes unacknowledged for 15 s or whose keepalives go
/// unanswered (idle 30 s, then every 10 s, 3 times).
const PG_TIMEOUTS: &[(&str, &str)] = &[
    ("connect_timeout", "5"),
    ("keepalives", "1"),
    ("keepalives_idle", "30"),
    ("keepalives_interval", "10"),
    ("keepalives_count", "3"),
    ("tcp_user_timeout", "15000"),
];

/// No statement runs longer than this (a lock waited on counts); it then fails as "not now".
const PG_STATEMENT_TIMEOUT_MS: u32 = 30_000;

/// The URL with [`PG_TIMEOUTS`] added where it does not set them (its own values win).
/// Appended as text, so that every form libpq reads (several hosts, a socket folder in
/// `host=`, percent-encoded passwords) keeps its meaning.
fn with_timeouts(url: &str) -> String {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let given: Vec<&str> = query
        .split('&')
        .filter_map(|pair| pair.split('=').next())
        .collect();
    let mut out = url.to_string();
    let mut separator = if url.contains('?') { "&" } else { "?" };
    for (key, value) in PG_TIMEOUTS {
        if !given.contains(key) {
            out.push_str(&format!("{separator}{key}={value}"));
            separator = "&";
        }
    }
    out
}

/// Whether the URL sets its own statement timeout (`options=-c statement_timeout=…`).
fn sets_statement_timeout(url: &str) -> bool {
    url.split_once('?')
        .is_some_and(|(_, query)| query.contains("statement_timeout"))
}

/// Opens connections for the pool, keeping the real error of a failed connect.
#[derive(Debug)]
struct Manager {
    url: DatabaseUrl,
    busy_timeout_ms: u32,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<AnyConnection, ConnectionError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // WAL lets readers work while one writer writes; FULL makes every commit
                // durable before the answer goes out (see the README on durability).
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                    self.busy_timeout_ms
                ))
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(AnyConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(&with_timeouts(url))?;
                let mut setup = String::from("SET TIME ZONE 'UTC';");
                if !sets_statement_timeout(url) {
                    setup.push_str(&format!(
                        " SET statement_timeout = {PG_STATEMENT_TIMEOUT_MS};"
                    ));
                }
                conn.batch_execute(&setup)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(AnyConnection::Postgresql(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

/// The connection pool, cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    url: DatabaseUrl,
}

impl Db {
    /// Opens the pool and checks that one connection works, so a wrong URL fails at once.
    pub fn connect(
        url: &DatabaseUrl,
        size: u32,
        timeout: Duration,
        busy_timeout_ms: u32,
    ) -> Result<Self, StoreError> {
        if let DatabaseUrl::Sqlite(path) = url
            && let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        let manager = Manager {
            url: url.clone(),
            busy_timeout_ms,
        };
        // Connect once by hand: r2d2 would retry silently until its timeout.
        manager
            .connect()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let pool = Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(timeout)
            // A connection the server closed (restart, failover) is replaced, not handed out.
            .test_on_check_out(true)
            .build(manager)?;
        Ok(Self {
            pool,
            url: url.clone(),
        })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Runs `f` with a pooled connection on a blocking thread, never on an async worker.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            let mut conn = pool.get().map_err(StoreError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("database task failed: {e}")))?
    }

    /// Runs `f` with a pooled connection on the current thread (for the CLI and tests).
    pub fn run_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E>,
        E: From<StoreError>,
    {
        let mut conn = self.pool.get().map_err(StoreError::from)?;
        f(&mut conn)
    }
}

/// Runs `f` in a write transaction. On SQLite it begins `IMMEDIATE`, so the write lock is
/// taken (waiting up to `busy_timeout`) before anything is read, instead of failing with
/// "database is locked" when a read later upgrades to a write.
pub fn write_tx<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    let begun = match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        AnyConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c),
    };
    begun.map_err(StoreError::from)?;
    type Manager = <AnyConnection as Connection>::TransactionManager;
    match f(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn).map_err(StoreError::from)?;
            Ok(value)
        }
        Err(e) => {
            let _ = Manager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// Serialises the transactions that read matching state and then change it (decisions on
/// matches, runs, profile changes, erasure, settings) across every process.
const PG_MATCHING_LOCK: i64 = 0x0062_656c_6f6e_6701;

/// Like [`write_tx`], and on PostgreSQL also takes a transaction-scoped advisory lock, so
/// that read-decide-write use cases run one at a time as they do on SQLite: no lost updates,
/// no deadlocks between them, whatever the isolation level.
pub fn exclusive_tx<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<StoreError>,
{
    write_tx(conn, |conn| {
        if let AnyConnection::Postgresql(pg) = conn {
            pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({PG_MATCHING_LOCK})"))
                .map_err(StoreError::from)?;
        }
        f(conn)
    })
}

#[cfg(test)]
mod tests {
    use super::with_timeouts;

    #[test]
    fn postgres_urls_get_timeouts_unless_they_set_their_own() {
        let url = with_timeouts("postgres://belong@db.example.org/belong");
        assert!(url.contains("?connect_timeout=5&keepalives=1"), "{url}");
        assert!(url.contains("tcp_user_timeout=15000"), "{url}");
        let own = with_timeouts("postgres://belong@db/belong?sslmode=require&connect_timeout=2");
        assert!(own.contains("connect_timeout=2") && !own.contains("connect_timeout=5"));
        assert!(
            own.contains("sslmode=require&connect_timeout=2&keepalives=1"),
            "{own}"
        );
        // Forms a URL parser would refuse or rewrite are kept as they are.
        for url in [
            "postgres://belong:p%40ss@h1:5432,h2:5432/belong?target_session_attrs=read-write",
            "postgresql:///belong?host=/var/run/postgresql",
            "postgres://belong@[::1]:5432/belong",
        ] {
            let with = with_timeouts(url);
            assert!(with.starts_with(url), "{with}");
            assert!(with.contains("connect_timeout=5&keepalives=1"), "{with}");
        }
        assert!(super::sets_statement_timeout(
            "postgres://h/db?options=-c%20statement_timeout%3D5000"
        ));
    }
}
