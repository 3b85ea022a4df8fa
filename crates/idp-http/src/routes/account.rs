//! The member's own account page: where they are signed in (and ending any of those
//! sessions), how they sign in, and the applications they consented to (withdrawing any).

use super::authorize::current_session;
use crate::error::HttpError;
use crate::pages::render;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::i18n::{
    Language, PreferenceError, TimeZoneError, Tr, save_preferences as save_preferences_of,
};
use idp_core::ids::SessionId;
use idp_core::records::{LoginMethodKind, User};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/account", aw::get().to(show))
        .route("/account/sessions/end", aw::post().to(end_one))
        .route("/account/consents/revoke", aw::post().to(revoke_consent))
        .route("/account/preferences", aw::post().to(save_preferences));
}

struct SessionRow {
    id: String,
    device: String,
    ip: String,
    started: String,
    last_active: String,
    current: bool,
}

struct ConsentRow {
    client_id: String,
    client: String,
    scopes: String,
    granted: String,
}

struct MethodRow {
    kind: String,
    last: String,
    count: i64,
    ip: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    t: &'a Tr,
    languages: Vec<(&'static str, &'static str)>,
    /// The member's own language, "" when they leave it to the browser.
    saved_language: &'a str,
    time_zone: &'a str,
    notice: Option<String>,
    error: Option<String>,
    csrf: &'a str,
    email: &'a str,
    name: &'a str,
    job_title: &'a str,
    phone: &'a str,
    sessions: Vec<SessionRow>,
    methods: Vec<MethodRow>,
    consents: Vec<ConsentRow>,
    administrator: bool,
}

/// "Firefox on Linux" from a user agent, or the raw string when it is unusual.
pub fn describe_user_agent(t: &Tr, ua: Option<&str>) -> String {
    let Some(ua) = ua.filter(|u| !u.is_empty()) else {
        return t.t("unknown-browser");
    };
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => t.t2("browser-on-system", "browser", b, "system", s),
        (Some(b), None) => b.to_owned(),
        _ => ua.chars().take(60).collect(),
    }
}

#[derive(serde::Deserialize)]
struct ShowQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<ShowQuery>,
) -> Result<HttpResponse, HttpError> {
    let Some((session, user)) = signed_in_member(&state, &req).await? else {
        return Ok(web::found("/login"));
    };
    let t = crate::lang::for_member(&state, &req, &user).await?;
    let notice = query.saved.is_some().then(|| t.t("account-saved"));
    page(
        &state,
        &req,
        &t,
        &session.id,
        &user,
        notice,
        None,
        StatusCode::OK,
    )
    .await
}

