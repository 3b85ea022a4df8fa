//! The device authorization grant (RFC 8628): user codes a person can type, the pending
//! authorization a device polls for, its approval or denial on the verification page,
//! and the polling rules (`authorization_pending`, `slow_down`, `expired_token`,
//! `access_denied`, one use of the device code).
//!
//! Everything lives in the ephemeral store under digests of the codes, so every node of
//! a cluster sees the same state and a dump of the store hands out no usable code:
//! - `device:<digest of device_code>` → the [`DeviceAuthorization`], then a used mark;
//! - `device-user:<digest of user code>` → the device code's digest;
//! - `device-poll:<digest>` → when the device last polled (swapped atomically);
//! - `device-slow:<digest>` → how many times it was told to slow down;
//! - `device-decision:<digest>` → the person's answer, written once (`put_new`).

use super::error::{OAuthError, OAuthErrorCode};
use super::scope;
use super::token::CodeGrant;
use crate::client::{Client, GrantType};
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::ids::ClientId;
use crate::ports::{Ephemeral, EphemeralError};
use crate::random::{Random, token};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// RFC 8628 §3.4: the grant type a device polls the token endpoint with.
pub const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// RFC 8628 §6.1: twenty consonants, no vowels (no words), none that look like a digit
/// or another letter when handwritten or read aloud in a hurry.
pub const USER_CODE_ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";
/// Letters in a user code: 20^8 ≈ 2^34.6 codes, against an online guesser throttled per
/// address and a code that lives minutes (RFC 8628 §5.1).
pub const USER_CODE_LENGTH: usize = 8;
/// RFC 8628 §3.5: each `slow_down` adds five seconds to the interval.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// How long a used or expired device code is still recognised as such (rather than
/// unknown) after its lifetime.
const AFTERLIFE: Duration = Duration::from_secs(600);
/// The value a device authorization's key holds once its tokens were issued.
const USED: &[u8] = b"used";

/// How device authorizations behave in this deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceSettings {
    /// How long a device code and its user code work.
    pub lifetime: Duration,
    /// The least time a device waits between two polls (before any `slow_down`).
    pub interval: Duration,
}

impl Default for DeviceSettings {
    fn default() -> Self {
        Self {
            lifetime: Duration::from_secs(600),
            interval: Duration::from_secs(5),
        }
    }
}

/// A user code as typed: eight letters of [`USER_CODE_ALPHABET`], shown `XXXX-XXXX`,
/// read whatever the case, dashes and spaces.
#[derive(Clone, PartialEq, Eq)]
pub struct UserCode(String);

impl UserCode {
    /// Reads what a person typed; `None` when it cannot be a user code.
    pub fn parse(typed: &str) -> Option<Self> {
        let letters: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = letters.len() == USER_CODE_LENGTH
            && letters.bytes().all(|b| USER_CODE_ALPHABET.contains(&b));
        valid.then_some(Self(letters))
    }

    /// A fresh code, uniform over the alphabet (rejection sampling: no modulo bias).
    pub fn generate(random: &dyn Random) -> Self {
        let mut code = String::with_capacity(USER_CODE_LENGTH);
        let limit = u8::try_from(256 - 256 % USER_CODE_ALPHABET.len()).unwrap_or(240);
        while code.len() < USER_CODE_LENGTH {
            let mut buf = [0u8; 16];
            random.fill(&mut buf);
            for b in buf {
                if b < limit && code.len() < USER_CODE_LENGTH {
                    let letter = USER_CODE_ALPHABET
                        .get(usize::from(b) % USER_CODE_ALPHABET.len())
                        .copied()
                        .unwrap_or(b'B');
                    code.push(char::from(letter));
                }
            }
        }
        Self(code)
    }

    /// `XXXX-XXXX`, as the device shows it.
    pub fn display(&self) -> String {
        let (a, b) = self.0.split_at(self.0.len() / 2);
        format!("{a}-{b}")
    }

