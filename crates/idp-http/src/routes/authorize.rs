//! The authorization endpoint (RFC 6749 §4.1.1, OIDC Core §3.1.2): takes the request
//! that counts (pushed, RFC 9126; a signed request object, RFC 9101; or the query) and
//! validates it, sends the browser through sign-in and consent when needed, and answers
//! with a code or an error by query or form post, always with `iss` (RFC 9207).

use crate::error::HttpError;
use crate::oauth::{self, Pending};
use crate::pages::{MessagePage, render};
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::ids::ClientId;
use idp_core::journey::{FirstFactor, Journey};
use idp_core::oidc::OAuthError;
use idp_core::oidc::acr::Acr;
use idp_core::oidc::authorize::{
    self, AuthorizeRequest, Rejection, ResponseMode, SessionView, Situation, Step,
};
use idp_core::oidc::logout::read_id_token_hint;
use idp_core::oidc::par;
use idp_core::oidc::token::{CodeGrant, issue_code};
use idp_core::random::token;
use idp_core::records::BrowserSession;
use idp_core::signin::{SessionLifetimes, resolve_session};
use std::time::Duration;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/authorize", aw::get().to(authorize_get))
        .route("/authorize", aw::post().to(authorize_post))
        .route("/authorize/continue", aw::get().to(resume));
}

pub fn session_lifetimes(state: &AppState) -> SessionLifetimes {
    SessionLifetimes {
        idle: Duration::from_secs(state.settings.session.idle_timeout_secs),
        absolute: Duration::from_secs(state.settings.session.absolute_lifetime_secs),
    }
}

/// The live session of this browser, if any.
pub async fn current_session(
    state: &AppState,
    req: &HttpRequest,
) -> Result<Option<BrowserSession>, HttpError> {
    match web::session_cookie_value(state, req) {
        Some(cookie) => {
            Ok(resolve_session(&state.stores, &cookie, session_lifetimes(state)).await?)
        }
        None => Ok(None),
    }
}

