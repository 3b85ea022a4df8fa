//! "Continue with Google / Microsoft": the round trip through an upstream provider, and
//! its end, where the upstream identity becomes a member's session.

use super::login::{enter, pending_for};
use crate::error::HttpError;
use crate::metrics::SignInOutcome;
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use crate::upstream::{Started, Upstream, UpstreamError};
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::client::Client;
use idp_core::crypto::TokenDigest;
use idp_core::federation::{FederationError, Provider, record_upstream_failure, sign_in_upstream};
use idp_core::random::token;
use idp_core::signin::Origin;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long a member may take at the upstream provider.
const PENDING_TTL: Duration = Duration::from_secs(10 * 60);

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/login/federated/{provider}", aw::get().to(start))
        .route(
            "/login/federated/{provider}/callback",
            aw::get().to(callback),
        );
}

/// An upstream sign-in under way, stored under its `state` and taken once.
#[derive(Serialize, Deserialize)]
struct Pending {
    provider: String,
    authz: String,
    /// Digest of the browser's binding cookie: the callback must come from the same
    /// browser that set off.
    binding: String,
    started: Started,
}

fn pending_key(state: &str) -> String {
    format!("federation:{}", TokenDigest::of(state).to_hex())
}

fn callback_url(state: &AppState, provider: Provider) -> String {
    format!(
        "{}/login/federated/{}/callback",
        state.settings.issuer().trim_end_matches('/'),
        provider.as_str()
    )
}

/// The provider named in the path, and its client, when this deployment has it.
fn provider_of<'a>(name: &str, state: &'a AppState) -> Result<(Provider, &'a Upstream), HttpError> {
    Provider::parse(name)
        .and_then(|p| Some((p, state.upstreams.get(p)?)))
        .ok_or_else(|| HttpError::NotFound(format!("no sign-in with {name:?} here")))
}

/// Upstream sign-in failures are still worded in English only (issue 15 item 2 rewrites
/// these pages); the page says so in `<html lang>`.
fn error_page(status: StatusCode, title: &str, message: &str) -> Result<HttpResponse, HttpError> {
    let t = idp_core::i18n::Tr::default();
    render(
        status,
        &MessagePage {
            t: &t,
            title,
            message,
        },
    )
}

/// Logs and audits an upstream sign-in that failed before any member was known, and
/// answers the page that says so.
async fn fail(
    state: &AppState,
    provider: Provider,
    client: Option<&Client>,
    origin: &Origin,
    reason: &str,
    status: StatusCode,
    message: &str,
) -> Result<HttpResponse, HttpError> {
    tracing::warn!(
        provider = provider.as_str(),
        reason,
        "upstream sign-in failed: {message}"
    );
    state
        .metrics
        .sign_in(provider.into(), SignInOutcome::Failed);
    record_upstream_failure(&state.stores, provider, client, origin, reason).await?;
    let title = format!("Sign-in with {} did not work", provider.label());
    let response = error_page(status, &title, message)?;
    web::with_cookie(response, Some(web::federation_cookie(state, String::new())))
}

/// The page for an upstream that failed or answered what could not be trusted.
async fn upstream_failed(
    state: &AppState,
    provider: Provider,
    client: Option<&Client>,
    origin: &Origin,
    e: &UpstreamError,
) -> Result<HttpResponse, HttpError> {
    let (status, message) = match e {
        UpstreamError::Unreachable { provider, .. } => (
            StatusCode::BAD_GATEWAY,
            format!(
                "{provider} is not answering right now. Try again in a few minutes, or sign in another way."
            ),
        ),
        UpstreamError::BadAnswer { provider, .. } => (
            StatusCode::BAD_GATEWAY,
            format!(
                "{provider} answered in a way we could not use. Try again later, or sign in another way."
            ),
        ),
        UpstreamError::InvalidToken { provider, .. } => (
            StatusCode::BAD_REQUEST,
            format!(
                "The sign-in from {provider} could not be verified, so it was refused. Start again."
            ),
        ),
    };
    fail(
        state,
        provider,
        client,
        origin,
        e.reason(),
        status,
        &message,
    )
    .await
}

#[derive(Deserialize)]
struct StartQuery {
    #[serde(default)]
    authz: String,
}

async fn start(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<StartQuery>,
) -> Result<HttpResponse, HttpError> {
    let (provider, upstream) = provider_of(&path, &state)?;
    let origin = web::origin(&req);
    let (url, upstream_state, started) = match upstream.start(&callback_url(&state, provider)).await
    {
        Ok(started) => started,
        Err(e) => {
            tracing::warn!(error = %e, "upstream discovery failed");
            let (_, client) = pending_for(&state, &query.authz).await?;
            return upstream_failed(&state, provider, client.as_deref(), &origin, &e).await;
        }
    };
    let binding = token(state.stores.random.as_ref());
    let pending = Pending {
        provider: provider.as_str().to_owned(),
        authz: query.authz.clone(),
        binding: TokenDigest::of(&binding).to_hex(),
        started,
    };
    web::put_json(&state, &pending_key(&upstream_state), &pending, PENDING_TTL).await?;
    web::with_cookie(
        web::found(url.as_str()),
        Some(web::federation_cookie(&state, binding)),
    )
}

