//! The ephemeral store contract: the same tests on the in-process store and on Redis
//! (`IDP_TEST_REDIS_URL`, a fresh key prefix per test). Times to live are short and the
//! sleeps are twice the time to live, so the suite stays fast without racing the clock.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "an integration test crate is not a #[cfg(test)] module, so clippy.toml's test allowances do not reach it"
)]

mod common;

use idp_core::ports::Ephemeral;
use idp_store::{MemoryEphemeral, RedisEphemeral, RedisOptions};
use std::sync::Arc;

/// A Redis store under a prefix no other test uses, or `None` after a skip line.
async fn redis_store(test: &str) -> Option<Arc<dyn Ephemeral>> {
    let url = common::backend_url(common::REDIS_URL_VAR, test)?;
    Some(Arc::new(
        connect_redis(&url, &format!("idp-test-{}", common::unique_token())).await,
    ))
}

async fn connect_redis(url: &str, prefix: &str) -> RedisEphemeral {
    // Generous timeouts: these contracts are about answers, not speed, and CI machines
    // can stall a process for longer than production's half second.
    let options = RedisOptions {
        prefix: prefix.to_owned(),
        connect_timeout: std::time::Duration::from_secs(10),
        command_timeout: std::time::Duration::from_secs(5),
    };
    RedisEphemeral::connect(url, options)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to Redis at {url}: {e}"))
}

/// One `#[tokio::test]` per implementation for each contract: `contract => memory_name, redis_name;`.
macro_rules! ephemeral_tests {
    ($($contract:ident => $memory:ident, $redis:ident;)+) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $memory() {
                contracts::$contract(Arc::new(MemoryEphemeral::new())).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $redis() {
                let Some(store) = redis_store(stringify!($redis)).await else { return };
                contracts::$contract(store).await;
            }
        )+
    };
}

ephemeral_tests! {
    put_get_and_overwrite => memory_put_get_and_overwrite, redis_put_get_and_overwrite;
    put_new_only_when_absent => memory_put_new_only_when_absent, redis_put_new_only_when_absent;
    take_is_single_use_under_concurrency => memory_take_is_single_use_under_concurrency, redis_take_is_single_use_under_concurrency;
    incr_counts_and_expires => memory_incr_counts_and_expires, redis_incr_counts_and_expires;
    incr_window_starts_at_first_increment => memory_incr_window_starts_at_first_increment, redis_incr_window_starts_at_first_increment;
    incr_each_counts_each_key_in_its_own_window => memory_incr_each_counts_each_key_in_its_own_window, redis_incr_each_counts_each_key_in_its_own_window;
    delete_removes => memory_delete_removes, redis_delete_removes;
    entries_expire_after_their_ttl => memory_entries_expire_after_their_ttl, redis_entries_expire_after_their_ttl;
    swap_existing_marks_once_under_concurrency => memory_swap_existing_marks_once_under_concurrency, redis_swap_existing_marks_once_under_concurrency;
    exists_any_sees_any_live_key => memory_exists_any_sees_any_live_key, redis_exists_any_sees_any_live_key;
    exists_each_answers_per_key => memory_exists_each_answers_per_key, redis_exists_each_answers_per_key;
    exists_each_then_put_new_reads_then_marks_once => memory_exists_each_then_put_new_reads_then_marks_once, redis_exists_each_then_put_new_reads_then_marks_once;
    alive_under_lists_live_keys_of_a_prefix => memory_alive_under_lists_live_keys_of_a_prefix, redis_alive_under_lists_live_keys_of_a_prefix;
}

