//! Test doubles of the ports for idp-core's unit tests.

use crate::ports::{Ephemeral, EphemeralError};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// The ephemeral port in a map. Expiry is not modelled (tests put times in keys); it
/// can forget everything, as a restarted Redis does, and refuse writes, as a Redis
/// that is down does.
#[derive(Default)]
pub struct MemoryEphemeral {
    keys: Mutex<HashMap<String, Vec<u8>>>,
    /// The time to live each `put` gave: what `alive_under` reports as left.
    ttls: Mutex<HashMap<String, Duration>>,
    pub fail_writes: AtomicBool,
    announced: Mutex<Vec<String>>,
    /// `exists_any` and `exists_each` calls so far: round trips a Redis would have made.
    pub existence_checks: AtomicUsize,
    /// `incr` and `incr_each` calls so far: round trips a Redis would have made.
    pub counter_round_trips: AtomicUsize,
    /// `alive_under` calls so far.
    pub scans: AtomicUsize,
}

impl MemoryEphemeral {
    pub fn flush(&self) {
        self.map().clear();
    }

    pub fn has(&self, key: &str) -> bool {
        self.map().contains_key(key)
    }

    fn bump(&self, key: &str) -> Result<u64, EphemeralError> {
        self.writable()?;
        let mut map = self.map();
        let count = map
            .get(key)
            .and_then(|v| std::str::from_utf8(v).ok()?.parse::<u64>().ok())
            .unwrap_or(0)
            + 1;
        map.insert(key.into(), count.to_string().into_bytes());
        Ok(count)
    }

    pub fn is_empty(&self) -> bool {
        self.map().is_empty()
    }

    /// What was announced to other nodes, in order.
    pub fn announced(&self) -> Vec<String> {
        self.announced
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>> {
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn writable(&self) -> Result<(), EphemeralError> {
        if self.fail_writes.load(Ordering::SeqCst) {
            return Err(EphemeralError::Unavailable("down".into()));
        }
        Ok(())
    }
}

#[async_trait]
impl Ephemeral for MemoryEphemeral {
    async fn announce(&self, notice: &str) -> Result<(), EphemeralError> {
        self.announced
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(notice.to_owned());
        Ok(())
    }

    async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), EphemeralError> {
        self.writable()?;
        self.map().insert(key.into(), value.to_vec());
        self.ttls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key.into(), ttl);
        Ok(())
    }

    async fn put_new(&self, key: &str, value: &[u8], _: Duration) -> Result<bool, EphemeralError> {
        self.writable()?;
        let mut map = self.map();
        if map.contains_key(key) {
            return Ok(false);
        }
        map.insert(key.into(), value.to_vec());
        Ok(true)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        Ok(self.map().get(key).cloned())
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        self.writable()?;
        Ok(self.map().remove(key))
    }

    async fn swap_existing(
        &self,
        key: &str,
        value: &[u8],
        _: Duration,
    ) -> Result<Option<Vec<u8>>, EphemeralError> {
        self.writable()?;
        let mut map = self.map();
        match map.get_mut(key) {
            Some(old) => Ok(Some(std::mem::replace(old, value.to_vec()))),
            None => Ok(None),
        }
    }

    async fn exists_any(&self, keys: &[&str]) -> Result<bool, EphemeralError> {
        self.existence_checks.fetch_add(1, Ordering::SeqCst);
        let map = self.map();
        Ok(keys.iter().any(|k| map.contains_key(*k)))
    }

    async fn exists_each(&self, keys: &[&str]) -> Result<Vec<bool>, EphemeralError> {
        self.existence_checks.fetch_add(1, Ordering::SeqCst);
        let map = self.map();
        Ok(keys.iter().map(|k| map.contains_key(*k)).collect())
    }

    async fn incr(&self, key: &str, _: Duration) -> Result<u64, EphemeralError> {
        self.counter_round_trips.fetch_add(1, Ordering::SeqCst);
        self.bump(key)
    }

    async fn incr_each(&self, counters: &[(&str, Duration)]) -> Result<Vec<u64>, EphemeralError> {
        self.counter_round_trips.fetch_add(1, Ordering::SeqCst);
        counters.iter().map(|(key, _)| self.bump(key)).collect()
    }

    async fn delete(&self, key: &str) -> Result<(), EphemeralError> {
        self.map().remove(key);
        Ok(())
    }

    async fn alive_under(&self, prefix: &str) -> Result<Vec<(String, Duration)>, EphemeralError> {
        self.scans.fetch_add(1, Ordering::SeqCst);
        let ttls = self
            .ttls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(self
            .map()
            .keys()
            .filter(|k| k.starts_with(prefix))
            .map(|k| (k.clone(), ttls.get(k).copied().unwrap_or(Duration::MAX)))
            .collect())
    }

    async fn ping(&self) -> Result<(), EphemeralError> {
        Ok(())
    }
}
