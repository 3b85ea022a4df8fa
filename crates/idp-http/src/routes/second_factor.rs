//! The second step of a password sign-in: a code from the authenticator app, a recovery
//! code, an emailed code, a code sent by text message or a passkey; or, when policy
//! requires a second factor the member does not have yet, setting one up before any
//! session or token exists: an authenticator app, a passkey or emailed codes, as the
//! organization allows ([`mfa::enrol_kinds`]).

use super::login::finish_sign_in;
use crate::error::HttpError;
use crate::metrics::{LockKind, SignInMethod, SignInOutcome};
use crate::pages::{MessageOwned, render};
use crate::state::AppState;
use crate::throttling;
use crate::web;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::crypto::TokenDigest;
use idp_core::i18n::Tr;
use idp_core::journey::{self, Journey, JourneyError, Requirements, Step};
use idp_core::mfa::{self, SecondFactorError, SecondFactorMethod};
use idp_core::random::token;
use idp_core::records::User;
use idp_core::throttle::{Action, Refused};
use idp_core::totp::{self, TotpSecret};
use serde::Deserialize;
use std::time::Duration;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/login/second-factor", aw::get().to(show))
        .route("/login/second-factor", aw::post().to(submit))
        .route("/login/second-factor/email", aw::post().to(send_email))
        .route(
            "/login/second-factor/passkey",
            aw::post().to(submit_passkey),
        )
        .route("/login/second-factor/sms", aw::post().to(send_sms))
        .route("/login/enrol", aw::get().to(show_enrol))
        .route("/login/enrol", aw::post().to(submit_enrol))
        .route("/login/enrol/passkey", aw::post().to(submit_enrol_passkey))
        .route("/login/enrol/email", aw::post().to(submit_enrol_email))
        .route("/login/change-password", aw::get().to(show_change))
        .route("/login/change-password", aw::post().to(submit_change));
}

fn journey_key(cookie: &str) -> String {
    format!("signin-2f:{}", TokenDigest::of(cookie).to_hex())
}

/// How long the store keeps a journey: its own deadline decides, this only cleans up.
const KEEP: Duration = Duration::from_secs(journey::JOURNEY_TTL.as_secs() + 60);

async fn save(state: &AppState, cookie: &str, journey: &Journey) -> Result<(), HttpError> {
    web::put_json(state, &journey_key(cookie), journey, KEEP).await
}

/// The page of each step a browser is sent to.
fn path(step: Step) -> &'static str {
    match step {
        Step::SecondFactor => "/login/second-factor",
        Step::Enrol => "/login/enrol",
        Step::ChangePassword => "/login/change-password",
        // Never a page of its own: the session starts instead.
        Step::Finish => "/account",
    }
}

/// A sign-in whose first proof is done: starts the session when nothing more is
/// required, else holds the journey and sends the browser to its next step. Says
/// whether the session started.
pub async fn proceed(
    state: &AppState,
    req: &HttpRequest,
    journey: Journey,
    user: &User,
) -> Result<(bool, HttpResponse), HttpError> {
    let origin = web::origin(req);
    let needs = journey::requirements_for(&state.stores, &journey, user, &origin).await?;
    let now = state.stores.clock.now();
    let current = Current {
        cookie: String::new(),
        journey,
        user: user.clone(),
        needs,
    };
    let step = current.journey.next(&current.needs, now);
    let finished = matches!(step, Ok(Step::Finish));
    let response = match onward(state, req, &current, step).await? {
        Onward::Go(location, cookies) => web::with_cookies(web::see_other(&location), &cookies)?,
        Onward::Page(page) => page,
    };
    Ok((finished, response))
}

/// The half-finished sign-in of this browser: its cookie value, journey, member and
/// what policy requires of it now.
struct Current {
    /// Empty before the journey is first held.
    cookie: String,
    journey: Journey,
    user: User,
    needs: Requirements,
}

async fn current(state: &AppState, req: &HttpRequest) -> Result<Option<Current>, HttpError> {
    let Some(cookie) = web::second_factor_cookie_value(state, req) else {
        return Ok(None);
    };
    let Some(journey) = web::get_json::<Journey>(state, &journey_key(&cookie)).await? else {
        return Ok(None);
    };
    let origin = web::origin(req);
    let Some((user, needs)) = journey::requirements(&state.stores, &journey, &origin).await? else {
        return Ok(None);
    };
    Ok(Some(Current {
        cookie,
        journey,
        user,
        needs,
    }))
}

