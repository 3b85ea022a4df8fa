//! In-process ephemeral state for a single node. Expired entries are swept as writes
//! arrive, so memory stays bounded by what is live.

use async_trait::async_trait;
use idp_core::ports::{Ephemeral, EphemeralError};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often at most a full sweep of expired entries runs.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

struct Entry {
    value: Vec<u8>,
    expires: Instant,
}

struct Inner {
    entries: HashMap<String, Entry>,
    last_sweep: Instant,
}

pub struct MemoryEphemeral {
    inner: Mutex<Inner>,
}

impl Default for MemoryEphemeral {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        }
    }
}

impl MemoryEphemeral {
    pub fn new() -> Self {
        Self::default()
    }

    /// Live entries, for tests and metrics.
    pub fn len(&self) -> usize {
        let now = Instant::now();
        self.with(|i| i.entries.values().filter(|e| e.expires > now).count())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // A panic while holding the lock leaves the map consistent (every operation is
        // one map call), so a poisoned lock is still usable.
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    fn write<T>(&self, f: impl FnOnce(&mut HashMap<String, Entry>, Instant) -> T) -> T {
        self.with(|inner| {
            let now = Instant::now();
            if now.duration_since(inner.last_sweep) >= SWEEP_EVERY {
                inner.entries.retain(|_, e| e.expires > now);
                inner.last_sweep = now;
            }
            f(&mut inner.entries, now)
        })
    }
}

#[async_trait]
impl Ephemeral for MemoryEphemeral {
    async fn put(&self, key: &str, value: &[u8], ttl: Duration) -> Result<(), EphemeralError> {
        self.write(|m, now| {
            m.insert(
                key.to_owned(),
                Entry {
                    value: value.to_vec(),
                    expires: now + ttl,
                },
            );
        });
        Ok(())
    }

    async fn put_new(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<bool, EphemeralError> {
        Ok(self.write(|m, now| match m.get(key) {
            Some(e) if e.expires > now => false,
            _ => {
                m.insert(
                    key.to_owned(),
                    Entry {
                        value: value.to_vec(),
                        expires: now + ttl,
                    },
                );
                true
            }
        }))
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        let now = Instant::now();
        Ok(self.with(|i| {
            i.entries
                .get(key)
                .filter(|e| e.expires > now)
                .map(|e| e.value.clone())
        }))
    }

    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, EphemeralError> {
        Ok(self.write(|m, now| m.remove(key).filter(|e| e.expires > now).map(|e| e.value)))
    }

    async fn incr(&self, key: &str, ttl: Duration) -> Result<u64, EphemeralError> {
        Ok(self.write(|m, now| bump(m, key, ttl, now)))
    }

    async fn incr_each(&self, counters: &[(&str, Duration)]) -> Result<Vec<u64>, EphemeralError> {
        Ok(self.write(|m, now| {
            counters
                .iter()
                .map(|(key, ttl)| bump(m, key, *ttl, now))
                .collect()
        }))
    }

    async fn swap_existing(
        &self,
        key: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<Option<Vec<u8>>, EphemeralError> {
        Ok(self.write(|m, now| match m.get_mut(key) {
            Some(e) if e.expires > now => {
                let old = std::mem::replace(&mut e.value, value.to_vec());
                e.expires = now + ttl;
                Some(old)
            }
            _ => None,
        }))
    }

    async fn exists_any(&self, keys: &[&str]) -> Result<bool, EphemeralError> {
        let now = Instant::now();
        Ok(self.with(|i| {
            keys.iter()
                .any(|k| i.entries.get(*k).is_some_and(|e| e.expires > now))
        }))
    }

    async fn exists_each(&self, keys: &[&str]) -> Result<Vec<bool>, EphemeralError> {
        let now = Instant::now();
        Ok(self.with(|i| {
            keys.iter()
                .map(|k| i.entries.get(*k).is_some_and(|e| e.expires > now))
                .collect()
        }))
    }

    async fn delete(&self, key: &str) -> Result<(), EphemeralError> {
        self.write(|m, _| m.remove(key));
        Ok(())
    }

    async fn alive_under(&self, prefix: &str) -> Result<Vec<(String, Duration)>, EphemeralError> {
        let now = Instant::now();
        Ok(self.with(|i| {
            i.entries
                .iter()
                .filter(|(k, e)| k.starts_with(prefix) && e.expires > now)
                .map(|(k, e)| (k.clone(), e.expires - now))
                .collect()
        }))
    }

    async fn ping(&self) -> Result<(), EphemeralError> {
        Ok(())
    }
}

/// Adds one to the counter at `key`, starting its window of `ttl` when it is new or over.
fn bump(m: &mut HashMap<String, Entry>, key: &str, ttl: Duration, now: Instant) -> u64 {
    let entry = m.entry(key.to_owned()).or_insert_with(|| Entry {
        value: Vec::new(),
        expires: now + ttl,
    });
    if entry.expires <= now {
        *entry = Entry {
            value: Vec::new(),
            expires: now + ttl,
        };
    }
    let current = entry
        .value
        .as_slice()
        .try_into()
        .map(u64::from_be_bytes)
        .unwrap_or(0);
    let next = current.saturating_add(1);
    entry.value = next.to_be_bytes().to_vec();
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn expired_entries_are_swept_on_write() {
        let m = MemoryEphemeral::new();
        for i in 0..100 {
            m.put(&format!("k{i}"), b"v", Duration::from_millis(1))
                .await
                .unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
        m.with(|i| i.last_sweep = Instant::now() - SWEEP_EVERY);
        m.put("fresh", b"v", Duration::from_secs(60)).await.unwrap();
        assert_eq!(m.with(|i| i.entries.len()), 1);
    }
}
