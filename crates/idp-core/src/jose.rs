//! JSON Web Signatures: our signing keys (RS256, ES256, EdDSA) parsed once into ring key
//! pairs, compact JWS signing and verification against a JWK set (which also accepts
//! PS256, for what clients sign: request objects), and the OIDC hash claims.
//!
//! Signing and verifying use `ring`, except RS256 signing, which OpenSSL does in about
//! half ring's time (the same deterministic PKCS#1 v1.5 signature; ring still parses and
//! checks the key and gives its public half). Keys are generated from the [`Random`]
//! port: RSA with the RustCrypto `rsa` crate (ring cannot generate RSA keys), P-256 with
//! `p256`, Ed25519 from a 32-byte seed. Neither of those crates ever performs a
//! private-key operation here; they only produce the PKCS#8 document the signers load.

use crate::client::SigningAlg;
use crate::random::Random;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{
    self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair, RsaPublicKeyComponents,
    UnparsedPublicKey,
};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256, Sha512};
use std::borrow::Cow;
use std::fmt;

/// The `typ` of an ID token (OIDC Core does not require one; `JWT` is what libraries expect).
pub const TYP_JWT: &str = "JWT";
/// RFC 9068 §2.1: the `typ` of a JWT access token.
pub const TYP_ACCESS_TOKEN: &str = "at+jwt";
/// OIDC Back-Channel Logout §2.4: the `typ` of a logout token.
pub const TYP_LOGOUT_TOKEN: &str = "logout+jwt";

/// Header types whose encoded header each key prepares once, at load.
const PREPARED_TYPS: [&str; 3] = [TYP_JWT, TYP_ACCESS_TOKEN, TYP_LOGOUT_TOKEN];

/// Modulus size of the RSA keys `idp` generates.
pub const RSA_BITS: usize = 2048;

/// Longest token [`verify_jwt`] looks at; anything longer is refused unread.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

crate::client::wire_enum!(
    /// JWS algorithms a signature is checked with: ours ([`SigningAlg`]) and PS256, which
    /// clients may sign with (RFC 7518 §3.5) but `idp` never does.
    JwsAlg, "JWS algorithm" {
        Rs256 => "RS256",
        Ps256 => "PS256",
        Es256 => "ES256",
        EdDsa => "EdDSA",
    }
);

/// What a client may sign its `private_key_jwt` assertions with (RFC 7523).
pub const CLIENT_ASSERTION_ALGS: [JwsAlg; 4] =
    [JwsAlg::Rs256, JwsAlg::Ps256, JwsAlg::Es256, JwsAlg::EdDsa];