/// Where the browser goes after an event, or a page that ends the journey.
enum Onward {
    Go(String, Vec<Cookie<'static>>),
    Page(HttpResponse),
}

/// Holds the journey and names its next step, or ends it: the session on
/// [`Step::Finish`], a fresh start when it expired, a page saying why it stopped.
async fn onward(
    state: &AppState,
    req: &HttpRequest,
    current: &Current,
    step: Result<Step, JourneyError>,
) -> Result<Onward, HttpError> {
    let step = match step {
        Ok(step) | Err(JourneyError::OutOfOrder { current: step }) => step,
        Err(JourneyError::Expired) => {
            forget(state, &current.cookie).await?;
            return Ok(Onward::Go(
                "/account".into(),
                vec![web::expired_second_factor_cookie(state)],
            ));
        }
        Err(JourneyError::Barred(barrier)) => {
            forget(state, &current.cookie).await?;
            journey::record_barred(&state.stores, &current.user, &barrier, &web::origin(req))
                .await?;
            state
                .metrics
                .sign_in(SignInMethod::Password, SignInOutcome::Refused);
            let t = journey_tr(state, req, &current.journey, &current.user).await?;
            let message = barrier.message(&t);
            let page = render(
                StatusCode::FORBIDDEN,
                &MessageOwned::new(&t, t.t("journey-stopped-title"), message),
            )?;
            return Ok(Onward::Page(web::with_cookie(
                page,
                Some(web::expired_second_factor_cookie(state)),
            )?));
        }
        Err(JourneyError::Store(e)) => return Err(e.into()),
    };
    if step == Step::Finish {
        let (location, cookies) = finish(state, req, current).await?;
        return Ok(Onward::Go(location, cookies));
    }
    if current.cookie.is_empty() {
        let value = token(state.stores.random.as_ref());
        save(state, &value, &current.journey).await?;
        return Ok(Onward::Go(
            path(step).to_owned(),
            vec![web::second_factor_cookie(state, value)],
        ));
    }
    save(state, &current.cookie, &current.journey).await?;
    Ok(Onward::Go(path(step).to_owned(), Vec::new()))
}

async fn forget(state: &AppState, cookie: &str) -> Result<(), HttpError> {
    if !cookie.is_empty() {
        state.stores.ephemeral.delete(&journey_key(cookie)).await?;
    }
    Ok(())
}

/// This browser's journey when it stands at `want`; else the response that sends the
/// browser where it belongs (a fresh start when it has none).
async fn at_step(
    state: &AppState,
    req: &HttpRequest,
    want: Step,
) -> Result<Result<Current, HttpResponse>, HttpError> {
    let Some(current) = current(state, req).await? else {
        return Ok(Err(start_over()));
    };
    Ok(match expect(state, req, &current, want).await? {
        Some(elsewhere) => Err(elsewhere),
        None => Ok(current),
    })
}

/// `Ok(None)` when the journey stands at `want`; else the response that sends the
/// browser where it belongs.
async fn expect(
    state: &AppState,
    req: &HttpRequest,
    current: &Current,
    want: Step,
) -> Result<Option<HttpResponse>, HttpError> {
    let step = current
        .journey
        .next(&current.needs, state.stores.clock.now());
    if matches!(step, Ok(s) if s == want) {
        return Ok(None);
    }
    Ok(Some(respond(onward(state, req, current, step).await?)?))
}

fn respond(onward: Onward) -> Result<HttpResponse, HttpError> {
    match onward {
        Onward::Go(location, cookies) => web::with_cookies(web::see_other(&location), &cookies),
        Onward::Page(page) => Ok(page),
    }
}

/// The messages for a half-finished sign-in: its authorization's `ui_locales`, then the
/// member's own language, then the browser's.
async fn journey_tr(
    state: &AppState,
    req: &HttpRequest,
    journey: &Journey,
    user: &User,
) -> Result<Tr, HttpError> {
    let pending = crate::oauth::load_pending(state, &journey.authz).await?;
    let reader = crate::lang::Reader {
        pending: pending.as_ref(),
        member: Some(user),
        ..Default::default()
    };
    crate::lang::tr(state, req, reader).await
}

fn start_over() -> HttpResponse {
    // Signed in already (a finished step reloaded): the account; else it signs in.
    web::see_other("/account")
}

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage<'a> {
    t: &'a Tr,
    csrf: &'a str,
    method: &'a str,
    totp: bool,
    email: bool,
    email_sent: bool,
    /// The member's verified number, masked, when text messages may be used.
    sms: Option<String>,
    recovery_left: u64,
    warn_recovery: bool,
    locked: bool,
    error: Option<String>,
    /// The options of a passkey ceremony, when the member has passkeys (JSON for
    /// `static/passkeys.js`).
    passkey_options: Option<String>,
}