async fn authorize_get(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, HttpError> {
    start(&state, &req, query.into_inner()).await
}

async fn authorize_post(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, HttpError> {
    start(&state, &req, form.into_inner()).await
}

/// A request that cannot even be answered to the application: the reader's browser
/// decides the language (the request may name no known client); a known client's
/// organization lends its branding, so the page says where to get help.
async fn error_page(
    state: &AppState,
    req: &HttpRequest,
    org: Option<&idp_core::ids::OrgId>,
    message: &str,
) -> Result<HttpResponse, HttpError> {
    let t = crate::lang::branded(state, crate::lang::from_browser(req), org).await?;
    render(
        StatusCode::BAD_REQUEST,
        &MessagePage {
            t: &t,
            title: &t.t("authorize-bad-link-title"),
            message,
        },
    )
}

async fn start(
    state: &AppState,
    req: &HttpRequest,
    params: Vec<(String, String)>,
) -> Result<HttpResponse, HttpError> {
    let client_id = params
        .iter()
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| ClientId::from_string(v.clone()));
    let client = match &client_id {
        Some(id) => state.clients.get(&state.stores, id).await?,
        None => None,
    };
    let request = match par::resolve(
        state.stores.ephemeral.as_ref(),
        &params,
        client.as_deref(),
        &super::par::request_policy(state),
        state.stores.clock.now(),
    )
    .await
    {
        Ok(r) => r,
        Err(Rejection::Page(message)) => {
            let org = client.as_ref().map(|c| &c.org_id);
            return error_page(state, req, org, &message).await;
        }
        Err(Rejection::Redirect {
            redirect_uri,
            response_mode,
            state: st,
            error,
        }) => {
            return respond(
                state,
                &redirect_uri,
                response_mode,
                &error_fields(&error, st.as_deref()),
            );
        }
    };
    proceed(state, req, request, None, None).await
}

/// Decides and acts: sign-in page, consent page, a code, or an error back to the client.
async fn proceed(
    state: &AppState,
    req: &HttpRequest,
    request: AuthorizeRequest,
    pending_id: Option<&str>,
    pending: Option<&Pending>,
) -> Result<HttpResponse, HttpError> {
    let session = current_session(state, req).await?;
    let hint_subject = match &request.id_token_hint {
        Some(hint) => match read_id_token_hint(
            state.keys.get().verifier_set(),
            state.settings.issuer(),
            hint,
        ) {
            Some(read) => read.sub,
            None => {
                let error = OAuthError::invalid_request(
                    "id_token_hint is not an ID token this server issued",
                );
                return finish_with_error(state, &request, pending_id, &error).await;
            }
        },
        None => None,
    };
    let client = state.clients.get(&state.stores, &request.client_id).await?;
    let Some(client) = client else {
        let t = crate::lang::from_browser(req);
        return error_page(state, req, None, &t.t("authorize-client-gone")).await;
    };
    let consent_covers = match &session {
        _ if client.first_party => true,
        Some(s) => state
            .stores
            .consents
            .find(&s.user_id, &client.id)
            .await?
            .is_some_and(|c| c.covers(&request.scopes)),
        None => false,
    };
    let view = session.as_ref().map(|s| SessionView {
        user_id: s.user_id.clone(),
        auth_time: s.auth_time,
        acr: Acr::achieved(&s.amr),
        subject: state.subjects.subject_for(&client, &s.user_id),
    });
    let sid = session.as_ref().map(|s| &s.id);
    let situation = Situation {
        session: view.as_ref(),
        hint_subject: hint_subject.as_deref(),
        signed_in_now: pending
            .and_then(|p| p.signed_in_session.as_ref())
            .is_some_and(|p| Some(p) == sid),
        consented_now: pending
            .and_then(|p| p.consented_session.as_ref())
            .is_some_and(|p| Some(p) == sid),
        consent_covers,
        now: state.stores.clock.now(),
    };
    let step = authorize::decide(&request, &situation);
    if let (Some(id), Some(link)) = (pending_id, pending.and_then(|p| p.device.as_ref())) {
        // A device authorization: the same sign-in journey, but it ends on the device's
        // confirmation page, never at a redirect URI.
        let Some(pending) = pending else {
            return Err(HttpError::Internal("device link without pending".into()));
        };
        return match step {
            Step::StepUp => match &session {
                Some(session) => {
                    step_up(state, req, session, id.to_owned(), Some(client.id.clone())).await
                }
                None => Ok(web::found(&format!("/login?authz={id}"))),
            },
            step => {
                super::device::after_decision(state, req, step, session.as_ref(), id, pending, link)
                    .await
            }
        };
    }
    match step {
        Step::Issue => {
            let Some(session) = session else {
                return Err(HttpError::Internal("issue without a session".into()));
            };
            if let Some(id) = pending_id {
                oauth::drop_pending(state, id).await?;
            }
            let grant = CodeGrant::for_request(
                &request,
                &session.user_id,
                session.auth_time,
                session.amr.clone(),
                Some(session.id.clone()),
            );
            // Back-Channel Logout: the session now signed into this client, so that its
            // end tells the client (recorded before the code leaves).
            state
                .stores
                .sessions
                .record_client(&session.id, &client.id, state.stores.clock.now())
                .await?;
            let code = issue_code(&state.stores, &grant, oauth::lifetimes(state).code).await?;
            let mut fields = vec![("code", code)];
            if let Some(s) = &request.state {
                fields.push(("state", s.clone()));
            }
            respond(state, &request.redirect_uri, request.response_mode, &fields)
        }
        Step::Fail(error) => finish_with_error(state, &request, pending_id, &error).await,
        step @ (Step::SignIn | Step::StepUp | Step::Consent) => {
            let id = match pending_id {
                Some(id) => id.to_owned(),
                None => {
                    let id = token(state.stores.random.as_ref());
                    let fresh = Pending {
                        request,
                        signed_in_session: None,
                        consented_session: None,
                        device: None,
                    };
                    oauth::save_pending(state, &id, &fresh).await?;
                    id
                }
            };
            if let (Step::StepUp, Some(session)) = (&step, &session) {
                return step_up(state, req, session, id, Some(client.id.clone())).await;
            }
            let page = if step == Step::SignIn {
                "/login"
            } else {
                "/consent"
            };
            Ok(web::found(&format!("{page}?authz={id}")))
        }
    }
}

/// The signed-in member proves a second factor (or sets one up) on the sign-in's own
/// pages; a new session with both factors then resumes the request.
async fn step_up(
    state: &AppState,
    req: &HttpRequest,
    session: &BrowserSession,
    authz: String,
    client: Option<ClientId>,
) -> Result<HttpResponse, HttpError> {
    let Some(user) = state.stores.users.find_by_id(&session.user_id).await? else {
        return Ok(web::found(&format!("/login?authz={authz}")));
    };
    let journey = Journey::begin(
        session.user_id.clone(),
        authz,
        client,
        FirstFactor::Session {
            amr: session.amr.clone(),
        },
        false,
        state.stores.clock.now(),
    );
    let (_, response) = super::second_factor::proceed(state, req, journey, &user).await?;
    Ok(response)
}

async fn finish_with_error(
    state: &AppState,
    request: &AuthorizeRequest,
    pending_id: Option<&str>,
    error: &OAuthError,
) -> Result<HttpResponse, HttpError> {
    if let Some(id) = pending_id {
        oauth::drop_pending(state, id).await?;
    }
    respond(
        state,
        &request.redirect_uri,
        request.response_mode,
        &error_fields(error, request.state.as_deref()),
    )
}

pub fn error_fields(error: &OAuthError, st: Option<&str>) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("error", error.code.as_str().to_owned()),
        ("error_description", error.description.clone()),
    ];
    if let Some(s) = st {
        fields.push(("state", s.to_owned()));
    }
    fields
}

