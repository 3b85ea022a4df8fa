//! argon2id on a fixed pool of threads of its own, fed by a bounded queue: a sign-in
//! flood is answered busy as soon as the queue is full, waits in order (first come,
//! first served) otherwise, and memory stays at one argon2 buffer per thread.
//!
//! Each thread keeps its buffer between hashes. Handing argon2 a fresh 19 MiB block per
//! hash on tokio's blocking pool (threads come and go, up to 512) left glibc holding an
//! arena per thread: RSS near a gigabyte after a flood, and little of it given back.

use async_trait::async_trait;
use idp_core::crypto::{CryptoError, HashMemory, PasswordHashing};
use idp_core::ports::{PasswordError, Passwords};
use idp_core::random::Random;
use idp_core::secret::Password;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce(&mut HashMemory) + Send>;

struct Queued {
    job: Job,
    since: Instant,
}

/// How the pool is sized.
#[derive(Clone, Copy, Debug)]
pub struct PoolOptions {
    /// Hashing threads (each holds one argon2 buffer).
    pub threads: usize,
    /// Hashes waiting for a thread; one more is answered busy.
    pub queue: usize,
    /// A hash that waited longer than this is not started (its caller is told busy).
    pub queue_timeout: Duration,
}

pub struct PasswordPool {
    hashing: PasswordHashing,
    /// A hash of a random password, verified against for accounts that do not exist.
    decoy: String,
    queue: SyncSender<Queued>,
    random: Arc<dyn Random>,
    stats: Arc<HashingStats>,
}

/// How busy the pool is, for metrics.
#[derive(Debug, Default)]
pub struct HashingStats {
    pub threads: u64,
    /// Hashes that may wait for a thread.
    pub capacity: u64,
    /// Hashes waiting for a thread now.
    pub queued: AtomicU64,
    /// Hashes being computed now.
    pub running: AtomicU64,
    /// Hashes refused because the queue was full or they waited too long.
    pub refused: AtomicU64,
}

impl PasswordPool {
    /// Starts the threads and computes the decoy hash once (it blocks for one hash).
    pub fn new(
        hashing: PasswordHashing,
        options: PoolOptions,
        random: Arc<dyn Random>,
    ) -> Result<Self, PasswordError> {
        let decoy = hashing.hash(
            random.as_ref(),
            &Password::new(idp_core::random::token(random.as_ref())),
        )?;
        let (queue, jobs) = sync_channel::<Queued>(options.queue.max(1));
        let jobs = Arc::new(Mutex::new(jobs));
        let stats = Arc::new(HashingStats {
            threads: options.threads.max(1) as u64,
            capacity: options.queue.max(1) as u64,
            ..HashingStats::default()
        });
        for i in 0..options.threads.max(1) {
            let jobs = jobs.clone();
            let timeout = options.queue_timeout;
            let stats = stats.clone();
            std::thread::Builder::new()
                .name(format!("idp-hash-{i}"))
                .spawn(move || work(&jobs, timeout, &stats))
                .map_err(|e| CryptoError::Hash(format!("cannot start a hashing thread: {e}")))?;
        }
        Ok(Self {
            hashing,
            decoy,
            queue,
            random,
            stats,
        })
    }

    /// The queue's depth, the threads at work and the hashes refused, for metrics.
    pub fn stats(&self) -> Arc<HashingStats> {
        self.stats.clone()
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut HashMemory) -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let (tx, rx) = tokio::sync::oneshot::channel::<Result<T, Box<dyn Any + Send>>>();
        let job: Job = Box::new(move |memory| {
            // Nobody waits for it any more (the client went away): skip the work.
            if tx.is_closed() {
                return;
            }
            let _ = tx.send(catch_unwind(AssertUnwindSafe(|| f(memory))));
        });
        let queued = Queued {
            job,
            since: Instant::now(),
        };
        // Counted before it is sent, so a thread taking it at once never counts below zero.
        self.stats.queued.fetch_add(1, Ordering::Relaxed);
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            self.queue.try_send(queued)
        {
            self.stats.queued.fetch_sub(1, Ordering::Relaxed);
            self.stats.refused.fetch_add(1, Ordering::Relaxed);
            return Err(PasswordError::Busy);
        }
        match rx.await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(panic)) => resume_unwind(panic),
            // Dropped unstarted after waiting too long.
            Err(_) => {
                self.stats.refused.fetch_add(1, Ordering::Relaxed);
                Err(PasswordError::Busy)
            }
        }
    }
}

/// One hashing thread: takes jobs in order until the pool is dropped.
fn work(jobs: &Mutex<Receiver<Queued>>, timeout: Duration, stats: &HashingStats) {
    let mut memory = HashMemory::default();
    loop {
        let next = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        if next.is_ok() {
            stats.queued.fetch_sub(1, Ordering::Relaxed);
        }
        match next {
            Ok(q) if q.since.elapsed() > timeout => drop(q),
            Ok(q) => {
                stats.running.fetch_add(1, Ordering::Relaxed);
                (q.job)(&mut memory);
                stats.running.fetch_sub(1, Ordering::Relaxed);
            }
            Err(_) => return,
        }
    }
}

#[async_trait]
impl Passwords for PasswordPool {
    async fn hash(&self, password: Password) -> Result<String, PasswordError> {
        let hashing = self.hashing;
        let random = self.random.clone();
        Ok(self
            .run(move |memory| hashing.hash_in(random.as_ref(), &password, memory))
            .await??)
    }

    async fn verify(&self, password: Password, phc: String) -> Result<bool, PasswordError> {
        let hashing = self.hashing;
        self.run(move |memory| hashing.verify_in(&password, &phc, memory))
            .await
    }

    async fn burn(&self, password: Password) -> Result<(), PasswordError> {
        self.verify(password, self.decoy.clone()).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use idp_core::random::OsRandom;

    fn pool(threads: usize, queue: usize) -> PasswordPool {
        PasswordPool::new(
            PasswordHashing {
                memory_kib: 1024,
                iterations: 2,
                parallelism: 1,
            },
            PoolOptions {
                threads,
                queue,
                queue_timeout: Duration::from_secs(10),
            },
            Arc::new(OsRandom),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn hashes_and_verifies_on_the_pool() {
        let p = pool(2, 4);
        let phc = p.hash(Password::new("correct horse")).await.unwrap();
        assert!(
            p.verify(Password::new("correct horse"), phc.clone())
                .await
                .unwrap()
        );
        assert!(!p.verify(Password::new("wrong"), phc).await.unwrap());
        p.burn(Password::new("x")).await.unwrap();
    }

    #[tokio::test]
    async fn a_full_queue_answers_busy_at_once() {
        let p = Arc::new(pool(1, 1));
        let phc = p.hash(Password::new("pw")).await.unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..20 {
            let (p, phc) = (p.clone(), phc.clone());
            tasks.spawn(async move { p.verify(Password::new("pw"), phc).await });
        }
        let (mut ok, mut busy) = (0, 0);
        while let Some(r) = tasks.join_next().await {
            match r.unwrap() {
                Ok(true) => ok += 1,
                Err(PasswordError::Busy) => busy += 1,
                other => panic!("{other:?}"),
            }
        }
        assert!(ok >= 1 && busy >= 1, "ok {ok}, busy {busy}");
        assert_eq!(p.stats().refused.load(Ordering::Relaxed), busy);
        assert_eq!(
            p.stats().queued.load(Ordering::Relaxed),
            0,
            "nothing left queued"
        );
    }
}
