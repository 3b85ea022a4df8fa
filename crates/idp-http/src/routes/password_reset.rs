//! "Forgot your password?": a single-use link by email, and the page it opens to
//! choose a new password (which also unlocks a locked account).

use super::second_factor::{NewPasswordForm, PasswordFormKind, change_password_page};
use crate::error::HttpError;
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use crate::throttling;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::i18n::{Language, Tr};
use idp_core::journey::{FirstFactor, Journey};
use idp_core::password_policy::{self, ChangeError};
use idp_core::secret::Password;
use idp_core::throttle::{Action, account_subject};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/forgot-password", aw::get().to(show_forgot))
        .route("/forgot-password", aw::post().to(submit_forgot))
        .route("/reset-password", aw::get().to(show_reset))
        .route("/reset-password", aw::post().to(submit_reset))
        .route("/recovery-link", aw::get().to(show_recovery))
        .route("/recovery-link", aw::post().to(submit_recovery));
}

#[derive(Template)]
#[template(path = "recovery_link.html")]
struct RecoveryPage<'a> {
    t: &'a Tr,
    title: &'a str,
    usable: bool,
    csrf: &'a str,
    token: &'a str,
}

fn recovery_gone(req: &HttpRequest) -> Result<HttpResponse, HttpError> {
    let t = crate::lang::from_browser(req);
    render(
        StatusCode::GONE,
        &RecoveryPage {
            t: &t,
            title: &t.t("recovery-link-dead-title"),
            usable: false,
            csrf: "",
            token: "",
        },
    )
}

/// The page a recovery link opens: a button, so that a preview of the link (a chat
/// client fetching it) does not use it up.
async fn show_recovery(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<TokenQuery>,
) -> Result<HttpResponse, HttpError> {
    let t = crate::lang::from_browser(&req);
    let (csrf, cookie) = web::csrf_token(&state, &req);
    let response = render(
        StatusCode::OK,
        &RecoveryPage {
            t: &t,
            title: &t.t("recovery-link-title"),
            usable: true,
            csrf: &csrf,
            token: &query.token,
        },
    )?;
    web::with_cookie(response, cookie)
}

#[derive(serde::Deserialize)]
struct RecoveryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

async fn submit_recovery(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<RecoveryForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let user = match password_policy::use_recovery_link(&state.stores, &form.token).await {
        Ok(Some(user)) => user,
        Ok(None) => return recovery_gone(&req),
        Err(ChangeError::Disabled) => {
            let t = crate::lang::from_browser(&req);
            return render(
                StatusCode::FORBIDDEN,
                &MessagePage::keys(&t, "account-disabled-title", "account-disabled-message"),
            );
        }
        Err(e) => return Err(e.into()),
    };
    // The link stands in for the password only: a second factor the member has (or
    // must set up) is still asked for.
    let journey = Journey::begin(
        user.id.clone(),
        String::new(),
        None,
        FirstFactor::RecoveryLink,
        false,
        state.stores.clock.now(),
    );
    let (_, response) = super::second_factor::proceed(&state, &req, journey, &user).await?;
    Ok(response)
}

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPage<'a> {
    t: &'a Tr,
    csrf: &'a str,
    sent: bool,
    error: Option<&'a str>,
}

#[derive(serde::Deserialize)]
struct SentQuery {
    #[serde(default)]
    sent: Option<String>,
    /// The language of the sign-in page that linked here.
    #[serde(default)]
    lang: Option<String>,
}

/// The language the sign-in page passed on, else the browser's.
fn carried(req: &HttpRequest, lang: Option<&str>) -> Tr {
    match lang.and_then(Language::from_tag) {
        Some(language) => Tr::new(language),
        None => crate::lang::from_browser(req),
    }
}

async fn show_forgot(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<SentQuery>,
) -> Result<HttpResponse, HttpError> {
    let t = carried(&req, query.lang.as_deref());
    let (csrf, cookie) = web::csrf_token(&state, &req);
    let response = render(
        StatusCode::OK,
        &ForgotPage {
            t: &t,
            csrf: &csrf,
            sent: query.sent.is_some(),
            error: None,
        },
    )?;
    web::with_cookie(response, cookie)
}

#[derive(serde::Deserialize)]
struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    lang: String,
}