#[derive(Template)]
#[template(path = "form_post.html")]
struct FormPost<'a> {
    action: &'a str,
    fields: Vec<(&'a str, &'a str)>,
}

/// Sends the authorization response to the client: query string or form post.
pub fn respond(
    state: &AppState,
    redirect_uri: &str,
    mode: ResponseMode,
    fields: &[(&str, String)],
) -> Result<HttpResponse, HttpError> {
    let mut fields: Vec<(&str, String)> = fields.to_vec();
    // RFC 9207: every authorization response names its issuer.
    fields.push(("iss", state.settings.issuer().to_owned()));
    match mode {
        ResponseMode::Query => {
            let mut url =
                url::Url::parse(redirect_uri).map_err(|e| HttpError::Internal(e.to_string()))?;
            {
                let mut q = url.query_pairs_mut();
                for (k, v) in &fields {
                    q.append_pair(k, v);
                }
            }
            Ok(web::found(url.as_str()))
        }
        ResponseMode::FormPost => {
            let page = FormPost {
                action: redirect_uri,
                fields: fields.iter().map(|(k, v)| (*k, v.as_str())).collect(),
            };
            let html = page
                .render()
                .map_err(|e| HttpError::Internal(e.to_string()))?;
            Ok(HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
                .insert_header((CACHE_CONTROL, "no-store"))
                .insert_header((
                    CONTENT_SECURITY_POLICY,
                    "default-src 'none'; script-src 'unsafe-inline'; frame-ancestors 'none'",
                ))
                .body(html))
        }
    }
}

#[derive(serde::Deserialize)]
struct ResumeQuery {
    #[serde(default)]
    authz: String,
}

/// After the sign-in or consent page: decide again with what the browser just did.
async fn resume(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<ResumeQuery>,
) -> Result<HttpResponse, HttpError> {
    let Some(pending) = oauth::load_pending(&state, &query.authz).await? else {
        let t = crate::lang::from_browser(&req);
        return render(
            StatusCode::BAD_REQUEST,
            &MessagePage::keys(&t, "signin-expired-title", "signin-expired-message"),
        );
    };
    let request = pending.request.clone();
    proceed(&state, &req, request, Some(&query.authz), Some(&pending)).await
}