impl From<SigningAlg> for JwsAlg {
    fn from(alg: SigningAlg) -> Self {
        match alg {
            SigningAlg::Rs256 => JwsAlg::Rs256,
            SigningAlg::Es256 => JwsAlg::Es256,
            SigningAlg::EdDsa => JwsAlg::EdDsa,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JoseError {
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    #[error("the algorithm {0:?} is not supported")]
    UnsupportedAlg(String),
    #[error("the algorithm {0} is not accepted here")]
    AlgNotAllowed(JwsAlg),
    #[error("no key with id {0:?}")]
    UnknownKid(String),
    #[error("no key for the algorithm {0}")]
    NoKeyForAlg(JwsAlg),
    #[error("the key {kid:?} is not a {alg} key")]
    KeyAlgMismatch { kid: String, alg: JwsAlg },
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the token has critical header parameters this verifier does not understand")]
    UnsupportedCritical,
    #[error("the private key is unusable: {0}")]
    InvalidKey(String),
    #[error("the JWK is unusable: {0}")]
    InvalidJwk(String),
    #[error("the claims could not be serialized: {0}")]
    Serialize(String),
    #[error("signing failed")]
    Signing,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token was issued in the future")]
    IssuedInFuture,
    #[error("the claim {0:?} is missing or is not a number")]
    BadTimeClaim(&'static str),
}

/// A private key parsed once into ring's form (and OpenSSL's, for RSA signing).
enum PrivateKey {
    Rsa {
        pair: RsaKeyPair,
        signer: openssl::pkey::PKey<openssl::pkey::Private>,
    },
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// The public half of a key, as JWK members want it.
enum PublicParts {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    P256 { x: Vec<u8>, y: Vec<u8> },
    Ed25519 { x: Vec<u8> },
}

impl PublicParts {
    fn of(key: &PrivateKey) -> Result<Self, JoseError> {
        match key {
            PrivateKey::Rsa { pair, .. } => {
                let c = signature::RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
                Ok(Self::Rsa { n: c.n, e: c.e })
            }
            PrivateKey::Ecdsa(k) => {
                let (x, y) = split_p256_point(k.public_key().as_ref())?;
                Ok(Self::P256 {
                    x: x.to_vec(),
                    y: y.to_vec(),
                })
            }
            PrivateKey::Ed25519(k) => Ok(Self::Ed25519 {
                x: k.public_key().as_ref().to_vec(),
            }),
        }
    }

    /// RFC 7638 §3.2: the required members only, in lexicographic order, no white space.
    /// Base64url text needs no JSON escaping, so plain formatting is canonical.
    fn thumbprint(&self) -> String {
        let canonical = match self {
            Self::Rsa { n, e } => format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, b64(e), b64(n)),
            Self::P256 { x, y } => format!(
                r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                b64(x),
                b64(y)
            ),
            Self::Ed25519 { x } => format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64(x)),
        };
        b64(Sha256::digest(canonical.as_bytes()))
    }

    fn jwk(&self, kid: &str, alg: SigningAlg) -> Value {
        let mut m = Map::new();
        match self {
            Self::Rsa { n, e } => {
                m.insert("kty".into(), "RSA".into());
                m.insert("n".into(), b64(n).into());
                m.insert("e".into(), b64(e).into());
            }
            Self::P256 { x, y } => {
                m.insert("kty".into(), "EC".into());
                m.insert("crv".into(), "P-256".into());
                m.insert("x".into(), b64(x).into());
                m.insert("y".into(), b64(y).into());
            }
            Self::Ed25519 { x } => {
                m.insert("kty".into(), "OKP".into());
                m.insert("crv".into(), "Ed25519".into());
                m.insert("x".into(), b64(x).into());
            }
        }
        m.insert("kid".into(), kid.into());
        m.insert("alg".into(), alg.as_str().into());
        m.insert("use".into(), "sig".into());
        Value::Object(m)
    }
}

/// One of our signing keys, ready to sign: parsed once, with its public JWK and its
/// encoded headers prepared.
pub struct SigningKeyPair {
    kid: String,
    alg: SigningAlg,
    key: PrivateKey,
    public_jwk: Value,
    /// Base64url of `{"alg":..,"kid":..,"typ":..}` for each of [`PREPARED_TYPS`].
    headers: Vec<(&'static str, String)>,
    /// RSA blinding and the ECDSA nonce; ring does not take randomness from our port.
    rng: SystemRandom,
}

impl fmt::Debug for SigningKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyPair")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    kid: &'a str,
    typ: &'a str,
}

fn encoded_header(alg: SigningAlg, kid: &str, typ: &str) -> Result<String, JoseError> {
    let json = serde_json::to_vec(&Header {
        alg: alg.as_str(),
        kid,
        typ,
    })
    .map_err(|e| JoseError::Serialize(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

impl SigningKeyPair {
    /// A new key for `alg` from `rng`, and its private key as PKCS#8 DER (to be sealed).
    /// The kid is the key's RFC 7638 JWK thumbprint, so it is distinct for distinct keys.
    pub fn generate(alg: SigningAlg, rng: &dyn Random) -> Result<(Self, Vec<u8>), JoseError> {
        let der = match alg {
            SigningAlg::Rs256 => {
                use rsa::pkcs8::EncodePrivateKey as _;
                let key = rsa::RsaPrivateKey::new(&mut PortRng(rng), RSA_BITS)
                    .map_err(|e| JoseError::InvalidKey(e.to_string()))?;
                key.to_pkcs8_der()
                    .map_err(|e| JoseError::InvalidKey(e.to_string()))?
                    .as_bytes()
                    .to_vec()
            }
            SigningAlg::Es256 => {
                use p256::pkcs8::EncodePrivateKey as _;
                p256::SecretKey::random(&mut PortRng(rng))
                    .to_pkcs8_der()
                    .map_err(|e| JoseError::InvalidKey(e.to_string()))?
                    .as_bytes()
                    .to_vec()
            }
            SigningAlg::EdDsa => {
                let mut seed = [0u8; 32];
                rng.fill(&mut seed);
                ed25519_pkcs8(&seed)
            }
        };
        let rng = SystemRandom::new();
        let key = parse_private(alg, &der, &rng)?;
        let kid = PublicParts::of(&key)?.thumbprint();
        Ok((Self::assemble(kid, alg, key, rng)?, der))
    }

    /// A stored key: its kid, its algorithm and its private key as PKCS#8 DER.
    pub fn from_pkcs8(kid: &str, alg: SigningAlg, der: &[u8]) -> Result<Self, JoseError> {
        let rng = SystemRandom::new();
        let key = parse_private(alg, der, &rng)?;
        Self::assemble(kid.to_owned(), alg, key, rng)
    }

    fn assemble(
        kid: String,
        alg: SigningAlg,
        key: PrivateKey,
        rng: SystemRandom,
    ) -> Result<Self, JoseError> {
        let public_jwk = PublicParts::of(&key)?.jwk(&kid, alg);
        let headers = PREPARED_TYPS
            .iter()
            .map(|typ| Ok((*typ, encoded_header(alg, &kid, typ)?)))
            .collect::<Result<_, JoseError>>()?;
        Ok(Self {
            kid,
            alg,
            key,
            public_jwk,
            headers,
            rng,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn alg(&self) -> SigningAlg {
        self.alg
    }

    /// The public JWK as published: `kty`, `kid`, `alg`, `use` and the key's members.
    pub fn public_jwk(&self) -> &Value {
        &self.public_jwk
    }

    /// The key that verifies what this key signs.
    pub fn verifying_key(&self) -> Result<VerifyingKey, JoseError> {
        VerifyingKey::from_jwk(&self.public_jwk)
    }

    /// A compact JWS over `claims` with the header `{"alg":..,"kid":..,"typ":..}`.
    pub fn sign_jwt(&self, typ: &str, claims: &impl Serialize) -> Result<String, JoseError> {
        let header: Cow<'_, str> = match self.headers.iter().find(|(t, _)| *t == typ) {
            Some((_, h)) => Cow::Borrowed(h),
            None => Cow::Owned(encoded_header(self.alg, &self.kid, typ)?),
        };
        let payload =
            serde_json::to_vec(claims).map_err(|e| JoseError::Serialize(e.to_string()))?;
        // Header, payload and an RSA-2048 signature (the longest), base64url, two dots.
        let capacity = header.len() + (payload.len() * 4).div_ceil(3) + 344 + 2;
        let mut token = String::with_capacity(capacity);
        token.push_str(&header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
        let signature = self.sign(token.as_bytes())?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature, &mut token);
        Ok(token)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, JoseError> {
        match &self.key {
            // PKCS#1 v1.5 is OpenSSL's default padding for an RSA key.
            PrivateKey::Rsa { signer, .. } => {
                openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), signer)
                    .and_then(|mut s| s.sign_oneshot_to_vec(message))
                    .map_err(|_| JoseError::Signing)
            }
            PrivateKey::Ecdsa(k) => k
                .sign(&self.rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| JoseError::Signing),
            PrivateKey::Ed25519(k) => Ok(k.sign(message).as_ref().to_vec()),
        }
    }
}

fn parse_private(alg: SigningAlg, der: &[u8], rng: &SystemRandom) -> Result<PrivateKey, JoseError> {
    let rejected = |e: ring::error::KeyRejected| JoseError::InvalidKey(e.to_string());
    match alg {
        SigningAlg::Rs256 => {
            let pair = RsaKeyPair::from_pkcs8(der).map_err(rejected)?;
            let signer = openssl::pkey::PKey::private_key_from_pkcs8(der)
                .map_err(|e| JoseError::InvalidKey(e.to_string()))?;
            Ok(PrivateKey::Rsa { pair, signer })
        }
        SigningAlg::Es256 => {
            EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, der, rng)
                .map(PrivateKey::Ecdsa)
                .map_err(rejected)
        }
        // Accepts both RFC 8410 v1 documents (what we write) and v2 ones with the public key.
        SigningAlg::EdDsa => Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .map(PrivateKey::Ed25519)
            .map_err(rejected),
    }
}

/// RFC 8410 §7: `OneAsymmetricKey` v1 holding an Ed25519 seed.
fn ed25519_pkcs8(seed: &[u8; 32]) -> Vec<u8> {
    const PREFIX: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    let mut der = Vec::with_capacity(PREFIX.len() + seed.len());
    der.extend_from_slice(&PREFIX);
    der.extend_from_slice(seed);
    der
}

/// The uncompressed SEC 1 point `04 || x || y` of P-256, split.
fn split_p256_point(point: &[u8]) -> Result<(&[u8], &[u8]), JoseError> {
    match point.split_first() {
        Some((0x04, xy)) if xy.len() == 64 => Ok(xy.split_at(32)),
        _ => Err(JoseError::InvalidKey(
            "not an uncompressed P-256 point".into(),
        )),
    }
}

/// The [`Random`] port as the `rand_core` generator the RustCrypto key generators take.
struct PortRng<'a>(&'a dyn Random);

impl rand::RngCore for PortRng<'_> {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.0.fill(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.0.fill(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill(dest);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.0.fill(dest);
        Ok(())
    }
}

/// The port promises cryptographically secure bytes.
impl rand::CryptoRng for PortRng<'_> {}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Strict base64url: no padding, no stray bits (so a signature has one spelling only).
fn unb64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[derive(Clone, PartialEq, Eq)]
enum PublicKey {
    /// Big-endian, leading zeros stripped.
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// Uncompressed SEC 1 point.
    P256(Vec<u8>),
    Ed25519(Vec<u8>),
}

/// A public key from a JWK, to check signatures with.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    kid: Option<String>,
    /// The JWK's `alg`, or the key type's natural one when it names none.
    alg: JwsAlg,
    /// The JWK named its `alg`: the key then verifies that algorithm only. An RSA key
    /// that names none verifies RS256 and PS256.
    declared: bool,
    key: PublicKey,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

fn jwk_str<'a>(jwk: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, JoseError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| JoseError::InvalidJwk(format!("no {name:?}")))
}

fn jwk_bytes(jwk: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, JoseError> {
    unb64(jwk_str(jwk, name)?)
        .ok_or_else(|| JoseError::InvalidJwk(format!("{name:?} is not base64url")))
}

fn jwk_coordinate(jwk: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, JoseError> {
    let bytes = jwk_bytes(jwk, name)?;
    if bytes.len() != 32 {
        return Err(JoseError::InvalidJwk(format!("{name:?} is not 32 bytes")));
    }
    Ok(bytes)
}

fn strip_leading_zeros(mut bytes: Vec<u8>) -> Vec<u8> {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    bytes.drain(..zeros);
    bytes
}

impl VerifyingKey {
    /// Reads a public JWK: RSA (`n`, `e`), EC P-256 (`x`, `y`) or OKP Ed25519 (`x`). Without
    /// an `alg` member the algorithm follows from the key type (Entra ID publishes none).
    pub fn from_jwk(jwk: &Value) -> Result<Self, JoseError> {
        let m = jwk
            .as_object()
            .ok_or_else(|| JoseError::InvalidJwk("not a JSON object".into()))?;
        if let Some(use_) = m.get("use")
            && use_.as_str() != Some("sig")
        {
            return Err(JoseError::InvalidJwk("not a signature key".into()));
        }
        let kid = match m.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(JoseError::InvalidJwk("\"kid\" is not a string".into())),
        };
        let (natural_alg, key) = match jwk_str(m, "kty")? {
            "RSA" => (
                SigningAlg::Rs256,
                PublicKey::Rsa {
                    n: strip_leading_zeros(jwk_bytes(m, "n")?),
                    e: strip_leading_zeros(jwk_bytes(m, "e")?),
                },
            ),
            "EC" => {
                if jwk_str(m, "crv")? != "P-256" {
                    return Err(JoseError::InvalidJwk("unsupported curve".into()));
                }
                let mut point = Vec::with_capacity(65);
                point.push(0x04);
                point.extend(jwk_coordinate(m, "x")?);
                point.extend(jwk_coordinate(m, "y")?);
                (SigningAlg::Es256, PublicKey::P256(point))
            }
            "OKP" => {
                if jwk_str(m, "crv")? != "Ed25519" {
                    return Err(JoseError::InvalidJwk("unsupported curve".into()));
                }
                (
                    SigningAlg::EdDsa,
                    PublicKey::Ed25519(jwk_coordinate(m, "x")?),
                )
            }
            other => return Err(JoseError::InvalidJwk(format!("unsupported kty {other:?}"))),
        };
        let natural_alg = JwsAlg::from(natural_alg);
        let (alg, declared) = match m.get("alg") {
            None => (natural_alg, false),
            Some(alg) => {
                let name = alg.as_str().unwrap_or_default();
                let alg: JwsAlg = name
                    .parse()
                    .map_err(|_| JoseError::UnsupportedAlg(name.to_owned()))?;
                // RFC 7518 §3.3, §3.5: an RSA key may be for RS256 or PS256; the others
                // have one algorithm each.
                let fits =
                    alg == natural_alg || (alg == JwsAlg::Ps256 && natural_alg == JwsAlg::Rs256);
                if !fits {
                    return Err(JoseError::UnsupportedAlg(name.to_owned()));
                }
                (alg, true)
            }
        };
        Ok(Self {
            kid,
            alg,
            declared,
            key,
        })
    }

    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The JWK's `alg`, or the key type's natural one.
    pub fn alg(&self) -> JwsAlg {
        self.alg
    }

    /// Whether this key verifies `alg`: the one its JWK names, or, naming none, any
    /// algorithm of its key type.
    pub fn accepts(&self, alg: JwsAlg) -> bool {
        match &self.key {
            _ if self.declared => self.alg == alg,
            PublicKey::Rsa { .. } => matches!(alg, JwsAlg::Rs256 | JwsAlg::Ps256),
            PublicKey::P256(_) => alg == JwsAlg::Es256,
            PublicKey::Ed25519(_) => alg == JwsAlg::EdDsa,
        }
    }

    fn verify(&self, alg: JwsAlg, message: &[u8], sig: &[u8]) -> Result<(), JoseError> {
        if !self.accepts(alg) {
            return Err(JoseError::BadSignature);
        }
        let ok = match &self.key {
            PublicKey::Rsa { n, e } => {
                let scheme: &signature::RsaParameters = if alg == JwsAlg::Ps256 {
                    &signature::RSA_PSS_2048_8192_SHA256
                } else {
                    &signature::RSA_PKCS1_2048_8192_SHA256
                };
                RsaPublicKeyComponents { n, e }
                    .verify(scheme, message, sig)
                    .is_ok()
            }
            PublicKey::P256(point) => {
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, sig)
                    .is_ok()
            }
            PublicKey::Ed25519(x) => UnparsedPublicKey::new(&signature::ED25519, x)
                .verify(message, sig)
                .is_ok(),
        };
        if ok {
            Ok(())
        } else {
            Err(JoseError::BadSignature)
        }
    }
}

/// The keys a token may be signed with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JwkSet {
    keys: Vec<VerifyingKey>,
}

impl JwkSet {
    pub fn new(keys: Vec<VerifyingKey>) -> Self {
        Self { keys }
    }

