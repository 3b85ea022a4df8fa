//! The durable database: one diesel connection type over PostgreSQL and SQLite, an
//! r2d2 pool with timeouts, embedded migrations, and a blocking wrapper that keeps
//! diesel off the async threads. A connection that failed with a connection-class error
//! is discarded; after such a failure, idle connections are checked before use, and the
//! pool reconnects with backoff (r2d2's, up to half the acquire timeout).

use crate::group_commit::{GroupCommit, Writer};
use crate::observe::{Operation, PoolState, StoreObserver};
use diesel::connection::SimpleConnection as _;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness as _, embed_migrations};
use idp_core::ports::StoreError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// PostgreSQL advisory lock keys: migrations, and creating the first signing keys.
const MIGRATION_LOCK: i64 = 0x6964_7001;
pub(crate) const SIGNING_KEYS_LOCK: i64 = 0x6964_7002;

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

/// SQLite: the WAL size (in 4 KiB pages, 64 MiB) at which a committing writer
/// checkpoints itself, a fallback should the checkpointer fall behind. At SQLite's
/// default (1,000 pages) the writer stopped every few thousand grants to copy pages and
/// wait for two disk flushes, and every request queued behind it waited too.
const WAL_AUTOCHECKPOINT_PAGES: u32 = 16_384;
/// SQLite: the size the WAL file is cut back to after a checkpoint (bytes).
const WAL_SIZE_LIMIT: u64 = 64 * 1024 * 1024;
/// SQLite: how often the checkpointer copies the WAL into the database (see
/// bench/README.md for the tail latency at 100 and 250 ms).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Copies SQLite's WAL into the database file on a thread of its own, so that writers
/// do not (a passive checkpoint waits for nobody and nobody waits for it), then flushes
/// the WAL to disk when the pass found new frames. Under steady writes only the
/// writer's own checkpoint (at `WAL_AUTOCHECKPOINT_PAGES`) reaches the WAL's end, and it
/// flushes the WAL first, every request queued behind it waiting; flushed here, that
/// flush finds little left. Ends when the last handle to the database is dropped.
struct Checkpointer {
    _stop: std::sync::mpsc::Sender<()>,
}

/// What `PRAGMA wal_checkpoint` answers.
#[derive(QueryableByName)]
struct CheckpointPass {
    /// Frames in the WAL, and of those, frames copied into the database.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    log: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    checkpointed: i32,
}

/// One passive checkpoint: the WAL's frames, and of those, the frames now in the
/// database file.
fn checkpoint_pass(conn: &mut SqliteConnection) -> QueryResult<(i32, i32)> {
    diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)")
        .get_result::<CheckpointPass>(conn)
        .map(|pass| (pass.log, pass.checkpointed))
}

impl Checkpointer {
    fn start(pool: Pool<DbManager>, database: &std::path::Path) -> std::io::Result<Self> {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let mut wal = database.as_os_str().to_owned();
        wal.push("-wal");
        let wal = std::path::PathBuf::from(wal);
        std::thread::Builder::new()
            .name("idp-sqlite-checkpoint".into())
            .spawn(move || {
                let mut flushed = (0, 0);
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    let pass = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
                        let DbConnection::Sqlite(conn) = &mut c.conn else {
                            return Err("not a SQLite connection".to_owned());
                        };
                        checkpoint_pass(conn).map_err(|e| e.to_string())
                    });
                    let pass = match pass {
                        Ok(pass) => pass,
                        Err(error) => {
                            tracing::debug!(%error, "WAL checkpoint skipped");
                            continue;
                        }
                    };
                    // An idle database has nothing new to flush.
                    if pass == flushed {
                        continue;
                    }
                    flushed = pass;
                    // The WAL's pages, whichever descriptor wrote them. Never the
                    // database file: closing any descriptor of it drops every POSIX
                    // lock this process holds on it, SQLite's included.
                    if let Err(error) = std::fs::File::open(&wal).and_then(|f| f.sync_data()) {
                        tracing::debug!(%error, "flush after a WAL checkpoint skipped");
                    }
                }
            })?;
        Ok(Self { _stop: stop })
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
    /// PostgreSQL: grants and refresh rotations wait for the WAL flush.
    pub durable_grant_writes: bool,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            startup_retry: Duration::from_secs(30),
            busy_timeout: Duration::from_secs(5),
            durable_grant_writes: true,
        }
    }
}