    fn digest(&self) -> TokenDigest {
        TokenDigest::of(&format!("user-code:{}", self.0))
    }
}

impl fmt::Debug for UserCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UserCode(***)")
    }
}

/// What a device asked for, kept while a person finds it by its user code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceAuthorization {
    pub client_id: ClientId,
    pub scopes: Vec<String>,
    pub expires_at: Timestamp,
    /// The interval the device was given, in seconds.
    pub interval_secs: u64,
}

/// The device authorization response's content (RFC 8628 §3.2), without the URIs.
pub struct Started {
    pub device_code: String,
    pub user_code: UserCode,
    pub expires_in: u64,
    pub interval: u64,
}

impl fmt::Debug for Started {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Started")
            .field("device_code", &"***")
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// A device authorization found by its user code: `handle` names it on the way through
/// sign-in (the device code's digest, never the code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub handle: String,
    pub authorization: DeviceAuthorization,
}

/// What the person on the verification page answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Approved: what the tokens are issued for, as an authorization code would carry it.
    Approved(Box<CodeGrant>),
    Denied,
}

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// The authorization ran out, or is not there any more.
    #[error("the code has expired; start again on the device")]
    Expired,
    /// Someone answered first.
    #[error("this device was already approved or denied")]
    AlreadyDecided,
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
}

fn authorization_key(handle: &str) -> String {
    format!("device:{handle}")
}

fn user_code_key(code: &UserCode) -> String {
    format!("device-user:{}", code.digest().to_hex())
}

fn poll_key(handle: &str) -> String {
    format!("device-poll:{handle}")
}

fn slow_key(handle: &str) -> String {
    format!("device-slow:{handle}")
}

fn decision_key(handle: &str) -> String {
    format!("device-decision:{handle}")
}

fn handle_of(device_code: &str) -> String {
    TokenDigest::of(&format!("device-code:{device_code}")).to_hex()
}

fn unavailable(e: impl fmt::Display) -> EphemeralError {
    EphemeralError::Unavailable(e.to_string())
}

/// The grant a device code's tokens belong to, derived from the code like an
/// authorization code's.
pub fn grant_for_device_code(device_code: &str) -> crate::ids::GrantId {
    super::token::grant_for_code(&format!("device:{device_code}"))
}

/// RFC 8628 §3.1–3.2: checks the client and scope and stores a new device
/// authorization. `scope` absent means `openid`; present, it must include `openid`
/// (the tokens carry an ID token, as the authorization code grant's do).
pub async fn start(
    ephemeral: &dyn Ephemeral,
    random: &dyn Random,
    now: Timestamp,
    client: &Client,
    requested_scope: Option<&str>,
    settings: DeviceSettings,
) -> Result<Started, OAuthError> {
    if !client.allows_grant(GrantType::DeviceCode) {
        return Err(OAuthError::new(
            OAuthErrorCode::UnauthorizedClient,
            "this client may not use the device authorization grant",
        ));
    }
    let scopes = scope::parse(requested_scope.unwrap_or(scope::OPENID))?;
    if !scopes.iter().any(|s| s == scope::OPENID) {
        return Err(OAuthError::invalid_scope("the openid scope is required"));
    }
    scope::check_allowed(&scopes, &client.extra_scopes)?;
    let device_code = token(random);
    let handle = handle_of(&device_code);
    let authorization = DeviceAuthorization {
        client_id: client.id.clone(),
        scopes,
        expires_at: now.plus(settings.lifetime),
        interval_secs: settings.interval.as_secs().max(1),
    };
    let bytes = serde_json::to_vec(&authorization).map_err(unavailable)?;
    let kept = settings.lifetime + AFTERLIFE;
    // A user code already in use is drawn again: two devices never share one.
    let mut user_code = UserCode::generate(random);
    let mut tries = 0;
    while !ephemeral
        .put_new(
            &user_code_key(&user_code),
            handle.as_bytes(),
            settings.lifetime,
        )
        .await?
    {
        tries += 1;
        if tries >= 5 {
            return Err(OAuthError::new(
                OAuthErrorCode::TemporarilyUnavailable,
                "no free user code; try again",
            ));
        }
        user_code = UserCode::generate(random);
    }
    ephemeral
        .put(&authorization_key(&handle), &bytes, kept)
        .await?;
    // Never polled yet.
    ephemeral.put(&poll_key(&handle), b"0", kept).await?;
    Ok(Started {
        device_code,
        user_code,
        expires_in: settings.lifetime.as_secs(),
        interval: authorization.interval_secs,
    })
}