    /// Reads `{"keys":[...]}` as an issuer publishes it. RFC 7517 §5: keys of types,
    /// curves or algorithms not understood, or missing members, are ignored.
    pub fn from_json(text: &str) -> Result<Self, JoseError> {
        let doc: Value = serde_json::from_str(text)
            .map_err(|e| JoseError::InvalidJwk(format!("not JSON: {e}")))?;
        let keys = doc
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| JoseError::InvalidJwk("not a JWK set: no \"keys\" array".into()))?;
        Ok(Self {
            keys: keys
                .iter()
                .filter_map(|k| VerifyingKey::from_jwk(k).ok())
                .collect(),
        })
    }

    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// `{"keys":[...]}` of the given public JWKs, for the JWKS endpoint.
pub fn public_jwks_json<'a>(jwks: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = String::from(r#"{"keys":["#);
    for (i, jwk) in jwks.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&jwk.to_string());
    }
    out.push_str("]}");
    out
}

fn decode_json_object(part: &str, what: &'static str) -> Result<Value, JoseError> {
    let bytes = unb64(part).ok_or(JoseError::Malformed(what))?;
    match serde_json::from_slice(&bytes) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(JoseError::Malformed(what)),
    }
}

/// Checks a compact JWS against `keys` and returns its header and claims. The header's
/// `alg` must be one of `allowed_algs` (never `none`) and match the key: the key named by
/// `kid`, or without a `kid` any key of that algorithm. No claim is checked here.
pub fn verify_jwt<A: Copy + Into<JwsAlg>>(
    token: &str,
    keys: &JwkSet,
    allowed_algs: &[A],
) -> Result<(Value, Value), JoseError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JoseError::Malformed("too long"));
    }
    let (signing_input, sig_part) = token
        .rsplit_once('.')
        .ok_or(JoseError::Malformed("not three parts"))?;
    let (header_part, payload_part) = signing_input
        .split_once('.')
        .ok_or(JoseError::Malformed("not three parts"))?;
    if payload_part.contains('.') {
        return Err(JoseError::Malformed("not three parts"));
    }
    let header = decode_json_object(header_part, "the header is not a base64url JSON object")?;
    let alg_name = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or(JoseError::Malformed("the header has no \"alg\""))?;
    // RFC 8725 §3.1: the algorithm is chosen by the verifier, never by the token.
    let alg: JwsAlg = alg_name
        .parse()
        .map_err(|_| JoseError::UnsupportedAlg(alg_name.to_owned()))?;
    if !allowed_algs.iter().any(|a| (*a).into() == alg) {
        return Err(JoseError::AlgNotAllowed(alg));
    }
    // RFC 7515 §4.1.11: a token with critical extensions we do not implement is invalid.
    if header.get("crit").is_some() {
        return Err(JoseError::UnsupportedCritical);
    }
    let sig = unb64(sig_part).ok_or(JoseError::Malformed("the signature is not base64url"))?;
    let message = signing_input.as_bytes();
    match header.get("kid") {
        Some(Value::String(kid)) => {
            let mut named = keys.keys.iter().filter(|k| k.kid() == Some(kid)).peekable();
            if named.peek().is_none() {
                return Err(JoseError::UnknownKid(kid.clone()));
            }
            let mut of_alg = named.filter(|k| k.accepts(alg)).peekable();
            if of_alg.peek().is_none() {
                return Err(JoseError::KeyAlgMismatch {
                    kid: kid.clone(),
                    alg,
                });
            }
            if !of_alg.any(|k| k.verify(alg, message, &sig).is_ok()) {
                return Err(JoseError::BadSignature);
            }
        }
        Some(_) => return Err(JoseError::Malformed("\"kid\" is not a string")),
        None => {
            let mut of_alg = keys.keys.iter().filter(|k| k.accepts(alg)).peekable();
            if of_alg.peek().is_none() {
                return Err(JoseError::NoKeyForAlg(alg));
            }
            if !of_alg.any(|k| k.verify(alg, message, &sig).is_ok()) {
                return Err(JoseError::BadSignature);
            }
        }
    }
    let claims = decode_json_object(payload_part, "the claims are not a base64url JSON object")?;
    Ok((header, claims))
}

