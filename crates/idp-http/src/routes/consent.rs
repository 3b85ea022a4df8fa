//! The consent page: names the application and what it asks for; the answer is recorded.

use super::authorize::{current_session, error_fields, respond};
use crate::error::HttpError;
use crate::oauth;
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::i18n::Tr;
use idp_core::oidc::{OAuthError, OAuthErrorCode, scope};
use idp_core::signin::record_consent;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/consent", aw::get().to(show))
        .route("/consent", aw::post().to(submit));
}

#[derive(Template)]
#[template(path = "consent.html")]
struct ConsentPage<'a> {
    t: &'a Tr,
    csrf: &'a str,
    authz: &'a str,
    client_name: &'a str,
    email: &'a str,
    scopes: Vec<String>,
}

#[derive(serde::Deserialize)]
struct ConsentQuery {
    #[serde(default)]
    authz: String,
}

fn expired(req: &HttpRequest) -> Result<HttpResponse, HttpError> {
    let t = crate::lang::from_browser(req);
    render(
        StatusCode::BAD_REQUEST,
        &MessagePage::keys(&t, "signin-expired-title", "signin-expired-message"),
    )
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<ConsentQuery>,
) -> Result<HttpResponse, HttpError> {
    let Some(pending) = oauth::load_pending(&state, &query.authz).await? else {
        return expired(&req);
    };
    let Some(session) = current_session(&state, &req).await? else {
        return Ok(web::found(&format!("/login?authz={}", query.authz)));
    };
    let Some(client) = state
        .clients
        .get(&state.stores, &pending.request.client_id)
        .await?
    else {
        return expired(&req);
    };
    let Some(user) = state.stores.users.find_by_id(&session.user_id).await? else {
        return expired(&req);
    };
    let reader = crate::lang::Reader {
        pending: Some(&pending),
        member: Some(&user),
        ..Default::default()
    };
    let t = crate::lang::tr(&state, &req, reader).await?;
    let (csrf, cookie) = web::csrf_token(&state, &req);
    let scopes = pending
        .request
        .scopes
        .iter()
        .map(|s| scope::describe(s, &t))
        .collect();
    let page = ConsentPage {
        t: &t,
        csrf: &csrf,
        authz: &query.authz,
        client_name: &client.name,
        email: user.email.as_str(),
        scopes,
    };
    let response = render(StatusCode::OK, &page)?;
    web::with_cookie(response, cookie)
}

#[derive(serde::Deserialize)]
struct ConsentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    authz: String,
    #[serde(default)]
    decision: String,
}

async fn submit(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<ConsentForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some(mut pending) = oauth::load_pending(&state, &form.authz).await? else {
        return expired(&req);
    };
    let Some(session) = current_session(&state, &req).await? else {
        return Ok(web::found(&format!("/login?authz={}", form.authz)));
    };
    let request = pending.request.clone();
    if form.decision != "allow" {
        oauth::drop_pending(&state, &form.authz).await?;
        let error = OAuthError::new(OAuthErrorCode::AccessDenied, "the user denied the request");
        let mut response = respond(
            &state,
            &request.redirect_uri,
            request.response_mode,
            &error_fields(&error, request.state.as_deref()),
        )?;
        // RFC 9700 §4.12: after a POST, redirect with 303 so the browser does not re-post.
        if response.status() == actix_web::http::StatusCode::FOUND {
            *response.status_mut() = actix_web::http::StatusCode::SEE_OTHER;
        }
        return Ok(response);
    }
    let Some(user) = state.stores.users.find_by_id(&session.user_id).await? else {
        return expired(&req);
    };
    record_consent(
        &state.stores,
        &user,
        &request.client_id,
        &request.scopes,
        &web::origin(&req),
    )
    .await?;
    pending.consented_session = Some(session.id.clone());
    oauth::save_pending(&state, &form.authz, &pending).await?;
    Ok(web::see_other(&format!(
        "/authorize/continue?authz={}",
        form.authz
    )))
}
