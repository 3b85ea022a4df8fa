//! Pushed authorization requests (RFC 9126) and the authorization endpoint's way in:
//! a request pushed by an authenticated client is validated as `/authorize` would, kept
//! in the ephemeral store under a single-use `request_uri` bound to that client, and
//! taken back exactly once; [`resolve`] decides which parameters count at `/authorize`
//! (a pushed request, a signed request object, or the query itself) and enforces each
//! client's and the deployment's requirements.

use super::authorize::{self, AuthorizeRequest, Rejection, error_target, one};
use super::error::{OAuthError, OAuthErrorCode};
use super::request_object;
use crate::client::Client;
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::ports::Ephemeral;
use crate::random::{Random, token};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// RFC 9126 §2.2: the form of every `request_uri` `idp` hands out. Any other value is
/// refused: `idp` never fetches a request by reference.
pub const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// The deployment's rules for authorization requests.
#[derive(Clone, Copy, Debug)]
pub struct RequestPolicy<'a> {
    /// Our issuer: the audience of request objects.
    pub issuer: &'a str,
    /// How long a pushed request waits to be used.
    pub request_uri_ttl: Duration,
    /// Every client must push its requests (`require_pushed_authorization_requests`).
    pub require_pushed: bool,
}

/// The answer to a push (RFC 9126 §2.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pushed {
    pub request_uri: String,
    pub expires_in: u64,
}

/// A pushed request as kept in the ephemeral store.
#[derive(Serialize, Deserialize)]
struct Stored {
    request: AuthorizeRequest,
    expires_at: Timestamp,
}

/// The entry of `request_uri` for `client_id`: bound to the client, so another client
/// presenting the value finds nothing and cannot use it up either.
fn key(client_id: &str, request_uri: &str) -> String {
    format!(
        "par:{}",
        TokenDigest::of(&format!("{client_id}\n{request_uri}")).to_hex()
    )
}

fn single<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, OAuthError> {
    one(params, name)
        .map_err(|()| OAuthError::invalid_request(format!("{name} was sent more than once")))
}

fn must_sign() -> OAuthError {
    OAuthError::invalid_request(
        "this client must send its authorization request as a signed request object",
    )
}

/// RFC 9126 §2.1: validates what `client` (already authenticated) pushed exactly as
/// `/authorize` would, including a request object in it, and keeps it for
/// `policy.request_uri_ttl`. Every refusal is an error for the JSON answer; nothing is
/// kept then.
pub async fn push(
    ephemeral: &dyn Ephemeral,
    random: &dyn Random,
    client: &Client,
    form: &[(String, String)],
    policy: &RequestPolicy<'_>,
    now: Timestamp,
) -> Result<Pushed, OAuthError> {
    // RFC 9126 §2.1: a pushed request may not itself refer to another.
    if single(form, "request_uri")?.is_some() {
        return Err(OAuthError::invalid_request(
            "request_uri may not be sent to the pushed authorization request endpoint",
        ));
    }
    let mut params = match single(form, "request")? {
        Some(jwt) => {
            let object = request_object::read(jwt, client, policy.issuer, now)?;
            request_object::effective_params(form, object)?
        }
        None if client.require_signed_request_object => return Err(must_sign()),
        None => form.to_vec(),
    };
    // The client authenticated (HTTP Basic, say) need not repeat its client_id.
    if single(&params, "client_id")?.is_none() {
        params.retain(|(k, _)| k != "client_id");
        params.push(("client_id".to_owned(), client.id.to_string()));
    }
    let request =
        authorize::validate(&params, Some(client)).map_err(|rejection| match rejection {
            // An unknown redirect URI: the client is told, no browser is involved.
            Rejection::Page(message) => OAuthError::invalid_request(message),
            Rejection::Redirect { error, .. } => error,
        })?;
    let request_uri = format!("{REQUEST_URI_PREFIX}{}", token(random));
    let stored = Stored {
        request,
        expires_at: now.plus(policy.request_uri_ttl),
    };
    let value = serde_json::to_vec(&stored).map_err(|e| {
        OAuthError::new(
            OAuthErrorCode::ServerError,
            format!("cannot keep the request: {e}"),
        )
    })?;
    ephemeral
        .put(
            &key(client.id.as_str(), &request_uri),
            &value,
            policy.request_uri_ttl,
        )
        .await?;
    Ok(Pushed {
        request_uri,
        expires_in: policy.request_uri_ttl.as_secs(),
    })
}

