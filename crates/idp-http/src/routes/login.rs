//! The sign-in page: email and password, then back to the authorization that asked.

use super::authorize::session_lifetimes;
use crate::error::HttpError;
use crate::lang;
use crate::metrics::{LockKind, SignInMethod, SignInOutcome};
use crate::oauth::{self, Pending};
use crate::pages::render;
use crate::state::AppState;
use crate::throttling;
use crate::web;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::client::Client;
use idp_core::federation;
use idp_core::i18n::{Language, Tr};
use idp_core::journey::{FirstFactor, Journey};
use idp_core::records::User;
use idp_core::secret::Password;
use idp_core::signin::{
    CredentialsRefused, Origin, SignInError, record_native_sign_in, sign_in_with_password,
    start_session,
};
use idp_core::throttle::{Action, account_subject};
use std::sync::Arc;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/login", aw::get().to(show))
        .route("/login", aw::post().to(submit))
        .route("/login/passkey", aw::post().to(submit_passkey));
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    t: &'a Tr,
    /// The language switcher: (tag, the language's own name).
    languages: Vec<(&'static str, &'static str)>,
    csrf: &'a str,
    authz: &'a str,
    email: &'a str,
    client_name: Option<String>,
    error: Option<&'a str>,
    /// Upstream providers offered: (short name, label).
    providers: Vec<(&'static str, &'static str)>,
    password_form: bool,
    /// A sign-in with a passkey alone, where offered: the ceremony's options (JSON for
    /// `static/passkeys.js`) and its sealed state, which the form carries back.
    passkey: Option<(String, String)>,
    /// Whether the browser's autofill offers passkeys too (conditional mediation): on
    /// the page as first loaded, not on an answer to a refused attempt, which would
    /// only ask again.
    passkey_autofill: bool,
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    #[serde(default)]
    authz: String,
    /// A language chosen with the switcher: the rest of this sign-in keeps it.
    #[serde(default)]
    lang: Option<String>,
}

/// The authorization waiting for this sign-in, and the application that asked.
pub(super) async fn pending_for(
    state: &AppState,
    authz: &str,
) -> Result<(Option<Pending>, Option<Arc<Client>>), HttpError> {
    let pending = oauth::load_pending(state, authz).await?;
    let client = match &pending {
        Some(p) => {
            state
                .clients
                .get(&state.stores, &p.request.client_id)
                .await?
        }
        None => None,
    };
    Ok((pending, client))
}

#[expect(
    clippy::too_many_arguments,
    reason = "one page's inputs, each named at every call"
)]
async fn page(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    authz: &str,
    email: &str,
    client: Option<&Client>,
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, HttpError> {
    let (csrf, cookie) = web::csrf_token(state, req);
    let client_name = client.map(|c| c.name.clone());
    let offer =
        federation::sign_in_options(&state.stores, &state.upstreams.configured(), client).await?;
    let response = render(
        status,
        &LoginPage {
            t,
            languages: lang::choices(),
            csrf: &csrf,
            authz,
            email,
            client_name,
            error,
            providers: offer
                .providers
                .iter()
                .map(|p| (p.as_str(), p.label()))
                .collect(),
            password_form: offer.password,
            passkey: passkey_offer(state, offer.passkey)?,
            passkey_autofill: req.method() == actix_web::http::Method::GET,
        },
    )?;
    web::with_cookie(response, cookie)
}

/// A passkey ceremony for the sign-in page, when passkeys are on and the page's
/// options offer a passkey alone.
fn passkey_offer(state: &AppState, offered: bool) -> Result<Option<(String, String)>, HttpError> {
    let Some(rp) = state.passkeys.as_ref().filter(|_| offered) else {
        return Ok(None);
    };
    let (options, ceremony) = idp_core::passkeys::begin_discoverable(
        rp,
        &state.master_key,
        state.stores.random.as_ref(),
        state.stores.clock.now(),
    )?;
    Ok(Some((options.to_string(), ceremony)))
}

#[derive(serde::Deserialize)]
struct PasskeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    authz: String,
    #[serde(default)]
    ceremony: String,
    /// The browser's answer, from `static/passkeys.js`; empty when it gave none.
    #[serde(default)]
    credential: String,
    #[serde(default)]
    failure: String,
}

