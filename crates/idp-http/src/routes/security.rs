//! The member's security page: their second-factor methods with when each was added and
//! last used, setting up or removing the authenticator app, recovery codes, emailed
//! codes, a phone number for text-message codes (added, proven by a code, removed), and
//! resetting every second factor after re-entering the password.

use super::authorize::current_session;
use super::second_factor::{
    NewPasswordForm, PasswordFormKind, change_password_page, enrol_page, enrol_refused,
    recovery_codes_page,
};
use crate::error::HttpError;
use crate::pages::render;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::Timestamp;
use idp_core::federation::{self, Provider};
use idp_core::i18n::Tr;
use idp_core::mfa::{self, SecondFactorError};
use idp_core::passkeys;
use idp_core::records::{BrowserSession, User};
use idp_core::secret::Password;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/account/security", aw::get().to(show))
        .route("/account/security/totp", aw::get().to(show_enrol))
        .route("/account/security/totp", aw::post().to(submit_enrol))
        .route("/account/security/totp/remove", aw::post().to(remove_totp))
        .route(
            "/account/security/recovery-codes",
            aw::post().to(regenerate),
        )
        .route("/account/security/email-codes", aw::post().to(email_codes))
        .route("/account/security/passkeys", aw::post().to(add_passkey))
        .route(
            "/account/security/passkeys/remove",
            aw::post().to(remove_passkey),
        )
        .route("/account/security/phone", aw::post().to(add_phone))
        .route(
            "/account/security/phone/verify",
            aw::post().to(verify_phone),
        )
        .route(
            "/account/security/phone/resend",
            aw::post().to(resend_phone),
        )
        .route(
            "/account/security/phone/remove",
            aw::post().to(remove_phone),
        )
        .route("/account/security/reset", aw::post().to(reset))
        .route("/account/security/unlink", aw::post().to(unlink))
        .route("/account/security/password", aw::get().to(show_password))
        .route("/account/security/password", aw::post().to(submit_password));
}

/// The signed-in member, or `None` when the browser must sign in first.
async fn member(
    state: &AppState,
    req: &HttpRequest,
) -> Result<Option<(BrowserSession, User)>, HttpError> {
    let Some(session) = current_session(state, req).await? else {
        return Ok(None);
    };
    Ok(state
        .stores
        .users
        .find_by_id(&session.user_id)
        .await?
        .map(|u| (session, u)))
}

fn when(t: &Tr, at: Option<Timestamp>) -> String {
    at.map(|at| t.datetime(at))
        .unwrap_or_else(|| t.t("security-never"))
}

struct MethodRow {
    name: String,
    on: bool,
    added: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage<'a> {
    t: &'a Tr,
    csrf: &'a str,
    email: &'a str,
    methods: Vec<MethodRow>,
    totp: bool,
    email_codes: bool,
    any_factor: bool,
    recovery_left: u64,
    last_reset: String,
    password_changed: String,
    has_password: bool,
    last_sign_in: String,
    last_sign_in_ip: String,
    locked_until: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    linked: Vec<LinkedRow>,
    offered: mfa::Offered,
    /// The member's own number (in full: it is theirs), and whether a code proved it.
    phone: Option<String>,
    phone_verified: bool,
    /// Passkeys, when the server offers them: the member's, and the options of the
    /// ceremony that adds one (JSON for `static/passkeys.js`).
    passkeys: Option<PasskeySection>,
}

struct PasskeySection {
    rows: Vec<PasskeyRow>,
    options: String,
}

struct PasskeyRow {
    id: String,
    name: String,
    added: String,
    last_used: String,
}

/// An upstream account linked to the member.
struct LinkedRow {
    provider: &'static str,
    label: &'static str,
    subject: String,
    linked: String,
    last_used: String,
    count: i64,
    last_ip: String,
}

