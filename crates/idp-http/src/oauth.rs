//! What the OAuth endpoints share: authenticating the client at the token, revocation,
//! introspection and pushed authorization request endpoints, JSON error responses (RFC 6749 §5.2), the pending
//! authorization a browser carries through sign-in and consent, and the token issuer.

use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, RETRY_AFTER, WWW_AUTHENTICATE,
};
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use idp_core::client::Client;
use idp_core::crypto::TokenDigest;
use idp_core::ids::{ClientId, SessionId};
use idp_core::jose::{self, JwkSet, JwsAlg};
use idp_core::oidc::authorize::AuthorizeRequest;
use idp_core::oidc::token::{Issuer, Lifetimes};
use idp_core::oidc::{OAuthError, OAuthErrorCode};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// A JSON error at the token, revocation and introspection endpoints.
pub fn error_json(error: &OAuthError, basic_challenge: bool) -> HttpResponse {
    let status = match error.code {
        OAuthErrorCode::InvalidClient => StatusCode::UNAUTHORIZED,
        OAuthErrorCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
        OAuthErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    };
    if status == StatusCode::SERVICE_UNAVAILABLE {
        tracing::warn!(error = %error, "OAuth endpoint unavailable");
    } else if status.is_server_error() {
        tracing::error!(error = %error, "token endpoint failure");
    }
    let mut response = HttpResponse::build(status);
    response
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.insert_header((RETRY_AFTER, crate::error::RETRY_AFTER_SECS));
    }
    // RFC 6749 §5.2: a 401 answers with the scheme the client tried.
    if status == StatusCode::UNAUTHORIZED {
        let scheme = if basic_challenge {
            "Basic realm=\"idp\""
        } else {
            "Bearer realm=\"idp\""
        };
        response.insert_header((WWW_AUTHENTICATE, scheme));
    }
    response.json(
        serde_json::json!({"error": error.code.as_str(), "error_description": error.description}),
    )
}

/// RFC 9110 §15.5.6: an endpoint that takes only POST says so.
pub async fn post_only() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((actix_web::http::header::ALLOW, "POST"))
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({"error": "invalid_request", "error_description": "use POST"}))
}

pub fn json_no_store(body: &impl Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .insert_header((CONTENT_TYPE, "application/json"))
        .json(body)
}

