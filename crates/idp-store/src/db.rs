//! The durable database: one diesel connection type over PostgreSQL and SQLite, an
//! r2d2 pool with timeouts, embedded migrations, and a blocking wrapper that keeps
//! diesel off the async threads.

use diesel::connection::SimpleConnection as _;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness as _, embed_migrations};
use idp_core::ports::StoreError;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// A connection to either backend; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

#[derive(Debug, thiserror::Error)]
pub enum DbUrlError {
    #[error("the database URL must start with postgres://, postgresql:// or sqlite://")]
    Scheme,
    #[error(
        "a sqlite:// URL needs a file path (an in-memory database is not shared between connections)"
    )]
    SqlitePath,
}

/// Where the database is, as parsed from `database.url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbTarget {
    pub backend: Backend,
    /// What the driver is given: the PostgreSQL URL, or the SQLite file path.
    pub location: String,
}

impl DbTarget {
    pub fn parse(url: &str) -> Result<Self, DbUrlError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                location: url.to_owned(),
            });
        }
        let path = url.strip_prefix("sqlite://").ok_or(DbUrlError::Scheme)?;
        if path.is_empty() || path.contains(":memory:") {
            return Err(DbUrlError::SqlitePath);
        }
        Ok(Self {
            backend: Backend::Sqlite,
            location: path.to_owned(),
        })
    }
}

/// Pool sizing and patience.
#[derive(Clone, Debug)]
pub struct DbOptions {
    pub max_connections: u32,
    /// How long a request waits for a pooled connection.
    pub acquire_timeout: Duration,
    /// How long start-up keeps retrying an unreachable database.
    pub startup_retry: Duration,
    /// SQLite: how long a writer waits for the lock.
    pub busy_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            startup_retry: Duration::from_secs(30),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens connections of the configured backend (the derive's `establish` would guess).
#[derive(Debug)]
pub struct DbManager {
    target: DbTarget,
    busy_timeout: Duration,
}

impl ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match self.target.backend {
            Backend::Postgres => PgConnection::establish(&self.target.location)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target.location)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; the busy timeout makes writers queue.
                // `optimize` gathers the planner statistics SQLite never collects by itself
                // (bounded by analysis_limit), as SQLite advises for each new connection.
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;",
                    self.busy_timeout.as_millis()
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The database handle the repositories share. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: Pool<DbManager>,
    permits: Arc<Semaphore>,
    backend: Backend,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Connects, retrying an unreachable database with backoff for `options.startup_retry`.
    /// Blocking: call it before serving, or through `spawn_blocking`.
    pub fn connect(target: &DbTarget, options: &DbOptions) -> Result<Self, StoreError> {
        let sqlite_dir = std::path::Path::new(&target.location)
            .parent()
            .filter(|d| target.backend == Backend::Sqlite && !d.as_os_str().is_empty());
        if let Some(dir) = sqlite_dir {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let manager = DbManager {
            target: target.clone(),
            busy_timeout: options.busy_timeout,
        };
        let deadline = Instant::now() + options.startup_retry;
        let mut backoff = Duration::from_millis(200);
        loop {
            // Probe with one connection first so the error is the driver's own words.
            let probe = manager.connect();
            match probe {
                Ok(_) => break,
                Err(e) if Instant::now() + backoff < deadline => {
                    tracing::warn!(error = %e, retry_in_ms = backoff.as_millis() as u64, "database not reachable yet");
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
                Err(e) => {
                    return Err(StoreError::Unavailable(format!(
                        "gave up after {}s: {e}",
                        options.startup_retry.as_secs()
                    )));
                }
            }
        }
        let pool = Pool::builder()
            .max_size(options.max_connections.max(1))
            .min_idle(Some(1))
            .connection_timeout(options.acquire_timeout)
            .test_on_check_out(false)
            .build(manager)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let permits = Arc::new(Semaphore::new(options.max_connections.max(1) as usize));
        Ok(Self {
            pool,
            permits,
            backend: target.backend,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations; returns the versions applied. Blocking.
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let applied = match &mut *conn {
            DbConnection::Postgres(c) => {
                c.run_pending_migrations(POSTGRES_MIGRATIONS).map(versions)
            }
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(versions),
        };
        applied.map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    /// Runs `f` with a pooled connection on the blocking pool. A panic inside is re-raised here.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, StoreError> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let pool = self.pool.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut conn = pool
                .get()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            f(&mut conn)
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(StoreError::Backend(e.to_string())),
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(StoreError::from_diesel)
        })
        .await
    }
}

fn versions(applied: Vec<diesel::migration::MigrationVersion<'_>>) -> Vec<String> {
    applied.iter().map(ToString::to_string).collect()
}

/// Translating diesel's errors into the port's words.
pub trait FromDiesel {
    fn from_diesel(e: diesel::result::Error) -> StoreError;
}

impl FromDiesel for StoreError {
    fn from_diesel(e: diesel::result::Error) -> StoreError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict {
                    constraint: info.constraint_name().unwrap_or(info.message()).to_owned(),
                }
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                StoreError::MissingReference {
                    constraint: info.constraint_name().unwrap_or(info.message()).to_owned(),
                }
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Unavailable(info.message().to_owned())
            }
            Error::DeserializationError(e) => StoreError::Corrupt(e.to_string()),
            other => StoreError::Backend(other.to_string()),
        }
    }
}

/// Whether a failed transaction may succeed when run again: SQLite's writer lock was
/// taken under it, or a concurrent writer took the same chain position.
pub(crate) fn is_retryable(e: &StoreError) -> bool {
    match e {
        StoreError::Conflict { .. } => true,
        StoreError::Backend(msg) => {
            msg.contains("database is locked") || msg.contains("could not serialize")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend() {
        let pg = DbTarget::parse("postgres://u@127.0.0.1/db").unwrap();
        assert_eq!(pg.backend, Backend::Postgres);
        let lite = DbTarget::parse("sqlite://./data/idp.db").unwrap();
        assert_eq!(
            lite,
            DbTarget {
                backend: Backend::Sqlite,
                location: "./data/idp.db".into()
            }
        );
        assert!(matches!(
            DbTarget::parse("mysql://x"),
            Err(DbUrlError::Scheme)
        ));
        assert!(matches!(
            DbTarget::parse("sqlite://"),
            Err(DbUrlError::SqlitePath)
        ));
        assert!(matches!(
            DbTarget::parse("sqlite://:memory:"),
            Err(DbUrlError::SqlitePath)
        ));
    }
}
