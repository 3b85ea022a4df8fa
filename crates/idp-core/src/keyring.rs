//! The signing-key ring: keys published before they sign, promoted by rotation, retired
//! until everything they signed has expired; and the parsed set a node signs and verifies with.
//!
//! Per algorithm there is at most one `current` key (it signs) and one `next` key (it is in
//! the JWKS, waiting). Retired keys stay in the JWKS until their `expires_at`. Private keys
//! are stored as PKCS#8 sealed under the master key.

use crate::client::SigningAlg;
use crate::clock::{Clock, Timestamp};
use crate::crypto::{CryptoError, MasterKey};
use crate::jose::{JoseError, JwkSet, SigningKeyPair, VerifyingKey, public_jwks_json};
use crate::ports::{KeyRepo, StoreError};
use crate::random::Random;
use crate::records::{KeyState, SigningKey};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Bound as associated data when sealing a private key, so no other sealed secret can
/// stand in for one.
pub const SEAL_PURPOSE: &str = "idp/signing-key";

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a new signing key could not be made: {0}")]
    Generate(#[source] JoseError),
    #[error("the signing key {kid:?} could not be unsealed: {source}")]
    Sealed {
        kid: String,
        #[source]
        source: CryptoError,
    },
    #[error("the signing key {kid:?} is unusable: {source}")]
    Unusable {
        kid: String,
        #[source]
        source: JoseError,
    },
    #[error("the signing key {kid:?} is gone; is another rotation running?")]
    Vanished { kid: String },
}

/// A key [`ensure_keys`] or [`rotate`] created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewKey {
    pub kid: String,
    pub alg: SigningAlg,
    pub state: KeyState,
}

/// What [`rotate`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotationReport {
    pub alg: SigningAlg,
    /// The key that signs from now on.
    pub promoted: String,
    /// False when there was no next key and the promoted one was created just now, so it
    /// signs without having been published ahead.
    pub promoted_was_published: bool,
    /// The keys that stopped signing; they stay published until `retired_until`.
    pub retired: Vec<String>,
    pub retired_until: Timestamp,
    /// The fresh next key, published from now on.
    pub next: String,
}

async fn create_key(
    keys: &dyn KeyRepo,
    master_key: &MasterKey,
    rng: &dyn Random,
    now: Timestamp,
    alg: SigningAlg,
    state: KeyState,
) -> Result<NewKey, KeyringError> {
    let record = new_key(master_key, rng, now, alg, state)?;
    keys.insert(&record).await?;
    Ok(NewKey {
        kid: record.kid,
        alg,
        state,
    })
}

fn new_key(
    master_key: &MasterKey,
    rng: &dyn Random,
    now: Timestamp,
    alg: SigningAlg,
    state: KeyState,
) -> Result<SigningKey, KeyringError> {
    let (pair, der) = SigningKeyPair::generate(alg, rng).map_err(KeyringError::Generate)?;
    let record = SigningKey {
        kid: pair.kid().to_owned(),
        alg,
        state,
        private_sealed: master_key.seal(rng, SEAL_PURPOSE, &der),
        public_jwk: pair.public_jwk().to_string(),
        created_at: now,
        activated_at: (state == KeyState::Current).then_some(now),
        retired_at: None,
        expires_at: None,
    };
    Ok(record)
}

fn has(published: &[SigningKey], alg: SigningAlg, state: KeyState) -> bool {
    published.iter().any(|k| k.alg == alg && k.state == state)
}

/// Makes sure every algorithm in `algs` has a current and a next key, creating what is
/// missing. Running it again changes nothing. Returns the keys it created.
pub async fn ensure_keys(
    keys: &dyn KeyRepo,
    master_key: &MasterKey,
    rng: &dyn Random,
    clock: &dyn Clock,
    algs: &[SigningAlg],
) -> Result<Vec<NewKey>, KeyringError> {
    let now = clock.now();
    let published = keys.find_published(now).await?;
    let mut created = Vec::new();
    for (i, &alg) in algs.iter().enumerate() {
        if algs.get(..i).is_some_and(|before| before.contains(&alg)) {
            continue;
        }
        for state in [KeyState::Current, KeyState::Next] {
            if has(&published, alg, state) {
                continue;
            }
            // Another node starting at the same moment may create it first: then its
            // key is the one everybody publishes, and this one is dropped unused.
            let record = new_key(master_key, rng, now, alg, state)?;
            if keys.insert_if_missing(&record, now).await? {
                created.push(NewKey {
                    kid: record.kid,
                    alg,
                    state,
                });
            }
        }
    }
    Ok(created)
}

