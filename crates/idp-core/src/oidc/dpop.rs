//! DPoP (RFC 9449): proofs of possession checked (header, key, signature, `htm`, `htu`,
//! `iat`, `ath`, server nonce, single-use `jti`), the RFC 7638 thumbprint that binds a
//! token to the proof's key (`cnf.jkt`), stateless server nonces, and the binding rules
//! of the token and resource endpoints.
//!
//! Invariants: a proof is accepted once (its `jti` is set-if-absent in the ephemeral
//! store, kept as long as the proof could still pass the `iat` window); only asymmetric
//! algorithms from [`DpopAlg::ALL`] are accepted, never `none` or an HMAC; a key with
//! private members is refused. Nonces are an HMAC of a time step under a key derived from
//! the master key, so every node of a cluster makes and accepts the same ones with no
//! shared state; the current and the previous step are accepted.

use super::error::{OAuthError, OAuthErrorCode};
use crate::client::Client;
use crate::clock::Timestamp;
use crate::crypto::{MasterKey, TokenDigest};
use crate::ports::{Ephemeral, EphemeralError, NewEntry};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};
use std::time::Duration;

/// RFC 9449 §4.2: the `typ` of a proof.
pub const PROOF_TYP: &str = "dpop+jwt";
/// The request header carrying a proof, and the response header carrying a nonce.
pub const HEADER: &str = "DPoP";
pub const NONCE_HEADER: &str = "DPoP-Nonce";
/// Longest proof looked at; anything longer is refused unread (an RSA-4096 key and its
/// signature fit easily).
pub const MAX_PROOF_LEN: usize = 8 * 1024;
/// Longest `jti` kept in the replay cache.
const MAX_JTI_LEN: usize = 256;

/// The proof algorithms accepted (`dpop_signing_alg_values_supported`). Symmetric
/// algorithms and `none` are not representable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DpopAlg {
    Es256,
    EdDsa,
    Rs256,
    Ps256,
}

impl From<DpopAlg> for crate::jose::JwsAlg {
    fn from(alg: DpopAlg) -> Self {
        match alg {
            DpopAlg::Es256 => crate::jose::JwsAlg::Es256,
            DpopAlg::EdDsa => crate::jose::JwsAlg::EdDsa,
            DpopAlg::Rs256 => crate::jose::JwsAlg::Rs256,
            DpopAlg::Ps256 => crate::jose::JwsAlg::Ps256,
        }
    }
}