/// How long a reset request waits after its answer before any lookup, link or mail.
const RESET_WORK_DELAY: std::time::Duration = std::time::Duration::from_millis(20);

async fn submit_forgot(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<ForgotForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let origin = web::origin(&req);
    // Counted by the address typed, known or not, so a refusal tells nothing either.
    let account = account_subject(&form.email);
    if let Some(r) = throttling::attempt(
        &state,
        Action::PasswordReset,
        origin.ip.as_deref(),
        Some(&account),
    )
    .await?
    {
        let (csrf, cookie) = web::csrf_token(&state, &req);
        let t = carried(&req, Some(&form.lang));
        let message = throttling::message(&t, r.retry_after);
        let response = render(
            StatusCode::TOO_MANY_REQUESTS,
            &ForgotPage {
                t: &t,
                csrf: &csrf,
                sent: false,
                error: Some(&message),
            },
        )?;
        return Ok(throttling::with_retry_after(
            web::with_cookie(response, cookie)?,
            r.retry_after,
        ));
    }
    // The answer goes before any lookup, link or mail: the same answer, after the same
    // work, whether or not the address has an account (no enumeration by timing).
    let stores = state.stores.clone();
    let issuer = state.settings.issuer().to_owned();
    let ttl = state.settings.reset_link_ttl();
    let form = form.into_inner();
    // The answer keeps the language the form was shown in, when it said one.
    let back = match Language::from_tag(&form.lang) {
        Some(language) => format!("/forgot-password?sent=1&lang={language}"),
        None => "/forgot-password?sent=1".to_owned(),
    };
    let email = form.email;
    actix_web::rt::spawn(async move {
        // Start once the answer has left: work that shares the CPU with the answer's
        // delivery would still show in its timing.
        tokio::time::sleep(RESET_WORK_DELAY).await;
        match password_policy::request_reset(&stores, &email, &issuer, ttl, &origin).await {
            Ok(()) => {}
            Err(ChangeError::Mail(e)) => tracing::error!(error = %e, "password reset mail failed"),
            Err(e) => tracing::error!(error = %e, "password reset request failed"),
        }
    });
    Ok(web::see_other(&back))
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn link_gone(req: &HttpRequest) -> Result<HttpResponse, HttpError> {
    let t = crate::lang::from_browser(req);
    render(
        StatusCode::GONE,
        &MessagePage::keys(&t, "link-dead-title", "link-dead-message"),
    )
}

async fn show_reset(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<TokenQuery>,
) -> Result<HttpResponse, HttpError> {
    let Some(user) = password_policy::reset_link_user(&state.stores, &query.token).await? else {
        return link_gone(&req);
    };
    let t = crate::lang::for_member(&state, &req, &user).await?;
    change_password_page(
        &state,
        &req,
        &t,
        &user,
        PasswordFormKind::Link(&query.token),
        None,
        StatusCode::OK,
    )
    .await
}

async fn submit_reset(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<NewPasswordForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let form = form.into_inner();
    // A first password is worded as one; asked before it is set.
    let first = match password_policy::reset_link_user(&state.stores, &form.token).await? {
        Some(user) => !password_policy::has_password(&state.stores, &user.id).await?,
        None => false,
    };
    match password_policy::complete_reset(
        &state.stores,
        &form.token,
        Password::new(form.password),
        &form.confirm,
        &web::origin(&req),
    )
    .await
    {
        Ok(user) => {
            let t = crate::lang::for_member(&state, &req, &user).await?;
            let (title, message) = if first {
                ("password-first-saved-title", "password-first-saved-message")
            } else {
                ("password-saved-title", "password-saved-message")
            };
            render(
                StatusCode::OK,
                &MessagePage::keys(&t, title, message).onward("/account", "password-saved-sign-in"),
            )
        }
        Err(ChangeError::Rule(rule)) => {
            // A refused password leaves the link usable: the form comes back for it.
            let Some(user) = password_policy::reset_link_user(&state.stores, &form.token).await?
            else {
                return link_gone(&req);
            };
            let t = crate::lang::for_member(&state, &req, &user).await?;
            change_password_page(
                &state,
                &req,
                &t,
                &user,
                PasswordFormKind::Link(&form.token),
                Some(rule.message(&t)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(ChangeError::LinkInvalid) => link_gone(&req),
        Err(e) => Err(e.into()),
    }
}