/// Rotates `alg`: the next key becomes current, the current one is retired and stays
/// published for `retire_after` (the longest lifetime of anything it signed), and a fresh
/// next key is created.
///
/// Why a next key: it is in the JWKS from the moment it is created, and promotion only
/// changes which key signs. Relying parties therefore hold the new key before the first
/// token signed with it reaches them — as long as nodes reload the key ring (and relying
/// parties refetch the JWKS) more often than rotations happen. With no next key, a fresh
/// key is created and promoted at once without that head start (relying parties that
/// refetch the JWKS on an unknown kid still cope); the report says so.
pub async fn rotate(
    keys: &dyn KeyRepo,
    master_key: &MasterKey,
    rng: &dyn Random,
    clock: &dyn Clock,
    alg: SigningAlg,
    retire_after: Duration,
) -> Result<RotationReport, KeyringError> {
    let now = clock.now();
    let published = keys.find_published(now).await?;
    // Of several next keys (two nodes raced in `ensure_keys`), the one published longest.
    let next = published
        .iter()
        .filter(|k| k.alg == alg && k.state == KeyState::Next)
        .min_by(|a, b| (a.created_at, &a.kid).cmp(&(b.created_at, &b.kid)));
    // Promote before retiring: a node loading in between sees two current keys and signs
    // with the newer one, never with none.
    let (promoted, promoted_was_published) = match next {
        Some(k) => {
            if !keys
                .update_state(&k.kid, KeyState::Current, now, None)
                .await?
            {
                return Err(KeyringError::Vanished { kid: k.kid.clone() });
            }
            (k.kid.clone(), true)
        }
        None => {
            let key = create_key(keys, master_key, rng, now, alg, KeyState::Current).await?;
            (key.kid, false)
        }
    };
    let retired_until = now.plus(retire_after);
    let mut retired = Vec::new();
    for old in published
        .iter()
        .filter(|k| k.alg == alg && k.state == KeyState::Current && k.kid != promoted)
    {
        if keys
            .update_state(&old.kid, KeyState::Retired, now, Some(retired_until))
            .await?
        {
            retired.push(old.kid.clone());
        }
    }
    let next = create_key(keys, master_key, rng, now, alg, KeyState::Next).await?;
    Ok(RotationReport {
        alg,
        promoted,
        promoted_was_published,
        retired,
        retired_until,
        next: next.kid,
    })
}

/// The key ring as one node uses it: the current key of each algorithm parsed and ready
/// to sign, and the published keys with the JWKS document already serialized.
#[derive(Debug)]
pub struct LoadedKeys {
    current: HashMap<SigningAlg, Arc<SigningKeyPair>>,
    published: Vec<Value>,
    verifiers: JwkSet,
    jwks_json: String,
    etag: String,
    loaded_at: Timestamp,
    changes_at: Option<Timestamp>,
    /// Access tokens checked against these keys; a new key set starts empty.
    verified: crate::oidc::token::VerifiedTokens,
}

impl LoadedKeys {
    /// Access tokens already checked against these keys.
    pub fn verified(&self) -> &crate::oidc::token::VerifiedTokens {
        &self.verified
    }

    /// The key that signs tokens with `alg`, if there is one.
    pub fn signer(&self, alg: SigningAlg) -> Option<&SigningKeyPair> {
        self.current.get(&alg).map(Arc::as_ref)
    }

    /// The same key, shared, to keep beyond the life of this set.
    pub fn shared_signer(&self, alg: SigningAlg) -> Option<Arc<SigningKeyPair>> {
        self.current.get(&alg).cloned()
    }

