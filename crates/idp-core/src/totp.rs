//! TOTP secrets (RFC 6238) as members' authenticator apps hold them.

use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TotpSecretError {
    #[error("a TOTP secret must be base32 (letters A-Z and digits 2-7)")]
    NotBase32,
    #[error("a TOTP secret must carry at least 80 bits (16 base32 characters)")]
    TooShort,
}

/// The shared secret of an authenticator app. Sealed under the master key at rest.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

/// What the sealed secret is bound to, so it cannot be opened as anything else.
pub const SEAL_PURPOSE: &str = "idp/totp-secret";

impl TotpSecret {
    /// Parses the base32 text other providers export, ignoring case, spaces and padding.
    pub fn parse_base32(text: &str) -> Result<Self, TotpSecretError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = data_encoding::BASE32_NOPAD
            .decode(cleaned.as_bytes())
            .map_err(|_| TotpSecretError::NotBase32)?;
        if bytes.len() < 10 {
            return Err(TotpSecretError::TooShort);
        }
        Ok(Self(bytes))
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn to_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exported_secrets() {
        let s = TotpSecret::parse_base32("jbsw y3dp ehpk 3pxp").unwrap();
        assert_eq!(s.expose(), b"Hello!\xde\xad\xbe\xef");
        assert_eq!(s.to_base32(), "JBSWY3DPEHPK3PXP");
        assert_eq!(format!("{s:?}"), "TotpSecret(***)");
        assert_eq!(
            TotpSecret::parse_base32("JBSWY3DP"),
            Err(TotpSecretError::TooShort)
        );
        assert_eq!(
            TotpSecret::parse_base32("not base32!"),
            Err(TotpSecretError::NotBase32)
        );
        assert_eq!(
            TotpSecret::parse_base32("JBSWY3DPEHPK3PX1"),
            Err(TotpSecretError::NotBase32)
        );
    }
}