/// How the client proved who it is.
pub struct Authenticated {
    pub client: Arc<Client>,
    /// The client used HTTP Basic (so a 401 challenges with Basic).
    pub basic: bool,
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn form_value<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A client authentication that did not succeed, ready to answer.
pub enum ClientAuthError {
    /// RFC 6749 §5.2, with the scheme the client tried (for a 401's challenge).
    OAuth(OAuthError, bool),
    /// Too many failures from this address: 429 with `Retry-After`, still an OAuth
    /// error body, decided before the credentials are looked at.
    Throttled(Duration),
}

impl ClientAuthError {
    pub fn response(&self) -> HttpResponse {
        match self {
            ClientAuthError::OAuth(e, basic) => error_json(e, *basic),
            ClientAuthError::Throttled(wait) => crate::throttling::with_retry_after(
                HttpResponse::TooManyRequests()
                    .insert_header((CACHE_CONTROL, "no-store"))
                    .insert_header((PRAGMA, "no-cache"))
                    .json(serde_json::json!({
                        "error": OAuthErrorCode::TemporarilyUnavailable.as_str(),
                        "error_description": format!(
                            "too many failed client authentications from this address; retry after {} seconds",
                            wait.as_secs().max(1)
                        ),
                    })),
                *wait,
            ),
        }
    }
}

/// RFC 6749 §2.3 and OIDC Core §9: client_secret_basic, client_secret_post,
/// private_key_jwt, or none for public clients. Failures are counted per address (and
/// per client when so configured); past the limit the credentials are not even read.
pub async fn authenticate_client(
    state: &AppState,
    req: &HttpRequest,
    form: &[(String, String)],
    audience: &str,
) -> Result<Authenticated, ClientAuthError> {
    authenticate_client_for(state, req, form, &[audience]).await
}

/// [`authenticate_client`] where a `private_key_jwt` assertion may name any of
/// `audiences` (or the issuer, always).
pub async fn authenticate_client_for(
    state: &AppState,
    req: &HttpRequest,
    form: &[(String, String)],
    audiences: &[&str],
) -> Result<Authenticated, ClientAuthError> {
    use crate::throttling;
    use idp_core::throttle::Action;
    let address = crate::web::origin(req).ip;
    let address = address.as_deref();
    let claimed = form_value(form, "client_id");
    match throttling::check_failures(state, Action::ClientAuth, address, claimed).await {
        Ok(None) => {}
        Ok(Some(r)) => return Err(ClientAuthError::Throttled(r.retry_after)),
        Err(e) => {
            return Err(ClientAuthError::OAuth(
                OAuthError::new(OAuthErrorCode::TemporarilyUnavailable, e.to_string()),
                false,
            ));
        }
    }
    let result = check_client(state, req, form, audiences).await;
    if let Err((e, _)) = &result
        && e.code == OAuthErrorCode::InvalidClient
    {
        throttling::record_failure(state, Action::ClientAuth, address, claimed).await;
    }
    result.map_err(|(e, basic)| ClientAuthError::OAuth(e, basic))
}

async fn check_client(
    state: &AppState,
    req: &HttpRequest,
    form: &[(String, String)],
    audiences: &[&str],
) -> Result<Authenticated, (OAuthError, bool)> {
    let basic = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    let is_basic = basic.is_some();
    let fail = |why: &str| (OAuthError::invalid_client(why), is_basic);
    let assertion = form_value(form, "client_assertion");
    let posted_secret = form_value(form, "client_secret");
    let methods = usize::from(basic.is_some())
        + usize::from(assertion.is_some())
        + usize::from(posted_secret.is_some());
    if methods > 1 {
        return Err((
            OAuthError::invalid_request("use one client authentication method"),
            is_basic,
        ));
    }
    let (client_id, secret) = if let Some(b64) = basic {
        let decoded = STANDARD
            .decode(b64.trim())
            .map_err(|_| fail("malformed Basic credentials"))?;
        let text = String::from_utf8(decoded).map_err(|_| fail("malformed Basic credentials"))?;
        let (id, secret) = text
            .split_once(':')
            .ok_or_else(|| fail("malformed Basic credentials"))?;
        // RFC 6749 §2.3.1: both parts are form-urlencoded before Basic encoding.
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
        };
        (decode(id).unwrap_or_default(), decode(secret))
    } else if let Some(jwt) = assertion {
        if form_value(form, "client_assertion_type") != Some(JWT_BEARER) {
            return Err(fail("client_assertion_type must be jwt-bearer"));
        }
        let client = private_key_jwt(state, jwt, form_value(form, "client_id"), audiences)
            .await
            .map_err(|e| (e, false))?;
        return Ok(Authenticated {
            client,
            basic: false,
        });
    } else {
        (
            form_value(form, "client_id").unwrap_or_default().to_owned(),
            posted_secret.map(str::to_owned),
        )
    };
    if form_value(form, "client_id").is_some_and(|id| id != client_id) {
        return Err(fail("client_id differs from the authenticated client"));
    }
    let client = state
        .clients
        .get(&state.stores, &ClientId::from_string(client_id))
        .await
        .map_err(|e| (OAuthError::from(e), is_basic))?
        .ok_or_else(|| fail("unknown client or wrong credentials"))?;
    match (&client.secret_digest, secret) {
        (Some(digest), Some(secret)) if digest.matches(&secret) => {}
        (None, None) if client.is_public() => {}
        _ => return Err(fail("unknown client or wrong credentials")),
    }
    Ok(Authenticated {
        client,
        basic: is_basic,
    })
}

/// The client and the `token` parameter of a revocation or introspection request, or
/// the error response to send.
pub async fn client_and_token(
    state: &AppState,
    req: &HttpRequest,
    form: &[(String, String)],
    endpoint: &str,
) -> Result<(Authenticated, String), HttpResponse> {
    let audience = format!(
        "{}/{endpoint}",
        state.settings.issuer().trim_end_matches('/')
    );
    let auth = authenticate_client(state, req, form, &audience)
        .await
        .map_err(|e| e.response())?;
    match form_value(form, "token") {
        Some(token) => Ok((auth, token.to_owned())),
        None => Err(error_json(
            &OAuthError::invalid_request("token is required"),
            auth.basic,
        )),
    }
}

