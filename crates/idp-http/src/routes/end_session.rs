//! RP-Initiated Logout 1.0: ends the browser session and returns to a registered
//! post-logout redirect URI with `state`; plus sign-out from idp's own pages.

use super::authorize::current_session;
use crate::error::HttpError;
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::i18n::Tr;
use idp_core::ids::ClientId;
use idp_core::oidc::logout::{
    LogoutError, ask_to_confirm, check_post_logout_redirect, logout_client_id, read_id_token_hint,
};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/end_session", aw::get().to(end_get))
        .route("/end_session", aw::post().to(end_post))
        .route("/logout", aw::post().to(logout));
}

#[derive(Template)]
#[template(path = "logout.html")]
struct ConfirmPage<'a> {
    t: &'a Tr,
    csrf: &'a str,
    client_name: Option<String>,
    fields: Vec<(&'a str, &'a str)>,
}

async fn end_get(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, HttpError> {
    end(&state, &req, query.into_inner(), false).await
}

async fn end_post(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, HttpError> {
    let form = form.into_inner();
    let confirmed = form.iter().any(|(k, v)| k == "confirm" && v == "yes");
    if confirmed {
        let csrf = form
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str())
            .unwrap_or_default();
        web::check_csrf(&state, &req, csrf)?;
    }
    end(&state, &req, form, confirmed).await
}

fn bad(t: &Tr, message: &str) -> Result<HttpResponse, HttpError> {
    render(
        StatusCode::BAD_REQUEST,
        &MessagePage {
            t,
            title: &t.t("logout-refused-title"),
            message,
        },
    )
}

async fn end(
    state: &AppState,
    req: &HttpRequest,
    params: Vec<(String, String)>,
    confirmed: bool,
) -> Result<HttpResponse, HttpError> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let ui_locales = get("ui_locales");
    let early = crate::lang::Reader {
        ui_locales: ui_locales.as_deref(),
        ..Default::default()
    };
    let t = crate::lang::tr(state, req, early).await?;
    let hint = match get("id_token_hint") {
        Some(h) => {
            match read_id_token_hint(state.keys.get().verifier_set(), state.settings.issuer(), &h) {
                Some(hint) => Some(hint),
                None => return bad(&t, &LogoutError::HintNotOurs.message(&t)),
            }
        }
        None => None,
    };
    let client_id = match logout_client_id(get("client_id").as_deref(), hint.as_ref()) {
        Ok(id) => id,
        Err(e) => return bad(&t, &e.message(&t)),
    };
    let client = match client_id {
        Some(id) => {
            state
                .clients
                .get(&state.stores, &ClientId::from_string(id))
                .await?
        }
        None => None,
    };
    let redirect = get("post_logout_redirect_uri");
    if let Some(uri) = &redirect
        && let Err(e) = check_post_logout_redirect(client.as_deref(), uri)
    {
        return bad(&t, &e.message(&t));
    }
    let session = current_session(state, req).await?;
    let member = match &session {
        Some(s) => state.stores.users.find_by_id(&s.user_id).await?,
        None => None,
    };
    let reader = crate::lang::Reader {
        ui_locales: ui_locales.as_deref(),
        member: member.as_ref(),
        org: client.as_ref().map(|c| &c.org_id),
        ..Default::default()
    };
    let t = crate::lang::tr(state, req, reader).await?;
    let session_subject = session.as_ref().map(|s| match &client {
        Some(c) => state.subjects.subject_for(c, &s.user_id),
        None => s.user_id.to_string(),
    });
    if ask_to_confirm(hint.as_ref(), session_subject.as_deref(), confirmed) {
        let (csrf, cookie) = web::csrf_token(state, req);
        let fields: Vec<(&str, &str)> = params
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "id_token_hint"
                        | "post_logout_redirect_uri"
                        | "state"
                        | "client_id"
                        | "ui_locales"
                )
            })
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let page = ConfirmPage {
            t: &t,
            csrf: &csrf,
            client_name: client.as_ref().map(|c| c.name.clone()),
            fields,
        };
        let response = render(StatusCode::OK, &page)?;
        return web::with_cookie(response, cookie);
    }
    if let Some(s) = session {
        state
            .stores
            .sessions
            .end(&s.id, state.stores.clock.now())
            .await?;
    }
    let response = match redirect {
        Some(uri) => {
            let mut url = url::Url::parse(&uri).map_err(|e| HttpError::Internal(e.to_string()))?;
            if let Some(st) = get("state") {
                url.query_pairs_mut().append_pair("state", &st);
            }
            web::found(url.as_str())
        }
        None => render(
            StatusCode::OK,
            &MessagePage::keys(&t, "logout-done-title", "logout-done-message"),
        )?,
    };
    web::with_cookie(response, Some(web::expired_session_cookie(state)))
}

#[derive(serde::Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<LogoutForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    if let Some(s) = current_session(&state, &req).await? {
        state
            .stores
            .sessions
            .end(&s.id, state.stores.clock.now())
            .await?;
    }
    web::with_cookie(
        web::see_other("/login"),
        Some(web::expired_session_cookie(&state)),
    )
}