    /// Public JWKs of the next, current and unexpired retired keys.
    pub fn published(&self) -> &[Value] {
        &self.published
    }

    /// The published keys, to verify our own tokens (an `id_token_hint`, an access token
    /// at userinfo) with.
    pub fn verifier_set(&self) -> &JwkSet {
        &self.verifiers
    }

    /// The JWKS document, `{"keys":[...]}`.
    pub fn jwks_json(&self) -> &str {
        &self.jwks_json
    }

    /// A strong entity tag of [`Self::jwks_json`] (RFC 9110 §8.8.3), quotes included; the
    /// same on every node that loaded the same keys.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    pub fn loaded_at(&self) -> Timestamp {
        self.loaded_at
    }

    /// When a retired key leaves the JWKS by itself: reload no later than this.
    pub fn changes_at(&self) -> Option<Timestamp> {
        self.changes_at
    }
}

/// The current key of `alg`: if two nodes raced, the one activated last (see [`rotate`]).
fn newest_current(published: &[SigningKey], alg: SigningAlg) -> Option<&SigningKey> {
    published
        .iter()
        .filter(|k| k.alg == alg && k.state == KeyState::Current)
        .max_by(|a, b| {
            (a.activated_at, a.created_at, &a.kid).cmp(&(b.activated_at, b.created_at, &b.kid))
        })
}

fn open_signer(
    record: &SigningKey,
    master_key: &MasterKey,
) -> Result<SigningKeyPair, KeyringError> {
    let der = master_key
        .open(SEAL_PURPOSE, &record.private_sealed)
        .map_err(|source| KeyringError::Sealed {
            kid: record.kid.clone(),
            source,
        })?;
    let unusable = |source| KeyringError::Unusable {
        kid: record.kid.clone(),
        source,
    };
    SigningKeyPair::from_pkcs8(&record.kid, record.alg, &der).map_err(unusable)
}

