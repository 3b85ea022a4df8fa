//! OIDC Back-Channel Logout 1.0: where a client may be told of a logout, the logout
//! token it is told with, and how a delivery that failed is retried. Deliveries are
//! queued by the store in the transaction that ends a session; a sender sends them.

use super::subject::Subjects;
use super::token::SigningKeys;
use crate::client::{Client, SigningAlg, is_loopback};
use crate::clock::Timestamp;
use crate::ids::{ClientId, SessionId, UserId};
use crate::ports::{StoreError, Stores};
use crate::random::token;
use serde_json::{Value, json};
use std::time::Duration;
use url::Url;

/// Back-Channel Logout 1.0 §2.4: the `typ` header of a logout token.
pub const LOGOUT_TOKEN_TYP: &str = "logout+jwt";
/// Back-Channel Logout 1.0 §2.4: the event a logout token carries.
pub const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// How long a logout token is good for: long enough for a slow receiver, short enough
/// that a captured one is soon useless (§2.6 asks receivers to reject old ones).
pub const LOGOUT_TOKEN_TTL: Duration = Duration::from_secs(120);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LogoutUriError {
    #[error("backchannel_logout_uri {0:?} is not an absolute http or https URL")]
    NotAbsolute(String),
    #[error("backchannel_logout_uri {0:?} must not contain a fragment")]
    Fragment(String),
    #[error(
        "backchannel_logout_uri {0:?} uses plain http on a host other than loopback; use https"
    )]
    InsecureHttp(String),
}

/// Back-Channel Logout 1.0 §2.2: an absolute URL without a fragment; https, or http on
/// loopback (a relying party on the same machine).
pub fn check_logout_uri(text: &str) -> Result<(), LogoutUriError> {
    let url = Url::parse(text).map_err(|_| LogoutUriError::NotAbsolute(text.to_owned()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(LogoutUriError::NotAbsolute(text.to_owned()));
    }
    if url.fragment().is_some() {
        return Err(LogoutUriError::Fragment(text.to_owned()));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(LogoutUriError::InsecureHttp(text.to_owned()));
    }
    Ok(())
}

/// A logout token waiting to be sent: one session that ended, one client it signed into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoutDelivery {
    pub id: String,
    pub client_id: ClientId,
    pub user_id: UserId,
    pub session_id: SessionId,
    pub created_at: Timestamp,
    /// Attempts made so far.
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
}

/// Back-Channel Logout 1.0 §2.4: `iss`, `aud`, `iat`, `exp`, `jti`, the logout event,
/// `sub` and `sid` (the session's id, as the ID token carried it); never a `nonce`.
pub fn logout_token_claims(
    issuer: &str,
    client: &ClientId,
    subject: &str,
    session: &SessionId,
    jti: &str,
    now: Timestamp,
) -> Value {
    json!({
        "iss": issuer,
        "aud": client,
        "iat": now.as_secs(),
        "exp": now.plus(LOGOUT_TOKEN_TTL).as_secs(),
        "jti": jti,
        "events": { LOGOUT_EVENT: {} },
        "sub": subject,
        "sid": session,
    })
}

/// How often and how far apart a failed delivery is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; at least one.
    pub attempts: u32,
    /// The wait after the first failure; doubled after each further one.
    pub backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// When to try again after the `made`-th attempt failed at `now`; `None`: give up.
    pub fn next_attempt(&self, made: u32, now: Timestamp) -> Option<Timestamp> {
        if made >= self.attempts.max(1) {
            return None;
        }
        let doublings = made.saturating_sub(1).min(20);
        let wait = self
            .backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff);
        Some(now.plus(wait))
    }
}

/// What became of one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The client answered 2xx.
    Delivered,
    /// It failed; tried again later.
    Retrying,
    /// It failed for the last time.
    GaveUp,
    /// Nothing to send: the client is gone or no longer takes logout tokens.
    Dropped,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Delivered,
        Outcome::Retrying,
        Outcome::GaveUp,
        Outcome::Dropped,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Retrying => "retrying",
            Outcome::GaveUp => "gave_up",
            Outcome::Dropped => "dropped",
        }
    }
}