/// A pooled connection with what the pool needs to know about it.
pub struct PooledDb {
    pub(crate) conn: DbConnection,
    /// A connection-class error was seen on it: the pool discards it when it comes back.
    pub(crate) broken: bool,
    /// The failure epoch at which it was last known good (see [`Health`]).
    checked_epoch: u64,
}

/// Opens connections of the configured backend (the derive's `establish` would guess).
#[derive(Debug)]
pub struct DbManager {
    target: DbTarget,
    busy_timeout: Duration,
    health: Arc<Health>,
}

impl DbManager {
    fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match self.target.backend {
            Backend::Postgres => {
                PgConnection::establish(&with_connect_timeout(&self.target.location))
                    .map(DbConnection::Postgres)
                    .map_err(r2d2::Error::ConnectionError)
            }
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target.location)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the one writer; the busy timeout makes writers queue.
                // `optimize` gathers the planner statistics SQLite never collects by itself
                // (bounded by analysis_limit), as SQLite advises for each new connection.
                // Checkpoints run on a thread of their own (`Checkpointer`); a writer
                // checkpoints only when the WAL has outgrown `WAL_AUTOCHECKPOINT_PAGES`.
                conn.batch_execute(&format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002; PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}; PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};",
                    self.busy_timeout.as_millis()
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// libpq waits forever for an unreachable host unless told otherwise; the pool's
/// reconnection threads must not hang on one.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connect_timeout=5")
}

impl ManageConnection for DbManager {
    type Connection = PooledDb;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<PooledDb, r2d2::Error> {
        let conn = self.open()?;
        Ok(PooledDb {
            conn,
            broken: false,
            checked_epoch: self.health.epoch(),
        })
    }

    fn is_valid(&self, conn: &mut PooledDb) -> Result<(), r2d2::Error> {
        conn.conn
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut PooledDb) -> bool {
        // Diesel's own test: a transaction left open or a transaction manager in error.
        conn.broken || diesel::r2d2::R2D2Connection::is_broken(&mut conn.conn)
    }
}

/// How the database has been answering: counts failures, remembers since when it has
/// been failing, and an epoch that moves at each connection-class failure so that idle
/// connections from before it are checked before use.
#[derive(Debug, Default)]
pub struct Health {
    epoch: AtomicU64,
    /// Whether `failing_since` is set, read without the lock on every success.
    failing: std::sync::atomic::AtomicBool,
    unavailable_total: AtomicU64,
    failing_since: Mutex<Option<Instant>>,
}

impl Health {
    fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    fn failing_since(&self) -> Option<Instant> {
        *self
            .failing_since
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn failed(&self, error: &str) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.unavailable_total.fetch_add(1, Ordering::Relaxed);
        let mut since = self
            .failing_since
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if since.is_none() {
            *since = Some(Instant::now());
            self.failing.store(true, Ordering::Release);
            tracing::warn!(%error, "database unavailable; answering 503 until it is back");
        }
    }

    pub(crate) fn succeeded(&self) {
        if !self.failing.load(Ordering::Acquire) {
            return;
        }
        let mut since = self
            .failing_since
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.failing.store(false, Ordering::Release);
        if let Some(started) = since.take() {
            tracing::warn!(
                after_ms = started.elapsed().as_millis() as u64,
                "database available again"
            );
        }
    }
}

/// What `/healthz` and `/metrics` read about the database.
#[derive(Clone, Copy, Debug)]
pub struct HealthReport {
    /// Requests that failed because the database was unreachable.
    pub unavailable_total: u64,
    /// How long the pool has failed to hand out a working connection (none: it works).
    pub failing_for: Option<Duration>,
}

