//! OpenID Provider metadata (OIDC Discovery §3, RFC 8414) and the JWKS, answered from
//! bytes serialized once, with ETags.

use crate::settings::Settings;
use crate::state::{AppState, StaticDocument};
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::jose;
use idp_core::oidc::dpop::DpopAlg;
use idp_core::oidc::{acr::Acr, request_object, scope};
use serde_json::json;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/.well-known/openid-configuration", aw::get().to(discovery))
        .route(
            "/.well-known/oauth-authorization-server",
            aw::get().to(discovery),
        )
        .route("/jwks", aw::get().to(jwks));
}

/// The metadata document for the configured issuer. Each capability that can be turned
/// off is advertised exactly when it is on.
pub fn document(settings: &Settings) -> StaticDocument {
    let issuer = settings.issuer();
    let base = issuer.trim_end_matches('/');
    let algs = ["RS256", "ES256", "EdDSA"];
    let auth_methods = [
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    ];
    let mut doc = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks"),
        "end_session_endpoint": format!("{base}/end_session"),
        "revocation_endpoint": format!("{base}/revoke"),
        "introspection_endpoint": format!("{base}/introspect"),
        "scopes_supported": scope::STANDARD,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": algs,
        "token_endpoint_auth_methods_supported": auth_methods,
        "token_endpoint_auth_signing_alg_values_supported": jose::CLIENT_ASSERTION_ALGS.map(|a| a.as_str()),
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": auth_methods,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid", "at_hash",
            "org", "name", "given_name", "family_name", "preferred_username", "locale", "updated_at", "email", "email_verified",
            "phone_number", "phone_number_verified"],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": true,
        // RFC 9101: request objects by value; by reference only through PAR.
        "request_parameter_supported": true,
        "request_object_signing_alg_values_supported": request_object::SIGNING_ALGS.map(|a| a.as_str()),
        "request_uri_parameter_supported": false,
        "require_request_uri_registration": false,
        "authorization_response_iss_parameter_supported": true,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "acr_values_supported": Acr::ALL.map(Acr::as_str),
        "ui_locales_supported": idp_core::i18n::Language::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "frontchannel_logout_supported": false,
        // Back-Channel Logout 1.0 §2.1: always on; a client opts in by registering a URI.
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        // RFC 9126 §5.
        "pushed_authorization_request_endpoint": format!("{base}/par"),
        "require_pushed_authorization_requests": settings.par.require_pushed_authorization_requests,
    });
    if let Some(obj) = doc.as_object_mut() {
        // RFC 9449 §5.1.
        if settings.dpop.enabled {
            obj.insert(
                "dpop_signing_alg_values_supported".into(),
                json!(DpopAlg::ALL.map(DpopAlg::as_str)),
            );
        }
    }
    if settings.device.enabled
        && let Some(obj) = doc.as_object_mut()
    {
        // RFC 8628 §4.
        obj.insert(
            "device_authorization_endpoint".into(),
            json!(format!("{base}/device_authorization")),
        );
        if let Some(grants) = obj
            .get_mut("grant_types_supported")
            .and_then(|g| g.as_array_mut())
        {
            grants.push(json!(idp_core::oidc::device::GRANT_TYPE));
        }
    }
    if settings.registration.enabled
        && let Some(obj) = doc.as_object_mut()
    {
        // RFC 8414 §2, OIDC Discovery §3.
        obj.insert(
            "registration_endpoint".into(),
            json!(format!("{base}/register")),
        );
    }
    StaticDocument::new(&doc)
}

fn cached(req: &HttpRequest, body: aw::Bytes, etag: &str, max_age: u32) -> HttpResponse {
    let fresh = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let cache = format!("public, max-age={max_age}");
    if fresh {
        return HttpResponse::NotModified()
            .insert_header((ETAG, etag))
            .insert_header((CACHE_CONTROL, cache))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/json"))
        .insert_header((ETAG, etag))
        .insert_header((CACHE_CONTROL, cache))
        .body(body)
}

async fn discovery(state: aw::Data<AppState>, req: HttpRequest) -> HttpResponse {
    cached(
        &req,
        state.discovery.body.clone(),
        &state.discovery.etag,
        3600,
    )
}

async fn jwks(state: aw::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let keys = state.keys.get();
    // Short: the next key is already published, so a relying party that refetches this
    // often enough has every key before it signs.
    cached(
        &req,
        aw::Bytes::copy_from_slice(keys.jwks_json().as_bytes()),
        &format!("\"{}\"", keys.etag().trim_matches('"')),
        300,
    )
}