/// Reads the published keys once: parses every public JWK and unseals and parses the
/// private key of each algorithm's current key. Only current keys are unsealed; a next key
/// is unsealed by the load that follows its promotion.
pub async fn load(
    keys: &dyn KeyRepo,
    master_key: &MasterKey,
    clock: &dyn Clock,
) -> Result<LoadedKeys, KeyringError> {
    let now = clock.now();
    let mut records = keys.find_published(now).await?;
    records.retain(|k| k.expires_at.is_none_or(|at| at > now));
    // The same order on every node, so the JWKS and its ETag are too.
    records.sort_by(|a, b| (a.created_at, &a.kid).cmp(&(b.created_at, &b.kid)));

    let mut published = Vec::with_capacity(records.len());
    let mut verifiers = Vec::with_capacity(records.len());
    for record in &records {
        let unusable = |source| KeyringError::Unusable {
            kid: record.kid.clone(),
            source,
        };
        let jwk: Value = serde_json::from_str(&record.public_jwk)
            .map_err(|e| unusable(JoseError::InvalidJwk(e.to_string())))?;
        let verifier = VerifyingKey::from_jwk(&jwk).map_err(unusable)?;
        if verifier.kid() != Some(record.kid.as_str())
            || verifier.alg() != crate::jose::JwsAlg::from(record.alg)
        {
            return Err(unusable(JoseError::InvalidJwk(
                "the JWK's kid or alg differs from the key's".into(),
            )));
        }
        published.push(jwk);
        verifiers.push(verifier);
    }

    let mut current = HashMap::new();
    for &alg in SigningAlg::ALL {
        let Some(record) = newest_current(&records, alg) else {
            continue;
        };
        let pair = open_signer(record, master_key)?;
        // The private key must be the one whose public half is published.
        let published_half = verifiers
            .iter()
            .find(|v| v.kid() == Some(record.kid.as_str()));
        if pair.verifying_key().ok().as_ref() != published_half {
            return Err(KeyringError::Unusable {
                kid: record.kid.clone(),
                source: JoseError::InvalidKey(
                    "the private key does not match the published JWK".into(),
                ),
            });
        }
        current.insert(alg, Arc::new(pair));
    }

    let jwks_json = public_jwks_json(&published);
    let digest = Sha256::digest(jwks_json.as_bytes());
    let etag = format!(
        "\"{}\"",
        URL_SAFE_NO_PAD.encode(digest.get(..18).unwrap_or_default())
    );
    let changes_at = records.iter().filter_map(|k| k.expires_at).min();
    Ok(LoadedKeys {
        current,
        published,
        verifiers: JwkSet::new(verifiers),
        jwks_json,
        etag,
        loaded_at: now,
        changes_at,
        verified: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::jose::{TYP_JWT, verify_jwt};
    use crate::random::OsRandom;
    use async_trait::async_trait;
    use serde_json::json;
    use std::sync::Mutex;

    const HOUR: Duration = Duration::from_secs(3600);

    /// In-memory keys with the store's semantics: kid unique, `find_published` returns
    /// next, current, and keys whose `expires_at` is later than `now`.
    #[derive(Default)]
    struct FakeKeys(Mutex<Vec<SigningKey>>);

    impl FakeKeys {
        fn all(&self) -> Vec<SigningKey> {
            self.0.lock().unwrap().clone()
        }

        fn of(&self, alg: SigningAlg, state: KeyState) -> Vec<SigningKey> {
            self.all()
                .into_iter()
                .filter(|k| k.alg == alg && k.state == state)
                .collect()
        }

        fn one(&self, alg: SigningAlg, state: KeyState) -> SigningKey {
            let mut keys = self.of(alg, state);
            assert_eq!(keys.len(), 1, "{alg} {state}");
            keys.remove(0)
        }
    }

    #[async_trait]
    impl KeyRepo for FakeKeys {
        async fn insert(&self, key: &SigningKey) -> Result<(), StoreError> {
            let mut keys = self.0.lock().unwrap();
            if keys.iter().any(|k| k.kid == key.kid) {
                return Err(StoreError::Conflict {
                    constraint: "signing_keys_pkey".into(),
                });
            }
            keys.push(key.clone());
            Ok(())
        }

        async fn insert_if_missing(
            &self,
            key: &SigningKey,
            now: Timestamp,
        ) -> Result<bool, StoreError> {
            let published = self.find_published(now).await?;
            if has(&published, key.alg, key.state) {
                return Ok(false);
            }
            self.insert(key).await.map(|()| true)
        }

        async fn find_published(&self, now: Timestamp) -> Result<Vec<SigningKey>, StoreError> {
            let mut keys: Vec<_> = self
                .all()
                .into_iter()
                .filter(|k| k.expires_at.is_none_or(|at| at > now))
                .collect();
            keys.sort_by_key(|k| std::cmp::Reverse(k.created_at));
            Ok(keys)
        }

        async fn update_state(
            &self,
            kid: &str,
            state: KeyState,
            at: Timestamp,
            expires_at: Option<Timestamp>,
        ) -> Result<bool, StoreError> {
            let mut keys = self.0.lock().unwrap();
            let Some(k) = keys.iter_mut().find(|k| k.kid == kid) else {
                return Ok(false);
            };
            k.state = state;
            match state {
                KeyState::Next => {}
                KeyState::Current => k.activated_at = Some(at),
                KeyState::Retired => {
                    k.retired_at = Some(at);
                    k.expires_at = expires_at;
                }
            }
            Ok(true)
        }

        async fn record_deployment(
            &self,
            mine: &crate::deployment::Identity,
            _: Timestamp,
        ) -> Result<(crate::deployment::Identity, bool), StoreError> {
            Ok((mine.clone(), true))
        }

        async fn find_deployment(&self) -> Result<Option<crate::deployment::Identity>, StoreError> {
            Ok(None)
        }
    }

    struct Ring {
        keys: FakeKeys,
        master: MasterKey,
        clock: FixedClock,
    }

    impl Ring {
        fn new() -> Self {
            Self {
                keys: FakeKeys::default(),
                master: MasterKey::generate(&OsRandom),
                clock: FixedClock::at(Timestamp::from_secs(1_700_000_000)),
            }
        }

        async fn ensure(&self, algs: &[SigningAlg]) -> Vec<NewKey> {
            ensure_keys(&self.keys, &self.master, &OsRandom, &self.clock, algs)
                .await
                .unwrap()
        }

        async fn rotate(&self, alg: SigningAlg, retire_after: Duration) -> RotationReport {
            rotate(
                &self.keys,
                &self.master,
                &OsRandom,
                &self.clock,
                alg,
                retire_after,
            )
            .await
            .unwrap()
        }

        async fn load(&self) -> LoadedKeys {
            load(&self.keys, &self.master, &self.clock).await.unwrap()
        }
    }

    fn kids(loaded: &LoadedKeys) -> Vec<String> {
        loaded
            .published()
            .iter()
            .map(|j| j["kid"].as_str().unwrap().to_owned())
            .collect()
    }

    #[tokio::test]
    async fn ensure_keys_creates_current_and_next_per_alg_and_is_idempotent() {
        let ring = Ring::new();
        let algs = SigningAlg::ALL;
        let created = ring.ensure(algs).await;
        assert_eq!(created.len(), 6);
        for &alg in algs {
            let current = ring.keys.one(alg, KeyState::Current);
            let next = ring.keys.one(alg, KeyState::Next);
            assert_eq!(current.activated_at, Some(ring.clock.now()));
            assert_eq!(next.activated_at, None);
            assert_ne!(current.kid, next.kid);
        }
        ring.clock.advance(HOUR);
        assert!(ring.ensure(algs).await.is_empty());
        assert!(
            ring.ensure(&[SigningAlg::EdDsa, SigningAlg::EdDsa])
                .await
                .is_empty()
        );
        assert_eq!(ring.keys.all().len(), 6);
    }

    #[tokio::test]
    async fn ensure_keys_fills_in_only_what_is_missing() {
        let ring = Ring::new();
        let created = ring.ensure(&[SigningAlg::EdDsa, SigningAlg::EdDsa]).await;
        assert_eq!(created.len(), 2);
        // A next key promoted by hand leaves the algorithm without one.
        let next = ring.keys.one(SigningAlg::EdDsa, KeyState::Next);
        let current = ring.keys.one(SigningAlg::EdDsa, KeyState::Current);
        ring.keys
            .update_state(
                &current.kid,
                KeyState::Retired,
                ring.clock.now(),
                Some(ring.clock.now().plus(HOUR)),
            )
            .await
            .unwrap();
        ring.keys
            .update_state(&next.kid, KeyState::Current, ring.clock.now(), None)
            .await
            .unwrap();
        let created = ring.ensure(&[SigningAlg::EdDsa]).await;
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].state, KeyState::Next);
        assert_eq!(
            ring.keys.one(SigningAlg::EdDsa, KeyState::Current).kid,
            next.kid
        );
    }

    #[tokio::test]
    async fn private_keys_are_stored_sealed() {
        let ring = Ring::new();
        ring.ensure(&[SigningAlg::Es256]).await;
        let stored = ring.keys.one(SigningAlg::Es256, KeyState::Current);
        let der = ring
            .master
            .open(SEAL_PURPOSE, &stored.private_sealed)
            .unwrap();
        assert!(
            !stored
                .private_sealed
                .windows(der.len())
                .any(|w| w == der.as_slice())
        );
        let pair = SigningKeyPair::from_pkcs8(&stored.kid, stored.alg, &der).unwrap();
        let jwk: Value = serde_json::from_str(&stored.public_jwk).unwrap();
        assert_eq!(&jwk, pair.public_jwk());
        // Another master key cannot load the ring.
        let err = load(&ring.keys, &MasterKey::generate(&OsRandom), &ring.clock)
            .await
            .unwrap_err();
        assert!(matches!(err, KeyringError::Sealed { kid, .. } if kid == stored.kid));
    }

    #[tokio::test]
    async fn rotate_promotes_the_published_next_key_and_retires_the_current() {
        let ring = Ring::new();
        ring.ensure(&[SigningAlg::EdDsa, SigningAlg::Es256]).await;
        let before = ring.load().await;
        let old_current = ring.keys.one(SigningAlg::EdDsa, KeyState::Current);
        let old_next = ring.keys.one(SigningAlg::EdDsa, KeyState::Next);
        assert!(kids(&before).contains(&old_next.kid));

        ring.clock.advance(HOUR);
        let report = ring.rotate(SigningAlg::EdDsa, 2 * HOUR).await;
        let now = ring.clock.now();
        assert_eq!(report.promoted, old_next.kid);
        assert!(report.promoted_was_published);
        assert_eq!(report.retired, vec![old_current.kid.clone()]);
        assert_eq!(report.retired_until, now.plus(2 * HOUR));

        let current = ring.keys.one(SigningAlg::EdDsa, KeyState::Current);
        assert_eq!(current.kid, old_next.kid);
        assert_eq!(current.activated_at, Some(now));
        let retired = ring.keys.one(SigningAlg::EdDsa, KeyState::Retired);
        assert_eq!(retired.kid, old_current.kid);
        assert_eq!(retired.retired_at, Some(now));
        assert_eq!(retired.expires_at, Some(now.plus(2 * HOUR)));
        let next = ring.keys.one(SigningAlg::EdDsa, KeyState::Next);
        assert_eq!(next.kid, report.next);
        // The other algorithm is untouched.
        assert!(
            ring.keys
                .of(SigningAlg::Es256, KeyState::Retired)
                .is_empty()
        );

        let after = ring.load().await;
        assert_eq!(after.signer(SigningAlg::EdDsa).unwrap().kid(), old_next.kid);
        assert_eq!(
            after.shared_signer(SigningAlg::Es256).unwrap().kid(),
            before.signer(SigningAlg::Es256).unwrap().kid()
        );
        assert_eq!(after.published().len(), 5);
        assert_eq!(after.changes_at(), Some(now.plus(2 * HOUR)));
        assert_ne!(after.etag(), before.etag());
    }

    #[tokio::test]
    async fn retired_key_leaves_the_jwks_after_expiry() {
        let ring = Ring::new();
        ring.ensure(&[SigningAlg::Es256]).await;
        let old = ring.keys.one(SigningAlg::Es256, KeyState::Current);
        ring.rotate(SigningAlg::Es256, HOUR).await;
        assert!(kids(&ring.load().await).contains(&old.kid));

        ring.clock.advance(HOUR - Duration::from_secs(1));
        assert!(kids(&ring.load().await).contains(&old.kid));
        ring.clock.advance(Duration::from_secs(1));
        let loaded = ring.load().await;
        assert!(!kids(&loaded).contains(&old.kid));
        assert_eq!(loaded.published().len(), 2);
        assert!(!loaded.jwks_json().contains(&old.kid));
        assert!(
            loaded
                .verifier_set()
                .keys()
                .iter()
                .all(|k| k.kid() != Some(old.kid.as_str()))
        );
        assert_eq!(loaded.changes_at(), None);
    }

    #[tokio::test]
    async fn tokens_signed_before_rotation_verify_after_it() {
        let ring = Ring::new();
        ring.ensure(&[SigningAlg::Rs256]).await;
        let before = ring.load().await;
        let claims = json!({"sub": "u1", "exp": 1_800_000_000});
        let old_token = before
            .signer(SigningAlg::Rs256)
            .unwrap()
            .sign_jwt(TYP_JWT, &claims)
            .unwrap();

        let report = ring.rotate(SigningAlg::Rs256, HOUR).await;
        let after = ring.load().await;
        let signer = after.signer(SigningAlg::Rs256).unwrap();
        assert_eq!(signer.kid(), report.promoted);
        let new_token = signer.sign_jwt(TYP_JWT, &claims).unwrap();
        for token in [&old_token, &new_token] {
            let (_, got) = verify_jwt(token, after.verifier_set(), &[SigningAlg::Rs256]).unwrap();
            assert_eq!(got, claims);
        }
        // Relying parties that fetched the JWKS before the rotation already had the new key.
        assert!(verify_jwt(&new_token, before.verifier_set(), &[SigningAlg::Rs256]).is_ok());
    }

    #[tokio::test]
    async fn rotate_without_next_promotes_a_fresh_key_and_says_so() {
        let ring = Ring::new();
        let report = ring.rotate(SigningAlg::EdDsa, HOUR).await;
        assert!(!report.promoted_was_published);
        assert!(report.retired.is_empty());
        assert_eq!(
            ring.keys.one(SigningAlg::EdDsa, KeyState::Current).kid,
            report.promoted
        );
        assert_eq!(
            ring.keys.one(SigningAlg::EdDsa, KeyState::Next).kid,
            report.next
        );
        assert_eq!(
            ring.load().await.signer(SigningAlg::EdDsa).unwrap().kid(),
            report.promoted
        );
    }

    #[tokio::test]
    async fn load_signs_with_the_newest_of_two_current_keys() {
        // Two nodes ran `ensure_keys` at once on an empty store.
        let ring = Ring::new();
        ring.ensure(&[SigningAlg::EdDsa]).await;
        ring.clock.advance(Duration::from_secs(1));
        let second = FakeKeys::default();
        ensure_keys(
            &second,
            &ring.master,
            &OsRandom,
            &ring.clock,
            &[SigningAlg::EdDsa],
        )
        .await
        .unwrap();
        for k in second.all() {
            ring.keys.insert(&k).await.unwrap();
        }
        let newest = second.one(SigningAlg::EdDsa, KeyState::Current);
        let loaded = ring.load().await;
        assert_eq!(loaded.signer(SigningAlg::EdDsa).unwrap().kid(), newest.kid);
        assert_eq!(loaded.published().len(), 4);
        // Rotation retires both and promotes the older next key.
        let oldest_next = ring
            .keys
            .of(SigningAlg::EdDsa, KeyState::Next)
            .into_iter()
            .min_by_key(|k| k.created_at)
            .unwrap();
        let report = ring.rotate(SigningAlg::EdDsa, HOUR).await;
        assert_eq!(report.promoted, oldest_next.kid);
        assert_eq!(report.retired.len(), 2);
        assert_eq!(ring.keys.of(SigningAlg::EdDsa, KeyState::Current).len(), 1);
    }

    #[tokio::test]
    async fn jwks_and_etag_are_stable_until_the_keys_change() {
        let ring = Ring::new();
        ring.ensure(&[SigningAlg::Es256, SigningAlg::EdDsa]).await;
        let a = ring.load().await;
        let b = ring.load().await;
        assert_eq!(a.jwks_json(), b.jwks_json());
        assert_eq!(a.etag(), b.etag());
        assert!(a.etag().starts_with('"') && a.etag().ends_with('"'));
        let doc: Value = serde_json::from_str(a.jwks_json()).unwrap();
        assert_eq!(doc, json!({"keys": a.published()}));
        assert_eq!(a.verifier_set().keys().len(), 4);
        ring.ensure(&[SigningAlg::Rs256]).await;
        assert_ne!(ring.load().await.etag(), a.etag());
    }

    #[tokio::test]
    async fn load_refuses_a_private_key_that_does_not_match_its_jwk() {
        let ring = Ring::new();
        ring.ensure(&[SigningAlg::EdDsa]).await;
        // The current key's record gets the next key's private half.
        let kid = {
            let mut keys = ring.keys.0.lock().unwrap();
            let next_sealed = keys
                .iter()
                .find(|k| k.state == KeyState::Next)
                .unwrap()
                .private_sealed
                .clone();
            let current = keys
                .iter_mut()
                .find(|k| k.state == KeyState::Current)
                .unwrap();
            current.private_sealed = next_sealed;
            current.kid.clone()
        };
        let err = load(&ring.keys, &ring.master, &ring.clock)
            .await
            .unwrap_err();
        assert!(
            matches!(err, KeyringError::Unusable { kid: ref k, .. } if *k == kid),
            "{err}"
        );
    }
}
