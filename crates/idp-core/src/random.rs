//! Randomness as a port, and the one way `idp` makes unguessable tokens from it.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;

/// Fills buffers with cryptographically secure random bytes.
pub trait Random: Send + Sync {
    fn fill(&self, buf: &mut [u8]);
}

/// The operating system's generator.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        rand::rngs::OsRng.fill_bytes(buf);
    }
}

/// Bytes of entropy in every code, token and link `idp` hands out (256 bits; the floor is 128).
pub const TOKEN_BYTES: usize = 32;

/// A URL-safe token of [`TOKEN_BYTES`] random bytes.
pub fn token(rng: &dyn Random) -> String {
    let mut buf = [0u8; TOKEN_BYTES];
    rng.fill(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = token(&OsRandom);
        let b = token(&OsRandom);
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
