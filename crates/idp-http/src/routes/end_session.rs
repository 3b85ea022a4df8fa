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
use idp_core::client::SigningAlg;
use idp_core::ids::ClientId;
use idp_core::jose;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/end_session", aw::get().to(end_get))
        .route("/end_session", aw::post().to(end_post))
        .route("/logout", aw::post().to(logout));
}

#[derive(Template)]
#[template(path = "logout.html")]
struct ConfirmPage<'a> {
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

fn bad(message: &str) -> Result<HttpResponse, HttpError> {
    render(
        StatusCode::BAD_REQUEST,
        &MessagePage {
            title: "Sign-out request not accepted",
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
    let hint = match get("id_token_hint") {
        Some(h) => {
            let keys = state.keys.get();
            let algs = [SigningAlg::Rs256, SigningAlg::Es256, SigningAlg::EdDsa];
            match jose::verify_jwt(&h, keys.verifier_set(), &algs) {
                Ok((_, claims))
                    if claims.get("iss").and_then(|v| v.as_str())
                        == Some(state.settings.issuer()) =>
                {
                    Some(claims)
                }
                _ => return bad("The id_token_hint was not issued by this server."),
            }
        }
        None => None,
    };
    let hinted_client = hint.as_ref().and_then(|c| match c.get("aud") {
        Some(serde_json::Value::String(a)) => Some(a.clone()),
        Some(serde_json::Value::Array(a)) => a.first().and_then(|v| v.as_str()).map(str::to_owned),
        _ => None,
    });
    let client_id = match (get("client_id"), hinted_client) {
        (Some(a), Some(b)) if a != b => {
            return bad("client_id and id_token_hint name different applications.");
        }
        (a, b) => a.or(b),
    };
    let client = match &client_id {
        Some(id) => {
            state
                .clients
                .get(&state.stores, &ClientId::from_string(id.clone()))
                .await?
        }
        None => None,
    };
    let redirect = get("post_logout_redirect_uri");
    if let Some(uri) = &redirect {
        // Only a URI registered for the client may receive the browser.
        let registered = client.as_ref().is_some_and(|c| {
            c.post_logout_redirect_uris
                .iter()
                .any(|r| r.as_str() == uri)
        });
        if !registered {
            return bad("The post_logout_redirect_uri is not registered for this application.");
        }
    }
    let session = current_session(state, req).await?;
    let hint_matches = match (&hint, &session) {
        (Some(claims), Some(s)) => {
            claims.get("sub").and_then(|v| v.as_str()) == Some(s.user_id.as_str())
        }
        (Some(_), None) => true,
        _ => false,
    };
    if !confirmed && !hint_matches && session.is_some() {
        let (csrf, cookie) = web::csrf_token(state, req);
        let fields: Vec<(&str, &str)> = params
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "id_token_hint" | "post_logout_redirect_uri" | "state" | "client_id"
                )
            })
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let page = ConfirmPage {
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
    let mut response = match redirect {
        Some(uri) => {
            let mut url = url::Url::parse(&uri).map_err(|e| HttpError::Internal(e.to_string()))?;
            if let Some(st) = get("state") {
                url.query_pairs_mut().append_pair("state", &st);
            }
            web::found(url.as_str())
        }
        None => render(
            StatusCode::OK,
            &MessagePage {
                title: "Signed out",
                message: "You are signed out of idp in this browser.",
            },
        )?,
    };
    response
        .add_cookie(&web::expired_session_cookie(state))
        .map_err(|e| HttpError::Internal(e.to_string()))?;
    Ok(response)
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
    let mut response = web::see_other("/login");
    response
        .add_cookie(&web::expired_session_cookie(&state))
        .map_err(|e| HttpError::Internal(e.to_string()))?;
    Ok(response)
}
