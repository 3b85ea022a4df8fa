//! The administration API's relying applications: list, register, change, rotate the
//! secret, delete. Every change is dropped from this node's client cache at once.
//! Routed and described through `admin_api::OPERATIONS`.

use super::admin_api::{admin_error, caller, parse};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::admin::{self, NewClient};
use idp_core::client::Client;
use idp_core::client_admin::{self, ClientUpdate};
use idp_core::ids::ClientId;
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

/// A client as the API describes it (never its secret).
pub fn client_json(c: &Client) -> Value {
    json!({"id": c.id, "org_id": c.org_id, "name": c.name, "auth_method": c.auth_method,
           "public": c.is_public(), "has_secret": c.secret_digest.is_some(),
           "redirect_uris": c.redirect_uris, "post_logout_redirect_uris": c.post_logout_redirect_uris,
           "grant_types": c.grant_types, "extra_scopes": c.extra_scopes,
           "first_party": c.first_party, "require_pkce": c.require_pkce,
           "id_token_alg": c.id_token_alg, "access_token_ttl_secs": c.access_token_ttl_secs,
           "id_token_ttl_secs": c.id_token_ttl_secs, "refresh_token_ttl_secs": c.refresh_token_ttl_secs,
           "created_at": c.created_at.to_rfc3339(), "updated_at": c.updated_at.to_rfc3339(),
           "require_pushed_authorization_requests": c.require_pushed_authorization_requests,
           "require_signed_request_object": c.require_signed_request_object,
           "dpop_bound_access_tokens": c.dpop_bound_access_tokens,
           "backchannel_logout_uri": c.backchannel_logout_uri,
           "backchannel_logout_session_required": c.backchannel_logout_session_required,
           "subject_type": c.subject_type, "sector_identifier_uri": c.sector_identifier_uri,
           "security_profile": c.security_profile})
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    org: Option<String>,
}

pub async fn list(
    state: aw::Data<AppState>,
    req: HttpRequest,
    q: aw::Query<ListQuery>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let org = q.org.as_deref().filter(|o| !o.is_empty());
    match client_admin::list_clients(&state.stores, &actor, &web::origin(&req), org).await {
        Ok(clients) => Ok(HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json!({"clients": clients.iter().map(client_json).collect::<Vec<_>>()}))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewClientBody {
    org: String,
    name: String,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
    #[serde(default)]
    grant_types: Vec<String>,
    #[serde(default)]
    public: bool,
    #[serde(default)]
    first_party: bool,
    #[serde(default)]
    pkce_optional: bool,
    #[serde(default)]
    id_token_alg: Option<String>,
    #[serde(default)]
    extra_scopes: Vec<String>,
    #[serde(default)]
    jwks: Option<Value>,
    #[serde(default)]
    access_token_ttl_secs: Option<u32>,
    #[serde(default)]
    id_token_ttl_secs: Option<u32>,
    #[serde(default)]
    refresh_token_ttl_secs: Option<u32>,
    #[serde(default)]
    require_pushed_authorization_requests: bool,
    #[serde(default)]
    require_signed_request_object: bool,
    #[serde(default)]
    dpop_bound_access_tokens: bool,
    backchannel_logout_uri: Option<String>,
    #[serde(default)]
    backchannel_logout_session_required: bool,
    #[serde(default)]
    subject_type: Option<String>,
    #[serde(default)]
    sector_identifier_uri: Option<String>,
    #[serde(default)]
    security_profile: Option<String>,
}

pub async fn create(
    state: aw::Data<AppState>,
    req: HttpRequest,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let b: NewClientBody = parse(&body)?;
    let new = NewClient {
        org: b.org,
        name: b.name,
        redirect_uris: b.redirect_uris,
        post_logout_redirect_uris: b.post_logout_redirect_uris,
        public: b.public,
        first_party: b.first_party,
        grants: b.grant_types,
        signing_alg: b.id_token_alg,
        jwks: b.jwks.map(|j| j.to_string()),
        pkce_optional: b.pkce_optional,
        extra_scopes: b.extra_scopes,
        access_token_ttl_secs: b.access_token_ttl_secs,
        id_token_ttl_secs: b.id_token_ttl_secs,
        refresh_token_ttl_secs: b.refresh_token_ttl_secs,
        require_pushed_authorization_requests: b.require_pushed_authorization_requests,
        require_signed_request_object: b.require_signed_request_object,
        dpop_bound_access_tokens: b.dpop_bound_access_tokens,
        backchannel_logout_uri: b.backchannel_logout_uri,
        backchannel_logout_session_required: b.backchannel_logout_session_required,
        subject_type: b.subject_type,
        sector_identifier_uri: b.sector_identifier_uri,
        security_profile: b.security_profile,
    };
    match client_admin::create_client(&state.stores, &actor, &web::origin(&req), new).await {
        Ok((client, secret)) => Ok(HttpResponse::Created()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json!({"client": client_json(&client),
                         "client_secret": secret.as_ref().map(|s| s.expose())}))),
        Err(e) => admin_error(e),
    }
}

/// Absent: `None`; `null`: `Some(None)`; a value: `Some(Some(v))`.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientPatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    redirect_uris: Option<Vec<String>>,
    #[serde(default)]
    post_logout_redirect_uris: Option<Vec<String>>,
    #[serde(default)]
    grant_types: Option<Vec<String>>,
    #[serde(default)]
    public: Option<bool>,
    #[serde(default)]
    first_party: Option<bool>,
    #[serde(default)]
    id_token_alg: Option<String>,
    #[serde(default)]
    extra_scopes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    access_token_ttl_secs: Option<Option<u32>>,
    #[serde(default, deserialize_with = "nullable")]
    id_token_ttl_secs: Option<Option<u32>>,
    #[serde(default, deserialize_with = "nullable")]
    refresh_token_ttl_secs: Option<Option<u32>>,
    #[serde(default)]
    require_pushed_authorization_requests: Option<bool>,
    #[serde(default)]
    require_signed_request_object: Option<bool>,
    #[serde(default)]
    dpop_bound_access_tokens: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    backchannel_logout_uri: Option<Option<String>>,
    #[serde(default)]
    backchannel_logout_session_required: Option<bool>,
    #[serde(default)]
    subject_type: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    sector_identifier_uri: Option<Option<String>>,
    #[serde(default)]
    security_profile: Option<String>,
}