/// RFC 7523 §3 as OIDC Core §9 uses it.
async fn private_key_jwt(
    state: &AppState,
    jwt: &str,
    claimed: Option<&str>,
    audiences: &[&str],
) -> Result<Arc<Client>, OAuthError> {
    let invalid = |why: &str| OAuthError::invalid_client(why);
    let payload = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| invalid("malformed client assertion"))?;
    let unverified: serde_json::Value = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| invalid("malformed client assertion"))?;
    let issuer = unverified
        .get("iss")
        .and_then(|v| v.as_str())
        .ok_or_else(|| invalid("the assertion has no iss"))?;
    if claimed.is_some_and(|c| c != issuer) {
        return Err(invalid("client_id differs from the assertion's issuer"));
    }
    let client = state
        .clients
        .get(&state.stores, &ClientId::from_string(issuer))
        .await?
        .ok_or_else(|| invalid("unknown client"))?;
    let jwks = client
        .jwks
        .as_deref()
        .ok_or_else(|| invalid("the client has no registered keys"))?;
    let keys = JwkSet::from_json(jwks)
        .map_err(|_| invalid("the client's registered keys are unusable"))?;
    let algs: Vec<JwsAlg> = jose::CLIENT_ASSERTION_ALGS
        .into_iter()
        .filter(|a| client.security_profile.accepts(*a))
        .collect();
    let (_, claims) = jose::verify_jwt(jwt, &keys, &algs)
        .map_err(|_| invalid("the client assertion's signature is invalid"))?;
    let now = state.stores.clock.now().as_secs();
    jose::check_time_claims(&claims, now, 30)
        .map_err(|_| invalid("the client assertion has expired"))?;
    if claims.get("sub").and_then(|v| v.as_str()) != Some(issuer) {
        return Err(invalid("the assertion's sub must be the client_id"));
    }
    let ours = |a: &str| audiences.contains(&a) || a == state.settings.issuer();
    let aud_ok = match claims.get("aud") {
        Some(serde_json::Value::String(a)) => ours(a.as_str()),
        Some(serde_json::Value::Array(list)) => list.iter().any(|a| a.as_str().is_some_and(ours)),
        _ => false,
    };
    if !aud_ok {
        return Err(invalid("the assertion's audience is not this server"));
    }
    let jti = claims
        .get("jti")
        .and_then(|v| v.as_str())
        .ok_or_else(|| invalid("the assertion has no jti"))?;
    let exp = claims.get("exp").and_then(|v| v.as_i64()).unwrap_or(now);
    let ttl = Duration::from_secs(u64::try_from(exp - now).unwrap_or(0).max(60));
    let key = format!(
        "assertion-jti:{}:{}",
        client.id,
        TokenDigest::of(jti).to_hex()
    );
    if !state.stores.ephemeral.put_new(&key, b"1", ttl).await? {
        return Err(invalid("the client assertion was already used"));
    }
    Ok(client)
}

/// The deployment's token lifetimes.
pub fn lifetimes(state: &AppState) -> Lifetimes {
    let t = &state.settings.tokens;
    Lifetimes {
        access: Duration::from_secs(u64::from(t.access_token_ttl_secs)),
        id: Duration::from_secs(u64::from(t.id_token_ttl_secs)),
        refresh: Duration::from_secs(u64::from(t.refresh_token_ttl_secs)),
        code: Duration::from_secs(u64::from(t.code_ttl_secs)),
    }
}

/// The token issuer for one request.
pub fn issuer<'a>(state: &'a AppState, keys: &'a idp_core::keyring::LoadedKeys) -> Issuer<'a> {
    Issuer {
        stores: &state.stores,
        keys,
        issuer: state.settings.issuer(),
        lifetimes: lifetimes(state),
        subjects: &state.subjects,
    }
}

/// An authorization request waiting for the browser to sign in or consent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Pending {
    pub request: AuthorizeRequest,
    /// The session that signed in while this request waited (satisfies prompt=login, max_age).
    pub signed_in_session: Option<SessionId>,
    /// The session that answered the consent page for it.
    pub consented_session: Option<SessionId>,
    /// The device authorization (RFC 8628) this sign-in is for: once signed in, the
    /// browser goes to the device's confirmation page instead of a redirect URI.
    #[serde(default)]
    pub device: Option<DeviceLink>,
}

/// A device authorization carried through the sign-in journey.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeviceLink {
    /// The device authorization's handle (a digest, never the code).
    pub handle: String,
    /// The session the authorization decision let through: only it may approve.
    pub approver: Option<SessionId>,
}

/// How long a person has to sign in and consent.
pub const PENDING_TTL: Duration = Duration::from_secs(15 * 60);

fn pending_key(id: &str) -> String {
    format!("authz:{}", TokenDigest::of(id).to_hex())
}

pub async fn save_pending(
    state: &AppState,
    id: &str,
    pending: &Pending,
) -> Result<(), crate::error::HttpError> {
    crate::web::put_json(state, &pending_key(id), pending, PENDING_TTL).await
}

pub async fn load_pending(
    state: &AppState,
    id: &str,
) -> Result<Option<Pending>, crate::error::HttpError> {
    if id.is_empty() {
        return Ok(None);
    }
    crate::web::get_json(state, &pending_key(id)).await
}

pub async fn drop_pending(state: &AppState, id: &str) -> Result<(), crate::error::HttpError> {
    state.stores.ephemeral.delete(&pending_key(id)).await?;
    Ok(())
}
