//! The authorization endpoint's rules: validating a request (RFC 6749 §4.1.1, OIDC Core
//! §3.1.2.1, RFC 7636, RFC 8252) and deciding what happens next for the browser.

use super::acr::{Acr, AcrRequest, AcrVerdict};
use super::error::{OAuthError, OAuthErrorCode};
use super::{pkce, scope};
use crate::client::{Client, is_loopback};
use crate::clock::Timestamp;
use crate::ids::{ClientId, UserId};
use serde::{Deserialize, Serialize};
use url::Url;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseMode {
    Query,
    FormPost,
}

/// `prompt` values (OIDC Core §3.1.2.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
    pub select_account: bool,
}

/// Claims asked for by name through the `claims` parameter (OIDC Core §5.5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimsRequest {
    pub userinfo: Vec<String>,
    pub id_token: Vec<String>,
    /// The `sub` values the client will accept (`value` or `values` of `sub`, OIDC Core
    /// §5.5.1): tokens are issued for no one else.
    #[serde(default)]
    pub subject: Option<Vec<String>>,
    /// The `acr` member of `id_token` or `userinfo`: the levels that would do, and
    /// whether they are essential (OIDC Core §5.5.1.1).
    #[serde(default)]
    pub acr: Option<AcrRequest>,
}

/// A validated authorization request, kept while the person signs in and consents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub response_mode: ResponseMode,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    pub max_age: Option<u64>,
    pub login_hint: Option<String>,
    pub id_token_hint: Option<String>,
    pub ui_locales: Option<String>,
    pub acr_values: Option<String>,
    pub claims: ClaimsRequest,
    /// RFC 9449 §10: the DPoP key the code is bound to.
    #[serde(default)]
    pub dpop_jkt: Option<super::dpop::Jkt>,
}

impl AuthorizeRequest {
    /// What the request asks of the sign-in's level, from `acr_values` and the `acr`
    /// claim request together.
    pub fn acr_request(&self) -> AcrRequest {
        AcrRequest::from_parts(self.acr_values.as_deref(), self.claims.acr.clone())
    }
}

/// Why a request is refused, and how the refusal reaches the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// RFC 6749 §4.1.2.1: an unknown client or an unverified redirect URI gets a page, never a redirect.
    Page(String),
    /// Every other error goes back to the client's redirect URI.
    Redirect {
        redirect_uri: String,
        response_mode: ResponseMode,
        state: Option<String>,
        error: OAuthError,
    },
}

/// Longest `state`, `nonce` or hint `idp` keeps, so a request cannot grow storage without bound.
const MAX_PARAM: usize = 4096;

/// Whether `presented` is one of the client's redirect URIs: exact match, except that a
/// loopback `http` URI may use any port (RFC 8252 §7.3).
pub fn redirect_uri_matches(client: &Client, presented: &str) -> bool {
    client.redirect_uris.iter().any(|registered| {
        let registered = registered.as_str();
        if registered == presented {
            return true;
        }
        let (Ok(r), Ok(p)) = (Url::parse(registered), Url::parse(presented)) else {
            return false;
        };
        r.scheme() == "http"
            && p.scheme() == "http"
            && is_loopback(&r)
            && r.host() == p.host()
            && r.path() == p.path()
            && r.query() == p.query()
            && p.fragment().is_none()
            && p.username().is_empty()
            && p.password().is_none()
    })
}

pub(crate) fn one<'a>(params: &'a [(String, String)], name: &str) -> Result<Option<&'a str>, ()> {
    let mut found = params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str());
    let first = found.next();
    // RFC 6749 §3.1: a parameter sent more than once makes the request invalid.
    if found.next().is_some() {
        Err(())
    } else {
        Ok(first.filter(|v| !v.is_empty()))
    }
}

/// The registered client a request names by `client_id`; a page otherwise (RFC 6749
/// §4.1.2.1). `client` is the registered client looked up by that id, if there is one.
pub fn identify<'a>(
    params: &[(String, String)],
    client: Option<&'a Client>,
) -> Result<&'a Client, Rejection> {
    let client_id = one(params, "client_id")
        .map_err(|()| Rejection::Page("client_id was sent more than once.".into()))?
        .ok_or_else(|| Rejection::Page("The request names no client_id.".into()))?;
    client
        .filter(|c| c.id.as_str() == client_id)
        .ok_or_else(|| {
            Rejection::Page("The application that sent you here is not registered.".into())
        })
}

