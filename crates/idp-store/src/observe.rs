//! What the stores tell an observer about themselves: how long each database operation
//! and each ephemeral-store command took, how long a database call waited for a
//! connection, and the job counts an operator watches. The server turns these into
//! metrics (`idp-http`'s `metrics.rs`); the stores know no metrics library, and without
//! an observer nothing is recorded.

use crate::db::{Database, FromDiesel as _};
use crate::schema::{audit_exports, logout_deliveries, member_imports};
use async_trait::async_trait;
use diesel::prelude::*;
use idp_core::Timestamp;
use idp_core::ports::{Ephemeral, EphemeralError, NewEntry, StoreError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A database operation, named by the port (trait) and method it serves: a bounded set,
/// as large as the ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// `UserRepo`, or the type for a method of its own (`Database`).
    pub port: &'static str,
    pub method: &'static str,
}

impl Operation {
    /// The operation a closure handed to `Database::run` serves, read from the closure's
    /// type name: `<impl Port for Database>::method::{{closure}}…` or `Type::method::…`.
    /// The compiler does not promise this shape; a test below holds it to it, and a
    /// shape it does not know still gives a bounded name.
    pub(crate) fn of<F>() -> Self {
        Self::parse(std::any::type_name::<F>())
    }

    fn parse(name: &'static str) -> Self {
        let mut path = name;
        while let Some(p) = path.strip_suffix("::{{closure}}") {
            path = p;
        }
        let (owner, method) = path.rsplit_once("::").unwrap_or(("", path));
        // `#[async_trait]` methods carry their lifetimes: `find<'_, '_>`.
        let method = method.split_once('<').map_or(method, |(m, _)| m);
        let owner = owner.strip_suffix('>').unwrap_or(owner);
        let port = if let Some((_, trait_path)) = owner.rsplit_once(" as ") {
            trait_path
        } else if let Some((_, imp)) = owner.rsplit_once("<impl ") {
            imp.split_once(" for ").map_or(imp, |(t, _)| t)
        } else {
            owner
        };
        // A generic trait keeps its parameters out of the label.
        let port = port.split_once('<').map_or(port, |(p, _)| p);
        let port = port.rsplit("::").next().unwrap_or(port);
        Self { port, method }
    }
}

/// Receives what the stores measure. Called on the request path: keep it cheap.
pub trait StoreObserver: Send + Sync {
    /// A database operation ended: from asking for a connection to the answer.
    fn database_operation(&self, operation: Operation, elapsed: Duration);
    /// How long a database call waited for a connection (a permit, a blocking thread
    /// and the pool's checkout); `timed_out` when it gave up after the acquire timeout.
    fn database_wait(&self, elapsed: Duration, timed_out: bool);
    /// An ephemeral-store command ended, by port method; `failed` when it did not answer.
    fn ephemeral_command(&self, command: &'static str, elapsed: Duration, failed: bool);
}

/// The database pool as it stands.
#[derive(Clone, Copy, Debug, Default)]
pub struct PoolState {
    /// `database.max_connections`: calls that may hold a connection at once.
    pub max: u32,
    /// Calls holding (or about to hold) a connection now.
    pub in_use: u32,
    /// Calls waiting for one.
    pub waiting: u64,
    /// Connections the pool has open, idle ones included.
    pub open: u32,
    pub idle: u32,
}

/// Background work waiting or under way, from the database, so every node reports the
/// same figures (dashboards take the max over nodes, not the sum).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Member imports per status (`previewed`, `queued`, `running`, `done`, `failed`).
    pub member_imports: Vec<(String, u64)>,
    /// Back-channel logout deliveries: due now, waiting for a retry, leased to a node.
    pub logout_deliveries_due: u64,
    pub logout_deliveries_retrying: u64,
    pub logout_deliveries_leased: u64,
    /// Audit exports per status (`queued`, `running`, `done`, `failed`).
    pub audit_exports: Vec<(String, u64)>,
}

impl Database {
    /// Counts the background jobs by kind and state.
    pub async fn job_counts(&self, now: Timestamp) -> Result<JobCounts, StoreError> {
        let now = now.as_micros();
        self.run(move |c| {
            let member_imports = member_imports::table
                .group_by(member_imports::status)
                .select((member_imports::status, diesel::dsl::count_star()))
                .load::<(String, i64)>(c)
                .map_err(StoreError::from_diesel)?
                .into_iter()
                .map(|(status, n)| (status, u64::try_from(n).unwrap_or(0)))
                .collect();
            let count = |q: Result<i64, diesel::result::Error>| {
                q.map(|n| u64::try_from(n).unwrap_or(0))
                    .map_err(StoreError::from_diesel)
            };
            let leased = logout_deliveries::lease_until.gt(now);
            let free = logout_deliveries::lease_until
                .is_null()
                .or(logout_deliveries::lease_until.le(now));
            let logout_deliveries_leased = count(
                logout_deliveries::table
                    .filter(leased)
                    .count()
                    .get_result(c),
            )?;
            let logout_deliveries_due = count(
                logout_deliveries::table
                    .filter(free)
                    .filter(logout_deliveries::next_attempt_at.le(now))
                    .count()
                    .get_result(c),
            )?;
            let logout_deliveries_retrying = count(
                logout_deliveries::table
                    .filter(free)
                    .filter(logout_deliveries::next_attempt_at.gt(now))
                    .count()
                    .get_result(c),
            )?;
            let audit_exports = audit_exports::table
                .group_by(audit_exports::status)
                .select((audit_exports::status, diesel::dsl::count_star()))
                .load::<(String, i64)>(c)
                .map_err(StoreError::from_diesel)?
                .into_iter()
                .map(|(status, n)| (status, u64::try_from(n).unwrap_or(0)))
                .collect();
            Ok(JobCounts {
                member_imports,
                logout_deliveries_due,
                logout_deliveries_retrying,
                logout_deliveries_leased,
                audit_exports,
            })
        })
        .await
    }
}

