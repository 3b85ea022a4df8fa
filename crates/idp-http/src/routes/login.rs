//! The sign-in page: email and password, then back to the authorization that asked.

use super::authorize::{current_session, lifetimes};
use crate::error::HttpError;
use crate::oauth;
use crate::pages::render;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::secret::Password;
use idp_core::signin::{SignInError, sign_in_with_password, start_session};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/login", aw::get().to(show))
        .route("/login", aw::post().to(submit));
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    csrf: &'a str,
    authz: &'a str,
    email: &'a str,
    client_name: Option<String>,
    error: Option<&'a str>,
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    #[serde(default)]
    authz: String,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    authz: &str,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, HttpError> {
    let (csrf, cookie) = web::csrf_token(state, req);
    let client_name = match oauth::load_pending(state, authz).await? {
        Some(p) => state
            .clients
            .get(&state.stores, &p.request.client_id)
            .await?
            .map(|c| c.name.clone()),
        None => None,
    };
    let response = render(
        status,
        &LoginPage {
            csrf: &csrf,
            authz,
            email,
            client_name,
            error,
        },
    )?;
    web::with_cookie(response, cookie)
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<LoginQuery>,
) -> Result<HttpResponse, HttpError> {
    let pending = oauth::load_pending(&state, &query.authz).await?;
    let hint = pending
        .as_ref()
        .and_then(|p| p.request.login_hint.clone())
        .unwrap_or_default();
    page(&state, &req, &query.authz, &hint, None, StatusCode::OK).await
}

#[derive(serde::Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    authz: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn submit(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<LoginForm>,
) -> Result<HttpResponse, HttpError> {
    let form = form.into_inner();
    web::check_csrf(&state, &req, &form.csrf)?;
    let pending = oauth::load_pending(&state, &form.authz).await?;
    let client = match &pending {
        Some(p) => {
            state
                .clients
                .get(&state.stores, &p.request.client_id)
                .await?
        }
        None => None,
    };
    let origin = web::origin(&req);
    let user = match sign_in_with_password(
        &state.stores,
        &form.email,
        Password::new(form.password),
        client.as_deref(),
        &origin,
    )
    .await
    {
        Ok(user) => user,
        Err(SignInError::InvalidCredentials) => {
            return page(
                &state,
                &req,
                &form.authz,
                &form.email,
                Some("The email address or password is not right."),
                StatusCode::UNAUTHORIZED,
            )
            .await;
        }
        Err(SignInError::Busy(_)) => {
            return page(
                &state,
                &req,
                &form.authz,
                &form.email,
                Some("Too many sign-ins at once. Try again in a moment."),
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await;
        }
        Err(SignInError::Store(e)) => return Err(e.into()),
    };
    let previous = web::session_cookie_value(&state, &req);
    let previous = match current_session(&state, &req).await? {
        Some(_) => previous,
        None => None,
    };
    let (cookie, session) = start_session(
        &state.stores,
        &user,
        vec!["pwd".into()],
        &origin,
        previous.as_deref(),
        lifetimes(&state),
    )
    .await?;
    let location = match pending {
        Some(mut p) => {
            p.signed_in_session = Some(session.id.clone());
            oauth::save_pending(&state, &form.authz, &p).await?;
            format!("/authorize/continue?authz={}", form.authz)
        }
        None => "/account".to_owned(),
    };
    let mut response = web::see_other(&location);
    response
        .add_cookie(&web::session_cookie(&state, cookie))
        .map_err(|e| HttpError::Internal(e.to_string()))?;
    Ok(response)
}