#[expect(
    clippy::too_many_arguments,
    reason = "one page's inputs, each named at every call"
)]
async fn page(
    state: &AppState,
    req: &HttpRequest,
    t: &Tr,
    current: &SessionId,
    user: &User,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, HttpError> {
    let now = state.stores.clock.now();
    let sessions = state
        .stores
        .sessions
        .find_live_by_user(&user.id, now)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            current: s.id == *current,
            id: s.id.to_string(),
            device: describe_user_agent(t, s.user_agent.as_deref()),
            ip: s.ip.unwrap_or_default(),
            started: t.datetime(s.created_at),
            last_active: t.datetime(s.last_seen_at),
        })
        .collect();
    let methods = state
        .stores
        .login_methods
        .find_by_user(&user.id)
        .await?
        .into_iter()
        .map(|m| MethodRow {
            kind: match m.kind {
                LoginMethodKind::Native => t.t("method-native"),
                LoginMethodKind::Google => t.t("method-google"),
                LoginMethodKind::Entra => t.t("method-entra"),
            },
            last: m
                .last_sign_in_at
                .map(|at| t.datetime(at))
                .unwrap_or_default(),
            count: m.sign_in_count,
            ip: m.last_ip.unwrap_or_default(),
        })
        .collect();
    let mut consents = Vec::new();
    for c in state.stores.consents.find_by_user(&user.id).await? {
        let name = state
            .clients
            .get(&state.stores, &c.client_id)
            .await?
            .map(|client| client.name.clone())
            .unwrap_or_else(|| c.client_id.to_string());
        consents.push(ConsentRow {
            client_id: c.client_id.to_string(),
            client: name,
            scopes: c.scopes.join(" "),
            granted: t.datetime(c.granted_at),
        });
    }
    let (csrf, cookie) = web::csrf_token(state, req);
    let saved_language = user
        .locale
        .as_deref()
        .and_then(Language::from_tag)
        .map_or("", Language::as_str);
    let response = render(
        status,
        &AccountPage {
            t,
            languages: crate::lang::choices(),
            saved_language,
            time_zone: user.zoneinfo.as_deref().unwrap_or_default(),
            notice,
            error,
            csrf: &csrf,
            email: user.email.as_str(),
            name: user.name.as_deref().unwrap_or_default(),
            job_title: user.job_title.as_deref().unwrap_or_default(),
            phone: user.phone.as_deref().unwrap_or_default(),
            sessions,
            methods,
            consents,
            administrator: idp_core::policy::is_admin(&state.stores, user).await?,
        },
    )?;
    web::with_cookie(response, cookie)
}

#[derive(serde::Deserialize)]
struct EndForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    session: String,
}

async fn end_one(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<EndForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some(current) = current_session(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let target = SessionId::from_string(form.session.clone());
    // Only the member's own sessions can be ended here.
    if let Some(s) = state.stores.sessions.find_by_id(&target).await?
        && s.user_id == current.user_id
    {
        state
            .stores
            .sessions
            .end(&s.id, state.stores.clock.now())
            .await?;
    }
    Ok(web::see_other(if target == current.id {
        "/login"
    } else {
        "/account"
    }))
}

/// This browser's session and its member, when it is signed in.
async fn signed_in_member(
    state: &AppState,
    req: &HttpRequest,
) -> Result<Option<(idp_core::records::BrowserSession, User)>, HttpError> {
    let Some(session) = current_session(state, req).await? else {
        return Ok(None);
    };
    Ok(state
        .stores
        .users
        .find_by_id(&session.user_id)
        .await?
        .map(|user| (session, user)))
}

#[derive(serde::Deserialize)]
struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    client: String,
}

/// Withdraws the member's consent to one application.
async fn revoke_consent(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<RevokeForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((_, user)) = signed_in_member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    idp_core::signin::revoke_consent(
        &state.stores,
        &user,
        &idp_core::ids::ClientId::from_string(form.client.clone()),
        &web::origin(&req),
    )
    .await?;
    Ok(web::see_other("/account"))
}

#[derive(serde::Deserialize)]
struct PreferencesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    time_zone: String,
}

/// Saves the member's language and time zone; a zone that is not an IANA name comes
/// back with the form, saying so.
async fn save_preferences(
    state: aw::Data<AppState>,
    req: HttpRequest,
    form: aw::Form<PreferencesForm>,
) -> Result<HttpResponse, HttpError> {
    web::check_csrf(&state, &req, &form.csrf)?;
    let Some((session, user)) = signed_in_member(&state, &req).await? else {
        return Ok(web::see_other("/login"));
    };
    let language = Language::from_tag(&form.language);
    match save_preferences_of(&state.stores, &user, language, Some(&form.time_zone)).await {
        Ok(_) => Ok(web::see_other("/account?saved=1")),
        Err(PreferenceError::TimeZone(TimeZoneError::Unknown(zone))) => {
            let t = crate::lang::for_member(&state, &req, &user).await?;
            let error = t.t1("account-bad-zone", "zone", zone);
            page(
                &state,
                &req,
                &t,
                &session.id,
                &user,
                None,
                Some(error),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(PreferenceError::Store(e)) => Err(e.into()),
    }
}
