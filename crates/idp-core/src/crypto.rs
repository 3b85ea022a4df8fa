//! Secrets at rest: AES-256-GCM under the master key for what must be read back
//! (TOTP secrets, private signing keys), SHA-256 digests for high-entropy tokens,
//! and argon2id for passwords.

use crate::random::Random;
use crate::secret::Password;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};
use std::fmt;
use subtle::ConstantTimeEq as _;

const NONCE_LEN: usize = 12;
const SEALED_VERSION: u8 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("the master key must be 32 bytes, given as 64 hex digits or base64")]
    BadMasterKey,
    #[error("sealed data is malformed or was not sealed under this master key")]
    Unseal,
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// The 256-bit key that encrypts TOTP secrets and private signing keys.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

impl MasterKey {
    pub fn generate(rng: &dyn Random) -> Self {
        let mut k = [0u8; 32];
        rng.fill(&mut k);
        Self(k)
    }

    /// Accepts 64 hex digits or standard base64 of 32 bytes, surrounding white space ignored.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.chars().all(|c| c.is_ascii_hexdigit()) {
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(text.as_bytes())
                .map_err(|_| CryptoError::BadMasterKey)?
        } else {
            STANDARD
                .decode(text)
                .map_err(|_| CryptoError::BadMasterKey)?
        };
        let key: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadMasterKey)?;
        Ok(Self(key))
    }

    /// A key for one `purpose`, derived from this one (HMAC-SHA-256 of the purpose), so
    /// that what is keyed with it reveals nothing of the master key or of other purposes.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.0);
        let tag = ring::hmac::sign(&key, purpose.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }

    /// The form written to a key file.
    pub fn to_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(&self.0)
    }

    /// Encrypts `plaintext`. `purpose` is bound as associated data, so a sealed TOTP
    /// secret cannot be replayed where a private key is expected.
    pub fn seal(&self, rng: &dyn Random, purpose: &str, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill(&mut nonce);
        let cipher = Aes256Gcm::new((&self.0).into());
        let payload = Payload {
            msg: plaintext,
            aad: purpose.as_bytes(),
        };
        // Encryption of an in-memory buffer under a valid key cannot fail.
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        out.push(SEALED_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let (version, rest) = sealed.split_first().ok_or(CryptoError::Unseal)?;
        if *version != SEALED_VERSION || rest.len() < NONCE_LEN + 16 {
            return Err(CryptoError::Unseal);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let cipher = Aes256Gcm::new((&self.0).into());
        cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Unseal)
    }
}

/// The SHA-256 digest of a high-entropy token: what is stored instead of the token.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenDigest([u8; 32]);

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TokenDigest({})",
            data_encoding::HEXLOWER.encode(self.0.get(..4).unwrap_or_default())
        )
    }
}

impl TokenDigest {
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(&self.0)
    }

    /// Constant-time comparison with the digest of a presented token.
    pub fn matches(&self, presented: &str) -> bool {
        bool::from(self.0.ct_eq(&Self::of(presented).0))
    }
}

/// argon2id cost. The defaults are OWASP's recommendation (19 MiB, 2 passes, 1 lane).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PasswordHashing {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for PasswordHashing {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl PasswordHashing {
    fn argon2(&self) -> Result<argon2::Argon2<'static>, CryptoError> {
        let params = argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| CryptoError::Hash(e.to_string()))?;
        Ok(argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params,
        ))
    }

    /// A PHC string (`$argon2id$v=19$...`). CPU-heavy: callers run it off the async threads.
    pub fn hash(&self, rng: &dyn Random, password: &Password) -> Result<String, CryptoError> {
        self.hash_in(rng, password, &mut HashMemory::default())
    }

    /// Checks a password against a stored PHC string; the parameters come from the string.
    pub fn verify(&self, password: &Password, phc: &str) -> bool {
        self.verify_in(password, phc, &mut HashMemory::default())
    }

    /// `hash`, working in `memory` instead of a fresh allocation.
    pub fn hash_in(
        &self,
        rng: &dyn Random,
        password: &Password,
        memory: &mut HashMemory,
    ) -> Result<String, CryptoError> {
        use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
        let fail = |e: &dyn std::fmt::Display| CryptoError::Hash(e.to_string());
        let mut salt = [0u8; 16];
        rng.fill(&mut salt);
        let salt_string = SaltString::encode_b64(&salt).map_err(|e| fail(&e))?;
        let argon2 = self.argon2()?;
        let params = argon2.params().clone();
        let mut out = [0u8; argon2::Params::DEFAULT_OUTPUT_LEN];
        argon2
            .hash_password_into_with_memory(
                password.expose().as_bytes(),
                &salt,
                &mut out,
                memory.blocks(params.block_count()),
            )
            .map_err(|e| fail(&e))?;
        let phc = PasswordHash {
            algorithm: argon2::Algorithm::Argon2id.ident(),
            version: Some(argon2::Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
            salt: Some(salt_string.as_salt()),
            hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
        };
        Ok(phc.to_string())
    }

    /// `verify`, working in `memory`; a hash that needs more memory than this
    /// deployment's parameters gets a buffer of its own, so `memory` stays their size.
    pub fn verify_in(&self, password: &Password, phc: &str, memory: &mut HashMemory) -> bool {
        use argon2::password_hash::PasswordHash;
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
            return false;
        };
        let Ok(algorithm) = argon2::Algorithm::try_from(parsed.algorithm) else {
            return false;
        };
        let version = match parsed.version.map(argon2::Version::try_from) {
            None => argon2::Version::default(),
            Some(Ok(v)) => v,
            Some(Err(_)) => return false,
        };
        let Ok(params) = argon2::Params::try_from(&parsed) else {
            return false;
        };
        let mut salt_buf = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
            return false;
        };
        let mut out_buf = [0u8; 64];
        let Some(out) = out_buf.get_mut(..expected.len()) else {
            return false;
        };
        let blocks = params.block_count();
        let configured = self.argon2().map(|a| a.params().block_count()).unwrap_or(0);
        let mut own = HashMemory::default();
        let memory = if blocks > configured {
            &mut own
        } else {
            memory
        };
        argon2::Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(
                password.expose().as_bytes(),
                salt,
                out,
                memory.blocks(blocks),
            )
            .is_ok()
            && bool::from(out.ct_eq(expected.as_bytes()))
    }
}