/// RFC 9126 §4: the request `client` pushed as `request_uri`, taken exactly once (an
/// atomic take: of two concurrent uses one gets it). Unknown, expired, used or another
/// client's: `invalid_request_uri`.
pub async fn take(
    ephemeral: &dyn Ephemeral,
    client: &Client,
    request_uri: &str,
    now: Timestamp,
) -> Result<AuthorizeRequest, OAuthError> {
    let gone = || {
        OAuthError::new(
            OAuthErrorCode::InvalidRequestUri,
            "the request_uri is unknown, has expired or was already used",
        )
    };
    let raw = ephemeral
        .take(&key(client.id.as_str(), request_uri))
        .await?
        .ok_or_else(gone)?;
    let stored: Stored = serde_json::from_slice(&raw).map_err(|_| gone())?;
    if stored.expires_at <= now || stored.request.client_id != client.id {
        return Err(gone());
    }
    Ok(stored.request)
}

/// The authorization request that counts at `/authorize` (RFC 9126 §4, RFC 9101 §5):
/// the pushed one a `request_uri` names (its parameters alone), else the signed request
/// object's, else the query's. A client that must push or sign and did not is refused
/// with `invalid_request`. Errors found before the parameters that count are known go
/// to the outer `redirect_uri` when it is registered, otherwise to a page.
pub async fn resolve(
    ephemeral: &dyn Ephemeral,
    params: &[(String, String)],
    client: Option<&Client>,
    policy: &RequestPolicy<'_>,
    now: Timestamp,
) -> Result<AuthorizeRequest, Rejection> {
    let client = authorize::identify(params, client)?;
    let reject = |error: OAuthError| error_target(params, client, error);
    let request_uri = single(params, "request_uri").map_err(reject)?;
    let request = single(params, "request").map_err(reject)?;
    if let Some(uri) = request_uri {
        if request.is_some() {
            return Err(reject(OAuthError::invalid_request(
                "send request or request_uri, not both",
            )));
        }
        if !uri.starts_with(REQUEST_URI_PREFIX) {
            return Err(reject(OAuthError::new(
                OAuthErrorCode::RequestUriNotSupported,
                "request_uri is accepted only as issued by the pushed authorization request endpoint",
            )));
        }
        return take(ephemeral, client, uri, now).await.map_err(reject);
    }
    if policy.require_pushed || client.require_pushed_authorization_requests {
        return Err(reject(OAuthError::invalid_request(
            "this client must push its authorization request to the pushed authorization request endpoint first",
        )));
    }
    match request {
        Some(jwt) => {
            let object = request_object::read(jwt, client, policy.issuer, now)
                .map_err(|e| reject(e.into()))?;
            let effective = request_object::effective_params(params, object).map_err(reject)?;
            authorize::validate(&effective, Some(client))
        }
        None if client.require_signed_request_object => Err(reject(must_sign())),
        None => authorize::validate(params, Some(client)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::SigningAlg;

    use crate::jose::SigningKeyPair;
    use crate::random::OsRandom;
    use crate::testing::MemoryEphemeral;
    use serde_json::json;

    const ISSUER: &str = "https://idp.example";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const NOW: Timestamp = Timestamp::from_secs(1_800_000_000);

    fn policy() -> RequestPolicy<'static> {
        RequestPolicy {
            issuer: ISSUER,
            request_uri_ttl: Duration::from_secs(60),
            require_pushed: false,
        }
    }

    fn client(id: &str, key: Option<&SigningKeyPair>) -> Client {
        Client {
            jwks: key.map(|k| json!({"keys": [k.public_jwk()]}).to_string()),
            ..Client::fixture(id)
        }
    }

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn good(client_id: &str) -> Vec<(String, String)> {
        params(&[
            ("client_id", client_id),
            ("redirect_uri", "https://app.example.com/cb"),
            ("response_type", "code"),
            ("scope", "openid email"),
            ("state", "s1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
    }

    fn code_of(r: Result<AuthorizeRequest, Rejection>) -> OAuthErrorCode {
        match r {
            Err(Rejection::Redirect { error, .. }) => error.code,
            Err(Rejection::Page(p)) => panic!("a page: {p}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[tokio::test]
    async fn a_pushed_request_is_taken_once_by_its_client_only() {
        let store = MemoryEphemeral::default();
        let a = client("a", None);
        let b = client("b", None);
        let pushed = push(&store, &OsRandom, &a, &good("a"), &policy(), NOW)
            .await
            .unwrap();
        assert!(pushed.request_uri.starts_with(REQUEST_URI_PREFIX));
        assert!(pushed.request_uri.len() > REQUEST_URI_PREFIX.len() + 40);
        assert_eq!(pushed.expires_in, 60);

        // Client B presenting A's request_uri finds nothing, and leaves it in place.
        let by_b = params(&[("client_id", "b"), ("request_uri", &pushed.request_uri)]);
        assert!(matches!(
            resolve(&store, &by_b, Some(&b), &policy(), NOW).await,
            Err(Rejection::Page(p)) if p.contains("invalid_request_uri")
        ));
        let by_a = params(&[("client_id", "a"), ("request_uri", &pushed.request_uri)]);
        let request = resolve(&store, &by_a, Some(&a), &policy(), NOW)
            .await
            .unwrap();
        assert_eq!(request.scopes, vec!["openid", "email"]);
        assert_eq!(request.state.as_deref(), Some("s1"));
        // Used once: gone, and an error goes to the outer redirect URI when registered.
        let mut again = by_a.clone();
        again.push(("redirect_uri".into(), "https://app.example.com/cb".into()));
        assert_eq!(
            code_of(resolve(&store, &again, Some(&a), &policy(), NOW).await),
            OAuthErrorCode::InvalidRequestUri
        );
        assert!(store.is_empty());
    }

    #[tokio::test]
    async fn only_the_pushed_parameters_count() {
        let store = MemoryEphemeral::default();
        let a = client("a", None);
        let pushed = push(&store, &OsRandom, &a, &good("a"), &policy(), NOW)
            .await
            .unwrap();
        let outer = params(&[
            ("client_id", "a"),
            ("request_uri", &pushed.request_uri),
            ("scope", "openid profile"),
            ("state", "outer"),
            ("prompt", "none"),
        ]);
        let request = resolve(&store, &outer, Some(&a), &policy(), NOW)
            .await
            .unwrap();
        assert_eq!(request.scopes, vec!["openid", "email"]);
        assert_eq!(request.state.as_deref(), Some("s1"));
        assert!(!request.prompt.none);
    }

    #[tokio::test]
    async fn an_expired_push_is_refused() {
        let store = MemoryEphemeral::default();
        let a = client("a", None);
        let pushed = push(&store, &OsRandom, &a, &good("a"), &policy(), NOW)
            .await
            .unwrap();
        let later = NOW.plus(Duration::from_secs(60));
        assert_eq!(
            take(&store, &a, &pushed.request_uri, later)
                .await
                .unwrap_err()
                .code,
            OAuthErrorCode::InvalidRequestUri
        );
    }

    #[tokio::test]
    async fn pushes_are_validated_as_authorize_would() {
        let store = MemoryEphemeral::default();
        let a = client("a", None);
        let push_with = |extra: &[(&str, &str)]| {
            let mut p = good("a");
            for (k, v) in extra {
                p.retain(|(pk, _)| pk != k);
                p.push(((*k).to_owned(), (*v).to_owned()));
            }
            p
        };
        let cases = [
            (
                push_with(&[("redirect_uri", "https://evil.example/cb")]),
                OAuthErrorCode::InvalidRequest,
            ),
            (
                push_with(&[("scope", "email")]),
                OAuthErrorCode::InvalidScope,
            ),
            (
                push_with(&[("response_type", "token")]),
                OAuthErrorCode::UnsupportedResponseType,
            ),
            (
                push_with(&[("request_uri", "urn:ietf:params:oauth:request_uri:x")]),
                OAuthErrorCode::InvalidRequest,
            ),
            (
                push_with(&[("request", "e30.e30.")]),
                OAuthErrorCode::InvalidRequestObject,
            ),
            (
                push_with(&[("code_challenge_method", "plain")]),
                OAuthErrorCode::InvalidRequest,
            ),
        ];
        for (form, code) in cases {
            let err = push(&store, &OsRandom, &a, &form, &policy(), NOW)
                .await
                .unwrap_err();
            assert_eq!(err.code, code, "{form:?}");
        }
        assert!(store.is_empty(), "a refused push keeps nothing");
        // Without client_id (HTTP Basic), the authenticated client is the one.
        let mut basic = good("a");
        basic.retain(|(k, _)| k != "client_id");
        assert!(
            push(&store, &OsRandom, &a, &basic, &policy(), NOW)
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn clients_that_must_push_or_sign_are_held_to_it() {
        let store = MemoryEphemeral::default();
        let mut a = client("a", None);
        a.require_pushed_authorization_requests = true;
        assert_eq!(
            code_of(resolve(&store, &good("a"), Some(&a), &policy(), NOW).await),
            OAuthErrorCode::InvalidRequest
        );
        let pushed = push(&store, &OsRandom, &a, &good("a"), &policy(), NOW)
            .await
            .unwrap();
        let by_a = params(&[("client_id", "a"), ("request_uri", &pushed.request_uri)]);
        assert!(
            resolve(&store, &by_a, Some(&a), &policy(), NOW)
                .await
                .is_ok()
        );

        let everyone = RequestPolicy {
            require_pushed: true,
            ..policy()
        };
        let b = client("b", None);
        assert_eq!(
            code_of(resolve(&store, &good("b"), Some(&b), &everyone, NOW).await),
            OAuthErrorCode::InvalidRequest
        );
        assert!(
            resolve(&store, &good("b"), Some(&b), &policy(), NOW)
                .await
                .is_ok()
        );

        let key = SigningKeyPair::generate(SigningAlg::Es256, &OsRandom)
            .unwrap()
            .0;
        let mut signer = client("s", Some(&key));
        signer.require_signed_request_object = true;
        assert_eq!(
            code_of(resolve(&store, &good("s"), Some(&signer), &policy(), NOW).await),
            OAuthErrorCode::InvalidRequest
        );
        assert_eq!(
            push(&store, &OsRandom, &signer, &good("s"), &policy(), NOW)
                .await
                .unwrap_err()
                .code,
            OAuthErrorCode::InvalidRequest
        );
        let object = key
            .sign_jwt(
                "oauth-authz-req+jwt",
                &json!({"iss": "s", "aud": ISSUER, "exp": NOW.as_secs() + 60, "client_id": "s",
                        "response_type": "code", "scope": "openid", "redirect_uri": "https://app.example.com/cb",
                        "code_challenge": CHALLENGE, "code_challenge_method": "S256", "state": "inner"}),
            )
            .unwrap();
        let signed = params(&[("client_id", "s"), ("request", &object), ("state", "outer")]);
        let request = resolve(&store, &signed, Some(&signer), &policy(), NOW)
            .await
            .unwrap();
        assert_eq!(request.state.as_deref(), Some("inner"));
        assert!(
            push(&store, &OsRandom, &signer, &signed, &policy(), NOW)
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn foreign_and_doubled_request_uris_are_refused() {
        let store = MemoryEphemeral::default();
        let a = client("a", None);
        let mut foreign = good("a");
        foreign.push((
            "request_uri".into(),
            "https://app.example.com/request.jwt".into(),
        ));
        assert_eq!(
            code_of(resolve(&store, &foreign, Some(&a), &policy(), NOW).await),
            OAuthErrorCode::RequestUriNotSupported
        );
        let mut both = good("a");
        both.push(("request_uri".into(), format!("{REQUEST_URI_PREFIX}x")));
        both.push(("request".into(), "e30.e30.".into()));
        assert_eq!(
            code_of(resolve(&store, &both, Some(&a), &policy(), NOW).await),
            OAuthErrorCode::InvalidRequest
        );
        let bad_object = params(&[("client_id", "a"), ("request", "e30.e30.")]);
        assert!(matches!(
            resolve(&store, &bad_object, Some(&a), &policy(), NOW).await,
            Err(Rejection::Page(p)) if p.contains("invalid_request_object")
        ));
    }
}