/// Two deployments sharing one Redis under different prefixes never see each other's keys.
#[tokio::test]
async fn redis_prefixes_keep_deployments_apart() {
    let Some(url) = common::backend_url(
        common::REDIS_URL_VAR,
        "redis_prefixes_keep_deployments_apart",
    ) else {
        return;
    };
    let token = common::unique_token();
    let a = connect_redis(&url, &format!("idp-test-a-{token}")).await;
    let b = connect_redis(&url, &format!("idp-test-b-{token}")).await;
    let ttl = std::time::Duration::from_secs(5);
    a.put("code:1", b"from a", ttl).await.unwrap();
    assert_eq!(b.get("code:1").await.unwrap(), None);
    assert!(b.put_new("code:1", b"from b", ttl).await.unwrap());
    assert_eq!(
        a.take("code:1").await.unwrap().as_deref(),
        Some(&b"from a"[..])
    );
    assert_eq!(
        b.get("code:1").await.unwrap().as_deref(),
        Some(&b"from b"[..])
    );
    a.ping().await.unwrap();
    b.delete("code:1").await.unwrap();
}

mod contracts {
    use idp_core::ports::Ephemeral;
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::sync::Barrier;
    use tokio::task::JoinSet;

    /// Long enough never to expire during a test; short enough to leave nothing behind.
    const LIVE: Duration = Duration::from_secs(10);
    const SHORT: Duration = Duration::from_millis(300);
    /// Twice `SHORT`: an entry with that time to live is certainly gone.
    const PAST_SHORT: Duration = Duration::from_millis(600);

    pub async fn put_get_and_overwrite(store: Arc<dyn Ephemeral>) {
        store.ping().await.unwrap();
        // Binary values come back byte for byte.
        let value: Vec<u8> = vec![0, 255, 10, 13, 0x80, b'{'];
        store.put("pending:1", &value, LIVE).await.unwrap();
        assert_eq!(store.get("pending:1").await.unwrap(), Some(value.clone()));
        assert_eq!(
            store.get("pending:1").await.unwrap(),
            Some(value),
            "get does not consume"
        );
        store.put("pending:1", b"second", LIVE).await.unwrap();
        assert_eq!(
            store.get("pending:1").await.unwrap().as_deref(),
            Some(&b"second"[..]),
            "put overwrites"
        );
        assert_eq!(store.get("pending:2").await.unwrap(), None);
        store.put("empty", b"", LIVE).await.unwrap();
        assert_eq!(
            store.get("empty").await.unwrap(),
            Some(Vec::new()),
            "an empty value is still a value"
        );
    }

    pub async fn put_new_only_when_absent(store: Arc<dyn Ephemeral>) {
        assert!(store.put_new("replay:jti-1", b"first", LIVE).await.unwrap());
        assert!(
            !store
                .put_new("replay:jti-1", b"second", LIVE)
                .await
                .unwrap()
        );
        assert_eq!(
            store.get("replay:jti-1").await.unwrap().as_deref(),
            Some(&b"first"[..]),
            "the first value stays"
        );

        // Sixteen nodes seeing the same assertion at once: one of them records it.
        let barrier = Arc::new(Barrier::new(16));
        let mut tasks = JoinSet::new();
        for i in 0..16u8 {
            let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
            tasks.spawn(async move {
                barrier.wait().await;
                (i, store.put_new("replay:jti-2", &[i], LIVE).await.unwrap())
            });
        }
        let winners: Vec<u8> = tasks
            .join_all()
            .await
            .into_iter()
            .filter(|(_, won)| *won)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(winners.len(), 1, "exactly one put_new stores");
        assert_eq!(
            store.get("replay:jti-2").await.unwrap(),
            Some(winners),
            "and its value is the one kept"
        );
    }