#[derive(Deserialize)]
struct MethodQuery {
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    sent: Option<String>,
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    user: &User,
    method: Option<SecondFactorMethod>,
    email_sent: bool,
    error: Option<SecondFactorError>,
) -> Result<HttpResponse, HttpError> {
    page_or_refusal(state, req, t, user, method, email_sent, error, None).await
}

/// The second-factor page; with `refused`, answered 429 with `Retry-After` and the
/// time to wait in place of any other error.
#[expect(
    clippy::too_many_arguments,
    reason = "one page's inputs, each named at every call"
)]
async fn page_or_refusal(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    user: &User,
    method: Option<SecondFactorMethod>,
    email_sent: bool,
    error: Option<SecondFactorError>,
    refused: Option<&Refused>,
) -> Result<HttpResponse, HttpError> {
    let methods = mfa::methods(&state.stores, user).await?;
    let method = method.unwrap_or(if methods.totp {
        SecondFactorMethod::Totp
    } else if methods.sms.is_some() {
        SecondFactorMethod::SmsCode
    } else if methods.email || methods.passkeys == 0 {
        SecondFactorMethod::EmailCode
    } else {
        SecondFactorMethod::Passkey
    });
    // A passkey ceremony for this sign-in, begun afresh with each page.
    let passkey_options = match (&state.passkeys, web::second_factor_cookie_value(state, req)) {
        (Some(rp), Some(cookie)) if methods.passkeys > 0 && methods.locked_until.is_none() => {
            idp_core::passkeys::begin_authentication(
                &state.stores,
                rp,
                user,
                &passkey_owner(&cookie),
            )
            .await?
            .map(|o| o.to_string())
        }
        _ => None,
    };
    let locked =
        methods.locked_until.is_some() || matches!(error, Some(SecondFactorError::Locked { .. }));
    let status = match &error {
        _ if locked || refused.is_some() => StatusCode::TOO_MANY_REQUESTS,
        Some(SecondFactorError::TooManyEmails | SecondFactorError::TooManyTexts) => {
            StatusCode::TOO_MANY_REQUESTS
        }
        Some(SecondFactorError::TextNotSent(_)) => StatusCode::SERVICE_UNAVAILABLE,
        Some(SecondFactorError::NotAllowed) => StatusCode::FORBIDDEN,
        Some(_) => StatusCode::UNAUTHORIZED,
        None => StatusCode::OK,
    };
    let error = match (error, methods.locked_until) {
        _ if refused.is_some() => refused.map(|r| throttling::message(t, r.retry_after)),
        (Some(e), _) => Some(e.message(t)),
        (None, Some(until)) => Some(
            SecondFactorError::Locked {
                until,
                set_now: false,
            }
            .message(t),
        ),
        (None, None) => None,
    };
    let (csrf, cookie) = web::csrf_token(state, req);
    let response = render(
        status,
        &SecondFactorPage {
            t,
            csrf: &csrf,
            method: method.as_str(),
            totp: methods.totp,
            email: methods.email,
            email_sent,
            sms: methods.sms,
            recovery_left: methods.recovery_codes_left,
            warn_recovery: methods.totp && methods.recovery_codes_left <= mfa::RECOVERY_CODES_LOW,
            locked,
            error,
            passkey_options,
        },
    )?;
    let response = web::with_cookie(response, cookie)?;
    Ok(match refused {
        Some(r) => throttling::with_retry_after(response, r.retry_after),
        None => response,
    })
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<MethodQuery>,
) -> Result<HttpResponse, HttpError> {
    let current = match at_step(&state, &req, Step::SecondFactor).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let method = query.method.as_deref().and_then(|m| m.parse().ok());
    let t = journey_tr(&state, &req, &current.journey, &current.user).await?;
    page(
        &state,
        &req,
        &t,
        &current.user,
        method,
        query.sent.is_some(),
        None,
    )
    .await
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    code: String,
}

/// Every step is done: ends the half-finished sign-in and starts the session.
async fn finish(
    state: &AppState,
    req: &HttpRequest,
    current: &Current,
) -> Result<(String, Vec<Cookie<'static>>), HttpError> {
    forget(state, &current.cookie).await?;
    let origin = web::origin(req);
    let journey = &current.journey;
    let pending = crate::oauth::load_pending(state, &journey.authz).await?;
    let (location, session) = finish_sign_in(
        state,
        req,
        &current.user,
        &journey.methods(),
        journey.amr().to_vec(),
        pending.map(|p| (journey.authz.as_str(), p)),
        &origin,
    )
    .await?;
    Ok((
        location,
        vec![session, web::expired_second_factor_cookie(state)],
    ))
}