/// A logout token ready to POST.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub uri: String,
    pub logout_token: String,
}

/// The logout token of `delivery`, signed now with our current key in the client's
/// ID token algorithm (RS256 when we hold none of it), its `sub` as the client sees the
/// member. `None` when the client is gone or takes no logout tokens any more.
pub async fn prepare(
    stores: &Stores,
    keys: &dyn SigningKeys,
    subjects: &Subjects,
    issuer: &str,
    delivery: &LogoutDelivery,
) -> Result<Option<Prepared>, StoreError> {
    let Some(client) = stores.clients.find_by_id(&delivery.client_id).await? else {
        return Ok(None);
    };
    Ok(sign(stores, keys, subjects, issuer, &client, delivery))
}

fn sign(
    stores: &Stores,
    keys: &dyn SigningKeys,
    subjects: &Subjects,
    issuer: &str,
    client: &Client,
    delivery: &LogoutDelivery,
) -> Option<Prepared> {
    let uri = client.backchannel_logout_uri.clone()?;
    let claims = logout_token_claims(
        issuer,
        &client.id,
        &subjects.subject_for(client, &delivery.user_id),
        &delivery.session_id,
        &token(stores.random.as_ref()),
        stores.clock.now(),
    );
    let key = keys
        .signer(client.id_token_alg)
        .or_else(|| keys.signer(SigningAlg::Rs256))?;
    let logout_token = key.sign_jwt(LOGOUT_TOKEN_TYP, &claims).ok()?;
    Some(Prepared { uri, logout_token })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logout_uris_follow_section_2_2() {
        assert!(check_logout_uri("https://rp.example/logout?x=1").is_ok());
        assert!(check_logout_uri("http://127.0.0.1:8080/logout").is_ok());
        assert!(check_logout_uri("http://localhost/logout").is_ok());
        assert!(matches!(
            check_logout_uri("http://rp.example/logout"),
            Err(LogoutUriError::InsecureHttp(_))
        ));
        assert!(matches!(
            check_logout_uri("https://rp.example/logout#x"),
            Err(LogoutUriError::Fragment(_))
        ));
        for bad in [
            "/logout",
            "com.example.app:/logout",
            "not a url",
            "ftp://rp.example/x",
        ] {
            assert!(
                matches!(check_logout_uri(bad), Err(LogoutUriError::NotAbsolute(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn logout_tokens_carry_what_section_2_4_asks_and_no_nonce() {
        let claims = logout_token_claims(
            "https://id.example",
            &ClientId::from_string("app"),
            "pairwise-sub",
            &SessionId::from_string("s1"),
            "j1",
            Timestamp::from_secs(1000),
        );
        assert_eq!(claims["iss"], "https://id.example");
        assert_eq!(claims["aud"], "app");
        assert_eq!(claims["iat"], 1000);
        assert_eq!(claims["exp"], 1120);
        assert_eq!(claims["jti"], "j1");
        assert_eq!(claims["sub"], "pairwise-sub");
        assert_eq!(claims["sid"], "s1");
        assert_eq!(claims["events"][LOGOUT_EVENT], json!({}));
        assert!(claims.get("nonce").is_none());
    }

    #[test]
    fn failed_deliveries_back_off_and_stop() {
        let policy = RetryPolicy {
            attempts: 4,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(5),
        };
        let now = Timestamp::from_secs(100);
        assert_eq!(policy.next_attempt(1, now), Some(Timestamp::from_secs(102)));
        assert_eq!(policy.next_attempt(2, now), Some(Timestamp::from_secs(104)));
        assert_eq!(policy.next_attempt(3, now), Some(Timestamp::from_secs(105)));
        assert_eq!(policy.next_attempt(4, now), None);
        let once = RetryPolicy {
            attempts: 0,
            ..policy
        };
        assert_eq!(once.next_attempt(1, now), None);
    }
}