/// Where an error about `params` as a whole may be sent: their `redirect_uri` when it is
/// one of `client`'s, with their `response_mode` and `state`; `None` when only a page will
/// do. Used before the parameters that count are known (a pushed request or a request
/// object not yet read).
pub(crate) fn error_target(
    params: &[(String, String)],
    client: &Client,
    error: OAuthError,
) -> Rejection {
    let redirect_uri = one(params, "redirect_uri").ok().flatten();
    match redirect_uri {
        Some(uri) if redirect_uri_matches(client, uri) => Rejection::Redirect {
            redirect_uri: uri.to_owned(),
            response_mode: match one(params, "response_mode") {
                Ok(Some("form_post")) => ResponseMode::FormPost,
                _ => ResponseMode::Query,
            },
            state: one(params, "state")
                .ok()
                .flatten()
                .filter(|s| s.len() <= MAX_PARAM)
                .map(str::to_owned),
            error,
        },
        _ => Rejection::Page(format!(
            "The application sent a request that cannot be used: {} ({}).",
            error.description, error.code
        )),
    }
}

/// Validates an authorization request against its client. `client` is the registered
/// client named by `client_id`, if there is one.
pub fn validate(
    params: &[(String, String)],
    client: Option<&Client>,
) -> Result<AuthorizeRequest, Rejection> {
    let client = identify(params, client)?;
    let redirect_uri = one(params, "redirect_uri")
        .map_err(|()| Rejection::Page("redirect_uri was sent more than once.".into()))?
        .ok_or_else(|| Rejection::Page("The request names no redirect_uri.".into()))?;
    if !redirect_uri_matches(client, redirect_uri) {
        return Err(Rejection::Page(
            "The redirect_uri is not registered for this application.".into(),
        ));
    }
    let state = one(params, "state").ok().flatten().map(str::to_owned);
    let response_mode = match one(params, "response_mode") {
        Ok(Some("form_post")) => ResponseMode::FormPost,
        _ => ResponseMode::Query,
    };
    let fail = |error: OAuthError| Rejection::Redirect {
        redirect_uri: redirect_uri.to_owned(),
        response_mode,
        state: state.clone(),
        error,
    };
    let get = |name: &str| {
        one(params, name).map_err(|()| {
            fail(OAuthError::invalid_request(format!(
                "{name} was sent more than once"
            )))
        })
    };

    match get("response_mode")? {
        None | Some("query" | "form_post") => {}
        Some(other) => {
            return Err(fail(OAuthError::invalid_request(format!(
                "response_mode {other} is not supported"
            ))));
        }
    }
    if get("request")?.is_some() {
        return Err(fail(OAuthError::new(
            OAuthErrorCode::RequestNotSupported,
            "request objects are not supported",
        )));
    }
    if get("request_uri")?.is_some() {
        return Err(fail(OAuthError::new(
            OAuthErrorCode::RequestUriNotSupported,
            "request_uri is not supported",
        )));
    }
    match get("response_type")? {
        None => {
            return Err(fail(OAuthError::invalid_request(
                "response_type is required",
            )));
        }
        Some("code") => {}
        Some(other) => {
            return Err(fail(OAuthError::new(
                OAuthErrorCode::UnsupportedResponseType,
                format!("response_type {other} is not supported; use code"),
            )));
        }
    }
    if !client.allows_grant(crate::client::GrantType::AuthorizationCode) {
        return Err(fail(OAuthError::new(
            OAuthErrorCode::UnauthorizedClient,
            "this client may not use the authorization code flow",
        )));
    }
    let scopes = scope::parse(get("scope")?.unwrap_or_default()).map_err(fail)?;
    if !scopes.iter().any(|s| s == scope::OPENID) {
        return Err(fail(OAuthError::invalid_scope(
            "the openid scope is required",
        )));
    }
    scope::check_allowed(&scopes, &client.extra_scopes).map_err(fail)?;

    let code_challenge = get("code_challenge")?;
    match (code_challenge, get("code_challenge_method")?) {
        (Some(_), Some("S256")) => {}
        (Some(_), None | Some(_)) => {
            return Err(fail(OAuthError::invalid_request(
                "code_challenge_method must be S256",
            )));
        }
        (None, Some(_)) => {
            return Err(fail(OAuthError::invalid_request(
                "code_challenge_method without code_challenge",
            )));
        }
        (None, None) if client.is_public() || client.require_pkce => {
            return Err(fail(OAuthError::invalid_request(
                "PKCE is required: send code_challenge with method S256",
            )));
        }
        (None, None) => {}
    }
    if code_challenge.is_some_and(|c| !pkce::challenge_is_valid(c)) {
        return Err(fail(OAuthError::invalid_request(
            "code_challenge must be 43 base64url characters",
        )));
    }

    let mut prompt = Prompt::default();
    for value in get("prompt")?
        .unwrap_or_default()
        .split(' ')
        .filter(|v| !v.is_empty())
    {
        match value {
            "none" => prompt.none = true,
            "login" => prompt.login = true,
            "consent" => prompt.consent = true,
            "select_account" => prompt.select_account = true,
            other => {
                return Err(fail(OAuthError::invalid_request(format!(
                    "prompt {other} is not supported"
                ))));
            }
        }
    }
    if prompt.none && (prompt.login || prompt.consent || prompt.select_account) {
        return Err(fail(OAuthError::invalid_request(
            "prompt=none cannot be combined with other values",
        )));
    }
    let max_age = match get("max_age")? {
        None => None,
        Some(v) => Some(v.parse::<u64>().map_err(|_| {
            fail(OAuthError::invalid_request(
                "max_age must be a number of seconds",
            ))
        })?),
    };
    let claims = match get("claims")? {
        None => ClaimsRequest::default(),
        Some(json) => parse_claims(json).map_err(fail)?,
    };
    let bounded = |name: &str| -> Result<Option<String>, Rejection> {
        match get(name)? {
            Some(v) if v.len() > MAX_PARAM => Err(fail(OAuthError::invalid_request(format!(
                "{name} is too long"
            )))),
            v => Ok(v.map(str::to_owned)),
        }
    };
    if state.as_ref().is_some_and(|s| s.len() > MAX_PARAM) {
        return Err(fail(OAuthError::invalid_request("state is too long")));
    }
    get("state")?;
    let dpop_jkt = match get("dpop_jkt")? {
        None => None,
        Some(v) => Some(super::dpop::Jkt::parse(v).ok_or_else(|| {
            fail(OAuthError::invalid_request(
                "dpop_jkt must be a JWK SHA-256 thumbprint (43 base64url characters)",
            ))
        })?),
    };
    Ok(AuthorizeRequest {
        client_id: client.id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        response_mode,
        scopes,
        state: state.clone(),
        nonce: bounded("nonce")?,
        code_challenge: code_challenge.map(str::to_owned),
        prompt,
        max_age,
        login_hint: bounded("login_hint")?,
        id_token_hint: bounded("id_token_hint")?,
        ui_locales: bounded("ui_locales")?,
        acr_values: bounded("acr_values")?,
        claims,
        dpop_jkt,
    })
}