#[derive(serde::Deserialize)]
struct Notice {
    #[serde(default)]
    done: Option<String>,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    user: &User,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, HttpError> {
    let creds = state.stores.credentials.find_by_user(&user.id).await?;
    let summary = state
        .stores
        .credentials
        .recovery_code_summary(&user.id)
        .await?;
    let sign_in_methods = state.stores.login_methods.find_by_user(&user.id).await?;
    let linked = sign_in_methods
        .iter()
        .filter_map(|m| {
            let provider = Provider::parse(m.kind.as_str())?;
            Some(LinkedRow {
                provider: provider.as_str(),
                label: provider.label(),
                subject: m.upstream_subject.clone(),
                linked: t.datetime(m.created_at),
                last_used: when(t, m.last_sign_in_at),
                count: m.sign_in_count,
                last_ip: m.last_ip.clone().unwrap_or_default(),
            })
        })
        .collect();
    let last = sign_in_methods
        .into_iter()
        .max_by_key(|m| m.last_sign_in_at);
    let now = state.stores.clock.now();
    let c = creds.as_ref();
    let totp = c.is_some_and(|c| c.totp_secret_sealed.is_some());
    let email_codes = c.is_some_and(|c| c.email_otp_enabled);
    let offered = mfa::offered(&state.stores, user).await?;
    let phone_verified = c.is_some_and(|c| mfa::verified_phone(c).is_some());
    let mut methods = vec![
        MethodRow {
            name: t.t("security-method-totp"),
            on: totp,
            added: when(t, c.and_then(|c| c.totp_enrolled_at)),
            last_used: when(t, c.and_then(|c| c.totp_last_used_at)),
        },
        MethodRow {
            name: t.t("security-method-email"),
            on: email_codes,
            added: when(t, c.and_then(|c| c.email_otp_enabled_at)),
            last_used: when(t, c.and_then(|c| c.email_otp_last_used_at)),
        },
        MethodRow {
            name: t.t("security-method-recovery"),
            on: summary.unused > 0,
            added: when(t, summary.created_at),
            last_used: when(t, summary.last_used_at),
        },
    ];
    let passkeys = match &state.passkeys {
        Some(rp) => {
            let session = current_session(state, req).await?;
            match session {
                Some(session) => {
                    let options = passkeys::begin_registration(
                        &state.stores,
                        rp,
                        user,
                        &enrol_owner(&session),
                    )
                    .await;
                    let options = match options {
                        Ok(o) => o.to_string(),
                        // At the limit: the list shows, adding waits for a removal; an
                        // organization that does not use passkeys shows what is left.
                        Err(
                            passkeys::PasskeyError::TooMany | passkeys::PasskeyError::NotOffered,
                        ) => String::new(),
                        Err(e) => return Err(e.into()),
                    };
                    let rows = passkeys::list(&state.stores, &user.id)
                        .await?
                        .into_iter()
                        .map(|p| PasskeyRow {
                            id: p.id,
                            name: p.name,
                            added: t.datetime(p.created_at),
                            last_used: when(t, p.last_used_at),
                        })
                        .collect();
                    Some(PasskeySection { rows, options })
                }
                None => None,
            }
        }
        None => None,
    };
    let any_passkey = passkeys.as_ref().is_some_and(|p| !p.rows.is_empty());
    if offered.sms_code || c.is_some_and(|c| c.phone_number.is_some()) {
        methods.insert(
            2,
            MethodRow {
                name: t.t("security-method-sms"),
                on: phone_verified,
                added: when(t, c.and_then(|c| c.phone_verified_at)),
                last_used: when(t, c.and_then(|c| c.sms_last_used_at)),
            },
        );
    }
    let (csrf, cookie) = web::csrf_token(state, req);
    let response = render(
        status,
        &SecurityPage {
            t,
            csrf: &csrf,
            email: user.email.as_str(),
            methods,
            totp,
            email_codes,
            any_factor: totp || email_codes || phone_verified || any_passkey,
            recovery_left: summary.unused,
            last_reset: when(t, c.and_then(|c| c.second_factor_reset_at)),
            password_changed: when(t, c.and_then(|c| c.password_changed_at)),
            has_password: c.is_some_and(|c| c.password_hash.is_some()),
            last_sign_in: when(t, last.as_ref().and_then(|m| m.last_sign_in_at)),
            last_sign_in_ip: last.and_then(|m| m.last_ip).unwrap_or_default(),
            locked_until: c
                .and_then(|c| c.second_factor_lock.locked_until(now))
                .map(|at| t.datetime(at)),
            notice,
            error,
            linked,
            passkeys,
            offered,
            phone: c
                .and_then(|c| c.phone_number.as_ref())
                .map(|p| p.as_str().to_owned()),
            phone_verified,
        },
    )?;
    web::with_cookie(response, cookie)
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<Notice>,
) -> Result<HttpResponse, HttpError> {
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::found("/login"));
    };
    let t = crate::lang::for_member(&state, &req, &user).await?;
    let notice = match query.done.as_deref() {
        Some("removed") => Some(t.t("security-done-removed")),
        Some("reset") => Some(t.t("security-done-reset")),
        Some("email-on") => Some(t.t("security-done-email-on")),
        Some("email-off") => Some(t.t("security-done-email-off")),
        Some("unlinked") => Some(t.t("security-done-unlinked")),
        Some("password") => Some(t.t("security-done-password")),
        Some("passkey-added") => Some(t.t("security-done-passkey-added")),
        Some("passkey-removed") => Some(t.t("security-done-passkey-removed")),
        Some("phone-sent") => Some(t.t("security-done-phone-sent")),
        Some("phone-verified") => Some(t.t("security-done-phone-verified")),
        Some("phone-removed") => Some(t.t("security-done-phone-removed")),
        _ => None,
    };
    page(&state, &req, &t, &user, notice, None, StatusCode::OK).await
}