/// The database handle the repositories share. Cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: Pool<DbManager>,
    permits: Arc<Semaphore>,
    max_connections: u32,
    /// Calls waiting for a permit now.
    waiting: Arc<AtomicU64>,
    observer: Option<Arc<dyn StoreObserver>>,
    backend: Backend,
    health: Arc<Health>,
    target: DbTarget,
    busy_timeout: Duration,
    acquire_timeout: Duration,
    pub(crate) durable_grant_writes: bool,
    /// Started at the first grant write, with the observer set by then.
    grant_writers: Arc<std::sync::OnceLock<GroupCommit>>,
    /// SQLite only.
    _checkpointer: Option<Arc<Checkpointer>>,
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
        let health = Arc::new(Health::default());
        let manager = DbManager {
            target: target.clone(),
            busy_timeout: options.busy_timeout,
            health: health.clone(),
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
            // Checked only after a failure (see `checkout`), not on every request.
            .test_on_check_out(false)
            .build(manager)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let permits = Arc::new(Semaphore::new(options.max_connections.max(1) as usize));
        let checkpointer = match target.backend {
            Backend::Sqlite => Some(Arc::new(
                Checkpointer::start(pool.clone(), std::path::Path::new(&target.location)).map_err(
                    |e| StoreError::Backend(format!("cannot start the WAL checkpointer: {e}")),
                )?,
            )),
            Backend::Postgres => None,
        };
        Ok(Self {
            pool,
            permits,
            max_connections: options.max_connections.max(1),
            waiting: Arc::new(AtomicU64::new(0)),
            observer: None,
            backend: target.backend,
            health,
            target: target.clone(),
            busy_timeout: options.busy_timeout,
            acquire_timeout: options.acquire_timeout,
            durable_grant_writes: options.durable_grant_writes,
            grant_writers: Arc::default(),
            _checkpointer: checkpointer,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Reports every operation's latency and every wait for a connection to `observer`.
    /// Set it before the handle is cloned into the ports.
    #[must_use]
    pub fn observed_by(mut self, observer: Arc<dyn StoreObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The pool's connections and the calls waiting for one, as they stand.
    pub fn pool_state(&self) -> PoolState {
        let pool = self.pool.state();
        let free = u32::try_from(self.permits.available_permits()).unwrap_or(u32::MAX);
        PoolState {
            max: self.max_connections,
            in_use: self.max_connections.saturating_sub(free),
            waiting: self.waiting.load(Ordering::Relaxed),
            open: pool.connections,
            idle: pool.idle_connections,
        }
    }

    /// Applies pending migrations; returns the versions applied. Blocking.
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let applied = match &mut conn.conn {
            DbConnection::Postgres(c) => {
                // Nodes starting together on an empty database migrate one at a time; the
                // others then find nothing pending.
                c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
                    .map_err(StoreError::from_diesel)?;
                let applied = c.run_pending_migrations(POSTGRES_MIGRATIONS).map(versions);
                c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))
                    .map_err(StoreError::from_diesel)?;
                applied
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
        let asked = Instant::now();
        let operation = Operation::of::<F>();
        // Bounded like the pool's own wait, so that during an outage requests fail
        // after the acquire timeout instead of queueing here without end.
        let waiting = Waiting::start(&self.waiting);
        let permit = tokio::time::timeout(self.acquire_timeout, self.permits.acquire()).await;
        drop(waiting);
        let _permit = match permit {
            Ok(p) => p.map_err(|e| StoreError::Unavailable(e.to_string()))?,
            Err(_) => {
                if let Some(o) = &self.observer {
                    o.database_wait(asked.elapsed(), true);
                }
                return Err(StoreError::Unavailable(
                    "every database connection is busy".into(),
                ));
            }
        };
        let pool = self.pool.clone();
        let health = self.health.clone();
        let observer = self.observer.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let result = checkout(&pool, &health).and_then(|mut conn| {
                if let Some(o) = &observer {
                    o.database_wait(asked.elapsed(), false);
                }
                let result = f(&mut conn.conn);
                if matches!(result, Err(StoreError::Unavailable(_))) {
                    conn.broken = true;
                }
                result
            });
            match &result {
                Err(StoreError::Unavailable(e)) => health.failed(e),
                _ => health.succeeded(),
            }
            if let Some(o) = &observer {
                o.database_operation(operation, asked.elapsed());
            }
            result
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(StoreError::Backend(e.to_string())),
        }
    }

    /// The grant writers, started at the first grant write.
    pub(crate) fn grant_writers(&self) -> Result<&GroupCommit, StoreError> {
        if let Some(w) = self.grant_writers.get() {
            return Ok(w);
        }
        // SQLite lets one writer in at a time; on PostgreSQL one batch's round trips
        // overlap another's.
        let count = match self.backend {
            Backend::Sqlite => 1,
            Backend::Postgres => 2,
        };
        let started = GroupCommit::start(
            count,
            &Writer {
                pool: self.pool.clone(),
                health: self.health.clone(),
                observer: self.observer.clone(),
                durable: self.durable_grant_writes,
            },
        )
        .map_err(|e| StoreError::Backend(format!("cannot start a grant writer: {e}")))?;
        Ok(self.grant_writers.get_or_init(|| started))
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1")
                .map_err(StoreError::from_diesel)
        })
        .await
    }

    /// Whether the database answers a connection of its own, outside the pool. Tells a
    /// database that is down from a pool that cannot recover.
    pub async fn probe_directly(&self, timeout: Duration) -> Result<(), StoreError> {
        let manager = DbManager {
            target: self.target.clone(),
            busy_timeout: self.busy_timeout,
            health: Arc::new(Health::default()),
        };
        let probe = tokio::task::spawn_blocking(move || {
            let mut conn = manager
                .connect()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            manager
                .is_valid(&mut conn)
                .map_err(|e| StoreError::Unavailable(e.to_string()))
        });
        match tokio::time::timeout(timeout, probe).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => Err(StoreError::Backend(e.to_string())),
            Err(_) => Err(StoreError::Unavailable(
                "the database did not answer in time".into(),
            )),
        }
    }

    pub fn health(&self) -> HealthReport {
        HealthReport {
            unavailable_total: self.health.unavailable_total.load(Ordering::Relaxed),
            failing_for: self.health.failing_since().map(|t| t.elapsed()),
        }
    }
}

