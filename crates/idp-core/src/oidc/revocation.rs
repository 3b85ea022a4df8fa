//! Revocation of access tokens and grants. The database holds every revocation
//! (durable); the ephemeral store caches them for the hot path. A marker key says the
//! cache holds every revocation in force. When the marker is missing (Redis restarted
//! or flushed, or a fresh in-memory store after a restart), the cache is reloaded from
//! the database before answering, so a revoked token never works again merely because
//! the cache forgot it. In the common case a check is one ephemeral round trip.

use crate::clock::Timestamp;
use crate::ids::GrantId;
use crate::ports::{Ephemeral, EphemeralError, NewEntry, RevocationRepo, StoreError};
use crate::records::{Revocation, Revoked};
use std::time::Duration;

/// Set once the cache holds every revocation in force.
pub const LOADED_KEY: &str = "revocations-loaded";
/// How long the marker lives: the cache is reloaded at least this often, which bounds
/// how long a revocation whose cache write failed can be missed.
pub const LOADED_TTL: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum RevocationError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
}

pub fn cache_key(revoked: &Revoked) -> String {
    match revoked {
        Revoked::AccessToken(jti) => format!("revoked-jti:{jti}"),
        Revoked::Grant(grant) => format!("revoked-grant:{grant}"),
    }
}

/// The revocation cache in front of the database.
pub struct RevocationCache<'a> {
    pub ephemeral: &'a dyn Ephemeral,
    pub durable: &'a dyn RevocationRepo,
    /// How long a revoked grant matters: the longest an access token lives. A grant
    /// whose own record is missing is reloaded from its `revoked_at` this long.
    pub horizon: Duration,
}

fn ttl_until(expires_at: Timestamp, now: Timestamp) -> Option<Duration> {
    let left = expires_at.as_secs() - now.as_secs();
    (expires_at > now).then(|| Duration::from_secs(u64::try_from(left).unwrap_or(0).max(1)))
}

impl RevocationCache<'_> {
    /// Whether the access token `jti`, issued under `grant`, is revoked.
    pub async fn is_revoked(
        &self,
        now: Timestamp,
        jti: &str,
        grant: Option<&GrantId>,
    ) -> Result<bool, RevocationError> {
        self.is_revoked_marking(now, jti, grant, None)
            .await
            .map(|(revoked, _)| revoked)
    }

    /// As [`RevocationCache::is_revoked`], storing `mark` if absent in the same round
    /// trip (a DPoP proof's `jti`): whether the token is revoked, and whether `mark` was
    /// stored (`None` without one).
    pub async fn is_revoked_marking(
        &self,
        now: Timestamp,
        jti: &str,
        grant: Option<&GrantId>,
        mark: Option<&NewEntry<'_>>,
    ) -> Result<(bool, Option<bool>), RevocationError> {
        let wanted: Vec<Revoked> = std::iter::once(Revoked::AccessToken(jti.to_owned()))
            .chain(grant.cloned().map(Revoked::Grant))
            .collect();
        let keys: Vec<String> = wanted.iter().map(cache_key).collect();
        // The marker and the keys in one atomic read: a flush cannot fall between them.
        let mut all: Vec<&str> = vec![LOADED_KEY];
        all.extend(keys.iter().map(String::as_str));
        let (found, marked) = match mark {
            Some(entry) => {
                let (found, stored) = self.ephemeral.exists_each_then_put_new(&all, entry).await?;
                (found, Some(stored))
            }
            None => (self.ephemeral.exists_each(&all).await?, None),
        };
        let (loaded, hits) = found.split_first().unwrap_or((&false, &[]));
        if hits.iter().any(|h| *h) {
            return Ok((true, marked));
        }
        if *loaded {
            return Ok((false, marked));
        }
        let reloaded = self.reload(now).await?;
        Ok((reloaded.iter().any(|r| wanted.contains(&r.revoked)), marked))
    }

    /// Fills the cache from the database, then sets the marker. Returns what it loaded.
    pub async fn reload(&self, now: Timestamp) -> Result<Vec<Revocation>, RevocationError> {
        let since = now.minus(self.horizon);
        let all = self
            .durable
            .find_revocations(now, since, self.horizon)
            .await?;
        for r in &all {
            if let Some(ttl) = ttl_until(r.expires_at, now) {
                self.ephemeral
                    .put(&cache_key(&r.revoked), b"1", ttl)
                    .await?;
            }
        }
        self.ephemeral.put(LOADED_KEY, b"1", LOADED_TTL).await?;
        Ok(all)
    }
}