    pub async fn take_is_single_use_under_concurrency(store: Arc<dyn Ephemeral>) {
        store
            .put("code:once", b"authorization code", LIVE)
            .await
            .unwrap();
        assert_eq!(
            store.take("code:once").await.unwrap().as_deref(),
            Some(&b"authorization code"[..])
        );
        assert_eq!(
            store.take("code:once").await.unwrap(),
            None,
            "taken already"
        );
        assert_eq!(store.get("code:once").await.unwrap(), None);

        store.put("code:raced", b"the code", LIVE).await.unwrap();
        let barrier = Arc::new(Barrier::new(32));
        let mut tasks = JoinSet::new();
        for _ in 0..32 {
            let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
            tasks.spawn(async move {
                barrier.wait().await;
                store.take("code:raced").await.unwrap()
            });
        }
        let taken: Vec<Vec<u8>> = tasks.join_all().await.into_iter().flatten().collect();
        assert_eq!(
            taken,
            vec![b"the code".to_vec()],
            "exactly one of 32 concurrent takes gets the value"
        );
        assert_eq!(store.get("code:raced").await.unwrap(), None);
    }

    pub async fn swap_existing_marks_once_under_concurrency(store: Arc<dyn Ephemeral>) {
        assert_eq!(
            store
                .swap_existing("code:none", b"used", LIVE)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            store.get("code:none").await.unwrap(),
            None,
            "a missing key stays missing"
        );

        store.put("code:raced", b"the code", LIVE).await.unwrap();
        let barrier = Arc::new(Barrier::new(32));
        let mut tasks = JoinSet::new();
        for _ in 0..32 {
            let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
            tasks.spawn(async move {
                barrier.wait().await;
                store
                    .swap_existing("code:raced", b"used", LIVE)
                    .await
                    .unwrap()
            });
        }
        let seen: Vec<Vec<u8>> = tasks.join_all().await.into_iter().flatten().collect();
        assert_eq!(
            seen.len(),
            32,
            "every swap of an existing key returns the value it replaced"
        );
        assert_eq!(
            seen.iter().filter(|v| v.as_slice() == b"the code").count(),
            1,
            "exactly one sees the original"
        );
        assert_eq!(
            store.get("code:raced").await.unwrap().as_deref(),
            Some(&b"used"[..])
        );

        store.put("code:short", b"v", LIVE).await.unwrap();
        store
            .swap_existing("code:short", b"used", SHORT)
            .await
            .unwrap();
        tokio::time::sleep(PAST_SHORT).await;
        assert_eq!(
            store.get("code:short").await.unwrap(),
            None,
            "the swap sets the new time to live"
        );
    }

    pub async fn exists_any_sees_any_live_key(store: Arc<dyn Ephemeral>) {
        assert!(!store.exists_any(&[]).await.unwrap());
        assert!(!store.exists_any(&["revoked:a", "revoked:b"]).await.unwrap());
        store.put("revoked:b", b"1", LIVE).await.unwrap();
        assert!(store.exists_any(&["revoked:a", "revoked:b"]).await.unwrap());
        assert!(!store.exists_any(&["revoked:a"]).await.unwrap());
        store.put("revoked:c", b"1", SHORT).await.unwrap();
        tokio::time::sleep(PAST_SHORT).await;
        assert!(!store.exists_any(&["revoked:c"]).await.unwrap());
    }

    pub async fn exists_each_answers_per_key(store: Arc<dyn Ephemeral>) {
        assert_eq!(store.exists_each(&[]).await.unwrap(), Vec::<bool>::new());
        store.put("marker", b"1", LIVE).await.unwrap();
        store.put("revoked:y", b"", LIVE).await.unwrap();
        store.put("revoked:z", b"1", SHORT).await.unwrap();
        tokio::time::sleep(PAST_SHORT).await;
        assert_eq!(
            store
                .exists_each(&["marker", "revoked:x", "revoked:y", "revoked:z"])
                .await
                .unwrap(),
            vec![true, false, true, false],
            "in order; an empty value exists; an expired key does not"
        );
    }