/// The live device authorization a user code names, if any. A wrong, expired or already
/// answered code finds nothing (the page counts that as a failure).
pub async fn find(
    ephemeral: &dyn Ephemeral,
    now: Timestamp,
    code: &UserCode,
) -> Result<Option<Found>, EphemeralError> {
    let Some(handle) = ephemeral.get(&user_code_key(code)).await? else {
        return Ok(None);
    };
    let Ok(handle) = String::from_utf8(handle) else {
        return Ok(None);
    };
    Ok(live(ephemeral, now, &handle)
        .await?
        .map(|authorization| Found {
            handle,
            authorization,
        }))
}

/// The authorization under `handle` while it can still be answered.
pub async fn live(
    ephemeral: &dyn Ephemeral,
    now: Timestamp,
    handle: &str,
) -> Result<Option<DeviceAuthorization>, EphemeralError> {
    let Some(raw) = ephemeral.get(&authorization_key(handle)).await? else {
        return Ok(None);
    };
    let Ok(authorization) = serde_json::from_slice::<DeviceAuthorization>(&raw) else {
        return Ok(None);
    };
    if now >= authorization.expires_at || ephemeral.exists_any(&[&decision_key(handle)]).await? {
        return Ok(None);
    }
    Ok(Some(authorization))
}

/// Records the person's answer. The first answer stands: a second one (another tab,
/// another person with the same code) is refused, and the user code finds nothing more.
pub async fn decide(
    ephemeral: &dyn Ephemeral,
    now: Timestamp,
    handle: &str,
    decision: &Decision,
) -> Result<(), DeviceError> {
    let Some(raw) = ephemeral.get(&authorization_key(handle)).await? else {
        return Err(DeviceError::Expired);
    };
    let authorization: DeviceAuthorization =
        serde_json::from_slice(&raw).map_err(|_| DeviceError::Expired)?;
    if now >= authorization.expires_at {
        return Err(DeviceError::Expired);
    }
    if let Decision::Approved(grant) = decision
        && grant.client_id != authorization.client_id
    {
        return Err(DeviceError::Expired);
    }
    let bytes = serde_json::to_vec(decision).map_err(unavailable)?;
    let left = Duration::from_micros(
        u64::try_from(authorization.expires_at.as_micros() - now.as_micros()).unwrap_or(1),
    );
    if !ephemeral
        .put_new(&decision_key(handle), &bytes, left + AFTERLIFE)
        .await?
    {
        return Err(DeviceError::AlreadyDecided);
    }
    Ok(())
}

