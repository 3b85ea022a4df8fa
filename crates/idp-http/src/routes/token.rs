//! The token endpoint (RFC 6749 §3.2): authorization_code, refresh_token,
//! client_credentials and the device code (RFC 8628 §3.4), answered as JSON that is never cached.

use crate::dpop;
use crate::oauth::{self, ClientAuthError, authenticate_client, error_json, json_no_store};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::oidc::dpop::DpopError;
use idp_core::oidc::{OAuthError, OAuthErrorCode};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/token", aw::post().to(token))
        .route("/token", aw::route().to(crate::oauth::post_only));
}

fn value<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn token(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let form = form.into_inner();
    let grant = crate::metrics::grant_label(value(&form, "grant_type"));
    let (response, refused) = respond(&state, &req, &form).await;
    state.metrics.token(grant, refused.map_or(Ok(()), Err));
    response
}

/// The answer, with the OAuth error code when it refuses.
async fn respond(
    state: &AppState,
    req: &HttpRequest,
    form: &[(String, String)],
) -> (HttpResponse, Option<&'static str>) {
    let refused = |response: HttpResponse, code: OAuthErrorCode| (response, Some(code.as_str()));
    // RFC 9449 §4.3: the proof is checked before anything else is done for the request.
    let proof = match dpop::check(state, req, "/token", None) {
        Ok(p) => p,
        Err(e) => return refused(dpop_error(state, &e, false), e.oauth().code),
    };
    let audience = format!("{}/token", state.settings.issuer().trim_end_matches('/'));
    // The proof's single use is recorded while the client is authenticated: no extra
    // round trip on the way, and nothing is issued until both have passed.
    let (auth, spent) = futures_util::future::join(
        authenticate_client(state, req, form, &audience),
        dpop::spend(state, proof.as_ref()),
    )
    .await;
    let auth = match auth {
        Ok(a) => a,
        Err(e) => {
            let code = match &e {
                ClientAuthError::OAuth(e, _) => e.code,
                ClientAuthError::Throttled(_) => OAuthErrorCode::InvalidClient,
            };
            return refused(e.response(), code);
        }
    };
    if let Err(e) = spent {
        return refused(dpop_error(state, &e, auth.basic), e.oauth().code);
    }
    if let Some(Err(e)) = proof
        .as_ref()
        .map(|p| idp_core::oidc::dpop::check_alg_for(&auth.client, p))
    {
        return refused(dpop_error(state, &e, auth.basic), e.oauth().code);
    }
    let jkt = proof.as_ref().map(|p| &p.jkt);
    // RFC 6749 §3.2: parameters sent twice make the request invalid.
    let mut names: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    let result = if names.windows(2).any(|w| matches!(w, [a, b] if a == b)) {
        Err(OAuthError::invalid_request(
            "a parameter was sent more than once",
        ))
    } else {
        grant(state, &auth.client, form, jkt).await
    };
    let (mut response, code) = match result {
        Ok(tokens) => (json_no_store(&tokens), None),
        Err(e) => (error_json(&e, auth.basic), Some(e.code.as_str())),
    };
    if let Some((name, value)) = dpop::nonce_header(state, None) {
        response.headers_mut().insert(name, value);
    }
    (response, code)
}

/// Runs the grant the form names.
async fn grant(
    state: &AppState,
    client: &idp_core::client::Client,
    form: &[(String, String)],
    jkt: Option<&idp_core::oidc::dpop::Jkt>,
) -> Result<idp_core::oidc::token::TokenResponse, OAuthError> {
    let keys = state.keys.get();
    let issuer = oauth::issuer(state, &keys);
    match value(form, "grant_type") {
        Some("authorization_code") => match value(form, "code") {
            Some(code) => {
                issuer
                    .exchange_code(
                        client,
                        code,
                        value(form, "redirect_uri"),
                        value(form, "code_verifier"),
                        jkt,
                    )
                    .await
            }
            None => Err(OAuthError::invalid_request("code is required")),
        },
        Some("refresh_token") => match value(form, "refresh_token") {
            Some(rt) => issuer.refresh(client, rt, value(form, "scope"), jkt).await,
            None => Err(OAuthError::invalid_request("refresh_token is required")),
        },
        Some("client_credentials") => {
            issuer
                .client_credentials(client, value(form, "scope"), jkt)
                .await
        }
        Some(idp_core::oidc::device::GRANT_TYPE) if state.settings.device.enabled => {
            match value(form, "device_code") {
                Some(device_code) => issuer.exchange_device_code(client, device_code, jkt).await,
                None => Err(OAuthError::invalid_request("device_code is required")),
            }
        }
        Some(other) => Err(OAuthError::new(
            OAuthErrorCode::UnsupportedGrantType,
            format!("grant_type {other} is not supported"),
        )),
        None => Err(OAuthError::invalid_request("grant_type is required")),
    }
}

/// RFC 9449 §5: a refused proof is `invalid_dpop_proof` (400), a missing or old nonce
/// `use_dpop_nonce` (400) with the nonce to use.
fn dpop_error(state: &AppState, error: &DpopError, basic: bool) -> HttpResponse {
    let mut response = error_json(&error.oauth(), basic);
    if let Some((name, value)) = dpop::nonce_header(state, Some(error)) {
        response.headers_mut().insert(name, value);
    }
    response
}