fn numeric_date(claims: &Value, name: &'static str) -> Result<Option<f64>, JoseError> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v.as_f64().map(Some).ok_or(JoseError::BadTimeClaim(name)),
    }
}

/// RFC 7519 §4.1.4–4.1.6: `exp` (required) has not passed, `nbf` (if present) has, and
/// `iat` (if present) is not in the future, each with `leeway_secs` of clock skew.
pub fn check_time_claims(claims: &Value, now_secs: i64, leeway_secs: i64) -> Result<(), JoseError> {
    // NumericDate may be fractional (RFC 7519 §2); seconds since the epoch fit a double exactly.
    let (now, leeway) = (now_secs as f64, leeway_secs as f64);
    let exp = numeric_date(claims, "exp")?.ok_or(JoseError::BadTimeClaim("exp"))?;
    if now - leeway >= exp {
        return Err(JoseError::Expired);
    }
    if let Some(nbf) = numeric_date(claims, "nbf")?
        && now + leeway < nbf
    {
        return Err(JoseError::NotYetValid);
    }
    if let Some(iat) = numeric_date(claims, "iat")?
        && iat > now + leeway
    {
        return Err(JoseError::IssuedInFuture);
    }
    Ok(())
}

/// OIDC Core §3.1.3.6 (`at_hash`) and §3.3.2.11 (`c_hash`): base64url of the left-most
/// half of the hash of the ASCII token, with the hash of the ID token's `alg`: SHA-256 for
/// RS256 and ES256, SHA-512 for EdDSA over Ed25519 (as the OpenID errata and certified
/// providers have it).
pub fn at_hash(token: &str, alg: SigningAlg) -> String {
    match alg {
        SigningAlg::Rs256 | SigningAlg::Es256 => {
            let digest = Sha256::digest(token.as_bytes());
            b64(digest.get(..16).unwrap_or_default())
        }
        SigningAlg::EdDsa => {
            let digest = Sha512::digest(token.as_bytes());
            b64(digest.get(..32).unwrap_or_default())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::OsRandom;
    use serde_json::json;
    use std::collections::HashSet;

    const ALL: [SigningAlg; 3] = [SigningAlg::Rs256, SigningAlg::Es256, SigningAlg::EdDsa];

    fn claims() -> Value {
        json!({"iss": "https://idp.example", "sub": "u1", "aud": "c1", "exp": 2_000_000_000, "iat": 1_700_000_000})
    }

    fn set_of(key: &SigningKeyPair) -> JwkSet {
        JwkSet::new(vec![key.verifying_key().unwrap()])
    }

    fn generate(alg: SigningAlg) -> SigningKeyPair {
        SigningKeyPair::generate(alg, &OsRandom).unwrap().0
    }

    /// Flips one bit in the decoded part `index` (0 header, 1 payload, 2 signature) of a token.
    fn tamper(token: &str, index: usize) -> String {
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut bytes = unb64(&parts[index]).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        parts[index] = b64(bytes);
        parts.join(".")
    }

    #[test]
    fn sign_and_verify_round_trip_for_every_alg() {
        for alg in ALL {
            let key = generate(alg);
            let token = key.sign_jwt(TYP_JWT, &claims()).unwrap();
            let (header, got) = verify_jwt(&token, &set_of(&key), &ALL).unwrap();
            assert_eq!(got, claims(), "{alg}");
            assert_eq!(
                header,
                json!({"alg": alg.as_str(), "kid": key.kid(), "typ": "JWT"})
            );
        }
    }

    /// PKCS#1 v1.5 is deterministic: OpenSSL's RS256 signature is the one ring makes.
    #[test]
    fn rs256_signature_is_the_pkcs1_signature_ring_makes() {
        let (key, der) = SigningKeyPair::generate(SigningAlg::Rs256, &OsRandom).unwrap();
        let token = key.sign_jwt(TYP_JWT, &claims()).unwrap();
        let (input, sig) = token.rsplit_once('.').unwrap();
        let expected = ring_rsa_sign(&der, &signature::RSA_PKCS1_SHA256, input);
        assert_eq!(unb64(sig).unwrap(), expected);
    }

    /// `input` signed by ring with the RSA key `der`.
    fn ring_rsa_sign(
        der: &[u8],
        padding: &'static dyn signature::RsaEncoding,
        input: &str,
    ) -> Vec<u8> {
        let pair = RsaKeyPair::from_pkcs8(der).unwrap();
        let mut sig = vec![0u8; pair.public().modulus_len()];
        pair.sign(padding, &SystemRandom::new(), input.as_bytes(), &mut sig)
            .unwrap();
        sig
    }

    #[test]
    fn header_is_compact_and_in_order() {
        let key = generate(SigningAlg::EdDsa);
        for typ in [TYP_ACCESS_TOKEN, "custom+jwt"] {
            let token = key.sign_jwt(typ, &claims()).unwrap();
            let header = unb64(token.split('.').next().unwrap()).unwrap();
            assert_eq!(
                String::from_utf8(header).unwrap(),
                format!(r#"{{"alg":"EdDSA","kid":"{}","typ":"{typ}"}}"#, key.kid())
            );
        }
    }

    #[test]
    fn tampered_payload_or_signature_is_rejected() {
        for alg in ALL {
            let key = generate(alg);
            let token = key.sign_jwt(TYP_JWT, &claims()).unwrap();
            let keys = set_of(&key);
            assert_eq!(
                verify_jwt(&tamper(&token, 1), &keys, &ALL).unwrap_err(),
                JoseError::BadSignature,
                "{alg} payload"
            );
            assert_eq!(
                verify_jwt(&tamper(&token, 2), &keys, &ALL).unwrap_err(),
                JoseError::BadSignature,
                "{alg} signature"
            );
        }
    }

    #[test]
    fn signature_from_another_key_is_rejected() {
        let key = generate(SigningAlg::Es256);
        let impostor = SigningKeyPair::from_pkcs8(
            key.kid(),
            SigningAlg::Es256,
            &SigningKeyPair::generate(SigningAlg::Es256, &OsRandom)
                .unwrap()
                .1,
        )
        .unwrap();
        let token = impostor.sign_jwt(TYP_JWT, &claims()).unwrap();
        assert_eq!(
            verify_jwt(&token, &set_of(&key), &ALL).unwrap_err(),
            JoseError::BadSignature
        );
    }

    #[test]
    fn unknown_kid_is_rejected() {
        let key = generate(SigningAlg::EdDsa);
        let other = generate(SigningAlg::EdDsa);
        let token = other.sign_jwt(TYP_JWT, &claims()).unwrap();
        assert_eq!(
            verify_jwt(&token, &set_of(&key), &ALL).unwrap_err(),
            JoseError::UnknownKid(other.kid().to_owned())
        );
    }

    /// Builds a token with a hand-made header, signed (or not) by `key`.
    fn with_header(key: &SigningKeyPair, header: &Value) -> String {
        let input = format!("{}.{}", b64(header.to_string()), b64(claims().to_string()));
        let sig = key.sign(input.as_bytes()).unwrap();
        format!("{input}.{}", b64(sig))
    }

    #[test]
    fn alg_none_is_rejected() {
        let key = generate(SigningAlg::EdDsa);
        let keys = set_of(&key);
        let input = format!(
            "{}.{}",
            b64(json!({"alg": "none", "kid": key.kid()}).to_string()),
            b64(claims().to_string())
        );
        for token in [format!("{input}."), input.clone()] {
            let err = verify_jwt(&token, &keys, &ALL).unwrap_err();
            assert!(
                matches!(err, JoseError::UnsupportedAlg(_) | JoseError::Malformed(_)),
                "{err:?}"
            );
        }
        assert_eq!(
            verify_jwt(&format!("{input}."), &keys, &ALL).unwrap_err(),
            JoseError::UnsupportedAlg("none".into())
        );
    }

    #[test]
    fn alg_outside_the_allowed_list_is_rejected() {
        let key = generate(SigningAlg::EdDsa);
        let token = key.sign_jwt(TYP_JWT, &claims()).unwrap();
        assert_eq!(
            verify_jwt(
                &token,
                &set_of(&key),
                &[SigningAlg::Rs256, SigningAlg::Es256]
            )
            .unwrap_err(),
            JoseError::AlgNotAllowed(JwsAlg::EdDsa)
        );
    }

    /// PS256 as a client signs it: RSA-PSS with SHA-256 over the signing input.
    fn ps256_token(der: &[u8], header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let sig = ring_rsa_sign(der, &signature::RSA_PSS_SHA256, &input);
        format!("{input}.{}", b64(sig))
    }

    #[test]
    fn ps256_verifies_with_rsa_keys_that_allow_it() {
        let (key, der) = SigningKeyPair::generate(SigningAlg::Rs256, &OsRandom).unwrap();
        let token = ps256_token(&der, &json!({"alg": "PS256", "kid": key.kid()}), &claims());
        let all = JwsAlg::ALL;
        // The published JWK says RS256: it verifies RS256 only.
        assert_eq!(
            verify_jwt(&token, &set_of(&key), all).unwrap_err(),
            JoseError::KeyAlgMismatch {
                kid: key.kid().to_owned(),
                alg: JwsAlg::Ps256
            }
        );
        // Naming no alg, an RSA key verifies both RS256 and PS256.
        let mut bare = key.public_jwk().clone();
        bare.as_object_mut().unwrap().remove("alg");
        let bare = JwkSet::new(vec![VerifyingKey::from_jwk(&bare).unwrap()]);
        let (_, got) = verify_jwt(&token, &bare, all).unwrap();
        assert_eq!(got, claims());
        let rs = key.sign_jwt(TYP_JWT, &claims()).unwrap();
        assert!(verify_jwt(&rs, &bare, all).is_ok());
        // Naming PS256, it verifies PS256 and nothing else.
        let mut pss = key.public_jwk().clone();
        pss["alg"] = json!("PS256");
        let pss = JwkSet::new(vec![VerifyingKey::from_jwk(&pss).unwrap()]);
        assert!(verify_jwt(&token, &pss, all).is_ok());
        assert!(matches!(
            verify_jwt(&rs, &pss, all).unwrap_err(),
            JoseError::KeyAlgMismatch { .. }
        ));
        // A PKCS#1 v1.5 signature relabelled PS256 does not verify, nor a tampered one.
        let relabelled = with_header(&key, &json!({"alg": "PS256", "kid": key.kid()}));
        assert_eq!(
            verify_jwt(&relabelled, &pss, all).unwrap_err(),
            JoseError::BadSignature
        );
        assert_eq!(
            verify_jwt(&tamper(&token, 1), &pss, all).unwrap_err(),
            JoseError::BadSignature
        );
        // PS256 is accepted only where asked for: never for our own tokens.
        assert_eq!(
            verify_jwt(&token, &pss, SigningAlg::ALL).unwrap_err(),
            JoseError::AlgNotAllowed(JwsAlg::Ps256)
        );
        // An EC key may not claim PS256.
        let mut lying = generate(SigningAlg::Es256).public_jwk().clone();
        lying["alg"] = json!("PS256");
        assert!(VerifyingKey::from_jwk(&lying).is_err());
    }

    #[test]
    fn header_alg_must_match_the_key() {
        let key = generate(SigningAlg::Es256);
        let token = with_header(&key, &json!({"alg": "EdDSA", "kid": key.kid()}));
        assert_eq!(
            verify_jwt(&token, &set_of(&key), &ALL).unwrap_err(),
            JoseError::KeyAlgMismatch {
                kid: key.kid().to_owned(),
                alg: JwsAlg::EdDsa
            }
        );
    }

    #[test]
    fn without_kid_any_key_of_the_alg_may_verify() {
        let a = generate(SigningAlg::EdDsa);
        let b = generate(SigningAlg::EdDsa);
        let keys = JwkSet::new(vec![a.verifying_key().unwrap(), b.verifying_key().unwrap()]);
        let token = with_header(&b, &json!({"alg": "EdDSA"}));
        assert!(verify_jwt(&token, &keys, &ALL).is_ok());
        let es = with_header(&generate(SigningAlg::Es256), &json!({"alg": "ES256"}));
        assert_eq!(
            verify_jwt(&es, &keys, &ALL).unwrap_err(),
            JoseError::NoKeyForAlg(JwsAlg::Es256)
        );
    }

    #[test]
    fn critical_headers_are_rejected() {
        let key = generate(SigningAlg::EdDsa);
        let token = with_header(
            &key,
            &json!({"alg": "EdDSA", "kid": key.kid(), "crit": ["b64"], "b64": false}),
        );
        assert_eq!(
            verify_jwt(&token, &set_of(&key), &ALL).unwrap_err(),
            JoseError::UnsupportedCritical
        );
    }

    #[test]
    fn malformed_tokens_are_rejected() {
        let key = generate(SigningAlg::EdDsa);
        let keys = set_of(&key);
        let token = key.sign_jwt(TYP_JWT, &claims()).unwrap();
        for bad in [
            String::new(),
            "a.b".to_owned(),
            format!("{token}.x"),
            format!("{token}="),
            token.replacen('.', ".=", 1),
            "e30.e30.".to_owned(),
            "!!.e30.AA".to_owned(),
        ] {
            assert!(
                matches!(
                    verify_jwt(&bad, &keys, &ALL),
                    Err(JoseError::Malformed(_) | JoseError::BadSignature)
                ),
                "{bad:?}"
            );
        }
        // A signed payload that is not a JSON object.
        let input = format!(
            "{}.{}",
            b64(json!({"alg": "EdDSA", "kid": key.kid()}).to_string()),
            b64("[1]")
        );
        let token = format!("{input}.{}", b64(key.sign(input.as_bytes()).unwrap()));
        assert!(matches!(
            verify_jwt(&token, &keys, &ALL),
            Err(JoseError::Malformed(_))
        ));
        assert_eq!(
            verify_jwt(&"a".repeat(MAX_TOKEN_LEN + 1), &keys, &ALL).unwrap_err(),
            JoseError::Malformed("too long")
        );
    }

    #[test]
    fn from_pkcs8_of_generated_der_verifies_with_the_original_jwk() {
        for alg in ALL {
            let (original, der) = SigningKeyPair::generate(alg, &OsRandom).unwrap();
            let reloaded = SigningKeyPair::from_pkcs8(original.kid(), alg, &der).unwrap();
            assert_eq!(reloaded.public_jwk(), original.public_jwk());
            let token = reloaded.sign_jwt(TYP_ACCESS_TOKEN, &claims()).unwrap();
            let keys = JwkSet::new(vec![VerifyingKey::from_jwk(original.public_jwk()).unwrap()]);
            assert!(verify_jwt(&token, &keys, &[alg]).is_ok(), "{alg}");
        }
    }

    #[test]
    fn from_pkcs8_rejects_the_wrong_alg_and_garbage() {
        let (_, der) = SigningKeyPair::generate(SigningAlg::Es256, &OsRandom).unwrap();
        assert!(matches!(
            SigningKeyPair::from_pkcs8("k", SigningAlg::EdDsa, &der),
            Err(JoseError::InvalidKey(_))
        ));
        assert!(matches!(
            SigningKeyPair::from_pkcs8("k", SigningAlg::Rs256, &der),
            Err(JoseError::InvalidKey(_))
        ));
        assert!(matches!(
            SigningKeyPair::from_pkcs8("k", SigningAlg::Es256, b"junk"),
            Err(JoseError::InvalidKey(_))
        ));
    }

    #[test]
    fn generated_kids_are_distinct_thumbprints() {
        let mut kids = HashSet::new();
        for alg in ALL {
            for _ in 0..3 {
                let key = generate(alg);
                assert_eq!(key.kid().len(), 43);
                assert!(kids.insert(key.kid().to_owned()));
            }
        }
    }

    #[test]
    fn ed25519_key_matches_rfc_8037_vectors() {
        // RFC 8037 Appendix A.1 (key) and A.3 (thumbprint).
        let seed: [u8; 32] = unb64("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")
            .unwrap()
            .try_into()
            .unwrap();
        let key =
            SigningKeyPair::from_pkcs8("k", SigningAlg::EdDsa, &ed25519_pkcs8(&seed)).unwrap();
        assert_eq!(
            key.public_jwk()["x"],
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        );
        let parts = PublicParts::of(&key.key).unwrap();
        assert_eq!(
            parts.thumbprint(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
        // A.4: Ed25519 is deterministic, so our signature is the RFC's.
        let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
        assert_eq!(
            b64(key.sign(input.as_bytes()).unwrap()),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
        );
    }

    #[test]
    fn jwk_members_are_present_and_unpadded_base64url() {
        let members = |alg| match alg {
            SigningAlg::Rs256 => vec!["n", "e"],
            SigningAlg::Es256 => vec!["x", "y"],
            SigningAlg::EdDsa => vec!["x"],
        };
        for alg in ALL {
            let key = generate(alg);
            let jwk = key.public_jwk();
            assert_eq!(jwk["kid"], key.kid());
            assert_eq!(jwk["alg"], alg.as_str());
            assert_eq!(jwk["use"], "sig");
            assert!(jwk.get("d").is_none() && jwk.get("p").is_none());
            for m in members(alg) {
                let text = jwk[m].as_str().unwrap();
                assert!(
                    text.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                    "{alg} {m}: {text}"
                );
                assert!(unb64(text).is_some());
            }
            match alg {
                SigningAlg::Rs256 => {
                    assert_eq!(jwk["kty"], "RSA");
                    assert_eq!(jwk["e"], "AQAB");
                    assert_eq!(unb64(jwk["n"].as_str().unwrap()).unwrap().len(), 256);
                }
                SigningAlg::Es256 => {
                    assert_eq!(jwk["kty"], "EC");
                    assert_eq!(jwk["crv"], "P-256");
                }
                SigningAlg::EdDsa => {
                    assert_eq!(jwk["kty"], "OKP");
                    assert_eq!(jwk["crv"], "Ed25519");
                }
            }
        }
    }

    #[test]
    fn jwk_sets_skip_keys_they_cannot_use() {
        let key = generate(SigningAlg::Es256);
        let text = public_jwks_json([
            key.public_jwk(),
            &json!({"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}),
            &json!({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}),
            &json!({"kty": "oct", "k": "c2VjcmV0"}),
        ]);
        let keys = JwkSet::from_json(&text).unwrap();
        assert_eq!(keys.keys().len(), 1);
        assert_eq!(keys.keys()[0].kid(), Some(key.kid()));
        assert!(JwkSet::from_json("{}").is_err());
        assert!(JwkSet::from_json(r#"{"keys":[]}"#).unwrap().is_empty());
        // Entra ID publishes RSA keys with no "alg": RS256 follows from the type.
        let mut bare = generate(SigningAlg::Rs256).public_jwk().clone();
        bare.as_object_mut().unwrap().remove("alg");
        assert_eq!(VerifyingKey::from_jwk(&bare).unwrap().alg(), JwsAlg::Rs256);
        // A key may not claim an alg its type cannot do.
        let mut lying = key.public_jwk().clone();
        lying["alg"] = json!("RS256");
        assert!(VerifyingKey::from_jwk(&lying).is_err());
    }

    #[test]
    fn public_jwks_json_is_a_key_set() {
        assert_eq!(public_jwks_json([]), r#"{"keys":[]}"#);
        let a = generate(SigningAlg::EdDsa);
        let b = generate(SigningAlg::Es256);
        let doc: Value =
            serde_json::from_str(&public_jwks_json([a.public_jwk(), b.public_jwk()])).unwrap();
        assert_eq!(doc, json!({"keys": [a.public_jwk(), b.public_jwk()]}));
    }

    #[test]
    fn at_hash_known_answers() {
        // OIDC Core Appendix A.4: c_hash of the example code (the same computation).
        assert_eq!(
            at_hash(
                "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk",
                SigningAlg::Rs256
            ),
            "LDktKdoQak3Pk0cnXxCltA"
        );
        // Computed independently (Python hashlib) for the spec's example access token.
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNk0m";
        assert_eq!(at_hash(token, SigningAlg::Rs256), "IPAMYIpQhtFcQVXb_GqhdA");
        assert_eq!(at_hash(token, SigningAlg::Es256), "IPAMYIpQhtFcQVXb_GqhdA");
        assert_eq!(
            at_hash(token, SigningAlg::EdDsa),
            "Vsmm7D-K4Ip1HyQSLeyl-HXuBRcHeuqMFGlWAuLV-X0"
        );
    }

    #[test]
    fn time_claims() {
        let c = json!({"exp": 100, "nbf": 50, "iat": 40});
        assert_eq!(check_time_claims(&c, 60, 0), Ok(()));
        assert_eq!(check_time_claims(&c, 100, 0), Err(JoseError::Expired));
        assert_eq!(check_time_claims(&c, 104, 5), Ok(()));
        assert_eq!(check_time_claims(&c, 49, 0), Err(JoseError::NotYetValid));
        assert_eq!(check_time_claims(&c, 45, 5), Ok(()));
        assert_eq!(
            check_time_claims(&json!({"exp": 100, "iat": 90}), 80, 5),
            Err(JoseError::IssuedInFuture)
        );
        assert_eq!(
            check_time_claims(&json!({"iat": 1}), 2, 0),
            Err(JoseError::BadTimeClaim("exp"))
        );
        assert_eq!(
            check_time_claims(&json!({"exp": "soon"}), 2, 0),
            Err(JoseError::BadTimeClaim("exp"))
        );
        assert_eq!(check_time_claims(&json!({"exp": 100.5}), 100, 0), Ok(()));
    }

    #[test]
    fn debug_never_shows_key_material() {
        let key = generate(SigningAlg::EdDsa);
        let text = format!("{key:?} {:?}", key.verifying_key().unwrap());
        assert!(text.contains(key.kid()));
        assert!(!text.contains(key.public_jwk()["x"].as_str().unwrap()));
    }

    /// Interop: an independent implementation (`jsonwebtoken`, RustCrypto backend)
    /// accepts our tokens, given only the members of our published JWKs.
    #[test]
    fn tokens_verify_with_jsonwebtoken() {
        use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
        for (alg, theirs) in [
            (SigningAlg::Rs256, Algorithm::RS256),
            (SigningAlg::Es256, Algorithm::ES256),
            (SigningAlg::EdDsa, Algorithm::EdDSA),
        ] {
            let key = generate(alg);
            let jwk = key.public_jwk();
            let member = |m: &str| jwk[m].as_str().unwrap().to_owned();
            let decoding = match alg {
                SigningAlg::Rs256 => {
                    DecodingKey::from_rsa_components(&member("n"), &member("e")).unwrap()
                }
                SigningAlg::Es256 => {
                    DecodingKey::from_ec_components(&member("x"), &member("y")).unwrap()
                }
                SigningAlg::EdDsa => DecodingKey::from_ed_components(&member("x")).unwrap(),
            };
            let token = key.sign_jwt(TYP_JWT, &claims()).unwrap();
            let mut validation = Validation::new(theirs);
            validation.set_audience(&["c1"]);
            validation.set_issuer(&["https://idp.example"]);
            let data = decode::<Value>(&token, &decoding, &validation)
                .unwrap_or_else(|e| panic!("{alg}: {e}"));
            assert_eq!(data.claims, claims());
            assert_eq!(data.header.kid.as_deref(), Some(key.kid()));
            // And through its own JWK parser, from the JSON we publish.
            let parsed: jsonwebtoken::jwk::JwkSet =
                serde_json::from_str(&public_jwks_json([jwk])).unwrap();
            let from_jwk = DecodingKey::from_jwk(&parsed.keys[0]).unwrap();
            assert!(
                decode::<Value>(&token, &from_jwk, &validation).is_ok(),
                "{alg}"
            );
        }
    }
}
