//! argon2id on the blocking pool, a bounded number at a time: a sign-in flood queues
//! briefly, then is refused, and never exhausts memory.

use async_trait::async_trait;
use idp_core::crypto::PasswordHashing;
use idp_core::ports::{PasswordError, Passwords};
use idp_core::random::Random;
use idp_core::secret::Password;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

pub struct BlockingPasswords {
    hashing: PasswordHashing,
    /// A hash of a random password, verified against for accounts that do not exist.
    decoy: String,
    permits: Arc<Semaphore>,
    queue_timeout: Duration,
    random: Arc<dyn Random>,
}

impl BlockingPasswords {
    /// Computes the decoy hash once, so call it at start-up (it blocks for one hash).
    pub fn new(
        hashing: PasswordHashing,
        max_concurrent: usize,
        queue_timeout: Duration,
        random: Arc<dyn Random>,
    ) -> Result<Self, PasswordError> {
        let decoy = hashing.hash(
            random.as_ref(),
            &Password::new(idp_core::random::token(random.as_ref())),
        )?;
        Ok(Self {
            hashing,
            decoy,
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            queue_timeout,
            random,
        })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordError> {
        let permit = tokio::time::timeout(self.queue_timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| PasswordError::Busy)?
            .map_err(|_| PasswordError::Busy)?;
        let joined = tokio::task::spawn_blocking(move || {
            let out = f();
            drop(permit);
            out
        })
        .await;
        match joined {
            Ok(v) => Ok(v),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(PasswordError::Busy),
        }
    }
}

#[async_trait]
impl Passwords for BlockingPasswords {
    async fn hash(&self, password: Password) -> Result<String, PasswordError> {
        let hashing = self.hashing;
        let random = self.random.clone();
        Ok(self
            .blocking(move || hashing.hash(random.as_ref(), &password))
            .await??)
    }

    async fn verify(&self, password: Password, phc: String) -> Result<bool, PasswordError> {
        let hashing = self.hashing;
        self.blocking(move || hashing.verify(&password, &phc)).await
    }

    async fn burn(&self, password: Password) -> Result<(), PasswordError> {
        self.verify(password, self.decoy.clone()).await.map(drop)
    }
}
