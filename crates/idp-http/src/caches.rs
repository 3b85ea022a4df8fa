//! In-memory caches that keep the hot paths off the database: the parsed signing keys
//! (reloaded on a timer, so every node picks up a rotation) and registered clients.
//! With Redis, a change made on any node (or by the command line) is announced, and
//! every node drops what it kept of it at once; the timers are the fallback.

use idp_core::client::{Client, browser_origins};
use idp_core::crypto::MasterKey;
use idp_core::ids::ClientId;
use idp_core::keyring::{self, KeyringError, LoadedKeys};
use idp_core::ports::{StoreError, Stores};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The key ring as last loaded. Readers take an `Arc` and never wait on a reload.
pub struct KeyCache {
    current: RwLock<Arc<LoadedKeys>>,
}

impl KeyCache {
    pub fn new(keys: LoadedKeys) -> Self {
        Self {
            current: RwLock::new(Arc::new(keys)),
        }
    }

    pub fn get(&self) -> Arc<LoadedKeys> {
        self.current
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    pub async fn reload(
        &self,
        stores: &Stores,
        master_key: &MasterKey,
    ) -> Result<(), KeyringError> {
        let fresh = keyring::load(stores.keys.as_ref(), master_key, stores.clock.as_ref()).await?;
        let mut slot = self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Arc::new(fresh);
        Ok(())
    }
}

/// How long a client's registration is trusted before it is read again.
const CLIENT_TTL: Duration = Duration::from_secs(30);
/// How long "no such client" is remembered, so unknown ids cannot flood the database.
const MISSING_TTL: Duration = Duration::from_secs(5);
/// Entries kept at most; beyond it the cache is cleared and refilled.
const MAX_CLIENTS: usize = 10_000;

/// A client (or its absence) and when it was read.
type CachedClient = (Option<Arc<Client>>, Instant);

#[derive(Default)]
pub struct ClientCache {
    entries: RwLock<HashMap<ClientId, CachedClient>>,
    /// Public clients' web origins, for CORS, and when they were read.
    origins: RwLock<Option<(Arc<BTreeSet<String>>, Instant)>>,
}

impl ClientCache {
    pub async fn get(
        &self,
        stores: &Stores,
        id: &ClientId,
    ) -> Result<Option<Arc<Client>>, StoreError> {
        let now = Instant::now();
        if let Ok(map) = self.entries.read()
            && let Some((client, at)) = map.get(id)
        {
            let ttl = if client.is_some() {
                CLIENT_TTL
            } else {
                MISSING_TTL
            };
            if now.duration_since(*at) < ttl {
                return Ok(client.clone());
            }
        }
        let fresh = stores.clients.find_by_id(id).await?.map(Arc::new);
        let mut map = self
            .entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() >= MAX_CLIENTS {
            map.clear();
        }
        map.insert(id.clone(), (fresh.clone(), now));
        Ok(fresh)
    }

    /// Drops what this node remembers of a client (and the origins read with it), so a
    /// change to it or its removal takes effect here at once. Call after every change.
    pub fn forget(&self, id: &ClientId) {
        self.entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(id);
        *self
            .origins
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Drops every client kept: after notices may have been missed.
    pub fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        *self
            .origins
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// The web origins of public clients ([`browser_origins`]), read again when older
    /// than a client's registration is trusted.
    pub async fn browser_origins(
        &self,
        stores: &Stores,
    ) -> Result<Arc<BTreeSet<String>>, StoreError> {
        let now = Instant::now();
        if let Ok(slot) = self.origins.read()
            && let Some((origins, at)) = slot.as_ref()
            && now.duration_since(*at) < CLIENT_TTL
        {
            return Ok(origins.clone());
        }
        let clients = stores.clients.find_all().await?;
        let fresh = Arc::new(browser_origins(&clients));
        let mut slot = self
            .origins
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Some((fresh.clone(), now));
        Ok(fresh)
    }
}