async fn submit(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CodeForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let mut current = match at_step(&state, &req, Step::SecondFactor).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let Ok(method) = form.method.parse::<SecondFactorMethod>() else {
        return Err(HttpError::BadRequest("unknown second-factor method".into()));
    };
    let user = current.user.clone();
    let t = journey_tr(&state, &req, &current.journey, &user).await?;
    let origin = web::origin(&req);
    let account = user.id.to_string();
    if let Some(r) = throttling::attempt(
        &state,
        Action::SecondFactor,
        origin.ip.as_deref(),
        Some(&account),
    )
    .await?
    {
        state
            .metrics
            .sign_in(method.into(), SignInOutcome::Throttled);
        return page_or_refusal(&state, &req, &t, &user, Some(method), false, None, Some(&r)).await;
    }
    match mfa::verify(
        &state.stores,
        &state.master_key,
        &user,
        method,
        &form.code,
        &origin,
    )
    .await
    {
        Ok(()) => {
            let now = state.stores.clock.now();
            // RFC 8176 §2: a code by text message is also `sms`.
            let amr = match method {
                SecondFactorMethod::SmsCode => mfa::SMS_AMR,
                _ => journey::CODE_AMR,
            };
            let step = current
                .journey
                .second_factor_proven(method, amr, &current.needs, now);
            respond(onward(&state, &req, &current, step).await?)
        }
        Err(
            e @ (SecondFactorError::WrongCode { .. }
            | SecondFactorError::Locked { .. }
            | SecondFactorError::NotSetUp
            | SecondFactorError::NotAllowed),
        ) => {
            count_refusal(&state, method, &e);
            page(&state, &req, &t, &user, Some(method), false, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The owner of a sign-in's passkey ceremony: its journey cookie.
fn passkey_owner(cookie: &str) -> String {
    format!("journey:{cookie}")
}

#[derive(Deserialize)]
struct PasskeyForm {
    #[serde(default)]
    csrf: String,
    /// The browser's answer, from `static/passkeys.js`; empty when it gave none.
    #[serde(default)]
    credential: String,
    #[serde(default)]
    failure: String,
}

/// A passkey answered the second-factor page's ceremony.
async fn submit_passkey(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<PasskeyForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let mut current = match at_step(&state, &req, Step::SecondFactor).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let method = SecondFactorMethod::Passkey;
    let user = current.user.clone();
    let t = journey_tr(&state, &req, &current.journey, &user).await?;
    let Some(rp) = state.passkeys.clone() else {
        let e = SecondFactorError::Passkey(idp_core::passkeys::PasskeyError::Disabled);
        return page(&state, &req, &t, &user, Some(method), false, Some(e)).await;
    };
    if form.credential.is_empty() {
        let e = SecondFactorError::Passkey(idp_core::passkeys::no_answer(&form.failure));
        return page(&state, &req, &t, &user, Some(method), false, Some(e)).await;
    }
    let origin = web::origin(&req);
    // Counted against the second-factor lock as a code is.
    match mfa::verify_passkey(
        &state.stores,
        &rp,
        &user,
        &passkey_owner(&current.cookie),
        &form.credential,
        &origin,
    )
    .await
    {
        Ok(proof) => {
            let amr = proof.amr();
            let amr: Vec<&str> = amr.iter().map(String::as_str).collect();
            let now = state.stores.clock.now();
            let step = current
                .journey
                .second_factor_proven(method, &amr, &current.needs, now);
            respond(onward(&state, &req, &current, step).await?)
        }
        Err(
            e @ (SecondFactorError::WrongCode { .. }
            | SecondFactorError::Locked { .. }
            | SecondFactorError::NotSetUp
            | SecondFactorError::NotAllowed
            | SecondFactorError::Passkey(_)),
        ) => {
            use idp_core::passkeys::PasskeyError as E;
            if let SecondFactorError::Passkey(E::Store(_) | E::Ephemeral(_) | E::Password(_)) = e {
                return Err(e.into());
            }
            count_refusal(&state, method, &e);
            page(&state, &req, &t, &user, Some(method), false, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Counts a refused code, and the lock it set.
fn count_refusal(state: &AppState, method: SecondFactorMethod, e: &SecondFactorError) {
    let outcome = match e {
        SecondFactorError::Locked { set_now, .. } => {
            if *set_now {
                state.metrics.lock_set(LockKind::SecondFactor);
            }
            SignInOutcome::Locked
        }
        SecondFactorError::NotSetUp | SecondFactorError::NotAllowed => SignInOutcome::Refused,
        _ => SignInOutcome::WrongCode,
    };
    state.metrics.sign_in(method.into(), outcome);
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn send_email(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CsrfForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let current = match at_step(&state, &req, Step::SecondFactor).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let user = current.user.clone();
    let t = journey_tr(&state, &req, &current.journey, &user).await?;
    let account = user.id.to_string();
    if let Some(r) = throttling::attempt(
        &state,
        Action::EmailCode,
        web::origin(&req).ip.as_deref(),
        Some(&account),
    )
    .await?
    {
        return page_or_refusal(
            &state,
            &req,
            &t,
            &user,
            Some(SecondFactorMethod::EmailCode),
            false,
            None,
            Some(&r),
        )
        .await;
    }
    let name = issuer_name(&state, &user).await?;
    match mfa::send_email_code(&state.stores, &user, &name).await {
        Ok(()) => Ok(web::see_other(
            "/login/second-factor?method=email_code&sent=1",
        )),
        Err(
            e @ (SecondFactorError::TooManyEmails
            | SecondFactorError::Locked { .. }
            | SecondFactorError::NotSetUp
            | SecondFactorError::NotAllowed),
        ) => {
            page(
                &state,
                &req,
                &t,
                &user,
                Some(SecondFactorMethod::EmailCode),
                false,
                Some(e),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Sends a sign-in code by text message. When the gateway fails or does not answer in
/// time, the page says so and offers the emailed code; the sign-in waits as it was.
async fn send_sms(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CsrfForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let current = match at_step(&state, &req, Step::SecondFactor).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let user = current.user.clone();
    let t = journey_tr(&state, &req, &current.journey, &user).await?;
    let name = issuer_name(&state, &user).await?;
    let origin = web::origin(&req);
    match mfa::send_sms_code(&state.stores, &user, &name, &origin).await {
        Ok(_) => Ok(web::see_other(
            "/login/second-factor?method=sms_code&sent=1",
        )),
        Err(
            e @ (SecondFactorError::TooManyTexts
            | SecondFactorError::TextNotSent(_)
            | SecondFactorError::Locked { .. }
            | SecondFactorError::NotSetUp
            | SecondFactorError::NotAllowed),
        ) => {
            // After a failed delivery the page offers the emailed code (see the template).
            let method = Some(SecondFactorMethod::SmsCode);
            page(&state, &req, &t, &user, method, false, Some(e)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The name an authenticator app shows for the account: the member's main organization.
pub async fn issuer_name(state: &AppState, user: &User) -> Result<String, HttpError> {
    let org = state.stores.orgs.find_by_id(&user.org_id).await?;
    let root = match &org {
        Some(o) if !o.is_root() => state.stores.orgs.find_by_id(&o.root_id()).await?,
        other => other.clone(),
    };
    Ok(root.map(|o| o.name).unwrap_or_else(|| "idp".into()))
}

#[derive(Template)]
#[template(path = "enrol.html")]
pub struct EnrolPage<'a> {
    pub t: &'a Tr,
    pub csrf: &'a str,
    pub action: &'a str,
    /// The authenticator app's set-up, where it is offered.
    pub app: Option<AppSetUp>,
    pub required: bool,
    /// More than the app is offered (at sign-in): the page names each kind.
    pub choose: bool,
    pub others: OtherKinds,
    pub error: Option<String>,
}

pub struct AppSetUp {
    pub qr_svg: String,
    pub secret_groups: String,
    pub uri: String,
}

/// The kinds besides the app that sign-in enrolment offers.
#[derive(Default)]
pub struct OtherKinds {
    /// The options of the ceremony that adds a passkey (JSON for `static/passkeys.js`).
    pub passkey_options: Option<String>,
    /// The address emailed codes would go to.
    pub email: Option<String>,
}

/// The QR code of `uri` as inline SVG: no script, no image service.
fn qr_svg(uri: &str) -> Result<String, HttpError> {
    let code = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|e| HttpError::Internal(format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // Drop the XML declaration: the SVG sits inside the page.
    Ok(match svg.find("<svg") {
        Some(at) => svg.get(at..).unwrap_or_default().to_owned(),
        None => svg,
    })
}

/// The enrolment page for `secret`: QR code, the secret as text, and the code field.
#[allow(clippy::too_many_arguments)]
pub async fn enrol_page(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    user: &User,
    secret: &TotpSecret,
    action: &str,
    required: bool,
    error: Option<SecondFactorError>,
    status: StatusCode,
) -> Result<HttpResponse, HttpError> {
    let app = app_set_up(state, user, secret).await?;
    let error = error.map(|e| e.message(t));
    let page = EnrolView {
        app: Some(app),
        others: OtherKinds::default(),
        action,
        required,
        error,
        status,
    };
    render_enrol(state, req, t, page)
}

/// What an enrolment page shows, besides its reader and form token.
struct EnrolView<'a> {
    app: Option<AppSetUp>,
    others: OtherKinds,
    action: &'a str,
    required: bool,
    error: Option<String>,
    status: StatusCode,
}

fn render_enrol(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    view: EnrolView<'_>,
) -> Result<HttpResponse, HttpError> {
    let choose = view.others.passkey_options.is_some() || view.others.email.is_some();
    let (csrf, cookie) = web::csrf_token(state, req);
    let response = render(
        view.status,
        &EnrolPage {
            t,
            csrf: &csrf,
            action: view.action,
            app: view.app,
            required: view.required,
            choose,
            others: view.others,
            error: view.error,
        },
    )?;
    web::with_cookie(response, cookie)
}

/// The app's set-up for `secret`: QR code and the secret as text.
async fn app_set_up(
    state: &AppState,
    user: &User,
    secret: &TotpSecret,
) -> Result<AppSetUp, HttpError> {
    let issuer = issuer_name(state, user).await?;
    let uri = totp::otpauth_uri(secret, &issuer, user.email.as_str());
    let b32 = secret.to_base32();
    let secret_groups = b32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(AppSetUp {
        qr_svg: qr_svg(&uri)?,
        secret_groups,
        uri,
    })
}

/// The sign-in's enrolment page: each kind the organization allows that can be set up
/// here; when none can, a page that says to ask an administrator.
async fn sign_in_enrol_page(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    current: &Current,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, HttpError> {
    let user = &current.user;
    let kinds = mfa::enrolment_kinds(&state.stores, user, state.passkeys.is_some()).await?;
    if !kinds.any() {
        return render(
            StatusCode::FORBIDDEN,
            &MessageOwned::new(t, t.t("enrol-none-title"), t.t("enrol-none")),
        );
    }
    let owner = enrol_owner(&current.cookie);
    let app = if kinds.totp {
        let secret = mfa::begin_enrolment(&state.stores, &state.master_key, &owner).await?;
        Some(app_set_up(state, user, &secret).await?)
    } else {
        None
    };
    let passkey_options = match &state.passkeys {
        Some(rp) if kinds.passkey => {
            match idp_core::passkeys::begin_registration(&state.stores, rp, user, &owner).await {
                Ok(options) => Some(options.to_string()),
                Err(idp_core::passkeys::PasskeyError::TooMany) => None,
                Err(e) => return Err(e.into()),
            }
        }
        _ => None,
    };
    let others = OtherKinds {
        passkey_options,
        email: kinds.email_code.then(|| user.email.to_string()),
    };
    let view = EnrolView {
        app,
        others,
        action: "/login/enrol",
        required: true,
        error,
        status,
    };
    render_enrol(state, req, t, view)
}

/// The status a refused enrolment code is answered with (a lock it set counted); `None`
/// for errors that are no refusal.
fn enrol_status(state: &AppState, e: &SecondFactorError) -> Option<StatusCode> {
    match e {
        SecondFactorError::Locked { set_now, .. } => {
            if *set_now {
                state.metrics.lock_set(LockKind::SecondFactor);
            }
            Some(StatusCode::TOO_MANY_REQUESTS)
        }
        SecondFactorError::WrongCode { .. } => Some(StatusCode::UNAUTHORIZED),
        SecondFactorError::NotAllowed => Some(StatusCode::FORBIDDEN),
        _ => None,
    }
}

/// Answers a refused enrolment code with the same secret's page again; an expired set-up
/// starts over.
#[expect(
    clippy::too_many_arguments,
    reason = "one page's inputs, each named at every call"
)]
pub async fn enrol_refused(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    user: &User,
    owner: &str,
    action: &str,
    required: bool,
    e: SecondFactorError,
) -> Result<HttpResponse, HttpError> {
    if matches!(e, SecondFactorError::EnrolmentExpired) {
        return Ok(web::see_other(action));
    }
    let Some(status) = enrol_status(state, &e) else {
        return Err(e.into());
    };
    let secret = mfa::begin_enrolment(&state.stores, &state.master_key, owner).await?;
    enrol_page(
        state,
        req,
        t,
        user,
        &secret,
        action,
        required,
        Some(e),
        status,
    )
    .await
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
pub struct RecoveryCodesPage<'a> {
    pub t: &'a Tr,
    pub codes: &'a [String],
    pub download: String,
    pub next: &'a str,
}

/// The new recovery codes, shown once, with a download of the same list.
pub fn recovery_codes_page(
    t: &Tr,
    codes: &[String],
    next: &str,
) -> Result<HttpResponse, HttpError> {
    let text = format!("{}\n\n{}\n", t.t("recovery-codes-file"), codes.join("\n"));
    let download = format!(
        "data:text/plain;charset=utf-8,{}",
        url::form_urlencoded::byte_serialize(text.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    );
    render(
        StatusCode::OK,
        &RecoveryCodesPage {
            t,
            codes,
            download,
            next,
        },
    )
}

fn enrol_owner(cookie: &str) -> String {
    format!("signin:{cookie}")
}

async fn show_enrol(
    state: aw::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, HttpError> {
    let current = match at_step(&state, &req, Step::Enrol).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let t = journey_tr(&state, &req, &current.journey, &current.user).await?;
    sign_in_enrol_page(&state, &req, &t, &current, None, StatusCode::OK).await
}

async fn submit_enrol(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CodeForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let mut current = match at_step(&state, &req, Step::Enrol).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let user = current.user.clone();
    let owner = enrol_owner(&current.cookie);
    let origin = web::origin(&req);
    let t = journey_tr(&state, &req, &current.journey, &user).await?;
    match mfa::complete_enrolment(
        &state.stores,
        &state.master_key,
        &user,
        &owner,
        &form.code,
        &origin,
    )
    .await
    {
        Ok(codes) => {
            let now = state.stores.clock.now();
            let step = current.journey.enrolled(
                SecondFactorMethod::Totp,
                journey::CODE_AMR,
                &current.needs,
                now,
            );
            after_enrolment(&state, &req, &t, &current, step, Some(codes)).await
        }
        Err(SecondFactorError::EnrolmentExpired) => Ok(web::see_other("/login/enrol")),
        Err(e) => match enrol_status(&state, &e) {
            Some(status) => {
                let error = Some(e.message(&t));
                sign_in_enrol_page(&state, &req, &t, &current, error, status).await
            }
            None => Err(e.into()),
        },
    }
}

/// After a second factor was set up at sign-in: the recovery codes, shown once, when
/// there are new ones, then the journey's next step.
async fn after_enrolment(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    current: &Current,
    step: Result<Step, JourneyError>,
    codes: Option<Vec<String>>,
) -> Result<HttpResponse, HttpError> {
    match (onward(state, req, current, step).await?, codes) {
        (Onward::Go(location, cookies), Some(codes)) => {
            web::with_cookies(recovery_codes_page(t, &codes, &location)?, &cookies)
        }
        (onward, _) => respond(onward),
    }
}

/// A passkey added at sign-in: the ceremony of the enrolment page, as on the security
/// page; it is the second factor this sign-in proves.
async fn submit_enrol_passkey(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<PasskeyEnrolForm>,
) -> Result<HttpResponse, HttpError> {
    use idp_core::passkeys::PasskeyError as E;
    web::check_csrf(&state, &req, &form.csrf)?;
    let mut current = match at_step(&state, &req, Step::Enrol).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let user = current.user.clone();
    let t = journey_tr(&state, &req, &current.journey, &user).await?;
    let Some(rp) = state.passkeys.clone() else {
        return Err(E::Disabled.into());
    };
    let refused = |e: E| (e.message(&t), StatusCode::BAD_REQUEST);
    let origin = web::origin(&req);
    let outcome = if form.credential.is_empty() {
        Err(refused(idp_core::passkeys::no_answer(&form.failure)))
    } else {
        match idp_core::passkeys::finish_registration(
            &state.stores,
            &rp,
            &user,
            &enrol_owner(&current.cookie),
            &form.name,
            &form.credential,
            &origin,
        )
        .await
        {
            Ok((_, proof)) => Ok(proof),
            Err(e @ (E::Store(_) | E::Ephemeral(_) | E::Password(_) | E::Disabled)) => {
                return Err(e.into());
            }
            Err(e @ (E::NotOffered | E::TooMany)) => Err((e.message(&t), StatusCode::CONFLICT)),
            Err(e) => Err(refused(e)),
        }
    };
    match outcome {
        Ok(proof) => {
            let codes = mfa::recovery_codes_after_passkey(&state.stores, &user, &origin).await?;
            let amr = proof.amr();
            let amr: Vec<&str> = amr.iter().map(String::as_str).collect();
            let now = state.stores.clock.now();
            let step =
                current
                    .journey
                    .enrolled(SecondFactorMethod::Passkey, &amr, &current.needs, now);
            after_enrolment(&state, &req, &t, &current, step, codes).await
        }
        Err((message, status)) => {
            sign_in_enrol_page(&state, &req, &t, &current, Some(message), status).await
        }
    }
}

#[derive(Deserialize)]
struct PasskeyEnrolForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    /// The browser's answer, from `static/passkeys.js`; empty when it gave none.
    #[serde(default)]
    credential: String,
    #[serde(default)]
    failure: String,
}

/// Emailed codes turned on at sign-in, where the organization allows them: nothing is
/// proven yet, so the journey goes on to the second-factor step, where a code sent to the
/// member's address proves it.
async fn submit_enrol_email(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<CsrfForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let mut current = match at_step(&state, &req, Step::Enrol).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let user = current.user.clone();
    let origin = web::origin(&req);
    match mfa::set_email_codes(&state.stores, &user, true, &origin).await {
        Ok(()) => {
            current.needs =
                journey::requirements_for(&state.stores, &current.journey, &user, &origin).await?;
            let step = current
                .journey
                .next(&current.needs, state.stores.clock.now());
            respond(onward(&state, &req, &current, step).await?)
        }
        Err(e @ (SecondFactorError::NotAllowed | SecondFactorError::NotSetUp)) => {
            let t = journey_tr(&state, &req, &current.journey, &user).await?;
            let error = Some(e.message(&t));
            sign_in_enrol_page(&state, &req, &t, &current, error, StatusCode::FORBIDDEN).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "change_password.html")]
struct ChangePasswordPage<'a> {
    t: &'a Tr,
    csrf: &'a str,
    action: &'a str,
    token: &'a str,
    expired_or_temporary: bool,
    /// A welcome link: the member has no password yet.
    first: bool,
    /// The security page: the current password is asked first.
    current: bool,
    rules: String,
    error: Option<String>,
}

/// Why a member chooses a password, which decides what the form asks and says.
#[derive(Clone, Copy)]
pub enum PasswordFormKind<'a> {
    /// During sign-in: the password was temporary or has expired.
    SignIn,
    /// From an emailed reset or welcome link.
    Link(&'a str),
    /// From the security page, signed in.
    Security,
}

/// The form for a new password: during sign-in, on a link's page, on the security page.
pub async fn change_password_page(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    user: &User,
    kind: PasswordFormKind<'_>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, HttpError> {
    let rules = match state.stores.orgs.find_by_id(&user.org_id).await? {
        Some(org) => idp_core::password_policy::rules_summary(&state.stores, &org, t).await?,
        None => String::new(),
    };
    let (action, token) = match kind {
        PasswordFormKind::SignIn => ("/login/change-password", ""),
        PasswordFormKind::Link(token) => ("/reset-password", token),
        PasswordFormKind::Security => ("/account/security/password", ""),
    };
    let first = matches!(kind, PasswordFormKind::Link(_))
        && !idp_core::password_policy::has_password(&state.stores, &user.id).await?;
    let (csrf, cookie) = web::csrf_token(state, req);
    let response = render(
        status,
        &ChangePasswordPage {
            t,
            csrf: &csrf,
            action,
            token,
            expired_or_temporary: matches!(kind, PasswordFormKind::SignIn),
            first,
            current: matches!(kind, PasswordFormKind::Security),
            rules,
            error,
        },
    )?;
    web::with_cookie(response, cookie)
}

async fn show_change(
    state: aw::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, HttpError> {
    let current = match at_step(&state, &req, Step::ChangePassword).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let t = journey_tr(&state, &req, &current.journey, &current.user).await?;
    change_password_page(
        &state,
        &req,
        &t,
        &current.user,
        PasswordFormKind::SignIn,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub token: String,
    /// The current password, asked on the security page only.
    #[serde(default)]
    pub current: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub confirm: String,
}

async fn submit_change(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<NewPasswordForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let mut current = match at_step(&state, &req, Step::ChangePassword).await? {
        Ok(current) => current,
        Err(elsewhere) => return Ok(elsewhere),
    };
    let user = current.user.clone();
    let form = form.into_inner();
    let t = journey_tr(&state, &req, &current.journey, &user).await?;
    match idp_core::password_policy::change_password(
        &state.stores,
        &user,
        idp_core::secret::Password::new(form.password),
        &form.confirm,
    )
    .await
    {
        Ok(()) => {
            let now = state.stores.clock.now();
            let step = current.journey.password_changed(&current.needs, now);
            respond(onward(&state, &req, &current, step).await?)
        }
        Err(idp_core::password_policy::ChangeError::Rule(rule)) => {
            change_password_page(
                &state,
                &req,
                &t,
                &user,
                PasswordFormKind::SignIn,
                Some(rule.message(&t)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
