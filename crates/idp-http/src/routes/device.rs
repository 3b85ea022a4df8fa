//! The device authorization grant's HTTP side (RFC 8628): the device authorization
//! endpoint, and the verification page where a person types the user code, signs in
//! through the usual `/authorize` journey (their organization's policy and second factor
//! included), sees which application asks for what, and approves or denies. The rules
//! are in `idp_core::oidc::device`; the token endpoint's grant is in `token.rs`.

use super::authorize::current_session;
use crate::error::HttpError;
use crate::oauth::{self, DeviceLink, Pending, authenticate_client, error_json, json_no_store};
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use crate::{throttling, web};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::i18n::Tr;
use idp_core::oidc::OAuthError;
use idp_core::oidc::authorize::{AuthorizeRequest, ClaimsRequest, Prompt, ResponseMode, Step};
use idp_core::oidc::device::{self, Decision, DeviceError, UserCode};
use idp_core::oidc::scope;
use idp_core::oidc::token::CodeGrant;
use idp_core::random::token;
use idp_core::records::BrowserSession;
use idp_core::signin::record_consent;
use idp_core::throttle::Action;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/device_authorization", aw::post().to(device_authorization))
        .route("/device_authorization", aw::route().to(oauth::post_only))
        .route("/device", aw::get().to(show))
        .route("/device", aw::post().to(submit))
        .route("/device/confirm", aw::get().to(confirm_show))
        .route("/device/confirm", aw::post().to(confirm_submit));
}

fn value<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound().finish()
}

/// RFC 8628 §3.1–3.2: the device asks; it gets a device code to poll with and a user
/// code for the person.
async fn device_authorization(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<Vec<(String, String)>>,
) -> HttpResponse {
    if !state.settings.device.enabled {
        return not_found();
    }
    let form = form.into_inner();
    let base = state.settings.issuer().trim_end_matches('/').to_owned();
    let audience = format!("{base}/device_authorization");
    let auth = match authenticate_client(&state, &req, &form, &audience).await {
        Ok(a) => a,
        Err(e) => return e.response(),
    };
    let mut names: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| matches!(w, [a, b] if a == b)) {
        return error_json(
            &OAuthError::invalid_request("a parameter was sent more than once"),
            auth.basic,
        );
    }
    let started = device::start(
        state.stores.ephemeral.as_ref(),
        state.stores.random.as_ref(),
        state.stores.clock.now(),
        &auth.client,
        value(&form, "scope"),
        state.settings.device.rules(),
    )
    .await;
    match started {
        Ok(s) => {
            let shown = s.user_code.display();
            let complete = url::Url::parse_with_params(
                &format!("{base}/device"),
                [("user_code", shown.as_str())],
            )
            .map(String::from)
            .unwrap_or_else(|_| format!("{base}/device"));
            tracing::info!(client_id = %auth.client.id, "device authorization started");
            json_no_store(&serde_json::json!({
                "device_code": s.device_code,
                "user_code": shown,
                "verification_uri": format!("{base}/device"),
                "verification_uri_complete": complete,
                "expires_in": s.expires_in,
                "interval": s.interval,
            }))
        }
        Err(e) => error_json(&e, auth.basic),
    }
}

#[derive(Template)]
#[template(path = "device.html")]
struct DevicePage<'a> {
    t: &'a Tr,
    csrf: &'a str,
    user_code: &'a str,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "device_confirm.html")]
struct ConfirmPage<'a> {
    t: &'a Tr,
    csrf: &'a str,
    authz: &'a str,
    client_name: &'a str,
    email: &'a str,
    scopes: Vec<String>,
}

fn code_page(
    state: &AppState,
    req: &HttpRequest,
    status: StatusCode,
    user_code: &str,
    error: Option<&str>,
) -> Result<HttpResponse, HttpError> {
    let t = crate::lang::from_browser(req);
    let (csrf, cookie) = web::csrf_token(state, req);
    let response = render(
        status,
        &DevicePage {
            t: &t,
            csrf: &csrf,
            user_code,
            error,
        },
    )?;
    web::with_cookie(response, cookie)
}