#[derive(Deserialize)]
struct CallbackQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
    /// Entra's answer when an administrator comes back from the admin-consent link.
    #[serde(default)]
    admin_consent: Option<String>,
    #[serde(default)]
    tenant: Option<String>,
}

/// An upstream error code as the audit log keeps it: short, plain.
fn error_code(error: &str) -> String {
    error
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(40)
        .collect()
}

async fn callback(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<CallbackQuery>,
) -> Result<HttpResponse, HttpError> {
    let (provider, upstream) = provider_of(&path, &state)?;
    let origin = web::origin(&req);
    // The console's admin-consent link comes back here (the redirect URI Entra knows).
    if provider == Provider::Entra
        && let Some(outcome) = idp_core::policy_edit::admin_consent_outcome(
            query.admin_consent.as_deref(),
            query.tenant.as_deref(),
            query.error.as_deref(),
        )
    {
        return match outcome {
            idp_core::policy_edit::AdminConsent::Granted { tenant } => error_page(
                StatusCode::OK,
                "Consent granted",
                &format!(
                    "Microsoft Entra ID recorded your organization's consent (tenant {tenant}). Its members can now sign in with Microsoft without being asked one by one. You can close this page."
                ),
            ),
            idp_core::policy_edit::AdminConsent::Refused { error } => error_page(
                StatusCode::FORBIDDEN,
                "Consent was not granted",
                &format!(
                    "Microsoft Entra ID did not record the consent ({error}). Open the link again and accept, signed in as an administrator of your organization's tenant."
                ),
            ),
        };
    }
    // Single use: a replayed or forged `state` finds nothing.
    let pending: Option<Pending> = web::take_json(&state, &pending_key(&query.state)).await?;
    let bound = web::federation_cookie_value(&state, &req).map(|c| TokenDigest::of(&c).to_hex());
    let pending = pending.filter(|p| {
        p.provider == provider.as_str() && bound.as_deref() == Some(p.binding.as_str())
    });
    let Some(pending) = pending else {
        return fail(
            &state,
            provider,
            None,
            &origin,
            "invalid_state",
            StatusCode::BAD_REQUEST,
            "This sign-in has expired, was already used, or did not start in this browser. Start again from the sign-in page.",
        )
        .await;
    };
    let (authorization, client) = pending_for(&state, &pending.authz).await?;
    if let Some(error) = &query.error {
        let code = error_code(error);
        let message = match (code.as_str(), &query.error_description) {
            ("access_denied", _) => format!(
                "{} sign-in was cancelled or refused (access_denied). You can start again.",
                provider.label()
            ),
            ("consent_required" | "interaction_required", _) => format!(
                "{} needs you to agree before it shares who you are ({code}). Start again and accept, or ask your administrator to grant consent for your organization.",
                provider.label()
            ),
            (_, Some(description)) => format!(
                "{} did not sign you in ({code}): {}",
                provider.label(),
                description.chars().take(200).collect::<String>()
            ),
            (_, None) => format!("{} did not sign you in ({code}).", provider.label()),
        };
        return fail(
            &state,
            provider,
            client.as_deref(),
            &origin,
            &format!("upstream_error:{code}"),
            StatusCode::FORBIDDEN,
            &message,
        )
        .await;
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return fail(
            &state,
            provider,
            client.as_deref(),
            &origin,
            "no_code",
            StatusCode::BAD_REQUEST,
            "The answer from the provider carried no authorization code. Start again.",
        )
        .await;
    };
    let identity = match upstream
        .finish(&callback_url(&state, provider), code, &pending.started)
        .await
    {
        Ok(identity) => identity,
        Err(e) => {
            tracing::warn!(error = %e, "upstream sign-in refused");
            return upstream_failed(&state, provider, client.as_deref(), &origin, &e).await;
        }
    };
    let signed = match sign_in_upstream(&state.stores, &identity, client.as_deref(), &origin).await
    {
        Ok(signed) => signed,
        Err(FederationError::Store(e)) => return Err(e.into()),
        Err(e) => {
            state
                .metrics
                .sign_in(provider.into(), SignInOutcome::Refused);
            tracing::info!(
                provider = provider.as_str(),
                reason = e.reason(),
                "upstream sign-in refused"
            );
            let title = format!("Sign-in with {} did not work", provider.label());
            let response = error_page(StatusCode::FORBIDDEN, &title, &e.to_string())?;
            return web::with_cookie(
                response,
                Some(web::federation_cookie(&state, String::new())),
            );
        }
    };
    let (location, session) = enter(
        &state,
        &req,
        &signed.user,
        signed.amr,
        authorization.map(|p| (pending.authz.as_str(), p)),
        &origin,
    )
    .await?;
    state
        .metrics
        .sign_in(provider.into(), SignInOutcome::SignedIn);
    web::with_cookies(
        web::see_other(&location),
        &[session, web::federation_cookie(&state, String::new())],
    )
}