/// The ephemeral port with each command timed for an observer (put around Redis; the
/// in-memory store answers in microseconds and is not worth a series).
pub struct ObservedEphemeral {
    inner: Arc<dyn Ephemeral>,
    observer: Arc<dyn StoreObserver>,
}

impl ObservedEphemeral {
    /// The commands it reports, by port method.
    pub const COMMANDS: [&str; 14] = [
        "put",
        "put_new",
        "get",
        "take",
        "swap_existing",
        "exists_any",
        "exists_each",
        "exists_each_then_put_new",
        "incr",
        "incr_each",
        "delete",
        "alive_under",
        "ping",
        "announce",
    ];

    pub fn new(inner: Arc<dyn Ephemeral>, observer: Arc<dyn StoreObserver>) -> Self {
        Self { inner, observer }
    }

    async fn timed<T>(
        &self,
        command: &'static str,
        call: impl Future<Output = Result<T, EphemeralError>>,
    ) -> Result<T, EphemeralError> {
        let started = Instant::now();
        let result = call.await;
        self.observer
            .ephemeral_command(command, started.elapsed(), result.is_err());
        result
    }
}

#[async_trait]
impl Ephemeral for ObservedEphemeral {
    async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), EphemeralError> {
        self.timed("put", self.inner.put(key, value, ttl)).await
    }

    async fn put_new(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, EphemeralError> {
        self.timed("put_new", self.inner.put_new(key, value, ttl))
            .await
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        self.timed("get", self.inner.get(key)).await
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        self.timed("take", self.inner.take(key)).await
    }

    async fn swap_existing(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<Option<Vec<u8>>, EphemeralError> {
        self.timed("swap_existing", self.inner.swap_existing(key, value, ttl))
            .await
    }

    async fn exists_any(&self, keys: &[&str]) -> Result<bool, EphemeralError> {
        self.timed("exists_any", self.inner.exists_any(keys)).await
    }

    async fn exists_each(&self, keys: &[&str]) -> Result<Vec<bool>, EphemeralError> {
        self.timed("exists_each", self.inner.exists_each(keys))
            .await
    }

    async fn exists_each_then_put_new(
        &self,
        keys: &[&str],
        entry: &NewEntry<'_>,
    ) -> Result<(Vec<bool>, bool), EphemeralError> {
        self.timed(
            "exists_each_then_put_new",
            self.inner.exists_each_then_put_new(keys, entry),
        )
        .await
    }

    async fn incr(&self, key: &str, ttl: Duration) -> Result<u64, EphemeralError> {
        self.timed("incr", self.inner.incr(key, ttl)).await
    }

    async fn incr_each(&self, counters: &[(&str, Duration)]) -> Result<Vec<u64>, EphemeralError> {
        self.timed("incr_each", self.inner.incr_each(counters))
            .await
    }

    async fn delete(&self, key: &str) -> Result<(), EphemeralError> {
        self.timed("delete", self.inner.delete(key)).await
    }

    async fn alive_under(&self, prefix: &str) -> Result<Vec<(String, Duration)>, EphemeralError> {
        self.timed("alive_under", self.inner.alive_under(prefix))
            .await
    }

    async fn ping(&self) -> Result<(), EphemeralError> {
        self.timed("ping", self.inner.ping()).await
    }

    async fn announce(&self, notice: &str) -> Result<(), EphemeralError> {
        self.timed("announce", self.inner.announce(notice)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Port {
        fn method(&self) -> Operation;
    }

    struct Store;

    impl Port for Store {
        fn method(&self) -> Operation {
            operation_of(|| ())
        }
    }

    impl Store {
        fn own(&self) -> Operation {
            operation_of(|| ())
        }

        async fn in_async(&self) -> Operation {
            async { operation_of(|| ()) }.await
        }
    }

    fn operation_of<F: FnOnce()>(_: F) -> Operation {
        Operation::of::<F>()
    }

    #[test]
    fn a_closure_is_named_by_the_port_and_method_it_is_in() {
        assert_eq!(
            Store.method(),
            Operation {
                port: "Port",
                method: "method"
            }
        );
        assert_eq!(
            Store.own(),
            Operation {
                port: "Store",
                method: "own"
            }
        );
        let in_async = futures_util::FutureExt::now_or_never(Store.in_async());
        assert_eq!(
            in_async,
            Some(Operation {
                port: "Store",
                method: "in_async"
            })
        );
    }

    #[test]
    fn type_name_shapes_are_read() {
        let cases = [
            (
                "idp_store::repos::<impl idp_core::ports::UserRepo for idp_store::db::Database>::find<'_, '_, '_>::{{closure}}::{{closure}}",
                ("UserRepo", "find"),
            ),
            (
                "<idp_store::db::Database as idp_core::ports::GrantRepo>::revoke::{{closure}}",
                ("GrantRepo", "revoke"),
            ),
            (
                "idp_store::db::Database::ping::{{closure}}::{{closure}}",
                ("Database", "ping"),
            ),
            ("odd", ("", "odd")),
        ];
        for (name, (port, method)) in cases {
            assert_eq!(Operation::parse(name), Operation { port, method }, "{name}");
        }
    }
}