fn expired(req: &HttpRequest) -> Result<HttpResponse, HttpError> {
    let t = crate::lang::from_browser(req);
    render(
        StatusCode::BAD_REQUEST,
        &MessagePage::keys(&t, "device-expired-title", "device-expired-message"),
    )
}

#[derive(serde::Deserialize)]
struct ShowQuery {
    #[serde(default)]
    user_code: String,
}

/// The form for the user code, filled in when the device's link carried it.
async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<ShowQuery>,
) -> Result<HttpResponse, HttpError> {
    if !state.settings.device.enabled {
        return Ok(not_found());
    }
    let typed: String = query.user_code.chars().take(20).collect();
    code_page(&state, &req, StatusCode::OK, &typed, None)
}

#[derive(serde::Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_code: String,
}

/// A user code typed: wrong ones are counted per address (and refused past the limit
/// before the code is even looked up); a right one starts the sign-in journey for the
/// device's application.
async fn submit(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CodeForm>,
) -> Result<HttpResponse, HttpError> {
    if !state.settings.device.enabled {
        return Ok(not_found());
    }
    web::check_csrf(&state, &req, &form.csrf)?;
    let typed: String = form.user_code.chars().take(20).collect();
    let address = web::origin(&req).ip;
    let address = address.as_deref();
    if let Some(refused) =
        throttling::check_failures(&state, Action::UserCode, address, None).await?
    {
        let response = code_page(
            &state,
            &req,
            StatusCode::TOO_MANY_REQUESTS,
            &typed,
            Some(&throttling::message(
                &crate::lang::from_browser(&req),
                refused.retry_after,
            )),
        )?;
        return Ok(throttling::with_retry_after(response, refused.retry_after));
    }
    let now = state.stores.clock.now();
    let found = match UserCode::parse(&typed) {
        Some(code) => device::find(state.stores.ephemeral.as_ref(), now, &code).await?,
        None => None,
    };
    let Some(found) = found else {
        throttling::record_failure(&state, Action::UserCode, address, None).await;
        return code_page(
            &state,
            &req,
            StatusCode::BAD_REQUEST,
            &typed,
            Some(&crate::lang::from_browser(&req).t("device-code-wrong")),
        );
    };
    // The authorization request the device would have sent, had it a browser: the
    // sign-in journey and its policy apply to it unchanged.
    let request = AuthorizeRequest {
        client_id: found.authorization.client_id.clone(),
        redirect_uri: String::new(),
        response_mode: ResponseMode::Query,
        scopes: found.authorization.scopes.clone(),
        state: None,
        nonce: None,
        code_challenge: None,
        prompt: Prompt::default(),
        max_age: None,
        login_hint: None,
        id_token_hint: None,
        ui_locales: None,
        acr_values: None,
        claims: ClaimsRequest::default(),
        dpop_jkt: None,
    };
    let id = token(state.stores.random.as_ref());
    let pending = Pending {
        request,
        signed_in_session: None,
        consented_session: None,
        device: Some(DeviceLink {
            handle: found.handle,
            approver: None,
        }),
    };
    oauth::save_pending(&state, &id, &pending).await?;
    Ok(web::see_other(&format!("/authorize/continue?authz={id}")))
}

/// Where the `/authorize` decision sends a device authorization: to sign in, to the
/// confirmation page (bound to the session that passed), or to a page saying why not.
pub async fn after_decision(
    state: &AppState,
    req: &HttpRequest,
    step: Step,
    session: Option<&BrowserSession>,
    id: &str,
    pending: &Pending,
    link: &DeviceLink,
) -> Result<HttpResponse, HttpError> {
    match (step, session) {
        (Step::Issue | Step::Consent, Some(session)) => {
            let mut bound = pending.clone();
            bound.device = Some(DeviceLink {
                handle: link.handle.clone(),
                approver: Some(session.id.clone()),
            });
            oauth::save_pending(state, id, &bound).await?;
            Ok(web::found(&format!("/device/confirm?authz={id}")))
        }
        (Step::Fail(error), _) => {
            oauth::drop_pending(state, id).await?;
            let t = crate::lang::from_browser(req);
            render(
                StatusCode::FORBIDDEN,
                &MessagePage {
                    t: &t,
                    title: &t.t("device-refused-title"),
                    message: &error.description,
                },
            )
        }
        _ => Ok(web::found(&format!("/login?authz={id}"))),
    }
}