/// RFC 8628 §3.4–3.5: one poll of the token endpoint by `client` with `device_code`.
/// `Ok` carries the approved grant, handed out once; every other outcome is the error
/// the device receives.
pub async fn poll(
    ephemeral: &dyn Ephemeral,
    now: Timestamp,
    client: &ClientId,
    device_code: &str,
) -> Result<(crate::ids::GrantId, CodeGrant), OAuthError> {
    let handle = handle_of(device_code);
    let unknown = || OAuthError::invalid_grant("the device code is unknown");
    let raw = ephemeral
        .get(&authorization_key(&handle))
        .await?
        .ok_or_else(unknown)?;
    if raw == USED {
        return Err(OAuthError::invalid_grant(
            "the device code was already used",
        ));
    }
    let authorization: DeviceAuthorization = serde_json::from_slice(&raw).map_err(|_| unknown())?;
    if authorization.client_id != *client {
        return Err(OAuthError::invalid_grant(
            "the device code was issued to another client",
        ));
    }
    if now >= authorization.expires_at {
        return Err(OAuthError::new(
            OAuthErrorCode::ExpiredToken,
            "the device code has expired; start again",
        ));
    }
    let kept = Duration::from_micros(
        u64::try_from(authorization.expires_at.as_micros() - now.as_micros()).unwrap_or(1),
    ) + AFTERLIFE;
    // One atomic swap per poll: of two polls at once, one sees the other's time.
    let stamp = now.as_micros().to_string();
    let previous = ephemeral
        .swap_existing(&poll_key(&handle), stamp.as_bytes(), kept)
        .await?;
    let previous = match previous {
        Some(p) => std::str::from_utf8(&p)
            .ok()
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(0),
        None => {
            // The poll mark was lost (a flushed store): start counting again.
            ephemeral
                .put(&poll_key(&handle), stamp.as_bytes(), kept)
                .await?;
            0
        }
    };
    let slowed = ephemeral
        .get(&slow_key(&handle))
        .await?
        .and_then(|v| std::str::from_utf8(&v).ok()?.parse::<u64>().ok())
        .unwrap_or(0);
    let interval = Duration::from_secs(authorization.interval_secs)
        + SLOW_DOWN_STEP.saturating_mul(u32::try_from(slowed).unwrap_or(u32::MAX));
    let waited = now.as_micros().saturating_sub(previous);
    if previous > 0 && u128::try_from(waited).unwrap_or(0) < interval.as_micros() {
        ephemeral.incr(&slow_key(&handle), kept).await?;
        return Err(OAuthError::new(
            OAuthErrorCode::SlowDown,
            format!(
                "polling too fast; wait {} seconds between requests",
                (interval + SLOW_DOWN_STEP).as_secs()
            ),
        ));
    }
    let decision = ephemeral.get(&decision_key(&handle)).await?;
    let decision: Option<Decision> = decision.and_then(|d| serde_json::from_slice(&d).ok());
    match decision {
        None => Err(OAuthError::new(
            OAuthErrorCode::AuthorizationPending,
            "the person has not answered yet",
        )),
        Some(Decision::Denied) => {
            ephemeral.delete(&authorization_key(&handle)).await?;
            Err(OAuthError::new(
                OAuthErrorCode::AccessDenied,
                "the person denied the request",
            ))
        }
        Some(Decision::Approved(grant)) => {
            // Single use: the one poll that swaps the authorization for the used mark
            // gets the tokens.
            let swapped = ephemeral
                .swap_existing(&authorization_key(&handle), USED, kept)
                .await?;
            match swapped {
                Some(v) if v != USED => {}
                _ => {
                    return Err(OAuthError::invalid_grant(
                        "the device code was already used",
                    ));
                }
            }
            if grant.client_id != *client {
                return Err(unknown());
            }
            Ok((grant_for_device_code(device_code), *grant))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientAuthMethod;
    use crate::ids::UserId;
    use crate::oidc::authorize::ClaimsRequest;
    use crate::testing::MemoryEphemeral;

    /// Random bytes counted up from a seed: reproducible codes.
    struct Counting(std::sync::atomic::AtomicU8);

    impl Random for Counting {
        fn fill(&self, buf: &mut [u8]) {
            for b in buf {
                *b = self.0.fetch_add(7, std::sync::atomic::Ordering::SeqCst);
            }
        }
    }

    fn device_client(grants: Vec<GrantType>) -> Client {
        Client {
            name: "TV".into(),
            auth_method: ClientAuthMethod::None,
            redirect_uris: vec![],
            grant_types: grants,
            ..Client::fixture("tv")
        }
    }

    fn grant(client: &str) -> CodeGrant {
        CodeGrant {
            client_id: ClientId::from_string(client),
            redirect_uri: String::new(),
            user_id: UserId::from_string("u1"),
            scopes: vec!["openid".into()],
            nonce: None,
            code_challenge: None,
            auth_time: Timestamp::from_secs(1000),
            amr: vec!["pwd".into()],
            session_id: None,
            claims: ClaimsRequest::default(),
            dpop_jkt: None,
        }
    }

    fn settings() -> DeviceSettings {
        DeviceSettings {
            lifetime: Duration::from_secs(600),
            interval: Duration::from_secs(5),
        }
    }

    const T0: Timestamp = Timestamp::from_secs(1_000);

    fn at(secs: u64) -> Timestamp {
        T0.plus(Duration::from_secs(secs))
    }

    fn code_of(result: Result<(crate::ids::GrantId, CodeGrant), OAuthError>) -> OAuthErrorCode {
        match result {
            Err(e) => e.code,
            Ok(_) => OAuthErrorCode::InvalidRequest,
        }
    }

    #[test]
    fn user_codes_are_easy_to_type_and_read_loosely() {
        let rng = crate::random::OsRandom;
        for _ in 0..200 {
            let code = UserCode::generate(&rng);
            let shown = code.display();
            assert_eq!(shown.len(), 9);
            assert_eq!(shown.as_bytes().get(4), Some(&b'-'));
            assert!(
                shown
                    .bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| USER_CODE_ALPHABET.contains(&b))
            );
            assert_eq!(UserCode::parse(&shown), Some(code.clone()));
            assert_eq!(
                UserCode::parse(&format!(" {} ", shown.to_lowercase().replace('-', " "))),
                Some(code)
            );
        }
        // No vowels, no digits, no look-alikes.
        for bad in [
            "BCDF-GHJA",
            "BCDF-GHJ1",
            "BCDFGHJ",
            "BCDFGHJKL",
            "BCDF_GHJK",
            "",
        ] {
            assert_eq!(UserCode::parse(bad), None, "{bad}");
        }
        for ambiguous in [b'A', b'E', b'I', b'O', b'U', b'Y', b'0', b'1'] {
            assert!(!USER_CODE_ALPHABET.contains(&ambiguous));
        }
        assert_eq!(
            format!("{:?}", UserCode::parse("BCDFGHJK")),
            "Some(UserCode(***))"
        );
    }

    #[tokio::test]
    async fn a_client_without_the_grant_or_openid_is_refused() {
        let eph = MemoryEphemeral::default();
        let rng = crate::random::OsRandom;
        let code_only = device_client(vec![GrantType::AuthorizationCode]);
        let e = start(&eph, &rng, T0, &code_only, None, settings())
            .await
            .unwrap_err();
        assert_eq!(e.code, OAuthErrorCode::UnauthorizedClient);
        let tv = device_client(vec![GrantType::DeviceCode]);
        let e = start(&eph, &rng, T0, &tv, Some("email"), settings())
            .await
            .unwrap_err();
        assert_eq!(e.code, OAuthErrorCode::InvalidScope);
        let e = start(&eph, &rng, T0, &tv, Some("openid admin"), settings())
            .await
            .unwrap_err();
        assert_eq!(e.code, OAuthErrorCode::InvalidScope);
        assert!(eph.is_empty(), "a refusal stores nothing");
    }

    #[tokio::test]
    async fn pending_then_slow_down_then_approved_once() {
        let eph = MemoryEphemeral::default();
        let rng = crate::random::OsRandom;
        let tv = device_client(vec![GrantType::DeviceCode]);
        let started = start(&eph, &rng, T0, &tv, Some("openid email"), settings())
            .await
            .unwrap();
        assert_eq!((started.expires_in, started.interval), (600, 5));
        // Only digests are keys: neither code appears in the store.
        let found = find(&eph, at(1), &started.user_code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.authorization.scopes, vec!["openid", "email"]);
        assert!(!found.handle.contains(&started.device_code));
        assert!(!eph.has(&format!("device:{}", started.device_code)));

        let poll_at = |s| poll(&eph, at(s), &tv.id, &started.device_code);
        assert_eq!(
            code_of(poll_at(0).await),
            OAuthErrorCode::AuthorizationPending
        );
        assert_eq!(code_of(poll_at(2).await), OAuthErrorCode::SlowDown);
        // The interval is now 10 s: 8 s after the last poll is still too fast.
        assert_eq!(code_of(poll_at(10).await), OAuthErrorCode::SlowDown);
        // Now 15 s.
        assert_eq!(
            code_of(poll_at(25).await),
            OAuthErrorCode::AuthorizationPending
        );

        // Another client cannot use the code.
        let other = ClientId::from_string("other");
        assert_eq!(
            code_of(poll(&eph, at(60), &other, &started.device_code).await),
            OAuthErrorCode::InvalidGrant
        );
        assert_eq!(
            code_of(poll(&eph, at(60), &tv.id, "not-a-device-code").await),
            OAuthErrorCode::InvalidGrant
        );

        decide(
            &eph,
            at(70),
            &found.handle,
            &Decision::Approved(Box::new(grant("tv"))),
        )
        .await
        .unwrap();
        assert!(
            matches!(
                decide(&eph, at(71), &found.handle, &Decision::Denied).await,
                Err(DeviceError::AlreadyDecided)
            ),
            "the first answer stands"
        );
        assert_eq!(
            find(&eph, at(72), &started.user_code).await.unwrap(),
            None,
            "an answered code finds nothing"
        );
        let (gid, issued) = poll_at(100).await.unwrap();
        assert_eq!(issued, grant("tv"));
        assert_eq!(gid, grant_for_device_code(&started.device_code));
        let again = poll_at(200).await.unwrap_err();
        assert_eq!(again.code, OAuthErrorCode::InvalidGrant);
        assert!(again.description.contains("already used"));
    }

    #[tokio::test]
    async fn denied_and_expired_codes() {
        let eph = MemoryEphemeral::default();
        let rng = crate::random::OsRandom;
        let tv = device_client(vec![GrantType::DeviceCode]);
        let denied = start(&eph, &rng, T0, &tv, None, settings()).await.unwrap();
        let found = find(&eph, T0, &denied.user_code).await.unwrap().unwrap();
        decide(&eph, at(1), &found.handle, &Decision::Denied)
            .await
            .unwrap();
        assert_eq!(
            code_of(poll(&eph, at(10), &tv.id, &denied.device_code).await),
            OAuthErrorCode::AccessDenied
        );

        let late = start(&eph, &rng, T0, &tv, None, settings()).await.unwrap();
        let found = find(&eph, T0, &late.user_code).await.unwrap().unwrap();
        assert_eq!(find(&eph, at(600), &late.user_code).await.unwrap(), None);
        assert!(matches!(
            decide(&eph, at(600), &found.handle, &Decision::Denied).await,
            Err(DeviceError::Expired)
        ));
        assert_eq!(
            code_of(poll(&eph, at(600), &tv.id, &late.device_code).await),
            OAuthErrorCode::ExpiredToken
        );
        // An approval naming another client is not recorded.
        let third = start(&eph, &rng, T0, &tv, None, settings()).await.unwrap();
        let found = find(&eph, T0, &third.user_code).await.unwrap().unwrap();
        assert!(matches!(
            decide(
                &eph,
                at(1),
                &found.handle,
                &Decision::Approved(Box::new(grant("other")))
            )
            .await,
            Err(DeviceError::Expired)
        ));
    }

    #[test]
    fn generated_codes_use_the_whole_alphabet_without_bias() {
        let rng = Counting(std::sync::atomic::AtomicU8::new(0));
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100 {
            seen.extend(UserCode::generate(&rng).0.bytes());
        }
        assert_eq!(seen.len(), USER_CODE_ALPHABET.len());
    }
}