/// A sign-in with a passkey alone: the member its credential names, where their
/// organization allows it; then the same journey as after a password, with the second
/// factor already proven (the passkey verified its user).
async fn submit_passkey(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<PasskeyForm>,
) -> Result<HttpResponse, HttpError> {
    let form = form.into_inner();
    let stale = web::check_csrf(&state, &req, &form.csrf).is_err();
    let (pending, client) = pending_for(&state, &form.authz).await?;
    let reader = lang::Reader {
        pending: pending.as_ref(),
        org: client.as_ref().map(|c| &c.org_id),
        ..Default::default()
    };
    let t = lang::tr(&state, &req, reader).await?;
    let refused = |message: String, status: StatusCode| {
        let state = state.clone();
        let req = req.clone();
        let t = t.clone();
        let authz = form.authz.clone();
        let client = client.clone();
        async move {
            page(
                &state,
                &req,
                &t,
                &authz,
                "",
                client.as_deref(),
                Some(&message),
                status,
            )
            .await
        }
    };
    if stale {
        return refused(t.t("form-expired"), StatusCode::FORBIDDEN).await;
    }
    let Some(rp) = state.passkeys.clone() else {
        let e = idp_core::passkeys::PasskeyError::Disabled;
        return refused(e.message(&t), StatusCode::NOT_FOUND).await;
    };
    if form.credential.is_empty() {
        let e = idp_core::passkeys::no_answer(&form.failure);
        return refused(e.message(&t), StatusCode::BAD_REQUEST).await;
    }
    let origin = web::origin(&req);
    if let Some(r) = throttling::attempt(&state, Action::SignIn, origin.ip.as_deref(), None).await?
    {
        state
            .metrics
            .sign_in(SignInMethod::Passkey, SignInOutcome::Throttled);
        let response = refused(
            throttling::message(&t, r.retry_after),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await?;
        return Ok(throttling::with_retry_after(response, r.retry_after));
    }
    let (user, proof) = match idp_core::passkeys::finish_discoverable(
        &state.stores,
        &rp,
        &state.master_key,
        &form.ceremony,
        &form.credential,
        &origin,
    )
    .await
    {
        Ok(found) => found,
        Err(e) => {
            use idp_core::passkeys::PasskeyError as E;
            if matches!(e, E::Store(_) | E::Ephemeral(_) | E::Password(_)) {
                return Err(e.into());
            }
            state
                .metrics
                .sign_in(SignInMethod::Passkey, SignInOutcome::Refused);
            let status = match e {
                E::Refused(idp_core::passkeys::Refusal::NotAllowed) => StatusCode::FORBIDDEN,
                _ => StatusCode::UNAUTHORIZED,
            };
            return refused(e.message(&t), status).await;
        }
    };
    let journey = Journey::begin(
        user.id.clone(),
        form.authz.clone(),
        client.as_ref().map(|c| c.id.clone()),
        FirstFactor::Passkey { amr: proof.amr() },
        false,
        state.stores.clock.now(),
    );
    let (_, response) = super::second_factor::proceed(&state, &req, journey, &user).await?;
    Ok(response)
}

/// The sign-in form again with why it was refused, built without a store round trip:
/// a refusal must cost less than the work it refuses (under a flood, the options lookup
/// of `page` kept the database and tokio's blocking threads busy). Only the password
/// form comes back, the one just used; a reload brings every option back.
fn refusal_page(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    (authz, email): (&str, &str),
    client: Option<&Client>,
    message: &str,
) -> Result<HttpResponse, HttpError> {
    let (csrf, cookie) = web::csrf_token(state, req);
    let response = render(
        StatusCode::TOO_MANY_REQUESTS,
        &LoginPage {
            t,
            languages: lang::choices(),
            csrf: &csrf,
            authz,
            email,
            client_name: client.map(|c| c.name.clone()),
            error: Some(message),
            providers: Vec::new(),
            password_form: true,
            passkey: None,
            passkey_autofill: false,
        },
    )?;
    web::with_cookie(response, cookie)
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<LoginQuery>,
) -> Result<HttpResponse, HttpError> {
    let (mut pending, client) = pending_for(&state, &query.authz).await?;
    // Back to the page of a sign-in that finished (its authorization is used up), or a
    // reload of a finished step, while signed in: the account, not a second sign-in.
    if !query.authz.is_empty()
        && pending.is_none()
        && super::authorize::current_session(&state, &req)
            .await?
            .is_some()
    {
        return Ok(web::found("/account"));
    }
    let chosen = query.lang.as_deref().and_then(Language::from_tag);
    if let (Some(chosen), Some(p)) = (chosen, pending.as_mut()) {
        // The switcher's choice outranks the application's ui_locales from here on.
        p.request.ui_locales = Some(chosen.as_str().to_owned());
        oauth::save_pending(&state, &query.authz, p).await?;
    }
    let hint = pending
        .as_ref()
        .and_then(|p| p.request.login_hint.clone())
        .unwrap_or_default();
    let t = match chosen {
        Some(chosen) => {
            lang::branded(&state, Tr::new(chosen), client.as_ref().map(|c| &c.org_id)).await?
        }
        None => {
            let reader = lang::Reader {
                pending: pending.as_ref(),
                org: client.as_ref().map(|c| &c.org_id),
                ..Default::default()
            };
            lang::tr(&state, &req, reader).await?
        }
    };
    page(
        &state,
        &req,
        &t,
        &query.authz,
        &hint,
        client.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
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
    let stale = web::check_csrf(&state, &req, &form.csrf).is_err();
    let (pending, client) = pending_for(&state, &form.authz).await?;
    if stale {
        // A sign-in page left open too long: the form again, fresh, for the same request.
        let reader = lang::Reader {
            pending: pending.as_ref(),
            org: client.as_ref().map(|c| &c.org_id),
            ..Default::default()
        };
        let t = lang::tr(&state, &req, reader).await?;
        return page(
            &state,
            &req,
            &t,
            &form.authz,
            &form.email,
            client.as_deref(),
            Some(&t.t("form-expired")),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // Refusals must stay cheap: the organization's default is not looked up for them.
    let quick = lang::Reader {
        pending: pending.as_ref(),
        ..Default::default()
    };
    let t = match quick.pending {
        Some(_) => lang::tr(&state, &req, quick).await?,
        None => lang::from_browser(&req),
    };
    let origin = web::origin(&req);
    // Before any password check: the address's and the account's limits, then the
    // address's share of the hashing queue.
    let address = origin.ip.as_deref();
    let account = account_subject(&form.email);
    let slot = match throttling::attempt(&state, Action::SignIn, address, Some(&account)).await? {
        Some(r) => Err((
            throttling::message(&t, r.retry_after),
            r.retry_after,
            SignInOutcome::Throttled,
        )),
        None => throttling::hashing_slot(&state, address).ok_or((
            t.t("too-many-sign-ins"),
            throttling::BUSY_RETRY,
            SignInOutcome::Busy,
        )),
    };
    let slot = match slot {
        Ok(slot) => slot,
        Err((message, wait, outcome)) => {
            state.metrics.sign_in(SignInMethod::Password, outcome);
            let response = refusal_page(
                &state,
                &req,
                &t,
                (&form.authz, &form.email),
                client.as_deref(),
                &message,
            )?;
            return Ok(throttling::with_retry_after(response, wait));
        }
    };
    let signed = match sign_in_with_password(
        &state.stores,
        &form.email,
        Password::new(form.password),
        client.as_deref(),
        &origin,
    )
    .await
    {
        Ok(signed) => signed,
        Err(SignInError::Store(e)) => return Err(e.into()),
        Err(SignInError::Busy(_)) => {
            state
                .metrics
                .sign_in(SignInMethod::Password, SignInOutcome::Busy);
            let message = t.t("too-many-sign-ins");
            let response = refusal_page(
                &state,
                &req,
                &t,
                (&form.authz, &form.email),
                client.as_deref(),
                &message,
            )?;
            return Ok(throttling::with_retry_after(
                response,
                throttling::BUSY_RETRY,
            ));
        }
        Err(e) => {
            count_refusal(&state, &e);
            let status = match &e {
                SignInError::InvalidCredentials(_) | SignInError::Locked => {
                    StatusCode::UNAUTHORIZED
                }
                // On leave, or outside the allowed networks: the message says which.
                _ => StatusCode::FORBIDDEN,
            };
            // The form again, in the language its page had (the organization's default
            // included: this answer already did store work).
            let reader = lang::Reader {
                pending: pending.as_ref(),
                org: client.as_ref().map(|c| &c.org_id),
                ..Default::default()
            };
            let t = lang::tr(&state, &req, reader).await?;
            let message = e.message(&t);
            return page(
                &state,
                &req,
                &t,
                &form.authz,
                &form.email,
                client.as_deref(),
                Some(&message),
                status,
            )
            .await;
        }
    };
    drop(slot);
    let user = signed.user;
    let journey = Journey::begin(
        user.id.clone(),
        form.authz.clone(),
        client.as_ref().map(|c| c.id.clone()),
        FirstFactor::Password,
        signed.must_change_password,
        state.stores.clock.now(),
    );
    let (finished, response) = super::second_factor::proceed(&state, &req, journey, &user).await?;
    if !finished {
        state
            .metrics
            .sign_in(SignInMethod::Password, SignInOutcome::SecondFactorRequired);
    }
    Ok(response)
}

/// Every factor is proven: records the sign-in, starts the session and says where the
/// browser goes next (the authorization that asked, or the account page) with the
/// session cookie to set.
pub async fn finish_sign_in(
    state: &AppState,
    req: &HttpRequest,
    user: &User,
    methods: &[&str],
    amr: Vec<String>,
    pending: Option<(&str, Pending)>,
    origin: &Origin,
) -> Result<(String, Cookie<'static>), HttpError> {
    record_native_sign_in(&state.stores, user, methods, origin).await?;
    let entered = enter(state, req, user, amr, pending, origin).await?;
    // Named by the factor proven last: the password, or the second factor after it.
    if let Some(method) = methods.last().and_then(|m| SignInMethod::parse(m)) {
        state.metrics.sign_in(method, SignInOutcome::SignedIn);
    }
    Ok(entered)
}

/// Counts a refused password by why it was refused, and a lock it set.
fn count_refusal(state: &AppState, e: &SignInError) {
    let outcome = match e {
        SignInError::InvalidCredentials(why) => match why {
            CredentialsRefused::NoSuchAccount => SignInOutcome::NoSuchAccount,
            CredentialsRefused::WrongPassword => SignInOutcome::WrongPassword,
            CredentialsRefused::Locked => SignInOutcome::Locked,
            CredentialsRefused::LockedNow => {
                state.metrics.lock_set(LockKind::Password);
                SignInOutcome::Locked
            }
            CredentialsRefused::Disabled => SignInOutcome::Disabled,
        },
        SignInError::Locked => SignInOutcome::Locked,
        SignInError::Busy(_) => SignInOutcome::Busy,
        SignInError::OnLeave | SignInError::IpNotAllowed { .. } => SignInOutcome::Refused,
        SignInError::Store(_) => return,
    };
    state.metrics.sign_in(SignInMethod::Password, outcome);
}

/// Starts the session of a member whose sign-in is complete and recorded, and says
/// where the browser goes next (the `pending` authorization, under its id, or the
/// account page), with the session cookie to set.
pub async fn enter(
    state: &AppState,
    req: &HttpRequest,
    user: &User,
    amr: Vec<String>,
    pending: Option<(&str, Pending)>,
    origin: &Origin,
) -> Result<(String, Cookie<'static>), HttpError> {
    // Whatever session this browser had ends here; ending an unknown one changes nothing.
    let previous = web::session_cookie_value(state, req);
    let (cookie, session) = start_session(
        &state.stores,
        user,
        amr,
        origin,
        previous.as_deref(),
        session_lifetimes(state),
    )
    .await?;
    let location = match pending {
        Some((authz, mut p)) => {
            p.signed_in_session = Some(session.id.clone());
            oauth::save_pending(state, authz, &p).await?;
            format!("/authorize/continue?authz={authz}")
        }
        None => "/account".to_owned(),
    };
    Ok((location, web::session_cookie(state, cookie)))
}