/// The pending device authorization under `authz`, when this browser's session is the
/// one that signed in for it.
async fn bound(
    state: &AppState,
    req: &HttpRequest,
    authz: &str,
) -> Result<Option<(Pending, String, BrowserSession)>, HttpError> {
    let Some(pending) = oauth::load_pending(state, authz).await? else {
        return Ok(None);
    };
    let Some(link) = pending.device.clone() else {
        return Ok(None);
    };
    let Some(session) = current_session(state, req).await? else {
        return Ok(None);
    };
    if link.approver.as_ref() != Some(&session.id) {
        return Ok(None);
    }
    Ok(Some((pending, link.handle, session)))
}

#[derive(serde::Deserialize)]
struct ConfirmQuery {
    #[serde(default)]
    authz: String,
}

/// Which application asks for what, for the signed-in person to approve or deny.
async fn confirm_show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<ConfirmQuery>,
) -> Result<HttpResponse, HttpError> {
    if !state.settings.device.enabled {
        return Ok(not_found());
    }
    let Some((pending, handle, session)) = bound(&state, &req, &query.authz).await? else {
        return expired(&req);
    };
    let now = state.stores.clock.now();
    if device::live(state.stores.ephemeral.as_ref(), now, &handle)
        .await?
        .is_none()
    {
        return expired(&req);
    }
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
    let page = ConfirmPage {
        t: &t,
        csrf: &csrf,
        authz: &query.authz,
        client_name: &client.name,
        email: user.email.as_str(),
        scopes: pending
            .request
            .scopes
            .iter()
            .map(|s| scope::describe(s, &t))
            .collect(),
    };
    let response = render(StatusCode::OK, &page)?;
    web::with_cookie(response, cookie)
}

#[derive(serde::Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    authz: String,
    #[serde(default)]
    decision: String,
}

/// The answer: recorded once for the device to collect; an approval records consent
/// and carries what the tokens are issued for, as an authorization code would.
async fn confirm_submit(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<ConfirmForm>,
) -> Result<HttpResponse, HttpError> {
    if !state.settings.device.enabled {
        return Ok(not_found());
    }
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((pending, handle, session)) = bound(&state, &req, &form.authz).await? else {
        return expired(&req);
    };
    oauth::drop_pending(&state, &form.authz).await?;
    let request = &pending.request;
    let now = state.stores.clock.now();
    let approve = form.decision == "allow";
    let decision = if approve {
        let Some(user) = state.stores.users.find_by_id(&session.user_id).await? else {
            return expired(&req);
        };
        if device::live(state.stores.ephemeral.as_ref(), now, &handle)
            .await?
            .is_none()
        {
            return expired(&req);
        }
        record_consent(
            &state.stores,
            &user,
            &request.client_id,
            &request.scopes,
            &web::origin(&req),
        )
        .await?;
        // Back-Channel Logout: the device's client is told when this session ends.
        state
            .stores
            .sessions
            .record_client(&session.id, &request.client_id, now)
            .await?;
        Decision::Approved(Box::new(CodeGrant::for_request(
            request,
            &session.user_id,
            session.auth_time,
            session.amr.clone(),
            Some(session.id.clone()),
        )))
    } else {
        Decision::Denied
    };
    match device::decide(state.stores.ephemeral.as_ref(), now, &handle, &decision).await {
        Ok(()) => {}
        Err(DeviceError::Expired | DeviceError::AlreadyDecided) => return expired(&req),
        Err(DeviceError::Ephemeral(e)) => return Err(e.into()),
    }
    state.metrics.device_decision(approve);
    tracing::info!(
        client_id = %request.client_id,
        user_id = %session.user_id,
        approved = approve,
        "device authorization answered"
    );
    let t = crate::lang::from_browser(&req);
    let page = if approve {
        MessagePage::keys(&t, "device-connected-title", "device-connected-message")
    } else {
        MessagePage::keys(&t, "device-denied-title", "device-denied-message")
    };
    render(StatusCode::OK, &page)
}
