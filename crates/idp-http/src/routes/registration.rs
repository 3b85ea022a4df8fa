//! Dynamic client registration over HTTP: `/register` (RFC 7591 §3) with an initial
//! access token, `/register/{client_id}` (RFC 7592 §2) with the registration access
//! token, and the administration API's initial access tokens (listed in
//! `admin_api::OPERATIONS`). Rules are in `idp_core::oidc::registration`.

use super::admin_api::{admin_error, caller, parse};
use crate::error::HttpError;
use crate::oauth;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, PRAGMA, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::client::{Client, GrantType};
use idp_core::ids::ClientId;
use idp_core::oidc::OAuthErrorCode;
use idp_core::oidc::registration::{
    self, ClientMetadata, InitialAccessToken, Registered, RegistrationError,
};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/register", aw::post().to(register))
        .route("/register", aw::route().to(oauth::post_only))
        .route("/register/{client_id}", aw::get().to(read))
        .route("/register/{client_id}", aw::put().to(update))
        .route("/register/{client_id}", aw::delete().to(delete));
}

/// RFC 6750 §2.1: `Authorization: Bearer <token>`.
fn bearer(req: &HttpRequest) -> Option<&str> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn no_store(status: StatusCode) -> actix_web::HttpResponseBuilder {
    let mut b = HttpResponse::build(status);
    b.insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"));
    b
}