/// The `claims` parameter: `{"userinfo": {"name": {"essential": true}}, "id_token": {...}}`.
fn parse_claims(json: &str) -> Result<ClaimsRequest, OAuthError> {
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|_| OAuthError::invalid_request("the claims parameter is not JSON"))?;
    let names = |member: &str| -> Vec<String> {
        value
            .get(member)
            .and_then(|m| m.as_object())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    if !value.is_object() {
        return Err(OAuthError::invalid_request(
            "the claims parameter must be a JSON object",
        ));
    }
    let mut subject: Option<Vec<String>> = None;
    for member in ["id_token", "userinfo"] {
        let Some(wanted) = value.get(member).and_then(|m| m.get("sub")) else {
            continue;
        };
        let Some(values) = requested_values(wanted)? else {
            continue;
        };
        // Asked of both, the subject must satisfy both.
        subject = Some(match subject {
            Some(earlier) => earlier.into_iter().filter(|v| values.contains(v)).collect(),
            None => values,
        });
    }
    let mut acr: Option<AcrRequest> = None;
    for member in ["id_token", "userinfo"] {
        let Some(wanted) = value.get(member).and_then(|m| m.get("acr")) else {
            continue;
        };
        let essential = match wanted.get("essential") {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(_) => {
                return Err(OAuthError::invalid_request(
                    "a claim's essential member must be true or false",
                ));
            }
        };
        let values = requested_values(wanted)?.unwrap_or_default();
        let earlier = acr.take().unwrap_or_default();
        acr = Some(AcrRequest {
            essential: earlier.essential || essential,
            values: if earlier.values.is_empty() {
                values
            } else {
                earlier.values
            },
        });
    }
    Ok(ClaimsRequest {
        userinfo: names("userinfo"),
        id_token: names("id_token"),
        subject,
        acr,
    })
}

