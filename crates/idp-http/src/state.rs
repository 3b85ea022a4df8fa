//! What every handler can reach, handed to actix as `web::Data<AppState>`.

use crate::caches::{ClientCache, KeyCache};
use crate::settings::Settings;
use idp_core::crypto::MasterKey;
use idp_core::notice::Notice;
use idp_core::ports::Stores;
use idp_store::{Database, Heard};
use std::sync::Arc;

/// This node's name as a lease holder (imports, audit exports, logout deliveries): its
/// process id, for an operator looking for it, and a random part, since process ids
/// repeat across machines.
pub fn node_name() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        format!(
            "node-{}-{}",
            std::process::id(),
            idp_core::ids::EventId::generate()
        )
    })
}

pub struct AppState {
    pub stores: Stores,
    pub db: Database,
    pub master_key: MasterKey,
    pub settings: Arc<Settings>,
    /// Whether ephemeral state lives in Redis, so readiness checks it.
    pub redis: bool,
    pub metrics: Arc<crate::metrics::Metrics>,
    pub keys: KeyCache,
    pub clients: ClientCache,
    /// The discovery document, serialized once.
    pub discovery: StaticDocument,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` say who the client is.
    pub trusted_proxies: Vec<idp_core::policy::IpRange>,
    /// Google and Entra ID, where configured.
    pub upstreams: Arc<crate::upstream::Upstreams>,
    /// Rate limits per address and account.
    pub throttle: idp_core::throttle::Throttle,
    /// Password checks each address has in the hashing queue on this node.
    pub in_flight: Arc<idp_core::throttle::InFlight>,
    /// Set on `SIGTERM` while the node drains: `/readyz` answers 503.
    pub draining: std::sync::atomic::AtomicBool,
    /// DPoP proof checks and nonces (RFC 9449), when `dpop.enabled`.
    pub dpop: Option<idp_core::oidc::dpop::Dpop>,
    /// Makes each client's `sub`, pairwise where registered so.
    pub subjects: idp_core::oidc::subject::Subjects,
    /// Members as tokens read them, dropped on every change (here and announced).
    pub members: Arc<idp_core::member_cache::MemberCache>,
    /// The WebAuthn relying party, when passkeys are on (`passkeys.enabled`).
    pub passkeys: Option<Arc<idp_core::passkeys::RelyingParty>>,
}

impl AppState {
    /// After a client's registration changed or was removed: this node forgets it at
    /// once, and every other node when it hears the notice.
    pub async fn client_changed(&self, id: &idp_core::ids::ClientId) {
        self.clients.forget(id);
        announce(&self.stores, &Notice::Client(id.clone())).await;
    }

    /// After the signing keys changed: this node reloads them, and every other node when
    /// it hears the notice.
    pub async fn keys_changed(&self) -> Result<(), idp_core::keyring::KeyringError> {
        let reloaded = self.keys.reload(&self.stores, &self.master_key).await;
        announce(&self.stores, &Notice::Keys).await;
        reloaded
    }

    /// Applies what a node announced (this one's own notices come back too; applying
    /// them twice is harmless). A notice this version does not know is ignored.
    pub async fn hear(&self, heard: Heard) {
        match heard {
            Heard::Notice(text) => match Notice::decode(&text) {
                Some(Notice::Client(id)) => self.clients.forget(&id),
                Some(Notice::Keys) => self.reload_keys().await,
                Some(notice @ (Notice::Member(_) | Notice::Members)) => {
                    self.members.hear(&notice);
                }
                Some(Notice::Blocked { key, until }) => {
                    self.throttle
                        .heard_block(key, until, self.stores.clock.now());
                }
                None => {}
            },
            // The subscription (re)started: anything may have changed unheard.
            Heard::Subscribed => {
                self.throttle.listening(self.stores.clock.now());
                self.clients.clear();
                self.members.clear();
                self.reload_keys().await;
            }
            Heard::Lost => self.throttle.not_listening(),
        }
    }

    /// Once subscribed: the throttling blocks set before, read from the store (see
    /// `Throttle::catch_up`). Beside the notices, not before them: the read scans the
    /// whole store, and a read that a lost subscription overtook changes nothing.
    pub async fn read_blocks(&self) {
        let (ephemeral, clock) = (&*self.stores.ephemeral, &*self.stores.clock);
        if let Err(e) = self.throttle.catch_up(ephemeral, clock).await {
            tracing::warn!(error = %e, "could not read the throttling blocks; the store decides for a window");
        }
    }

    async fn reload_keys(&self) {
        if let Err(e) = self.keys.reload(&self.stores, &self.master_key).await {
            tracing::warn!(error = %e, "could not reload signing keys; keeping the ones loaded");
        }
    }
}

/// Tells the other nodes; a failure only delays them until their timers run.
pub async fn announce(stores: &Stores, notice: &Notice) {
    if let Err(e) = stores.ephemeral.announce(&notice.encode()).await {
        tracing::warn!(error = %e, ?notice, "could not announce a change to the other nodes");
    }
}

/// A JSON document answered from the same bytes every time, with its ETag.
pub struct StaticDocument {
    pub body: bytes_like::Bytes,
    pub etag: String,
}

impl StaticDocument {
    pub fn new(json: &serde_json::Value) -> Self {
        let text = json.to_string();
        let etag = format!(
            "\"{}\"",
            idp_core::crypto::TokenDigest::of(&text)
                .to_hex()
                .get(..32)
                .unwrap_or_default()
        );
        Self {
            body: bytes_like::Bytes::from(text),
            etag,
        }
    }
}

mod bytes_like {
    pub use actix_web::web::Bytes;
}