    pub async fn exists_each_then_put_new_reads_then_marks_once(store: Arc<dyn Ephemeral>) {
        use idp_core::ports::NewEntry;
        store.put("marker", b"1", LIVE).await.unwrap();
        let jti = |key| NewEntry {
            key,
            value: b"1",
            ttl: SHORT,
        };
        let keys = ["marker", "revoked:x"];
        assert_eq!(
            store
                .exists_each_then_put_new(&keys, &jti("jti:a"))
                .await
                .unwrap(),
            (vec![true, false], true),
            "the keys read, the entry stored"
        );
        assert_eq!(
            store
                .exists_each_then_put_new(&keys, &jti("jti:a"))
                .await
                .unwrap(),
            (vec![true, false], false),
            "a second time: not stored"
        );
        assert_eq!(
            store.get("jti:a").await.unwrap().as_deref(),
            Some(&b"1"[..])
        );
        assert_eq!(
            store
                .exists_each_then_put_new(&[], &jti("jti:b"))
                .await
                .unwrap(),
            (Vec::new(), true),
            "no keys to read"
        );
        tokio::time::sleep(PAST_SHORT).await;
        assert!(
            store
                .exists_each_then_put_new(&keys, &jti("jti:a"))
                .await
                .unwrap()
                .1,
            "stored again once the first expired"
        );
    }

    pub async fn incr_counts_and_expires(store: Arc<dyn Ephemeral>) {
        assert_eq!(store.incr("fails:ada", SHORT).await.unwrap(), 1);
        assert_eq!(store.incr("fails:ada", SHORT).await.unwrap(), 2);
        assert_eq!(store.incr("fails:ada", SHORT).await.unwrap(), 3);
        assert_eq!(
            store.incr("fails:bob", SHORT).await.unwrap(),
            1,
            "counters are per key"
        );
        tokio::time::sleep(PAST_SHORT).await;
        assert_eq!(
            store.incr("fails:ada", SHORT).await.unwrap(),
            1,
            "the window ended: counting starts again"
        );

        // Concurrent sign-in failures: each increment counted once.
        let mut tasks = JoinSet::new();
        for _ in 0..20 {
            let store = Arc::clone(&store);
            tasks.spawn(async move { store.incr("fails:flood", LIVE).await.unwrap() });
        }
        let mut counts = tasks.join_all().await;
        counts.sort_unstable();
        assert_eq!(counts, (1..=20).collect::<Vec<u64>>());
    }

    /// The live keys under a prefix and their time left, however many pages they span;
    /// a prefix is matched as written, pattern characters included.
    pub async fn alive_under_lists_live_keys_of_a_prefix(store: Arc<dyn Ephemeral>) {
        store.put("blocked:long", b"1", LIVE).await.unwrap();
        store.put("blocked:short", b"1", SHORT).await.unwrap();
        store.put("blocked*[x]:odd", b"1", LIVE).await.unwrap();
        store.put("blockedness:other", b"1", LIVE).await.unwrap();
        for i in 0..1200 {
            store.put(&format!("many:{i}"), b"1", LIVE).await.unwrap();
        }
        let mut blocked = store.alive_under("blocked:").await.unwrap();
        blocked.sort();
        let keys: Vec<&str> = blocked.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["blocked:long", "blocked:short"]);
        assert!(blocked[0].1 > SHORT && blocked[0].1 <= LIVE, "{blocked:?}");
        assert!(
            blocked[1].1 > Duration::ZERO && blocked[1].1 <= SHORT,
            "{blocked:?}"
        );

        let odd = store.alive_under("blocked*[x]:").await.unwrap();
        assert_eq!(odd.len(), 1, "{odd:?}");
        assert_eq!(odd[0].0, "blocked*[x]:odd");

        let mut many: Vec<String> = store
            .alive_under("many:")
            .await
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        many.sort_unstable();
        assert_eq!(many.len(), 1200);
        assert!(store.alive_under("nothing:").await.unwrap().is_empty());