/// RFC 7591 §3.2.2 and RFC 6750 §3: 400 for bad metadata, 401 with a Bearer challenge
/// for a bad token.
fn refusal(e: &RegistrationError) -> HttpResponse {
    let error = e.oauth();
    let status = match error.code {
        OAuthErrorCode::InvalidToken => StatusCode::UNAUTHORIZED,
        OAuthErrorCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        OAuthErrorCode::ServerError => {
            tracing::error!(error = %e, "registration failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::BAD_REQUEST,
    };
    let mut response = no_store(status);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((
            WWW_AUTHENTICATE,
            format!(
                "Bearer realm=\"idp\", error=\"invalid_token\", error_description=\"{}\"",
                error.description
            ),
        ));
    }
    response.json(json!({"error": error.code.as_str(), "error_description": error.description}))
}

fn missing_token() -> HttpResponse {
    refusal(&RegistrationError::InvalidToken(
        "send the token as Authorization: Bearer",
    ))
}

fn disabled() -> HttpResponse {
    HttpResponse::NotFound()
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish()
}

/// RFC 7591 §3.2.1 with RFC 7592 §3: the registration as the client reads it.
fn client_information(state: &AppState, client: &Client, registered: Option<&Registered>) -> Value {
    let base = state.settings.issuer().trim_end_matches('/');
    let response_types: Vec<&str> = if client.allows_grant(GrantType::AuthorizationCode) {
        vec!["code"]
    } else {
        Vec::new()
    };
    let mut info = json!({
        "client_id": client.id,
        "client_id_issued_at": client.created_at.as_secs(),
        "client_name": client.name,
        "redirect_uris": client.redirect_uris,
        "post_logout_redirect_uris": client.post_logout_redirect_uris,
        "grant_types": client.grant_types,
        "response_types": response_types,
        "token_endpoint_auth_method": client.auth_method,
        "id_token_signed_response_alg": client.id_token_alg,
        "registration_client_uri": format!("{base}/register/{}", client.id),
        "subject_type": client.subject_type,
        "require_pushed_authorization_requests": client.require_pushed_authorization_requests,
        "require_signed_request_object": client.require_signed_request_object,
        "dpop_bound_access_tokens": client.dpop_bound_access_tokens,
    });
    let Some(obj) = info.as_object_mut() else {
        return info;
    };
    if let Some(uri) = &client.backchannel_logout_uri {
        obj.insert("backchannel_logout_uri".into(), json!(uri));
        obj.insert(
            "backchannel_logout_session_required".into(),
            json!(client.backchannel_logout_session_required),
        );
    }
    if let Some(uri) = &client.sector_identifier_uri {
        obj.insert("sector_identifier_uri".into(), json!(uri));
    }
    if client.secret_digest.is_some() {
        // RFC 7591 §3.2.1: 0 means the secret does not expire.
        obj.insert("client_secret_expires_at".into(), json!(0));
    }
    if !client.extra_scopes.is_empty() {
        obj.insert("scope".into(), json!(client.extra_scopes.join(" ")));
    }
    if let Some(jwks) = client
        .jwks
        .as_deref()
        .and_then(|j| serde_json::from_str::<Value>(j).ok())
    {
        obj.insert("jwks".into(), jwks);
    }
    if let Some(r) = registered {
        if let Some(secret) = &r.secret {
            obj.insert("client_secret".into(), json!(secret.expose()));
        }
        if let Some(token) = &r.access_token {
            obj.insert("registration_access_token".into(), json!(token.expose()));
        }
    }
    info
}

async fn register(state: aw::Data<AppState>, req: HttpRequest, body: aw::Bytes) -> HttpResponse {
    if !state.settings.registration.enabled {
        return disabled();
    }
    let Some(token) = bearer(&req) else {
        return missing_token();
    };
    // The token first: without a good one, nothing about the metadata is said.
    if let Err(e) = registration::usable_initial_token(&state.stores, token).await {
        return refusal(&e);
    }
    let result = match ClientMetadata::from_json(&body) {
        Ok(metadata) => {
            registration::register(&state.stores, token, &metadata, &web::origin(&req)).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(r) => {
            tracing::info!(client_id = %r.client.id, "client registered");
            no_store(StatusCode::CREATED).json(client_information(&state, &r.client, Some(&r)))
        }
        Err(e) => refusal(&e),
    }
}

async fn read(state: aw::Data<AppState>, req: HttpRequest, path: aw::Path<String>) -> HttpResponse {
    if !state.settings.registration.enabled {
        return disabled();
    }
    let Some(token) = bearer(&req) else {
        return missing_token();
    };
    let id = ClientId::from_string(path.into_inner());
    match registration::managed(&state.stores, &id, token).await {
        Ok((client, _)) => no_store(StatusCode::OK).json(client_information(&state, &client, None)),
        Err(e) => refusal(&e),
    }
}

async fn update(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> HttpResponse {
    if !state.settings.registration.enabled {
        return disabled();
    }
    let Some(token) = bearer(&req) else {
        return missing_token();
    };
    let id = ClientId::from_string(path.into_inner());
    if let Err(e) = registration::managed(&state.stores, &id, token).await {
        return refusal(&e);
    }
    let result = match ClientMetadata::from_json(&body) {
        Ok(metadata) => {
            registration::update(&state.stores, &id, token, &metadata, &web::origin(&req)).await
        }
        Err(e) => Err(e),
    };
    state.client_changed(&id).await;
    match result {
        Ok(r) => no_store(StatusCode::OK).json(client_information(&state, &r.client, Some(&r))),
        Err(e) => refusal(&e),
    }
}

async fn delete(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> HttpResponse {
    if !state.settings.registration.enabled {
        return disabled();
    }
    let Some(token) = bearer(&req) else {
        return missing_token();
    };
    let id = ClientId::from_string(path.into_inner());
    let result = registration::delete(&state.stores, &id, token, &web::origin(&req)).await;
    state.client_changed(&id).await;
    match result {
        // RFC 7592 §2.3.
        Ok(_) => no_store(StatusCode::NO_CONTENT).finish(),
        Err(e) => refusal(&e),
    }
}

/// An initial access token as the API and the command line describe it (never its value).
pub fn token_json(t: &InitialAccessToken, now: idp_core::Timestamp) -> Value {
    json!({"id": t.id, "org_id": t.org_id, "created_at": t.created_at.to_rfc3339(),
           "expires_at": t.expires_at.map(idp_core::Timestamp::to_rfc3339),
           "revoked_at": t.revoked_at.map(idp_core::Timestamp::to_rfc3339),
           "usable": t.is_usable(now)})
}

pub async fn api_list(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let now = state.stores.clock.now();
    match registration::list_initial_tokens(&state.stores, &actor, &web::origin(&req), &path).await
    {
        Ok(tokens) => Ok(no_store(StatusCode::OK).json(json!({
            "registration_tokens": tokens.iter().map(|t| token_json(t, now)).collect::<Vec<_>>()
        }))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTokenBody {
    #[serde(default)]
    expires_in_secs: Option<u64>,
}

pub async fn api_create(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let b: NewTokenBody = if body.is_empty() {
        NewTokenBody {
            expires_in_secs: None,
        }
    } else {
        parse(&body)?
    };
    if b.expires_in_secs == Some(0) {
        return Err(HttpError::BadRequest(
            "expires_in_secs must be at least 1".into(),
        ));
    }
    let lifetime = b.expires_in_secs.map(std::time::Duration::from_secs);
    let now = state.stores.clock.now();
    match registration::create_initial_token(
        &state.stores,
        &actor,
        &web::origin(&req),
        &path,
        lifetime,
    )
    .await
    {
        Ok((token, value)) => Ok(no_store(StatusCode::CREATED).json(json!({
            "registration_token": token_json(&token, now),
            "token": value.expose(),
        }))),
        Err(e) => admin_error(e),
    }
}

pub async fn api_revoke(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let now = state.stores.clock.now();
    match registration::revoke_initial_token(&state.stores, &actor, &web::origin(&req), &path).await
    {
        Ok(token) => Ok(no_store(StatusCode::OK).json(token_json(&token, now))),
        Err(e) => admin_error(e),
    }
}