pub async fn update(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let b: ClientPatch = parse(&body)?;
    let change = ClientUpdate {
        name: b.name,
        redirect_uris: b.redirect_uris,
        post_logout_redirect_uris: b.post_logout_redirect_uris,
        grant_types: b.grant_types,
        public: b.public,
        id_token_alg: b.id_token_alg,
        access_token_ttl_secs: b.access_token_ttl_secs,
        id_token_ttl_secs: b.id_token_ttl_secs,
        refresh_token_ttl_secs: b.refresh_token_ttl_secs,
        first_party: b.first_party,
        extra_scopes: b.extra_scopes,
        require_pushed_authorization_requests: b.require_pushed_authorization_requests,
        require_signed_request_object: b.require_signed_request_object,
        dpop_bound_access_tokens: b.dpop_bound_access_tokens,
        backchannel_logout_uri: b.backchannel_logout_uri,
        backchannel_logout_session_required: b.backchannel_logout_session_required,
        subject_type: b.subject_type,
        sector_identifier_uri: b.sector_identifier_uri,
        security_profile: b.security_profile,
    };
    let id = ClientId::from_string(path.into_inner());
    let result =
        client_admin::update_client(&state.stores, &actor, &web::origin(&req), &id, change).await;
    state.client_changed(&id).await;
    match result {
        Ok(client) => Ok(HttpResponse::Ok().json(client_json(&client))),
        Err(e) => admin_error(e),
    }
}

pub async fn rotate_secret(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let id = ClientId::from_string(path.into_inner());
    let result =
        client_admin::rotate_client_secret(&state.stores, &actor, &web::origin(&req), &id).await;
    state.client_changed(&id).await;
    match result {
        Ok(secret) => Ok(HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json!({"client_id": id, "client_secret": secret.expose()}))),
        Err(e) => admin_error(e),
    }
}

pub async fn delete(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let id = ClientId::from_string(path.into_inner());
    let result = admin::delete_client(&state.stores, &actor, &web::origin(&req), &id).await;
    state.client_changed(&id).await;
    match result {
        Ok(client) => Ok(HttpResponse::Ok().json(json!({"deleted": client.id}))),
        Err(e) => admin_error(e),
    }
}