        tokio::time::sleep(PAST_SHORT).await;
        let left: Vec<String> = store
            .alive_under("blocked:")
            .await
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(left, ["blocked:long"], "an expired key is not listed");
    }

    /// Counters bumped together (an address and an account) count as `incr` would, each
    /// in its own window, and share counts with `incr` on the same keys.
    pub async fn incr_each_counts_each_key_in_its_own_window(store: Arc<dyn Ephemeral>) {
        let both = [("count:address", SHORT), ("count:account", LIVE)];
        assert_eq!(store.incr_each(&both).await.unwrap(), vec![1, 1]);
        assert_eq!(store.incr("count:account", LIVE).await.unwrap(), 2);
        assert_eq!(store.incr_each(&both).await.unwrap(), vec![2, 3]);
        assert_eq!(store.incr_each(&[]).await.unwrap(), Vec::<u64>::new());
        tokio::time::sleep(PAST_SHORT).await;
        assert_eq!(
            store.incr_each(&both).await.unwrap(),
            vec![1, 4],
            "the short window ended, the long one goes on"
        );

        // Concurrent attempts: each counted once on every key.
        let mut tasks = JoinSet::new();
        for _ in 0..20 {
            let store = Arc::clone(&store);
            tasks.spawn(async move {
                store
                    .incr_each(&[("flood:address", LIVE), ("flood:account", LIVE)])
                    .await
                    .unwrap()
            });
        }
        let mut firsts: Vec<u64> = Vec::new();
        for counts in tasks.join_all().await {
            assert_eq!(counts.len(), 2);
            firsts.push(counts[0]);
        }
        firsts.sort_unstable();
        assert_eq!(firsts, (1..=20).collect::<Vec<u64>>());
        assert_eq!(store.incr("flood:account", LIVE).await.unwrap(), 21);
    }

    /// A rate-limit window is fixed: later increments do not push its end back.
    pub async fn incr_window_starts_at_first_increment(store: Arc<dyn Ephemeral>) {
        let window = Duration::from_millis(500);
        assert_eq!(store.incr("rate:ip", window).await.unwrap(), 1);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(store.incr("rate:ip", window).await.unwrap(), 2);
        // 600 ms after the first increment: its window is over, though the second was 300 ms ago.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(store.incr("rate:ip", window).await.unwrap(), 1);
    }

    pub async fn delete_removes(store: Arc<dyn Ephemeral>) {
        store.put("link:1", b"one-time link", LIVE).await.unwrap();
        store.put("link:2", b"another", LIVE).await.unwrap();
        store.delete("link:1").await.unwrap();
        assert_eq!(store.get("link:1").await.unwrap(), None);
        assert_eq!(store.take("link:1").await.unwrap(), None);
        assert_eq!(
            store.get("link:2").await.unwrap().as_deref(),
            Some(&b"another"[..]),
            "only that key"
        );
        store.delete("link:1").await.unwrap();
        store.delete("never-written").await.unwrap();
        assert!(
            store.put_new("link:1", b"again", LIVE).await.unwrap(),
            "a deleted key is absent"
        );
    }

    pub async fn entries_expire_after_their_ttl(store: Arc<dyn Ephemeral>) {
        store.put("pending:short", b"v", SHORT).await.unwrap();
        store.put("code:short", b"v", SHORT).await.unwrap();
        assert!(store.put_new("nonce:short", b"v", SHORT).await.unwrap());
        store.put("pending:long", b"v", LIVE).await.unwrap();
        assert_eq!(
            store.get("pending:short").await.unwrap().as_deref(),
            Some(&b"v"[..])
        );
        tokio::time::sleep(PAST_SHORT).await;
        assert_eq!(
            store.get("pending:short").await.unwrap(),
            None,
            "get after the ttl"
        );
        assert_eq!(
            store.take("code:short").await.unwrap(),
            None,
            "take after the ttl"
        );
        assert!(
            store.put_new("nonce:short", b"w", SHORT).await.unwrap(),
            "put_new after the ttl"
        );
        assert_eq!(
            store.get("pending:long").await.unwrap().as_deref(),
            Some(&b"v"[..]),
            "a longer ttl still holds"
        );
    }
}
