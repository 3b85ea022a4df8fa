//! Implementations of `idp-core`'s ports: PostgreSQL and SQLite through diesel, ephemeral
//! state in memory or Redis, mail through lettre, password hashing on a bounded pool.

mod backchannel;
pub mod db;
mod deployment;
pub mod ephemeral;
mod exports;
mod group_commit;
pub mod mail;
pub mod observe;
pub mod passwords;
mod repos;
mod rows;
pub mod schema;

pub use db::{Backend, Database, DbOptions, DbTarget, HealthReport};
pub use ephemeral::memory::MemoryEphemeral;
pub use ephemeral::redis::{Heard, Notices, RedisEphemeral, RedisOptions};
pub use ephemeral::target::{RedisTarget, RedisUrlError};
pub use mail::{LettreMailer, SmtpOptions, SmtpSecurity};
pub use observe::{JobCounts, ObservedEphemeral, Operation, PoolState, StoreObserver};
pub use passwords::{HashingStats, PasswordPool, PoolOptions};