impl DpopAlg {
    pub const ALL: [DpopAlg; 4] = [Self::Es256, Self::EdDsa, Self::Rs256, Self::Ps256];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
            Self::Rs256 => "RS256",
            Self::Ps256 => "PS256",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// An RFC 7638 JWK SHA-256 thumbprint, base64url: the key a token is bound to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Jkt(String);

impl Jkt {
    /// A thumbprint as a client sends it (`dpop_jkt`): 43 base64url characters.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = text.len() == 43
            && URL_SAFE_NO_PAD
                .decode(text)
                .is_ok_and(|bytes| bytes.len() == 32);
        ok.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Jkt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a proof is refused. Every variant is the client's doing except `Unavailable`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DpopError {
    #[error("the DPoP proof is malformed: {0}")]
    Malformed(&'static str),
    #[error("send one DPoP proof")]
    Multiple,
    #[error("the DPoP proof's typ must be dpop+jwt")]
    WrongType,
    #[error("the DPoP proof's alg is not one of ES256, EdDSA, RS256, PS256")]
    UnsupportedAlg,
    #[error("this client's profile (FAPI 2.0) does not allow RS256 proofs")]
    AlgNotAllowed,
    #[error("the DPoP proof's jwk is not a usable public key: {0}")]
    BadKey(&'static str),
    #[error("the DPoP proof's jwk holds private key material")]
    PrivateKey,
    #[error("the DPoP proof's signature does not verify")]
    BadSignature,
    #[error("the DPoP proof's htm is not the request's method")]
    WrongMethod,
    #[error("the DPoP proof's htu is not this endpoint")]
    WrongUrl,
    #[error("the DPoP proof's iat is outside the accepted window")]
    Stale,
    #[error("the DPoP proof has no ath for the access token")]
    MissingAth,
    #[error("the DPoP proof's ath is not the hash of the access token")]
    WrongAth,
    #[error("the DPoP proof was already used")]
    Replayed,
    #[error("a DPoP proof is required")]
    Missing,
    #[error("the DPoP proof's key is not the key the token is bound to")]
    WrongKey,
    #[error("use the server's DPoP nonce")]
    NonceRequired,
    #[error("the DPoP nonce is not current; use the one sent")]
    NonceStale,
    #[error("the replay cache is unavailable")]
    Unavailable,
}

impl DpopError {
    /// RFC 9449 §8: a missing or stale nonce asks the client to retry with ours.
    pub fn wants_nonce(&self) -> bool {
        matches!(self, Self::NonceRequired | Self::NonceStale)
    }

    /// The OAuth error a client receives.
    pub fn oauth(&self) -> OAuthError {
        let code = match self {
            Self::NonceRequired | Self::NonceStale => OAuthErrorCode::UseDpopNonce,
            Self::Unavailable => OAuthErrorCode::TemporarilyUnavailable,
            _ => OAuthErrorCode::InvalidDpopProof,
        };
        OAuthError::new(code, self.to_string())
    }
}

impl From<EphemeralError> for DpopError {
    fn from(_: EphemeralError) -> Self {
        Self::Unavailable
    }
}

/// The deployment's DPoP rules.
#[derive(Clone, Debug)]
pub struct DpopRules {
    /// How far a proof's `iat` may be from now, either way (RFC 9449 §11.1).
    pub iat_window: Duration,
    /// Every proof must carry a nonce of ours (RFC 9449 §8).
    pub require_nonce: bool,
    /// How long one nonce is current; the previous one is still accepted.
    pub nonce_step: Duration,
}

/// What the request a proof came with was.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The HTTP method.
    pub method: &'a str,
    /// Our URL of the endpoint (issuer-based), without query or fragment.
    pub url: &'a str,
    /// At a resource endpoint, the access token presented with the proof (`ath`).
    pub access_token: Option<&'a str>,
}

/// A proof that passed every check but the replay cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    /// The thumbprint of the proof's key.
    pub jkt: Jkt,
    /// The algorithm the proof was signed with.
    pub alg: DpopAlg,
    jti: String,
}

/// DPoP proof checking and nonces for one deployment.
pub struct Dpop {
    rules: DpopRules,
    nonce_key: ring::hmac::Key,
}

impl std::fmt::Debug for Dpop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dpop")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// RFC 9449 §4.2: `ath`, the base64url SHA-256 of the access token.
pub fn ath(access_token: &str) -> String {
    b64(Sha256::digest(access_token.as_bytes()))
}

fn decode_object(part: &str) -> Result<Map<String, Value>, DpopError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| DpopError::Malformed("a part is not base64url"))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(DpopError::Malformed("a part is not a JSON object")),
    }
}

/// The public key of a proof's `jwk` header, checked against its `alg`.
enum ProofKey {
    P256(Vec<u8>),
    Ed25519(Vec<u8>),
    Rsa { n: Vec<u8>, e: Vec<u8> },
}

fn member<'a>(jwk: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, DpopError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .ok_or(DpopError::BadKey("a required member is missing"))
}

fn bytes_of(text: &str) -> Result<Vec<u8>, DpopError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| DpopError::BadKey("a member is not base64url"))
}

