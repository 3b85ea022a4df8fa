//! What every handler can reach, handed to actix as `web::Data<AppState>`.

use crate::settings::Settings;
use idp_core::crypto::MasterKey;
use idp_core::ports::Stores;
use idp_store::Database;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

pub struct AppState {
    pub stores: Stores,
    pub db: Database,
    pub master_key: MasterKey,
    pub settings: Arc<Settings>,
    /// Whether ephemeral state lives in Redis, so readiness checks it.
    pub redis: bool,
    pub metrics: Metrics,
}

/// Counters exported at `/metrics`.
#[derive(Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub server_errors: AtomicU64,
}