/// The `value` or `values` a claim request names (OIDC Core §5.5.1); `None` when it
/// names none.
fn requested_values(request: &serde_json::Value) -> Result<Option<Vec<String>>, OAuthError> {
    let bad = || OAuthError::invalid_request("a claim's value must be a string, values a list");
    if let Some(v) = request.get("value") {
        return Ok(Some(vec![v.as_str().ok_or_else(bad)?.to_owned()]));
    }
    match request.get("values") {
        Some(serde_json::Value::Array(list)) => list
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad()),
        None => Ok(None),
    }
}

/// The signed-in browser as the decision needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionView {
    pub user_id: UserId,
    pub auth_time: Timestamp,
    /// The level the session's sign-in reached (`Acr::achieved` of its `amr`).
    pub acr: Acr,
    /// The `sub` this client receives for the member (pairwise where registered so):
    /// what a requested `sub` and an `id_token_hint` are compared with.
    pub subject: String,
}

/// What the decision knows beyond the request.
#[derive(Clone, Debug)]
pub struct Situation<'a> {
    pub session: Option<&'a SessionView>,
    /// The `sub` of a valid `id_token_hint`, if one was sent.
    pub hint_subject: Option<&'a str>,
    /// The person signed in during this very request (so `prompt=login` is satisfied).
    pub signed_in_now: bool,
    /// The person answered the consent page during this request.
    pub consented_now: bool,
    /// A stored consent covers the requested scopes, or the client is first-party.
    pub consent_covers: bool,
    pub now: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Show the sign-in page.
    SignIn,
    /// The signed-in member proves a second factor (or sets one up) before the request
    /// goes on: it asks for a level their sign-in did not reach.
    StepUp,
    /// Show the consent page.
    Consent,
    /// Issue an authorization code.
    Issue,
    /// Redirect back with this error.
    Fail(OAuthError),
}