/// Members of private (or symmetric) keys (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Reads the key and its RFC 7638 thumbprint: the required members only, in
/// lexicographic order, no white space (base64url text needs no JSON escaping).
fn read_key(alg: DpopAlg, jwk: &Map<String, Value>) -> Result<(ProofKey, Jkt), DpopError> {
    if PRIVATE_MEMBERS.iter().any(|m| jwk.contains_key(*m)) {
        return Err(DpopError::PrivateKey);
    }
    let kty = member(jwk, "kty")?;
    let (key, canonical) = match (alg, kty) {
        (DpopAlg::Es256, "EC") => {
            if member(jwk, "crv")? != "P-256" {
                return Err(DpopError::BadKey("ES256 needs the P-256 curve"));
            }
            let (x, y) = (member(jwk, "x")?, member(jwk, "y")?);
            let (xb, yb) = (bytes_of(x)?, bytes_of(y)?);
            if xb.len() != 32 || yb.len() != 32 {
                return Err(DpopError::BadKey("a P-256 coordinate is not 32 bytes"));
            }
            let mut point = Vec::with_capacity(65);
            point.push(0x04);
            point.extend_from_slice(&xb);
            point.extend_from_slice(&yb);
            (
                ProofKey::P256(point),
                format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#),
            )
        }
        (DpopAlg::EdDsa, "OKP") => {
            if member(jwk, "crv")? != "Ed25519" {
                return Err(DpopError::BadKey("EdDSA needs the Ed25519 curve"));
            }
            let x = member(jwk, "x")?;
            let xb = bytes_of(x)?;
            if xb.len() != 32 {
                return Err(DpopError::BadKey("an Ed25519 key is 32 bytes"));
            }
            (
                ProofKey::Ed25519(xb),
                format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#),
            )
        }
        (DpopAlg::Rs256 | DpopAlg::Ps256, "RSA") => {
            let (n, e) = (member(jwk, "n")?, member(jwk, "e")?);
            let key = ProofKey::Rsa {
                n: bytes_of(n)?,
                e: bytes_of(e)?,
            };
            (key, format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#))
        }
        _ => return Err(DpopError::BadKey("the key type does not fit the alg")),
    };
    Ok((key, Jkt(b64(Sha256::digest(canonical.as_bytes())))))
}

fn verify_signature(
    alg: DpopAlg,
    key: &ProofKey,
    message: &[u8],
    sig: &[u8],
) -> Result<(), DpopError> {
    let ok = match (alg, key) {
        (DpopAlg::Es256, ProofKey::P256(point)) => {
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message, sig)
                .is_ok()
        }
        (DpopAlg::EdDsa, ProofKey::Ed25519(x)) => UnparsedPublicKey::new(&signature::ED25519, x)
            .verify(message, sig)
            .is_ok(),
        // ring refuses moduli under 2048 bits.
        (DpopAlg::Rs256, ProofKey::Rsa { n, e }) => RsaPublicKeyComponents { n, e }
            .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, sig)
            .is_ok(),
        (DpopAlg::Ps256, ProofKey::Rsa { n, e }) => RsaPublicKeyComponents { n, e }
            .verify(&signature::RSA_PSS_2048_8192_SHA256, message, sig)
            .is_ok(),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(DpopError::BadSignature)
    }
}