/// Caches a revocation the caller has just recorded in the database. When the cache
/// cannot take it, the marker is dropped (best effort) so the next check reloads.
pub async fn remember(
    ephemeral: &dyn Ephemeral,
    now: Timestamp,
    r: &Revocation,
) -> Result<(), EphemeralError> {
    let Some(ttl) = ttl_until(r.expires_at, now) else {
        return Ok(());
    };
    let written = ephemeral.put(&cache_key(&r.revoked), b"1", ttl).await;
    if written.is_err() {
        let _ = ephemeral.delete(LOADED_KEY).await;
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemoryEphemeral;
    use async_trait::async_trait;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const NOW: Timestamp = Timestamp::from_secs(1_800_000_000);
    const HORIZON: Duration = Duration::from_secs(900);

    /// The database side: recorded revocations, and grants with their `revoked_at`.
    #[derive(Default)]
    struct Durable {
        recorded: Mutex<Vec<Revocation>>,
        revoked_grants: Mutex<Vec<(GrantId, Timestamp)>>,
        reads: AtomicUsize,
    }

    #[async_trait]
    impl RevocationRepo for Durable {
        async fn find_revocations(
            &self,
            now: Timestamp,
            since: Timestamp,
            horizon: Duration,
        ) -> Result<Vec<Revocation>, StoreError> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            let mut all: Vec<Revocation> = self
                .recorded
                .lock()
                .unwrap()
                .iter()
                .filter(|r| r.expires_at > now)
                .cloned()
                .collect();
            all.extend(
                self.revoked_grants
                    .lock()
                    .unwrap()
                    .iter()
                    .filter(|(_, at)| *at >= since)
                    .map(|(g, at)| Revocation {
                        revoked: Revoked::Grant(g.clone()),
                        expires_at: at.plus(horizon),
                    }),
            );
            Ok(all)
        }
        async fn delete_expired_revocations(&self, _: Timestamp) -> Result<u64, StoreError> {
            unreachable!()
        }
    }

    fn cache<'a>(ephemeral: &'a MemoryEphemeral, durable: &'a Durable) -> RevocationCache<'a> {
        RevocationCache {
            ephemeral,
            durable,
            horizon: HORIZON,
        }
    }

    fn token(jti: &str, secs: u64) -> Revocation {
        Revocation {
            revoked: Revoked::AccessToken(jti.into()),
            expires_at: NOW.plus(Duration::from_secs(secs)),
        }
    }

    /// As the use cases do it: the database first, then the cache.
    async fn revoke(c: &RevocationCache<'_>, durable: &Durable, r: Revocation) {
        durable.recorded.lock().unwrap().push(r.clone());
        remember(c.ephemeral, NOW, &r).await.unwrap();
    }

    #[tokio::test]
    async fn a_revocation_survives_a_flushed_cache() {
        let (eph, db) = (MemoryEphemeral::default(), Durable::default());
        let c = cache(&eph, &db);
        revoke(&c, &db, token("a", 600)).await;
        assert!(c.is_revoked(NOW, "a", None).await.unwrap());
        eph.flush();
        assert!(
            c.is_revoked(NOW, "a", None).await.unwrap(),
            "reloaded from the database"
        );
        assert_eq!(db.reads.load(Ordering::SeqCst), 1);
        assert!(eph.has(LOADED_KEY) && eph.has("revoked-jti:a"));
    }

    #[tokio::test]
    async fn once_loaded_checks_do_not_read_the_database() {
        let (eph, db) = (MemoryEphemeral::default(), Durable::default());
        let c = cache(&eph, &db);
        assert!(!c.is_revoked(NOW, "x", None).await.unwrap());
        assert_eq!(db.reads.load(Ordering::SeqCst), 1, "the first check loads");
        for i in 0..20 {
            let jti = format!("t{i}");
            assert!(!c.is_revoked(NOW, &jti, None).await.unwrap());
        }
        revoke(&c, &db, token("b", 600)).await;
        assert!(c.is_revoked(NOW, "b", None).await.unwrap());
        assert_eq!(db.reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_grant_revoked_in_the_database_revokes_its_tokens_after_a_flush() {
        let (eph, db) = (MemoryEphemeral::default(), Durable::default());
        let c = cache(&eph, &db);
        let grant = GrantId::from_string("g1");
        // Refresh-token reuse revokes the grant row; its cache write was lost.
        db.revoked_grants
            .lock()
            .unwrap()
            .push((grant.clone(), NOW.minus(Duration::from_secs(60))));
        assert!(c.is_revoked(NOW, "any", Some(&grant)).await.unwrap());
        assert!(eph.has("revoked-grant:g1"));
        let other = GrantId::from_string("g2");
        assert!(!c.is_revoked(NOW, "any", Some(&other)).await.unwrap());
    }

    #[tokio::test]
    async fn what_has_expired_is_not_reloaded() {
        let (eph, db) = (MemoryEphemeral::default(), Durable::default());
        let c = cache(&eph, &db);
        db.recorded.lock().unwrap().push(Revocation {
            revoked: Revoked::AccessToken("old".into()),
            expires_at: NOW.minus(Duration::from_secs(1)),
        });
        db.revoked_grants.lock().unwrap().push((
            GrantId::from_string("long-ago"),
            NOW.minus(HORIZON).minus(Duration::from_secs(1)),
        ));
        let reloaded = c.reload(NOW).await.unwrap();
        assert!(reloaded.is_empty());
        assert!(!eph.has("revoked-jti:old") && !eph.has("revoked-grant:long-ago"));
    }

    #[tokio::test]
    async fn a_failed_cache_write_drops_the_marker_so_the_next_check_reloads() {
        let (eph, db) = (MemoryEphemeral::default(), Durable::default());
        let c = cache(&eph, &db);
        c.reload(NOW).await.unwrap();
        let r = token("c", 600);
        db.recorded.lock().unwrap().push(r.clone());
        eph.fail_writes.store(true, Ordering::SeqCst);
        assert!(remember(&eph, NOW, &r).await.is_err());
        eph.fail_writes.store(false, Ordering::SeqCst);
        assert!(!eph.has(LOADED_KEY));
        assert!(c.is_revoked(NOW, "c", None).await.unwrap());
    }
}