/// OIDC Core §3.1.2.3 and §3.1.2.4: sign in when needed, consent when needed, never an
/// interaction with `prompt=none`.
pub fn decide(req: &AuthorizeRequest, s: &Situation<'_>) -> Step {
    let interaction = |code: OAuthErrorCode, why: &str| {
        if req.prompt.none {
            Step::Fail(OAuthError::new(code, why))
        } else {
            Step::SignIn
        }
    };
    let Some(session) = s.session else {
        return interaction(OAuthErrorCode::LoginRequired, "the user is not signed in");
    };
    // OIDC Core §5.5.1: tokens for another `sub` than the one asked for must never be
    // issued. The signed-in person may sign in as the one asked for; someone who just
    // did and is still not that person ends the request.
    if let Some(wanted) = &req.claims.subject
        && !wanted.contains(&session.subject)
    {
        return if s.signed_in_now {
            Step::Fail(OAuthError::new(
                OAuthErrorCode::AccessDenied,
                "the signed-in user is not the one the claims parameter names",
            ))
        } else {
            interaction(
                OAuthErrorCode::LoginRequired,
                "a different user is signed in than the claims parameter names",
            )
        };
    }
    if !s.signed_in_now {
        if req.prompt.login || req.prompt.select_account {
            return Step::SignIn;
        }
        if let Some(max_age) = req.max_age {
            let age = s.now.as_secs().saturating_sub(session.auth_time.as_secs());
            // OIDC Core §3.1.2.1: max_age=0 is prompt=login, however recent the sign-in.
            if max_age == 0 || u64::try_from(age).unwrap_or(0) > max_age {
                return interaction(
                    OAuthErrorCode::LoginRequired,
                    "the sign-in is older than max_age",
                );
            }
        }
        if s.hint_subject.is_some_and(|sub| sub != session.subject) {
            return interaction(
                OAuthErrorCode::LoginRequired,
                "a different user is signed in than id_token_hint names",
            );
        }
    }
    match req.acr_request().judge(session.acr) {
        AcrVerdict::Met => {}
        AcrVerdict::Unmet => {
            return Step::Fail(OAuthError::new(
                OAuthErrorCode::UnmetAuthenticationRequirements,
                "no sign-in here reaches the essential acr asked for",
            ));
        }
        AcrVerdict::StepUp if req.prompt.none => {
            return Step::Fail(OAuthError::new(
                OAuthErrorCode::InteractionRequired,
                "the acr asked for needs a second factor this session has not proven",
            ));
        }
        AcrVerdict::StepUp => return Step::StepUp,
    }
    if s.consented_now {
        return Step::Issue;
    }
    if req.prompt.consent {
        return Step::Consent;
    }
    if !s.consent_covers {
        return if req.prompt.none {
            Step::Fail(OAuthError::new(
                OAuthErrorCode::ConsentRequired,
                "the user has not consented to this client",
            ))
        } else {
            Step::Consent
        };
    }
    Step::Issue
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientAuthMethod, GrantType, RedirectUri};

    fn client(public: bool) -> Client {
        Client {
            auth_method: if public {
                ClientAuthMethod::None
            } else {
                ClientAuthMethod::ClientSecretBasic
            },
            redirect_uris: vec![
                RedirectUri::parse("https://app.example.com/cb").unwrap(),
                RedirectUri::parse("http://127.0.0.1/native").unwrap(),
            ],
            grant_types: vec![GrantType::AuthorizationCode, GrantType::RefreshToken],
            extra_scopes: vec!["reports".into()],
            ..Client::fixture("app")
        }
    }

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn params(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = [
            ("client_id", "app"),
            ("redirect_uri", "https://app.example.com/cb"),
            ("response_type", "code"),
            ("scope", "openid email"),
            ("state", "xyz"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        for (k, v) in extra {
            p.retain(|(pk, _)| pk != k);
            if !v.is_empty() {
                p.push(((*k).to_owned(), (*v).to_owned()));
            }
        }
        p
    }

    fn redirect_error(r: Result<AuthorizeRequest, Rejection>) -> (OAuthErrorCode, Option<String>) {
        match r {
            Err(Rejection::Redirect { error, state, .. }) => (error.code, state),
            other => panic!("expected a redirect error, got {other:?}"),
        }
    }

    #[test]
    fn a_good_request_validates() {
        let c = client(false);
        let r = validate(
            &params(&[
                ("nonce", "n-0S6"),
                ("max_age", "60"),
                ("prompt", "login consent"),
            ]),
            Some(&c),
        )
        .unwrap();
        assert_eq!(r.scopes, vec!["openid", "email"]);
        assert_eq!(r.nonce.as_deref(), Some("n-0S6"));
        assert_eq!(r.max_age, Some(60));
        assert!(r.prompt.login && r.prompt.consent);
        assert_eq!(r.response_mode, ResponseMode::Query);
    }

    #[test]
    fn unknown_clients_and_redirect_uris_get_a_page() {
        let c = client(false);
        assert!(matches!(
            validate(&params(&[]), None),
            Err(Rejection::Page(_))
        ));
        assert!(matches!(
            validate(&params(&[("client_id", "other")]), Some(&c)),
            Err(Rejection::Page(_))
        ));
        assert!(matches!(
            validate(
                &params(&[("redirect_uri", "https://evil.example/cb")]),
                Some(&c)
            ),
            Err(Rejection::Page(_))
        ));
        assert!(matches!(
            validate(&params(&[("redirect_uri", "")]), Some(&c)),
            Err(Rejection::Page(_))
        ));
        let mut dup = params(&[]);
        dup.push(("redirect_uri".into(), "https://app.example.com/cb".into()));
        assert!(matches!(validate(&dup, Some(&c)), Err(Rejection::Page(_))));
    }

    #[test]
    fn loopback_redirects_may_use_any_port() {
        let c = client(true);
        assert!(redirect_uri_matches(&c, "http://127.0.0.1:51004/native"));
        assert!(!redirect_uri_matches(&c, "http://127.0.0.1:51004/other"));
        assert!(!redirect_uri_matches(&c, "https://app.example.com:8443/cb"));
        assert!(!redirect_uri_matches(&c, "http://localhost:51004/native"));
    }

    #[test]
    fn other_errors_redirect_with_state() {
        let c = client(false);
        let cases = [
            (vec![("response_type", "")], OAuthErrorCode::InvalidRequest),
            (
                vec![("response_type", "token")],
                OAuthErrorCode::UnsupportedResponseType,
            ),
            (
                vec![("response_type", "code id_token")],
                OAuthErrorCode::UnsupportedResponseType,
            ),
            (vec![("scope", "email")], OAuthErrorCode::InvalidScope),
            (
                vec![("scope", "openid admin")],
                OAuthErrorCode::InvalidScope,
            ),
            (vec![("code_challenge", "")], OAuthErrorCode::InvalidRequest),
            (
                vec![("code_challenge_method", "plain")],
                OAuthErrorCode::InvalidRequest,
            ),
            (
                vec![("code_challenge", "short")],
                OAuthErrorCode::InvalidRequest,
            ),
            (
                vec![("prompt", "none login")],
                OAuthErrorCode::InvalidRequest,
            ),
            (
                vec![("prompt", "sometimes")],
                OAuthErrorCode::InvalidRequest,
            ),
            (vec![("max_age", "-1")], OAuthErrorCode::InvalidRequest),
            (
                vec![("request", "eyJ...")],
                OAuthErrorCode::RequestNotSupported,
            ),
            (
                vec![("request_uri", "https://x")],
                OAuthErrorCode::RequestUriNotSupported,
            ),
            (vec![("claims", "not json")], OAuthErrorCode::InvalidRequest),
            (
                vec![("response_mode", "fragment")],
                OAuthErrorCode::InvalidRequest,
            ),
        ];
        for (extra, code) in cases {
            let (got, state) = redirect_error(validate(&params(&extra), Some(&c)));
            assert_eq!(got, code, "{extra:?}");
            assert_eq!(state.as_deref(), Some("xyz"));
        }
        let mut dup = params(&[]);
        dup.push(("scope".into(), "openid".into()));
        assert_eq!(
            redirect_error(validate(&dup, Some(&c))).0,
            OAuthErrorCode::InvalidRequest
        );
    }

    #[test]
    fn pkce_is_optional_only_for_relaxed_confidential_clients() {
        let mut c = client(false);
        assert!(
            validate(
                &params(&[("code_challenge", ""), ("code_challenge_method", "")]),
                Some(&c)
            )
            .is_err()
        );
        c.require_pkce = false;
        assert!(
            validate(
                &params(&[("code_challenge", ""), ("code_challenge_method", "")]),
                Some(&c)
            )
            .is_ok()
        );
        let public = client(true);
        assert!(
            validate(
                &params(&[("code_challenge", ""), ("code_challenge_method", "")]),
                Some(&public)
            )
            .is_err()
        );
    }

    #[test]
    fn claims_parameter_names_are_read() {
        let c = client(false);
        let r = validate(
            &params(&[(
                "claims",
                r#"{"userinfo":{"name":{"essential":true}},"id_token":{"email":null}}"#,
            )]),
            Some(&c),
        )
        .unwrap();
        assert_eq!(r.claims.userinfo, vec!["name"]);
        assert_eq!(r.claims.id_token, vec!["email"]);
    }

    #[test]
    fn a_required_subject_is_read_and_enforced() {
        let c = client(false);
        let read = |claims: &str| validate(&params(&[("claims", claims)]), Some(&c));
        let one = read(r#"{"id_token":{"sub":{"value":"u2"}}}"#).unwrap();
        assert_eq!(one.claims.subject, Some(vec!["u2".to_owned()]));
        let both = read(
            r#"{"id_token":{"sub":{"values":["u1","u2"]}},"userinfo":{"sub":{"value":"u1"}}}"#,
        )
        .unwrap();
        assert_eq!(both.claims.subject, Some(vec!["u1".to_owned()]));
        let by_name = read(r#"{"id_token":{"sub":null,"email":{"essential":true}}}"#).unwrap();
        assert_eq!(by_name.claims.subject, None);
        assert!(read(r#"{"id_token":{"sub":{"value":7}}}"#).is_err());
        assert!(read(r#"{"id_token":{"sub":{"values":"u1"}}}"#).is_err());

        let session = SessionView {
            user_id: UserId::from_string("u1"),
            auth_time: Timestamp::from_secs(900),
            acr: Acr::Password,
            subject: "u1".into(),
        };
        let mut other = one.clone();
        other.prompt.none = true;
        assert!(matches!(
            decide(&other, &situation(Some(&session), true)),
            Step::Fail(e) if e.code == OAuthErrorCode::LoginRequired
        ));
        other.prompt.none = false;
        assert_eq!(
            decide(&other, &situation(Some(&session), true)),
            Step::SignIn
        );
        let mut fresh = situation(Some(&session), true);
        fresh.signed_in_now = true;
        assert!(matches!(
            decide(&other, &fresh),
            Step::Fail(e) if e.code == OAuthErrorCode::AccessDenied
        ));
        assert_eq!(
            decide(&both, &situation(Some(&session), true)),
            Step::Issue,
            "the signed-in person is among those asked for"
        );
        // A pairwise client names the member by the subject it received, never by id.
        let pairwise = SessionView {
            subject: "pw-u1".into(),
            ..session.clone()
        };
        let by_id = read(r#"{"id_token":{"sub":{"value":"u1"}}}"#).unwrap();
        assert_eq!(
            decide(&by_id, &situation(Some(&pairwise), true)),
            Step::SignIn
        );
        let by_pairwise = read(r#"{"id_token":{"sub":{"value":"pw-u1"}}}"#).unwrap();
        assert_eq!(
            decide(&by_pairwise, &situation(Some(&pairwise), true)),
            Step::Issue
        );
    }

    #[test]
    fn an_acr_the_session_did_not_reach_steps_up_or_fails() {
        let c = client(false);
        let read = |pairs: &[(&str, &str)]| validate(&params(pairs), Some(&c)).unwrap();
        let essential_mfa = read(&[(
            "claims",
            r#"{"id_token":{"acr":{"essential":true,"values":["urn:idp:acr:mfa"]}}}"#,
        )]);
        assert_eq!(
            essential_mfa.claims.acr,
            Some(AcrRequest {
                values: vec!["urn:idp:acr:mfa".into()],
                essential: true
            })
        );
        let by_values = read(&[("acr_values", "urn:idp:acr:mfa")]);
        let unknown = read(&[(
            "claims",
            r#"{"userinfo":{"acr":{"essential":true,"value":"urn:example:gold"}}}"#,
        )]);
        assert!(
            validate(
                &params(&[("claims", r#"{"id_token":{"acr":{"essential":"yes"}}}"#)]),
                Some(&c)
            )
            .is_err()
        );

        let mut session = SessionView {
            user_id: UserId::from_string("u1"),
            auth_time: Timestamp::from_secs(900),
            acr: Acr::Password,
            subject: "u1".into(),
        };
        for asked in [&essential_mfa, &by_values] {
            assert_eq!(
                decide(asked, &situation(Some(&session), true)),
                Step::StepUp
            );
            let mut silent = asked.clone();
            silent.prompt.none = true;
            assert!(matches!(
                decide(&silent, &situation(Some(&session), true)),
                Step::Fail(e) if e.code == OAuthErrorCode::InteractionRequired
            ));
        }
        assert!(matches!(
            decide(&unknown, &situation(Some(&session), true)),
            Step::Fail(e) if e.code == OAuthErrorCode::UnmetAuthenticationRequirements
        ));
        // The subject check comes first: another member is never stepped up.
        let mut elsewhere = essential_mfa.clone();
        elsewhere.claims.subject = Some(vec!["u2".into()]);
        assert_eq!(
            decide(&elsewhere, &situation(Some(&session), true)),
            Step::SignIn
        );
        session.acr = Acr::Federated;
        assert_eq!(
            decide(&essential_mfa, &situation(Some(&session), true)),
            Step::StepUp
        );
        session.acr = Acr::MultiFactor;
        assert_eq!(
            decide(&essential_mfa, &situation(Some(&session), true)),
            Step::Issue
        );
        assert_eq!(
            decide(&essential_mfa, &situation(Some(&session), false)),
            Step::Consent,
            "a met level goes on to consent as usual"
        );
    }

    fn request(prompt: Prompt, max_age: Option<u64>) -> AuthorizeRequest {
        let mut r = validate(&params(&[]), Some(&client(false))).unwrap();
        r.prompt = prompt;
        r.max_age = max_age;
        r
    }

    fn situation<'a>(session: Option<&'a SessionView>, consent: bool) -> Situation<'a> {
        Situation {
            session,
            hint_subject: None,
            signed_in_now: false,
            consented_now: false,
            consent_covers: consent,
            now: Timestamp::from_secs(1000),
        }
    }

    #[test]
    fn decisions_follow_oidc_core() {
        let session = SessionView {
            user_id: UserId::from_string("u1"),
            auth_time: Timestamp::from_secs(900),
            acr: Acr::Password,
            subject: "u1".into(),
        };
        let none = Prompt {
            none: true,
            ..Prompt::default()
        };
        let login = Prompt {
            login: true,
            ..Prompt::default()
        };
        let consent = Prompt {
            consent: true,
            ..Prompt::default()
        };

        assert_eq!(
            decide(&request(Prompt::default(), None), &situation(None, true)),
            Step::SignIn
        );
        assert!(
            matches!(decide(&request(none, None), &situation(None, true)), Step::Fail(e) if e.code == OAuthErrorCode::LoginRequired)
        );
        assert_eq!(
            decide(
                &request(Prompt::default(), None),
                &situation(Some(&session), true)
            ),
            Step::Issue
        );
        assert_eq!(
            decide(&request(none, None), &situation(Some(&session), true)),
            Step::Issue
        );
        assert_eq!(
            decide(&request(login, None), &situation(Some(&session), true)),
            Step::SignIn
        );
        let mut fresh = situation(Some(&session), true);
        fresh.signed_in_now = true;
        assert_eq!(decide(&request(login, None), &fresh), Step::Issue);
        // max_age: 100 s old sign-in.
        assert_eq!(
            decide(
                &request(Prompt::default(), Some(200)),
                &situation(Some(&session), true)
            ),
            Step::Issue
        );
        assert_eq!(
            decide(
                &request(Prompt::default(), Some(1)),
                &situation(Some(&session), true)
            ),
            Step::SignIn
        );
        assert!(
            matches!(decide(&request(none, Some(1)), &situation(Some(&session), true)), Step::Fail(e) if e.code == OAuthErrorCode::LoginRequired)
        );
        // max_age=0 asks again even for a sign-in this very second.
        let mut just_now = situation(Some(&session), true);
        just_now.now = session.auth_time;
        assert_eq!(
            decide(&request(Prompt::default(), Some(0)), &just_now),
            Step::SignIn
        );
        assert!(
            matches!(decide(&request(none, Some(0)), &just_now), Step::Fail(e) if e.code == OAuthErrorCode::LoginRequired)
        );
        just_now.signed_in_now = true;
        assert_eq!(
            decide(&request(Prompt::default(), Some(0)), &just_now),
            Step::Issue
        );
        // Consent.
        assert_eq!(
            decide(
                &request(Prompt::default(), None),
                &situation(Some(&session), false)
            ),
            Step::Consent
        );
        assert!(
            matches!(decide(&request(none, None), &situation(Some(&session), false)), Step::Fail(e) if e.code == OAuthErrorCode::ConsentRequired)
        );
        assert_eq!(
            decide(&request(consent, None), &situation(Some(&session), true)),
            Step::Consent
        );
        let mut answered = situation(Some(&session), true);
        answered.consented_now = true;
        assert_eq!(decide(&request(consent, None), &answered), Step::Issue);
        // id_token_hint of someone else.
        let mut hinted = situation(Some(&session), true);
        hinted.hint_subject = Some("u2");
        assert!(
            matches!(decide(&request(none, None), &hinted), Step::Fail(e) if e.code == OAuthErrorCode::LoginRequired)
        );
        hinted.hint_subject = Some("u1");
        assert_eq!(decide(&request(none, None), &hinted), Step::Issue);
    }
}