/// argon2's working memory (19 MiB by default), kept by a hashing thread between
/// hashes: allocating it afresh each time leaves the allocator holding a heap per
/// thread that it rarely gives back.
#[derive(Default)]
pub struct HashMemory(Vec<argon2::Block>);

impl HashMemory {
    /// At least `count` blocks (argon2 uses the first `count`).
    fn blocks(&mut self, count: usize) -> &mut [argon2::Block] {
        if self.0.len() < count {
            self.0.resize(count, argon2::Block::default());
        }
        &mut self.0
    }

    /// Bytes held.
    pub fn size(&self) -> usize {
        self.0.len() * argon2::Block::SIZE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;

    #[test]
    fn seal_round_trips_and_binds_purpose() {
        let key = MasterKey::generate(&OsRandom);
        let sealed = key.seal(&OsRandom, "totp", b"secret");
        assert_eq!(key.open("totp", &sealed).unwrap(), b"secret");
        assert_eq!(key.open("signing-key", &sealed), Err(CryptoError::Unseal));
        let other = MasterKey::generate(&OsRandom);
        assert_eq!(other.open("totp", &sealed), Err(CryptoError::Unseal));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(key.open("totp", &tampered), Err(CryptoError::Unseal));
        assert_eq!(key.open("totp", &[]), Err(CryptoError::Unseal));
    }

    #[test]
    fn two_seals_of_the_same_text_differ() {
        let key = MasterKey::generate(&OsRandom);
        assert_ne!(
            key.seal(&OsRandom, "p", b"x"),
            key.seal(&OsRandom, "p", b"x")
        );
    }

    #[test]
    fn master_key_parses_hex_and_base64() {
        let key = MasterKey::generate(&OsRandom);
        let hex = key.to_hex();
        let again = MasterKey::parse(&format!("  {hex}\n")).unwrap();
        let sealed = key.seal(&OsRandom, "p", b"x");
        assert_eq!(again.open("p", &sealed).unwrap(), b"x");
        let b64 = STANDARD.encode([7u8; 32]);
        assert!(MasterKey::parse(&b64).is_ok());
        assert_eq!(
            MasterKey::parse("abcd").unwrap_err(),
            CryptoError::BadMasterKey
        );
        assert_eq!(
            MasterKey::parse(&STANDARD.encode([7u8; 31])).unwrap_err(),
            CryptoError::BadMasterKey
        );
    }

    #[test]
    fn digests_match_only_their_token() {
        let d = TokenDigest::of("abc");
        assert!(d.matches("abc"));
        assert!(!d.matches("abd"));
        assert_eq!(TokenDigest::from_bytes(d.as_bytes()), Some(d.clone()));
        assert_eq!(TokenDigest::from_bytes(&[1, 2]), None);
        assert!(!format!("{d:?}").contains(&d.to_hex()));
    }

    #[test]
    fn password_hash_verifies() {
        let cheap = PasswordHashing {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        };
        let phc = cheap
            .hash(&OsRandom, &Password::new("correct horse"))
            .unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(cheap.verify(&Password::new("correct horse"), &phc));
        assert!(!cheap.verify(&Password::new("correct horsf"), &phc));
        assert!(!cheap.verify(&Password::new("x"), "not a hash"));
    }

    #[test]
    fn reused_memory_gives_the_same_answers_as_the_crate() {
        use argon2::password_hash::{PasswordHash, PasswordVerifier as _};
        let cheap = PasswordHashing {
            memory_kib: 64,
            iterations: 1,
            parallelism: 1,
        };
        let mut memory = HashMemory::default();
        let phc = cheap
            .hash_in(&OsRandom, &Password::new("correct horse"), &mut memory)
            .unwrap();
        assert_eq!(memory.size(), 64 * 1024);
        // The crate's own verifier accepts what the reused memory produced...
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(
            argon2::Argon2::default()
                .verify_password(b"correct horse", &parsed)
                .is_ok()
        );
        // ...and a hash the crate made (other parameters) verifies in the same memory.
        let other = PasswordHashing {
            memory_kib: 32,
            iterations: 2,
            parallelism: 1,
        };
        let theirs = other.hash(&OsRandom, &Password::new("battery")).unwrap();
        assert!(cheap.verify_in(&Password::new("battery"), &theirs, &mut memory));
        assert!(!cheap.verify_in(&Password::new("batterx"), &theirs, &mut memory));
        assert!(cheap.verify_in(&Password::new("correct horse"), &phc, &mut memory));
        // A costlier stored hash does not grow the kept memory.
        let costly = PasswordHashing {
            memory_kib: 256,
            iterations: 1,
            parallelism: 1,
        };
        let big = costly.hash(&OsRandom, &Password::new("x")).unwrap();
        assert!(cheap.verify_in(&Password::new("x"), &big, &mut memory));
        assert_eq!(memory.size(), 64 * 1024);
    }
}
