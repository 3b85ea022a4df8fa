//! What every store test crate shares: the rule for absent backends, and fresh
//! databases (a temp SQLite file, or a PostgreSQL database created for one test and
//! dropped after it).

// An `allow`, not an `expect`: the crates that happen to use every helper would
// report the expectation unfulfilled.
#![allow(
    dead_code,
    reason = "each test crate (contract, ephemeral, schema, mail) uses part of these helpers"
)]

use diesel::connection::SimpleConnection as _;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use idp_store::{Database, DbOptions, DbTarget};
use std::io::Write as _;
use std::time::Duration;

pub const DATABASE_URL_VAR: &str = "IDP_TEST_DATABASE_URL";
pub const REDIS_URL_VAR: &str = "IDP_TEST_REDIS_URL";
pub const REQUIRE_VAR: &str = "IDP_TEST_REQUIRE_BACKENDS";

/// Whether CI asked for every backend to run: a missing one is then a failure, never a skip.
pub fn backends_required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1")
}

/// Skips `test` (with a `SKIPPED:` line on stderr) when `what` is missing, or fails it
/// when backends are required.
pub fn skip_or_fail(test: &str, what: &str) {
    assert!(
        !backends_required(),
        "{test}: {what} is required because {REQUIRE_VAR}=1"
    );
    // Straight to the process's stderr, in one write: the test harness captures
    // `eprintln!` of passing tests, and CI looks for these lines. The leading newline keeps
    // the line whole when the harness has just written "test … " without one.
    let line = format!("\nSKIPPED: {test} needs {what}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// The value of a backend variable, or `None` after [`skip_or_fail`].
pub fn backend_url(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Some(v),
        _ => {
            skip_or_fail(test, var);
            None
        }
    }
}

/// A unique lower-case token for database names and key prefixes.
pub fn unique_token() -> String {
    // UUIDv7: a millisecond clock then 74 random bits, so parallel tests never collide.
    idp_core::ids::EventId::generate().as_str().replace('-', "")
}

fn test_options() -> DbOptions {
    DbOptions {
        startup_retry: Duration::from_secs(2),
        ..DbOptions::default()
    }
}

/// A migrated database for one test; whatever backs it goes away when it is dropped.
pub struct TestDb {
    // Declared first so that the pool closes before the guard drops the database.
    pub db: Database,
    /// The URL the store was given (`sqlite://…` or `postgres://…`).
    pub url: String,
    _guard: Guard,
}

enum Guard {
    Sqlite(tempfile::TempDir),
    Postgres(PgDatabaseGuard),
}

impl TestDb {
    /// A fresh SQLite file in its own temporary directory.
    pub async fn sqlite() -> TestDb {
        tokio::task::spawn_blocking(|| {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("idp.db").display());
            let db = connect_and_migrate(&url);
            TestDb {
                db,
                url,
                _guard: Guard::Sqlite(dir),
            }
        })
        .await
        .unwrap()
    }

    /// A fresh PostgreSQL database next to the one `IDP_TEST_DATABASE_URL` names, or
    /// `None` (after a skip line) when that variable is unset.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let admin_url = backend_url(DATABASE_URL_VAR, test)?;
        let created = tokio::task::spawn_blocking(move || {
            let guard = PgDatabaseGuard::create(&admin_url);
            let url = guard.url.clone();
            let db = connect_and_migrate(&url);
            TestDb {
                db,
                url,
                _guard: Guard::Postgres(guard),
            }
        })
        .await
        .unwrap();
        Some(created)
    }
}

impl TestDb {
    /// Another store on this database with a single connection, for what PostgreSQL
    /// keeps per session (prepared statements and their plans).
    pub fn one_connection(&self) -> Database {
        let target = DbTarget::parse(&self.url).unwrap();
        let options = DbOptions {
            max_connections: 1,
            ..test_options()
        };
        Database::connect(&target, &options).unwrap()
    }
}

fn connect_and_migrate(url: &str) -> Database {
    let target = DbTarget::parse(url).unwrap();
    let db = Database::connect(&target, &test_options())
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"));
    db.migrate()
        .unwrap_or_else(|e| panic!("cannot migrate {url}: {e}"));
    db
}

/// A PostgreSQL database created for one test; dropped (connections and all) with the guard.
pub struct PgDatabaseGuard {
    admin_url: String,
    name: String,
    /// The URL of the created database.
    pub url: String,
}

impl PgDatabaseGuard {
    pub fn create(admin_url: &str) -> PgDatabaseGuard {
        let name = format!("idp_t_{}", unique_token());
        let mut admin = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("cannot connect to {DATABASE_URL_VAR}={admin_url}: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let mut url = url::Url::parse(admin_url).unwrap();
        url.set_path(&format!("/{name}"));
        PgDatabaseGuard {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgDatabaseGuard {
    fn drop(&mut self) {
        let dropped = PgConnection::establish(&self.admin_url)
            .map_err(|e| e.to_string())
            .and_then(|mut c| {
                c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .map_err(|e| e.to_string())
            });
        if let Err(e) = dropped {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}