/// A connection that works as far as we know: after a connection-class failure (the
/// epoch moved), an idle connection from before it is checked with `SELECT 1` first and
/// discarded when dead, so one database restart costs one failed request, not one per
/// pooled connection.
pub(crate) fn checkout(
    pool: &Pool<DbManager>,
    health: &Health,
) -> Result<r2d2::PooledConnection<DbManager>, StoreError> {
    // Bounded: each dead connection is dropped, and the pool holds at most max_size.
    for _ in 0..=pool.max_size() {
        let mut conn = pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let epoch = health.epoch();
        if conn.checked_epoch >= epoch {
            return Ok(conn);
        }
        match conn.conn.batch_execute("SELECT 1") {
            Ok(()) => {
                conn.checked_epoch = epoch;
                return Ok(conn);
            }
            Err(_) => conn.broken = true,
        }
    }
    Err(StoreError::Unavailable("no pooled connection works".into()))
}

/// Counts a call as waiting for a permit until dropped, also when the call is abandoned.
struct Waiting<'a>(&'a AtomicU64);

impl<'a> Waiting<'a> {
    fn start(count: &'a AtomicU64) -> Self {
        count.fetch_add(1, Ordering::Relaxed);
        Self(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
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
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => StoreError::Unavailable(info.message().to_owned()),
            Error::DatabaseError(_, info) if is_connection_loss(info.message()) => {
                StoreError::Unavailable(info.message().to_owned())
            }
            // A transaction broken under diesel: the connection died in the middle of it.
            Error::BrokenTransactionManager => StoreError::Unavailable(e.to_string()),
            Error::DeserializationError(e) => StoreError::Corrupt(e.to_string()),
            other => {
                let text = other.to_string();
                if is_connection_loss(&text) {
                    StoreError::Unavailable(text)
                } else {
                    StoreError::Backend(text)
                }
            }
        }
    }
}

