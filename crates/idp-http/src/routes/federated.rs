//! "Continue with Google / Microsoft": the round trip through an upstream provider, and
//! its end, where the upstream identity becomes a member's session.

use super::login::{enter, pending_for};
use crate::error::HttpError;
use crate::lang::{self, Reader};
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
use idp_core::i18n::Tr;
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

/// A page that says how an upstream sign-in ended, in the reader's language.
fn error_page(
    t: &Tr,
    status: StatusCode,
    title: &str,
    message: &str,
) -> Result<HttpResponse, HttpError> {
    render(status, &MessagePage { t, title, message })
}

/// The reader of a sign-in's failure page: the language its authorization asked for,
/// else the browser's, else its application's organization's.
async fn reader(
    state: &AppState,
    req: &HttpRequest,
    authorization: Option<&crate::oauth::Pending>,
    client: Option<&Client>,
) -> Result<Tr, HttpError> {
    lang::tr(
        state,
        req,
        Reader {
            pending: authorization,
            org: client.map(|c| &c.org_id),
            ..Default::default()
        },
    )
    .await
}

/// Logs and audits an upstream sign-in that failed before any member was known, and
/// answers the page that says so.
#[expect(
    clippy::too_many_arguments,
    reason = "what failed, for the log, the audit and the page"
)]
async fn fail(
    state: &AppState,
    t: &Tr,
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
    let title = t.t1("federation-failed-title", "provider", provider.label());
    let response = error_page(t, status, &title, message)?;
    web::with_cookie(response, Some(web::federation_cookie(state, String::new())))
}

/// The page for an upstream that failed or answered what could not be trusted.
async fn upstream_failed(
    state: &AppState,
    t: &Tr,
    provider: Provider,
    client: Option<&Client>,
    origin: &Origin,
    e: &UpstreamError,
) -> Result<HttpResponse, HttpError> {
    let (status, message) = match e {
        UpstreamError::Unreachable { provider, .. } => (
            StatusCode::BAD_GATEWAY,
            t.t1("federation-unreachable", "provider", *provider),
        ),
        UpstreamError::BadAnswer { provider, .. } => (
            StatusCode::BAD_GATEWAY,
            t.t1("federation-bad-answer", "provider", *provider),
        ),
        UpstreamError::InvalidToken { provider, .. } => (
            StatusCode::BAD_REQUEST,
            t.t1("federation-invalid-token", "provider", *provider),
        ),
    };
    fail(
        state,
        t,
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
            let (authorization, client) = pending_for(&state, &query.authz).await?;
            let t = reader(&state, &req, authorization.as_ref(), client.as_deref()).await?;
            return upstream_failed(&state, &t, provider, client.as_deref(), &origin, &e).await;
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
        let t = lang::from_browser(&req);
        return match outcome {
            idp_core::policy_edit::AdminConsent::Granted { tenant } => error_page(
                &t,
                StatusCode::OK,
                &t.t("federation-consent-granted-title"),
                &t.t1("federation-consent-granted", "tenant", tenant),
            ),
            idp_core::policy_edit::AdminConsent::Refused { error } => error_page(
                &t,
                StatusCode::FORBIDDEN,
                &t.t("federation-consent-refused-title"),
                &t.t1("federation-consent-refused", "error", error),
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
        let t = lang::from_browser(&req);
        return fail(
            &state,
            &t,
            provider,
            None,
            &origin,
            "invalid_state",
            StatusCode::BAD_REQUEST,
            &t.t("federation-invalid-state"),
        )
        .await;
    };
    let (authorization, client) = pending_for(&state, &pending.authz).await?;
    let t = reader(&state, &req, authorization.as_ref(), client.as_deref()).await?;
    if let Some(error) = &query.error {
        let code = error_code(error);
        let name = provider.label();
        let message = match (code.as_str(), &query.error_description) {
            ("access_denied", _) => t.t1("federation-cancelled", "provider", name),
            ("consent_required" | "interaction_required", _) => t.t2(
                "federation-consent-required",
                "provider",
                name,
                "code",
                &code,
            ),
            // The provider's own description, in whatever language it wrote it.
            (_, Some(description)) => t.message(
                "federation-upstream-error-described",
                &[
                    ("provider", &name),
                    ("code", &code),
                    (
                        "description",
                        &description.chars().take(200).collect::<String>(),
                    ),
                ],
            ),
            (_, None) => t.t2("federation-upstream-error", "provider", name, "code", &code),
        };
        return fail(
            &state,
            &t,
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
            &t,
            provider,
            client.as_deref(),
            &origin,
            "no_code",
            StatusCode::BAD_REQUEST,
            &t.t("federation-no-code"),
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
            return upstream_failed(&state, &t, provider, client.as_deref(), &origin, &e).await;
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
            let title = t.t1("federation-failed-title", "provider", provider.label());
            let response = error_page(&t, StatusCode::FORBIDDEN, &title, &e.message(&t))?;
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