async fn has_authenticator(state: &AppState, user: &User) -> Result<bool, HttpError> {
    let creds = state.stores.credentials.find_by_user(&user.id).await?;
    Ok(creds.is_some_and(|c| c.totp_secret_sealed.is_some()))
}

fn enrol_owner(session: &BrowserSession) -> String {
    format!("session:{}", session.id)
}

async fn show_enrol(
    state: aw::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, HttpError> {
    let Some((session, user)) = member(&state, &req).await? else {
        return Ok(web::found("/login"));
    };
    if has_authenticator(&state, &user).await? || !mfa::offered(&state.stores, &user).await?.totp {
        return Ok(web::found("/account/security"));
    }
    let secret =
        mfa::begin_enrolment(&state.stores, &state.master_key, &enrol_owner(&session)).await?;
    let t = crate::lang::for_member(&state, &req, &user).await?;
    enrol_page(
        &state,
        &req,
        &t,
        &user,
        &secret,
        "/account/security/totp",
        false,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(serde::Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

async fn submit_enrol(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CodeForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((session, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    // Replacing an app takes removing it first, which asks for the password.
    if has_authenticator(&state, &user).await? {
        return Ok(web::see_other("/account/security"));
    }
    if !mfa::offered(&state.stores, &user).await?.totp {
        return refused(&state, &req, &user, SecondFactorError::NotAllowed).await;
    }
    let owner = enrol_owner(&session);
    let t = crate::lang::for_member(&state, &req, &user).await?;
    match mfa::complete_enrolment(
        &state.stores,
        &state.master_key,
        &user,
        &owner,
        &form.code,
        &web::origin(&req),
    )
    .await
    {
        Ok(codes) => recovery_codes_page(&t, &codes, "/account/security"),
        Err(e) => {
            enrol_refused(
                &state,
                &req,
                &t,
                &user,
                &owner,
                "/account/security/totp",
                false,
                e,
            )
            .await
        }
    }
}

#[derive(serde::Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// Answers a refused change on the security page itself; other errors go up.
async fn refused(
    state: &AppState,
    req: &HttpRequest,
    user: &User,
    e: SecondFactorError,
) -> Result<HttpResponse, HttpError> {
    let status = match &e {
        SecondFactorError::WrongPassword => StatusCode::UNAUTHORIZED,
        SecondFactorError::NotSetUp | SecondFactorError::PhoneInUse => StatusCode::CONFLICT,
        SecondFactorError::Phone(_) => StatusCode::BAD_REQUEST,
        SecondFactorError::NotAllowed => StatusCode::FORBIDDEN,
        SecondFactorError::WrongCode { .. } => StatusCode::UNAUTHORIZED,
        SecondFactorError::Locked { .. } | SecondFactorError::TooManyTexts => {
            StatusCode::TOO_MANY_REQUESTS
        }
        SecondFactorError::TextNotSent(_) => StatusCode::SERVICE_UNAVAILABLE,
        SecondFactorError::Password(idp_core::ports::PasswordError::Busy) => {
            StatusCode::TOO_MANY_REQUESTS
        }
        _ => return Err(e.into()),
    };
    let t = crate::lang::for_member(state, req, user).await?;
    page(state, req, &t, user, None, Some(e.message(&t)), status).await
}

async fn remove_totp(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<PasswordForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let password = Password::new(form.into_inner().password);
    match mfa::remove_authenticator(&state.stores, &user, password, &web::origin(&req)).await {
        Ok(()) => Ok(web::see_other("/account/security?done=removed")),
        Err(e) => refused(&state, &req, &user, e).await,
    }
}

async fn reset(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<PasswordForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let password = Password::new(form.into_inner().password);
    match mfa::reset_own(&state.stores, &user, password, &web::origin(&req)).await {
        Ok(()) => Ok(web::see_other("/account/security?done=reset")),
        Err(e) => refused(&state, &req, &user, e).await,
    }
}

#[derive(serde::Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn regenerate(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CsrfForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    match mfa::new_recovery_codes(&state.stores, &user, &web::origin(&req)).await {
        Ok(codes) => {
            let t = crate::lang::for_member(&state, &req, &user).await?;
            recovery_codes_page(&t, &codes, "/account/security")
        }
        Err(e) => refused(&state, &req, &user, e).await,
    }
}

#[derive(serde::Deserialize)]
struct EmailCodesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    enabled: String,
}

async fn email_codes(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<EmailCodesForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let enabled = match form.enabled.as_str() {
        "on" => true,
        "off" => false,
        _ => return Err(HttpError::BadRequest("enabled must be on or off".into())),
    };
    match mfa::set_email_codes(&state.stores, &user, enabled, &web::origin(&req)).await {
        Ok(()) => Ok(web::see_other(if enabled {
            "/account/security?done=email-on"
        } else {
            "/account/security?done=email-off"
        })),
        Err(e) => refused(&state, &req, &user, e).await,
    }
}

#[derive(serde::Deserialize)]
struct PhoneForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
}

async fn add_phone(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<PhoneForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let name = super::second_factor::issuer_name(&state, &user).await?;
    match mfa::add_phone(&state.stores, &user, &form.phone, &name, &web::origin(&req)).await {
        Ok(_) => Ok(web::see_other("/account/security?done=phone-sent")),
        Err(e) => refused(&state, &req, &user, e).await,
    }
}

async fn verify_phone(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CodeForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    match mfa::verify_phone(&state.stores, &user, &form.code, &web::origin(&req)).await {
        Ok(()) => Ok(web::see_other("/account/security?done=phone-verified")),
        Err(e) => refused(&state, &req, &user, e).await,
    }
}

async fn resend_phone(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CsrfForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let name = super::second_factor::issuer_name(&state, &user).await?;
    match mfa::resend_phone_code(&state.stores, &user, &name, &web::origin(&req)).await {
        Ok(_) => Ok(web::see_other("/account/security?done=phone-sent")),
        Err(e) => refused(&state, &req, &user, e).await,
    }
}

async fn remove_phone(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<PasswordForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let password = Password::new(form.into_inner().password);
    match mfa::remove_phone(&state.stores, &user, password, &web::origin(&req)).await {
        Ok(()) => Ok(web::see_other("/account/security?done=phone-removed")),
        Err(e) => refused(&state, &req, &user, e).await,
    }
}

#[derive(serde::Deserialize)]
struct UnlinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    subject: String,
}

async fn unlink(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<UnlinkForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let Some(provider) = Provider::parse(&form.provider) else {
        return Err(HttpError::BadRequest(
            "provider must be google or entra".into(),
        ));
    };
    match federation::unlink(
        &state.stores,
        &user,
        provider,
        &form.subject,
        &web::origin(&req),
    )
    .await
    {
        Ok(()) => Ok(web::see_other("/account/security?done=unlinked")),
        Err(federation::UnlinkError::Store(e)) => Err(e.into()),
        Err(e) => {
            let t = crate::lang::for_member(&state, &req, &user).await?;
            page(
                &state,
                &req,
                &t,
                &user,
                None,
                Some(e.to_string()),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

async fn show_password(
    state: aw::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, HttpError> {
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::found("/login"));
    };
    let t = crate::lang::for_member(&state, &req, &user).await?;
    change_password_page(
        &state,
        &req,
        &t,
        &user,
        PasswordFormKind::Security,
        None,
        StatusCode::OK,
    )
    .await
}

/// A new password chosen on the security page, the current one proven first; the
/// member's other sessions end and this one goes on.
async fn submit_password(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<NewPasswordForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((session, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let form = form.into_inner();
    let changed = idp_core::password_policy::change_own_password(
        &state.stores,
        &user,
        Password::new(form.current),
        Password::new(form.password),
        &form.confirm,
        Some(&session.id),
        &web::origin(&req),
    )
    .await;
    match changed {
        Ok(()) => Ok(web::see_other("/account/security?done=password")),
        Err(e) => {
            let t = crate::lang::for_member(&state, &req, &user).await?;
            let Some(message) = e.message(&t) else {
                return Err(e.into());
            };
            let status = match e {
                idp_core::password_policy::ChangeError::TooManyRequests => {
                    StatusCode::TOO_MANY_REQUESTS
                }
                idp_core::password_policy::ChangeError::EmailLoginDisabled => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            change_password_page(
                &state,
                &req,
                &t,
                &user,
                PasswordFormKind::Security,
                Some(message),
                status,
            )
            .await
        }
    }
}

#[derive(serde::Deserialize)]
struct AddPasskeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    /// The browser's answer, from `static/passkeys.js`; empty when it gave none.
    #[serde(default)]
    credential: String,
    /// Why the browser gave no answer (a DOMException name), if it said.
    #[serde(default)]
    failure: String,
}

/// Answers a refused passkey change on the security page itself; other errors go up.
async fn passkey_refused(
    state: &AppState,
    req: &HttpRequest,
    user: &User,
    e: passkeys::PasskeyError,
) -> Result<HttpResponse, HttpError> {
    use passkeys::PasskeyError as E;
    let status = match &e {
        E::WrongPassword => StatusCode::UNAUTHORIZED,
        E::NotFound => StatusCode::NOT_FOUND,
        E::TooMany | E::NotOffered | E::Refused(passkeys::Refusal::ExcludedCredential) => {
            StatusCode::CONFLICT
        }
        E::BadName | E::Expired | E::Refused(_) | E::NoAnswer | E::NeedsScript => {
            StatusCode::BAD_REQUEST
        }
        E::Password(idp_core::ports::PasswordError::Busy) => StatusCode::TOO_MANY_REQUESTS,
        _ => return Err(e.into()),
    };
    let t = crate::lang::for_member(state, req, user).await?;
    page(state, req, &t, user, None, Some(e.message(&t)), status).await
}

async fn add_passkey(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<AddPasskeyForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((session, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let Some(rp) = state.passkeys.clone() else {
        return Err(passkeys::PasskeyError::Disabled.into());
    };
    if form.credential.is_empty() {
        let t = crate::lang::for_member(&state, &req, &user).await?;
        let message = if form.failure.is_empty() {
            t.t("passkey-needs-script")
        } else {
            t.t("passkey-cancelled")
        };
        return page(
            &state,
            &req,
            &t,
            &user,
            None,
            Some(message),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let origin = web::origin(&req);
    match passkeys::finish_registration(
        &state.stores,
        &rp,
        &user,
        &enrol_owner(&session),
        &form.name,
        &form.credential,
        &origin,
    )
    .await
    {
        Ok(_) => {
            let done = "/account/security?done=passkey-added";
            // The first passkey of a member without recovery codes brings a set.
            match mfa::recovery_codes_after_passkey(&state.stores, &user, &origin).await? {
                Some(codes) => {
                    let t = crate::lang::for_member(&state, &req, &user).await?;
                    recovery_codes_page(&t, &codes, done)
                }
                None => Ok(web::see_other(done)),
            }
        }
        Err(e) => passkey_refused(&state, &req, &user, e).await,
    }
}

#[derive(serde::Deserialize)]
struct RemovePasskeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    password: String,
}

async fn remove_passkey(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<RemovePasskeyForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let form = form.into_inner();
    match passkeys::remove(
        &state.stores,
        &user,
        &form.id,
        Password::new(form.password),
        &web::origin(&req),
    )
    .await
    {
        Ok(()) => Ok(web::see_other("/account/security?done=passkey-removed")),
        Err(e) => passkey_refused(&state, &req, &user, e).await,
    }
}
