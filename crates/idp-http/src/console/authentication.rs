//! An organization's Authentication tab: email-and-password sign-in on or off for the
//! whole tree (set on the main organization only), with what turning it off deletes and
//! a typed confirmation; a sub-organization shows the state it inherits and from where.

use super::members::{open, org_or_respond};
use super::settings::{Chain, refusal_text};
use super::{Console, Frame, OrgTabs};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::authz::Permission;
use idp_core::org::Organization;
use idp_core::policy_edit::{self, Source};
use idp_core::records::CredentialScope;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/authentication", aw::get().to(show))
        .route("/admin/orgs/{org}/authentication", aw::post().to(save));
}

#[derive(Template)]
#[template(path = "console/authentication.html")]
struct AuthenticationPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    error: Option<String>,
    is_root: bool,
    enabled: bool,
    source: String,
    source_href: Option<String>,
    with_password: u64,
    with_second_factor: u64,
    with_pending_link: u64,
    version: String,
    typed: String,
    org_name: String,
    members_href: String,
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<super::Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::LoginSettings);
    let notice = query.notice();
    render(
        &state,
        &console,
        &org,
        StatusCode::OK,
        notice,
        None,
        String::new(),
    )
    .await
}

async fn render(
    state: &AppState,
    console: &Console,
    org: &Organization,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    typed: String,
) -> Result<HttpResponse, HttpError> {
    let chain = Chain::load(state, org).await?;
    let source = policy_edit::email_login_source(&chain.settings);
    let counts = |scope| state.stores.credentials.count_in_subtree(&org.path, scope);
    let with_password = counts(CredentialScope::Everything).await?;
    let with_second_factor = counts(CredentialScope::SecondFactors).await?;
    let with_pending_link = state
        .stores
        .credentials
        .count_pending_links_in_subtree(
            &org.path,
            &idp_core::password_policy::PASSWORD_PURPOSES,
            state.stores.clock.now(),
        )
        .await?;
    // A link to where it is set, only for an administrator who may change it there.
    let mut source_href = None;
    if let (Source::Inherited(_), Some(slug)) = (source, chain.source_slug(source))
        && let Ok(there) = idp_core::admin::resolve_org(&state.stores, &slug).await
        && console
            .holds(state, &there, Permission::LoginSettings)
            .await?
    {
        source_href = Some(format!("/admin/orgs/{slug}/authentication"));
    }
    console.page(
        status,
        &AuthenticationPage {
            frame: console.frame(
                console.t.t1("console-authentication-of", "org", &org.name),
                "orgs",
            ),
            tabs: console.tabs(state, org, "Authentication").await?,
            notice,
            error,
            is_root: org.is_root(),
            enabled: chain.effective.email_password_login,
            source: chain.source_label(&console.t, source),
            source_href,
            with_password,
            with_second_factor,
            with_pending_link,
            version: chain.version,
            typed,
            org_name: org.name.clone(),
            members_href: format!("/admin/orgs/{}/members?email_login=on&subtree=1", org.slug),
        },
    )
}

#[derive(serde::Deserialize)]
struct SaveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    confirm: String,
}

async fn save(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<SaveForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let back = format!("/admin/orgs/{}/authentication", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::LoginSettings);
    let enable = match form.action.as_str() {
        "enable" => true,
        "disable" => false,
        _ => {
            return console.say(
                StatusCode::BAD_REQUEST,
                "console-unknown-action-title",
                "console-auth-unknown-action",
                "console-back-to-authentication",
                &back,
            );
        }
    };
    let affected = state
        .stores
        .credentials
        .count_in_subtree(&org.path, CredentialScope::Everything)
        .await?;
    let confirm = policy_edit::typed_confirmation(&form.confirm, &org.name, affected);
    let result = policy_edit::save_policy(
        &state.stores,
        &console.actor,
        &web::origin(&req),
        &org,
        &form.version,
        &[("email_password_login".to_owned(), enable.to_string())],
        confirm,
        &state.settings.welcome_links(),
    )
    .await;
    match result {
        Ok(u) => {
            let done = if enable {
                console.t.t1("console-auth-enabled", "count", u.invited)
            } else {
                console.t.t1("console-auth-disabled", "count", u.cleared)
            };
            Ok(super::Done::back_to(&back, &done))
        }
        Err(e) => {
            let (status, text) = refusal_text(&console.t, e)?;
            render(
                &state,
                &console,
                &org,
                status,
                None,
                Some(text),
                form.confirm.clone(),
            )
            .await
        }
    }
}