/// RFC 9449 §4.3 step 9: the URLs compared without query and fragment, after the
/// syntax-based normalization of RFC 3986 §6.2.2 (case of scheme and host, default port,
/// percent-encoding).
fn same_url(htu: &str, ours: &str) -> bool {
    // What clients send: our URL exactly, perhaps with a query or fragment. No parsing.
    if let Some(rest) = htu.strip_prefix(ours)
        && (rest.is_empty() || rest.starts_with('?') || rest.starts_with('#'))
    {
        return true;
    }
    let strip = |text: &str| {
        url::Url::parse(text).ok().map(|mut u| {
            u.set_query(None);
            u.set_fragment(None);
            u
        })
    };
    match (strip(htu), strip(ours)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

impl Dpop {
    pub fn new(rules: DpopRules, master: &MasterKey) -> Self {
        let key = master.derive("dpop-nonce");
        Self {
            rules,
            nonce_key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
        }
    }

    pub fn rules(&self) -> &DpopRules {
        &self.rules
    }

    fn step(&self, now: Timestamp) -> i64 {
        let step = i64::try_from(self.rules.nonce_step.as_secs().max(1)).unwrap_or(i64::MAX);
        now.as_secs().div_euclid(step)
    }

    fn nonce_for(&self, step: i64) -> String {
        let tag = ring::hmac::sign(&self.nonce_key, &step.to_be_bytes());
        b64(tag.as_ref().get(..24).unwrap_or_default())
    }

    /// The nonce clients are to use now (`DPoP-Nonce`).
    pub fn nonce(&self, now: Timestamp) -> String {
        self.nonce_for(self.step(now))
    }

    /// Whether `nonce` is ours, of the current or the previous step.
    fn nonce_is_current(&self, nonce: &str, now: Timestamp) -> bool {
        let step = self.step(now);
        [step, step.saturating_sub(1)].into_iter().any(|s| {
            let ours = self.nonce_for(s);
            bool::from(subtle::ConstantTimeEq::ct_eq(
                ours.as_bytes(),
                nonce.as_bytes(),
            ))
        })
    }

    /// RFC 9449 §4.3: checks one proof of the request described by `target`, all but its
    /// single use ([`Dpop::spend`]). Nothing is read or written.
    pub fn check(
        &self,
        proof: &str,
        target: &Target<'_>,
        now: Timestamp,
    ) -> Result<Proof, DpopError> {
        if proof.len() > MAX_PROOF_LEN {
            return Err(DpopError::Malformed("too long"));
        }
        let (signing_input, sig_part) = proof
            .rsplit_once('.')
            .ok_or(DpopError::Malformed("not a compact JWS"))?;
        let (header_part, payload_part) = signing_input
            .split_once('.')
            .ok_or(DpopError::Malformed("not a compact JWS"))?;
        if payload_part.contains('.') {
            return Err(DpopError::Malformed("not a compact JWS"));
        }
        let header = decode_object(header_part)?;
        let typ = header.get("typ").and_then(Value::as_str);
        if !typ.is_some_and(|t| t.eq_ignore_ascii_case(PROOF_TYP)) {
            return Err(DpopError::WrongType);
        }
        // RFC 8725 §3.1: the verifier's list decides; none and HMAC are not in it.
        let alg = header
            .get("alg")
            .and_then(Value::as_str)
            .and_then(DpopAlg::parse)
            .ok_or(DpopError::UnsupportedAlg)?;
        // RFC 7515 §4.1.11: no critical extension is understood here.
        if header.contains_key("crit") {
            return Err(DpopError::Malformed("crit is not supported"));
        }
        let jwk = header
            .get("jwk")
            .and_then(Value::as_object)
            .ok_or(DpopError::BadKey("the header has no jwk"))?;
        let (key, jkt) = read_key(alg, jwk)?;
        let sig = URL_SAFE_NO_PAD
            .decode(sig_part)
            .map_err(|_| DpopError::Malformed("the signature is not base64url"))?;
        verify_signature(alg, &key, signing_input.as_bytes(), &sig)?;

        let claims = decode_object(payload_part)?;
        let text = |name: &'static str| claims.get(name).and_then(Value::as_str);
        let jti = text("jti")
            .filter(|j| !j.is_empty() && j.len() <= MAX_JTI_LEN)
            .ok_or(DpopError::Malformed("jti is missing or too long"))?;
        if text("htm") != Some(target.method) {
            return Err(DpopError::WrongMethod);
        }
        if !text("htu").is_some_and(|htu| same_url(htu, target.url)) {
            return Err(DpopError::WrongUrl);
        }
        let iat = claims
            .get("iat")
            .and_then(Value::as_f64)
            .ok_or(DpopError::Malformed("iat is missing or not a number"))?;
        let window = self.rules.iat_window.as_secs_f64();
        if (now.as_secs() as f64 - iat).abs() > window {
            return Err(DpopError::Stale);
        }
        if let Some(token) = target.access_token {
            let presented = text("ath").ok_or(DpopError::MissingAth)?;
            let expected = ath(token);
            if !bool::from(subtle::ConstantTimeEq::ct_eq(
                presented.as_bytes(),
                expected.as_bytes(),
            )) {
                return Err(DpopError::WrongAth);
            }
        }
        match text("nonce") {
            Some(n) if !self.nonce_is_current(n, now) => return Err(DpopError::NonceStale),
            None if self.rules.require_nonce => return Err(DpopError::NonceRequired),
            _ => {}
        }
        Ok(Proof {
            jkt,
            alg,
            jti: jti.to_owned(),
        })
    }

    /// Uses the proof up: its `jti` is stored if absent, atomically, for as long as the
    /// proof could pass the `iat` window (a proof dated `window` ahead stays acceptable
    /// for `2 × window`). A second presentation is [`DpopError::Replayed`].
    pub async fn spend(&self, ephemeral: &dyn Ephemeral, proof: &Proof) -> Result<(), DpopError> {
        let mark = self.jti_mark(proof);
        let entry = mark.entry();
        Self::spent(ephemeral.put_new(entry.key, entry.value, entry.ttl).await?)
    }

    /// What marks `proof`'s `jti` as used, for a caller that stores it with other work
    /// in one round trip ([`Ephemeral::exists_each_then_put_new`]); [`Dpop::spent`]
    /// reads the outcome.
    pub fn jti_mark(&self, proof: &Proof) -> JtiMark {
        JtiMark {
            key: format!(
                "dpop-jti:{}",
                TokenDigest::of(&format!("{}:{}", proof.jkt, proof.jti)).to_hex()
            ),
            ttl: self.rules.iat_window * 2 + Duration::from_secs(1),
        }
    }

    /// Whether storing the [`Dpop::jti_mark`] (`stored`) used the proof up, or it had
    /// been presented before.
    pub fn spent(stored: bool) -> Result<(), DpopError> {
        if stored {
            Ok(())
        } else {
            Err(DpopError::Replayed)
        }
    }
}

/// The ephemeral entry whose storing uses a proof up ([`Dpop::jti_mark`]).
pub struct JtiMark {
    key: String,
    ttl: Duration,
}

impl JtiMark {
    pub fn entry(&self) -> NewEntry<'_> {
        NewEntry {
            key: &self.key,
            value: b"1",
            ttl: self.ttl,
        }
    }
}

/// RFC 9449 §5 and §10: the key a token request's tokens are bound to. A client
/// registered with `dpop_bound_access_tokens` must send a proof.
/// Whether `client`'s profile allows the algorithm `proof` was signed with.
pub fn check_alg_for(client: &Client, proof: &Proof) -> Result<(), DpopError> {
    if client.security_profile.accepts(proof.alg.into()) {
        Ok(())
    } else {
        Err(DpopError::AlgNotAllowed)
    }
}

pub fn token_binding(client: &Client, proof: Option<&Jkt>) -> Result<Option<Jkt>, OAuthError> {
    match proof {
        Some(jkt) => Ok(Some(jkt.clone())),
        None if client.dpop_bound_access_tokens => Err(DpopError::Missing.oauth()),
        None => Ok(None),
    }
}

/// RFC 9449 §10: a code issued for `dpop_jkt` is exchanged only with a proof of that key.
pub fn check_code_binding(bound: Option<&Jkt>, proof: Option<&Jkt>) -> Result<(), OAuthError> {
    match (bound, proof) {
        (Some(b), Some(p)) if b == p => Ok(()),
        (Some(_), Some(_)) => Err(OAuthError::invalid_grant(
            "the code is bound to another DPoP key (dpop_jkt)",
        )),
        (Some(_), None) => Err(OAuthError::invalid_grant(
            "the code is bound to a DPoP key: send a proof of it",
        )),
        (None, _) => Ok(()),
    }
}

/// How an access token was presented at a resource endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Bearer,
    Dpop,
}