/// Whether a driver message says the database cannot be reached, rather than that a
/// statement is wrong; SQLite reports a file it can no longer open, read or write the
/// same way. Any of these is worth a retry later, so they answer 503, not 500.
///
/// Diesel 2.3 over libpq, by experiment (`pg_ctl stop -m fast`): a query running at
/// the time gets `ClosedConnection` "terminating connection due to administrator
/// command"; the first query on an idle connection `ClosedConnection` "server closed
/// the connection unexpectedly"; every later one `UnableToSendCommand` "no connection to
/// the server" (before, a 500 for good, since the pool kept the connection); a new
/// connection `BadConnection` "… Connection refused". The kinds are matched above; the
/// messages here catch the shapes that arrive as `Unknown`.
pub fn is_connection_loss(message: &str) -> bool {
    const SHAPES: &[&str] = &[
        // PostgreSQL / libpq
        "server closed the connection",
        "terminating connection",
        "no connection to the server",
        "could not connect to server",
        "connection to server",
        "could not receive data from server",
        "could not send data to server",
        "connection not open",
        "connection refused",
        "connection reset",
        "broken pipe",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
        "ssl connection has been closed unexpectedly",
        "lost synchronization with server",
        // SQLite: the file went away, cannot be read or written
        "unable to open database file",
        "disk i/o error",
        "attempt to write a readonly database",
        "database or disk is full",
    ];
    let lower = message.to_ascii_lowercase();
    SHAPES.iter().any(|s| lower.contains(s))
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
    fn a_checkpoint_pass_reports_what_it_copied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idp.db");
        let mut conn = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; \
             CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2);",
        )
        .unwrap();
        let (log, copied) = checkpoint_pass(&mut conn).unwrap();
        assert!(log > 0, "the writes are in the WAL: {log}");
        assert_eq!(
            copied, log,
            "with no reader, a passive pass copies every frame"
        );
        assert_eq!(checkpoint_pass(&mut conn).unwrap(), (log, log));
    }

    #[test]
    fn lost_connections_are_unavailable_and_bad_statements_are_not() {
        use diesel::result::{DatabaseErrorKind, Error};
        let db_error = |kind, msg: &str| Error::DatabaseError(kind, Box::new(msg.to_owned()));
        for (kind, msg) in [
            (DatabaseErrorKind::ClosedConnection, "anything"),
            (DatabaseErrorKind::UnableToSendCommand, "could not send"),
            (
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            (
                DatabaseErrorKind::Unknown,
                "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally",
            ),
            (DatabaseErrorKind::Unknown, "no connection to the server\n"),
            (DatabaseErrorKind::Unknown, "unable to open database file"),
            (DatabaseErrorKind::Unknown, "disk I/O error"),
        ] {
            assert!(
                matches!(
                    StoreError::from_diesel(db_error(kind, msg)),
                    StoreError::Unavailable(_)
                ),
                "{msg}"
            );
        }
        assert!(matches!(
            StoreError::from_diesel(Error::BrokenTransactionManager),
            StoreError::Unavailable(_)
        ));
        assert!(matches!(
            StoreError::from_diesel(db_error(
                DatabaseErrorKind::Unknown,
                "syntax error at or near \"SELEC\""
            )),
            StoreError::Backend(_)
        ));
        assert!(matches!(
            StoreError::from_diesel(Error::NotFound),
            StoreError::Backend(_)
        ));
    }

    #[test]
    fn postgres_urls_get_a_connect_timeout() {
        assert_eq!(
            with_connect_timeout("postgres://u@h/db"),
            "postgres://u@h/db?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?sslmode=disable"),
            "postgres://u@h/db?sslmode=disable&connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?connect_timeout=2"),
            "postgres://u@h/db?connect_timeout=2"
        );
    }

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
