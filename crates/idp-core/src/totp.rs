//! Authenticator apps (RFC 6238): the shared secret, the codes it yields, and the
//! `otpauth://` link their QR code carries. SHA-1, 6 digits, 30-second steps: what every
//! common authenticator app shows by default.

use crate::clock::Timestamp;
use crate::random::Random;
use std::fmt;
use subtle::ConstantTimeEq as _;

/// Digits in a code.
pub const DIGITS: usize = 6;
/// Seconds each code is valid for.
pub const STEP_SECS: i64 = 30;
/// Steps of clock drift accepted either side of now.
pub const DRIFT_STEPS: i64 = 1;
/// Bytes in a secret `idp` generates (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

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

    /// A fresh secret for a new enrolment.
    pub fn generate(rng: &dyn Random) -> Self {
        let mut buf = vec![0u8; SECRET_BYTES];
        rng.fill(&mut buf);
        Self(buf)
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

/// The time step a moment falls in.
pub fn step_at(t: Timestamp) -> i64 {
    t.as_secs().div_euclid(STEP_SECS)
}

/// The code of one time step (RFC 4226 §5.3 dynamic truncation over HMAC-SHA-1).
pub fn code_at_step(secret: &TotpSecret, step: i64) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret.expose());
    let tag = ring::hmac::sign(&key, &step.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac.last().copied().unwrap_or(0) & 0x0f);
    let word = mac
        .get(offset..offset + 4)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(|b| u32::from_be_bytes(b) & 0x7fff_ffff)
        .unwrap_or(0);
    format!("{:06}", word % 1_000_000)
}

/// A typed code as digits only: spaces are dropped (apps show "123 456"); anything but
/// exactly six digits is `None`.
pub fn normalize_code(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The step whose code this is, within the drift window around `now`; `None` when the
/// code matches no step. Every step in the window is compared, in constant time.
pub fn matching_step(secret: &TotpSecret, typed: &str, now: Timestamp) -> Option<i64> {
    let code = normalize_code(typed)?;
    let center = step_at(now);
    let mut found = None;
    for step in center - DRIFT_STEPS..=center + DRIFT_STEPS {
        let expected = code_at_step(secret, step);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The link an authenticator app reads from the QR code (Key Uri Format).
pub fn otpauth_uri(secret: &TotpSecret, issuer: &str, account: &str) -> String {
    let enc = |s: &str| {
        url::form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        secret.to_base32(),
        enc(issuer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec())
    }

    #[test]
    fn rfc6238_sha1_vectors_truncated_to_six_digits() {
        // RFC 6238 appendix B gives eight digits; the last six are the six-digit code.
        for (t, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            let step = step_at(Timestamp::from_secs(t));
            assert_eq!(code_at_step(&rfc_secret(), step), &eight[2..], "t={t}");
        }
    }

    #[test]
    fn one_step_of_drift_either_side_and_no_more() {
        let s = rfc_secret();
        let now = Timestamp::from_secs(1_000_000_005);
        let step = step_at(now);
        for d in -1..=1 {
            let code = code_at_step(&s, step + d);
            assert_eq!(matching_step(&s, &code, now), Some(step + d));
        }
        for d in [-3, -2, 2, 3] {
            let code = code_at_step(&s, step + d);
            if (-1..=1).all(|w| code_at_step(&s, step + w) != code) {
                assert_eq!(matching_step(&s, &code, now), None, "drift {d}");
            }
        }
    }

    #[test]
    fn malformed_codes_never_match() {
        let s = rfc_secret();
        let now = Timestamp::from_secs(59);
        let good = code_at_step(&s, step_at(now));
        assert_eq!(
            matching_step(&s, &format!("{} {}", &good[..3], &good[3..]), now),
            Some(step_at(now))
        );
        for bad in [
            "",
            "12345",
            "1234567",
            "12a456",
            "１２３４５６",
            &format!("{good}0"),
            "-12345",
        ] {
            assert_eq!(matching_step(&s, bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn otpauth_uri_names_issuer_and_account() {
        let s = TotpSecret::parse_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(
            otpauth_uri(&s, "Acme Corp", "ada@example.com"),
            "otpauth://totp/Acme%20Corp:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Corp&algorithm=SHA1&digits=6&period=30"
        );
    }

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