/// Why a resource endpoint refuses a token's presentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PresentationError {
    /// RFC 6750 §3.1 `invalid_token`.
    Token(&'static str),
    /// The proof is missing or not of the token's key.
    Proof(DpopError),
}

/// RFC 9449 §7: a token bound to a key (`cnf.jkt`) is accepted only with the `DPoP`
/// scheme and a proof of that key; the `DPoP` scheme is only for bound tokens.
pub fn check_presentation(
    bound: Option<&Jkt>,
    scheme: Scheme,
    proof: Option<&Proof>,
) -> Result<(), PresentationError> {
    match (scheme, bound) {
        (Scheme::Bearer, None) => Ok(()),
        (Scheme::Bearer, Some(_)) => Err(PresentationError::Token(
            "the access token is DPoP-bound: present it with the DPoP scheme and a proof",
        )),
        (Scheme::Dpop, None) => Err(PresentationError::Token(
            "the access token is not DPoP-bound: present it as a Bearer token",
        )),
        (Scheme::Dpop, Some(jkt)) => match proof {
            None => Err(PresentationError::Proof(DpopError::Missing)),
            Some(p) if &p.jkt == jkt => Ok(()),
            Some(_) => Err(PresentationError::Proof(DpopError::WrongKey)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};
    use serde_json::json;

    const URL: &str = "https://id.example.com/token";
    const NOW: i64 = 1_800_000_000;

    fn now() -> Timestamp {
        Timestamp::from_secs(NOW)
    }

    fn dpop(require_nonce: bool) -> Dpop {
        Dpop::new(
            DpopRules {
                iat_window: Duration::from_secs(60),
                require_nonce,
                nonce_step: Duration::from_secs(300),
            },
            &MasterKey::parse(&"11".repeat(32)).unwrap(),
        )
    }

    enum TestKey {
        Ec(EcdsaKeyPair),
        Ed(Ed25519KeyPair),
        Rsa(RsaKeyPair, DpopAlg),
    }

    impl TestKey {
        fn ec() -> Self {
            let rng = SystemRandom::new();
            let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
            let der = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
            Self::Ec(EcdsaKeyPair::from_pkcs8(alg, der.as_ref(), &rng).unwrap())
        }

        fn ed() -> Self {
            let der = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
            Self::Ed(Ed25519KeyPair::from_pkcs8(der.as_ref()).unwrap())
        }

        fn rsa(alg: DpopAlg) -> Self {
            use rsa::pkcs8::EncodePrivateKey as _;
            let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
            let der = key.to_pkcs8_der().unwrap();
            Self::Rsa(RsaKeyPair::from_pkcs8(der.as_bytes()).unwrap(), alg)
        }

        fn alg(&self) -> &'static str {
            match self {
                Self::Ec(_) => "ES256",
                Self::Ed(_) => "EdDSA",
                Self::Rsa(_, a) => a.as_str(),
            }
        }

        fn jwk(&self) -> Value {
            match self {
                Self::Ec(k) => {
                    let p = k.public_key().as_ref();
                    json!({"kty": "EC", "crv": "P-256", "x": b64(&p[1..33]), "y": b64(&p[33..])})
                }
                Self::Ed(k) => {
                    json!({"kty": "OKP", "crv": "Ed25519", "x": b64(k.public_key().as_ref())})
                }
                Self::Rsa(k, _) => {
                    let c = signature::RsaPublicKeyComponents::<Vec<u8>>::from(k.public());
                    json!({"kty": "RSA", "n": b64(&c.n), "e": b64(&c.e)})
                }
            }
        }

        fn sign_raw(&self, header: &Value, claims: &Value) -> String {
            let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
            let rng = SystemRandom::new();
            let sig = match self {
                Self::Ec(k) => k.sign(&rng, input.as_bytes()).unwrap().as_ref().to_vec(),
                Self::Ed(k) => k.sign(input.as_bytes()).as_ref().to_vec(),
                Self::Rsa(k, alg) => {
                    let mut sig = vec![0; k.public().modulus_len()];
                    let padding: &'static dyn signature::RsaEncoding = match alg {
                        DpopAlg::Ps256 => &signature::RSA_PSS_SHA256,
                        _ => &signature::RSA_PKCS1_SHA256,
                    };
                    k.sign(padding, &rng, input.as_bytes(), &mut sig).unwrap();
                    sig
                }
            };
            format!("{input}.{}", b64(sig))
        }

        fn header(&self) -> Value {
            json!({"typ": "dpop+jwt", "alg": self.alg(), "jwk": self.jwk()})
        }

        fn sign(&self, claims: &Value) -> String {
            self.sign_raw(&self.header(), claims)
        }
    }

    fn claims(jti: &str) -> Value {
        json!({"jti": jti, "htm": "POST", "htu": URL, "iat": NOW})
    }

    fn token_target() -> Target<'static> {
        Target {
            method: "POST",
            url: URL,
            access_token: None,
        }
    }

    #[test]
    fn every_supported_alg_verifies_and_gives_the_keys_thumbprint() {
        for key in [
            TestKey::ec(),
            TestKey::ed(),
            TestKey::rsa(DpopAlg::Rs256),
            TestKey::rsa(DpopAlg::Ps256),
        ] {
            let proof = dpop(false)
                .check(&key.sign(&claims("a")), &token_target(), now())
                .unwrap_or_else(|e| panic!("{}: {e}", key.alg()));
            let jwk = key.jwk();
            let canonical = match jwk["kty"].as_str().unwrap() {
                "EC" => format!(
                    r#"{{"crv":"P-256","kty":"EC","x":{},"y":{}}}"#,
                    jwk["x"], jwk["y"]
                ),
                "OKP" => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":{}}}"#, jwk["x"]),
                _ => format!(r#"{{"e":{},"kty":"RSA","n":{}}}"#, jwk["e"], jwk["n"]),
            };
            assert_eq!(proof.jkt.as_str(), b64(Sha256::digest(canonical)));
            assert!(Jkt::parse(proof.jkt.as_str()).is_some());
        }
    }

    /// RFC 7638 §3.1's example key and thumbprint.
    #[test]
    fn thumbprint_matches_rfc_7638_example() {
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        let (_, jkt) = read_key(DpopAlg::Rs256, jwk.as_object().unwrap()).unwrap();
        assert_eq!(jkt.as_str(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }

    #[test]
    fn header_checks() {
        let key = TestKey::ec();
        let check = |header: Value| {
            dpop(false).check(&key.sign_raw(&header, &claims("a")), &token_target(), now())
        };
        let mut h = key.header();
        h["typ"] = json!("JWT");
        assert_eq!(check(h), Err(DpopError::WrongType));
        for alg in ["none", "HS256", "ES384", ""] {
            let mut h = key.header();
            h["alg"] = json!(alg);
            assert_eq!(check(h), Err(DpopError::UnsupportedAlg), "{alg}");
        }
        let mut h = key.header();
        h["alg"] = json!("EdDSA");
        assert!(matches!(check(h), Err(DpopError::BadKey(_))));
        let mut h = key.header();
        h["jwk"]["d"] = json!("c2VjcmV0");
        assert_eq!(check(h), Err(DpopError::PrivateKey));
        let mut h = key.header();
        h.as_object_mut().unwrap().remove("jwk");
        assert!(matches!(check(h), Err(DpopError::BadKey(_))));
        let mut h = key.header();
        h["crit"] = json!(["exp"]);
        assert!(matches!(check(h), Err(DpopError::Malformed(_))));
        // Another key's jwk: the signature does not verify.
        let mut h = key.header();
        h["jwk"] = TestKey::ec().jwk();
        assert_eq!(check(h), Err(DpopError::BadSignature));
        // An unsigned proof.
        let unsigned = format!(
            "{}.{}.",
            b64(json!({"typ": "dpop+jwt", "alg": "none", "jwk": key.jwk()}).to_string()),
            b64(claims("a").to_string())
        );
        assert_eq!(
            dpop(false).check(&unsigned, &token_target(), now()),
            Err(DpopError::UnsupportedAlg)
        );
    }

    #[test]
    fn malformed_proofs_are_refused_not_panicked_on() {
        let d = dpop(false);
        for text in [
            "",
            ".",
            "..",
            "a.b.c",
            "a.b.c.d",
            "e30.e30.",
            &"x".repeat(MAX_PROOF_LEN + 1),
        ] {
            assert!(d.check(text, &token_target(), now()).is_err(), "{text:?}");
        }
    }

    #[test]
    fn claim_checks() {
        let key = TestKey::ed();
        let d = dpop(false);
        let check = |c: Value| d.check(&key.sign(&c), &token_target(), now());
        let mut c = claims("a");
        c["htm"] = json!("GET");
        assert_eq!(check(c), Err(DpopError::WrongMethod));
        let mut c = claims("a");
        c["htu"] = json!("https://id.example.com/userinfo");
        assert_eq!(check(c), Err(DpopError::WrongUrl));
        let mut c = claims("a");
        c["htu"] = json!("https://evil.example.com/token");
        assert_eq!(check(c), Err(DpopError::WrongUrl));
        // Query and fragment are ignored; the default port and host case are normalized.
        let mut c = claims("a");
        c["htu"] = json!("https://ID.example.com:443/token?x=1#f");
        assert!(check(c).is_ok());
        for iat in [NOW - 61, NOW + 61] {
            let mut c = claims("a");
            c["iat"] = json!(iat);
            assert_eq!(check(c), Err(DpopError::Stale), "{iat}");
        }
        for iat in [NOW - 60, NOW + 60] {
            let mut c = claims("a");
            c["iat"] = json!(iat);
            assert!(check(c).is_ok(), "{iat}");
        }
        let mut c = claims("a");
        c.as_object_mut().unwrap().remove("jti");
        assert!(matches!(check(c), Err(DpopError::Malformed(_))));
        let mut c = claims("a");
        c["iat"] = json!("now");
        assert!(matches!(check(c), Err(DpopError::Malformed(_))));
    }

    #[test]
    fn ath_is_required_at_resource_endpoints() {
        let key = TestKey::ec();
        let d = dpop(false);
        let target = Target {
            method: "GET",
            url: "https://id.example.com/userinfo",
            access_token: Some("the-token"),
        };
        let base = json!({"jti": "a", "htm": "GET", "htu": target.url, "iat": NOW});
        assert_eq!(
            d.check(&key.sign(&base), &target, now()),
            Err(DpopError::MissingAth)
        );
        let mut wrong = base.clone();
        wrong["ath"] = json!(ath("another-token"));
        assert_eq!(
            d.check(&key.sign(&wrong), &target, now()),
            Err(DpopError::WrongAth)
        );
        let mut right = base;
        right["ath"] = json!(ath("the-token"));
        assert!(d.check(&key.sign(&right), &target, now()).is_ok());
        // RFC 9449 §4.2's example: ath of the token "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU".
        assert_eq!(
            ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }

    #[test]
    fn nonces_are_stateless_per_step_and_required_when_configured() {
        let key = TestKey::ec();
        let d = dpop(true);
        let without = key.sign(&claims("a"));
        let err = d.check(&without, &token_target(), now()).unwrap_err();
        assert_eq!(err, DpopError::NonceRequired);
        assert!(err.wants_nonce());
        assert_eq!(err.oauth().code, OAuthErrorCode::UseDpopNonce);
        let nonce = d.nonce(now());
        // Another node with the same master key makes the same nonce.
        assert_eq!(dpop(true).nonce(now()), nonce);
        let mut c = claims("a");
        c["nonce"] = json!(nonce);
        assert!(d.check(&key.sign(&c), &token_target(), now()).is_ok());
        // Still good one step later, not two.
        let later = Timestamp::from_secs(NOW + 300);
        let mut c = claims("a");
        c["iat"] = json!(NOW + 300);
        c["nonce"] = json!(nonce);
        assert!(d.check(&key.sign(&c), &token_target(), later).is_ok());
        let much_later = Timestamp::from_secs(NOW + 600);
        c["iat"] = json!(NOW + 600);
        assert_eq!(
            d.check(&key.sign(&c), &token_target(), much_later),
            Err(DpopError::NonceStale)
        );
        // A nonce made under another master key is not ours.
        let other = Dpop::new(
            d.rules().clone(),
            &MasterKey::parse(&"22".repeat(32)).unwrap(),
        );
        let mut c = claims("a");
        c["nonce"] = json!(other.nonce(now()));
        assert_eq!(
            d.check(&key.sign(&c), &token_target(), now()),
            Err(DpopError::NonceStale)
        );
    }

    #[test]
    fn a_proof_is_spent_once() {
        let eph = crate::testing::MemoryEphemeral::default();
        let key = TestKey::ec();
        let d = dpop(false);
        let proof = d
            .check(&key.sign(&claims("one")), &token_target(), now())
            .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(async {
            assert_eq!(d.spend(&eph, &proof).await, Ok(()));
            assert_eq!(d.spend(&eph, &proof).await, Err(DpopError::Replayed));
            let other = d
                .check(&key.sign(&claims("two")), &token_target(), now())
                .unwrap();
            assert_eq!(d.spend(&eph, &other).await, Ok(()));
            eph.fail_writes
                .store(true, std::sync::atomic::Ordering::SeqCst);
            let third = d
                .check(&key.sign(&claims("three")), &token_target(), now())
                .unwrap();
            assert_eq!(d.spend(&eph, &third).await, Err(DpopError::Unavailable));
        });
    }

    #[test]
    fn bindings() {
        let a = Jkt::parse(&b64([1u8; 32])).unwrap();
        let b = Jkt::parse(&b64([2u8; 32])).unwrap();
        assert!(Jkt::parse("short").is_none());
        assert!(Jkt::parse(&"!".repeat(43)).is_none());
        assert!(check_code_binding(None, None).is_ok());
        assert!(check_code_binding(None, Some(&a)).is_ok());
        assert!(check_code_binding(Some(&a), Some(&a)).is_ok());
        assert_eq!(
            check_code_binding(Some(&a), Some(&b)).unwrap_err().code,
            OAuthErrorCode::InvalidGrant
        );
        assert_eq!(
            check_code_binding(Some(&a), None).unwrap_err().code,
            OAuthErrorCode::InvalidGrant
        );
        let proof = Proof {
            jkt: a.clone(),
            alg: DpopAlg::Es256,
            jti: "x".into(),
        };
        let other = Proof {
            jkt: b.clone(),
            alg: DpopAlg::Es256,
            jti: "y".into(),
        };
        assert!(check_presentation(None, Scheme::Bearer, None).is_ok());
        assert!(matches!(
            check_presentation(Some(&a), Scheme::Bearer, Some(&proof)),
            Err(PresentationError::Token(_))
        ));
        assert!(matches!(
            check_presentation(None, Scheme::Dpop, Some(&proof)),
            Err(PresentationError::Token(_))
        ));
        assert_eq!(
            check_presentation(Some(&a), Scheme::Dpop, None),
            Err(PresentationError::Proof(DpopError::Missing))
        );
        assert_eq!(
            check_presentation(Some(&a), Scheme::Dpop, Some(&other)),
            Err(PresentationError::Proof(DpopError::WrongKey))
        );
        assert!(check_presentation(Some(&a), Scheme::Dpop, Some(&proof)).is_ok());
    }
}
