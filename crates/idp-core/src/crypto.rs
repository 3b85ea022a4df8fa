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
        use argon2::password_hash::{PasswordHasher as _, SaltString};
        let mut salt = [0u8; 16];
        rng.fill(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| CryptoError::Hash(e.to_string()))?;
        self.argon2()?
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| CryptoError::Hash(e.to_string()))
    }

    /// Checks a password against a stored PHC string; the parameters come from the string.
    pub fn verify(&self, password: &Password, phc: &str) -> bool {
        use argon2::password_hash::{PasswordHash, PasswordVerifier as _};
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        argon2::Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok()
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
}
