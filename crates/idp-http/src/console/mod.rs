//! The administrator console under `/admin`: server-rendered pages over the same
//! `idp-core` use cases as the JSON API. An administrator sees only the organizations
//! they administer and only the areas they hold there; what they cannot do is not shown.
//! Every page works with plain forms and links; filters and pages live in the URL.

pub mod administrators;
pub mod audit;
pub mod authentication;
pub mod branding;
pub mod clients;
pub mod federation;
pub mod keys;
pub mod login_settings;
pub mod member;
pub mod members;
pub mod members_io;
pub mod orgs;
pub mod registration_tokens;
pub mod security;
pub mod settings;

use crate::error::HttpError;
use crate::routes::authorize::current_session;
use crate::state::AppState;
use crate::web;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::admin::AdminError;
use idp_core::authz::{self, Actor, AuthzError, Permission};
use idp_core::i18n::Tr;
use idp_core::org::Organization;
use idp_core::records::{AdminAssignment, User};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin", aw::get().to(home))
        .route("/admin/", aw::get().to(home))
        .route("/admin/static/console.css", aw::get().to(stylesheet))
        .route("/admin/static/console.js", aw::get().to(script));
    orgs::configure(cfg);
    clients::configure(cfg);
    members_io::configure(cfg);
    members::configure(cfg);
    member::configure(cfg);
    authentication::configure(cfg);
    security::configure(cfg);
    login_settings::configure(cfg);
    branding::configure(cfg);
    federation::configure(cfg);
    administrators::configure(cfg);
    audit::configure(cfg);
    keys::configure(cfg);
    registration_tokens::configure(cfg);
}

async fn home() -> HttpResponse {
    web::found("/admin/orgs")
}

async fn stylesheet() -> HttpResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/console.css"),
    )
}

async fn script() -> HttpResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/console.js"),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

/// The query of a page a change sends the browser back to: `done` says, in the
/// administrator's words, what was done.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

impl Done {
    /// Sends the browser back to `page`, which shows `text` as what was just done.
    pub fn back_to(page: &str, text: &str) -> HttpResponse {
        web::see_other(&format!(
            "{page}?done={}",
            url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
        ))
    }

    /// The notice the page shows, if a change just happened.
    pub fn notice(&self) -> Option<String> {
        (!self.done.is_empty()).then(|| self.done.clone())
    }
}

/// What every console page's layout shows.
pub struct Frame {
    /// The administrator's messages: their language and time zone.
    pub t: Tr,
    pub title: String,
    /// The top-level section the page belongs to (`orgs`, `clients`, `keys`).
    pub section: &'static str,
    pub me: String,
    pub csrf: String,
    pub nav_clients: bool,
    pub nav_keys: bool,
}

/// The signed-in administrator of a console request.
pub struct Console {
    /// The administrator's messages, chosen like any page's (`lang::tr`).
    pub t: Tr,
    pub user: User,
    pub actor: Actor,
    pub csrf: String,
    cookie: Option<Cookie<'static>>,
    pub assignments: Vec<AdminAssignment>,
}

impl Console {
    /// The administrator behind this request; a browser without a session is sent to sign
    /// in (the account page links back here), and a member who administers nothing gets a page saying so.
    pub async fn open(
        state: &AppState,
        req: &HttpRequest,
    ) -> Result<Result<Console, HttpResponse>, HttpError> {
        let user = match current_session(state, req).await? {
            Some(session) => state.stores.users.find_by_id(&session.user_id).await?,
            None => None,
        };
        let Some(user) = user else {
            return Ok(Err(web::found("/login")));
        };
        let assignments = state.stores.policies.find_admin_by_user(&user.id).await?;
        let (csrf, cookie) = web::csrf_token(state, req);
        let t = crate::lang::tr(
            state,
            req,
            crate::lang::Reader {
                member: Some(&user),
                ..Default::default()
            },
        )
        .await?;
        let console = Console {
            t,
            actor: Actor::Member(user.clone()),
            user,
            csrf,
            cookie,
            assignments: assignments
                .into_iter()
                .filter(|a| !a.permissions.is_empty())
                .collect(),
        };
        if !console.user.super_admin && console.assignments.is_empty() {
            let page = console.say(
                StatusCode::FORBIDDEN,
                "console-no-role-title",
                "console-no-role-message",
                "console-back-to-account",
                "/account",
            )?;
            return Ok(Err(page));
        }
        Ok(Ok(console))
    }

    pub fn is_super(&self) -> bool {
        self.user.super_admin
    }

    /// Whether this administrator holds `area` anywhere.
    pub fn holds_anywhere(&self, area: Permission) -> bool {
        self.is_super()
            || self
                .assignments
                .iter()
                .any(|a| a.permissions.iter().any(|p| p == area.as_str()))
    }

    pub fn frame(&self, title: impl Into<String>, section: &'static str) -> Frame {
        Frame {
            t: self.t.clone(),
            title: title.into(),
            section,
            me: self.user.email.to_string(),
            csrf: self.csrf.clone(),
            nav_clients: self.holds_anywhere(Permission::Clients),
            nav_keys: self.is_super(),
        }
    }

    /// Whether this administrator holds `area` over `org` (by the assignments read when
    /// the request began).
    pub async fn holds(
        &self,
        _state: &AppState,
        org: &Organization,
        area: Permission,
    ) -> Result<bool, HttpError> {
        Ok(authz::member_holds(
            &self.user,
            &self.assignments,
            org,
            area,
        ))
    }

    /// Renders a page, setting this browser's CSRF cookie when it is new.
    pub fn page(
        &self,
        status: StatusCode,
        page: &impl Template,
    ) -> Result<HttpResponse, HttpError> {
        let response = crate::pages::render(status, page)?;
        web::with_cookie(response, self.cookie.clone())
    }

    /// [`Console::message`] with its three texts given as message keys.
    pub fn say(
        &self,
        status: StatusCode,
        title: &str,
        message: &str,
        back_label: &str,
        back: &str,
    ) -> Result<HttpResponse, HttpError> {
        let t = &self.t;
        self.message(status, &t.t(title), &t.t(message), back, &t.t(back_label))
    }

    /// A datetime in this administrator's language and zone, or a dash when there is none.
    pub fn when(&self, at: Option<idp_core::Timestamp>) -> String {
        when(&self.t, at)
    }

    /// A page in the console's layout that says what happened and where to go next.
    pub fn message(
        &self,
        status: StatusCode,
        title: &str,
        message: &str,
        back: &str,
        back_label: &str,
    ) -> Result<HttpResponse, HttpError> {
        let class = if status.is_success() {
            "notice"
        } else {
            "error"
        };
        self.page(
            status,
            &MessagePage {
                frame: self.frame(title, "orgs"),
                class,
                message,
                back,
                back_label,
            },
        )
    }

    /// A submitted form must carry this browser's CSRF token; a stale one gets a page with
    /// a way back rather than an error body.
    pub fn stale_form(
        &self,
        state: &AppState,
        req: &HttpRequest,
        submitted: &str,
        back: &str,
    ) -> Result<Option<HttpResponse>, HttpError> {
        if web::check_csrf(state, req, submitted).is_ok() {
            return Ok(None);
        }
        self.say(
            StatusCode::FORBIDDEN,
            "console-stale-title",
            "console-stale-message",
            "console-back-to-page",
            back,
        )
        .map(Some)
    }

    /// An administration refusal as a console page; store failures stay errors.
    pub fn refusal(&self, e: AdminError, back: &str) -> Result<HttpResponse, HttpError> {
        let status = match &e {
            AdminError::Store(_) | AdminError::Ephemeral(_) => return Err(e.into()),
            AdminError::Authz(AuthzError::Store(_)) => return Err(e.into()),
            AdminError::Authz(AuthzError::Forbidden(_)) => StatusCode::FORBIDDEN,
            AdminError::UnknownOrganization(_)
            | AdminError::UnknownMember(_)
            | AdminError::UnknownMemberId(_)
            | AdminError::UnknownClient(_) => StatusCode::NOT_FOUND,
            AdminError::DuplicateEmail { .. } | AdminError::DuplicateSlug(_) => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::BAD_REQUEST,
        };
        let title = match status {
            StatusCode::FORBIDDEN => self.t.t("console-refused-forbidden"),
            StatusCode::NOT_FOUND => self.t.t("console-refused-not-found"),
            _ => self.t.t("console-refused-unchanged"),
        };
        self.message(
            status,
            &title,
            &e.message(&self.t),
            back,
            &self.t.t("console-go-back"),
        )
    }

    /// The breadcrumb and tabs of an organization's pages: only the tabs of areas held.
    pub async fn tabs(
        &self,
        state: &AppState,
        org: &Organization,
        active: &'static str,
    ) -> Result<OrgTabs, HttpError> {
        let t = &self.t;
        let mut items = vec![("", "Overview", t.t("console-tab-overview"))];
        let holds = |area| self.holds(state, org, area);
        if holds(Permission::Members).await? {
            items.push(("/members", "Members", t.t("console-tab-members")));
        }
        if holds(Permission::LoginSettings).await? {
            items.push((
                "/authentication",
                "Authentication",
                t.t("console-tab-authentication"),
            ));
        }
        if holds(Permission::TwoFactor).await? || holds(Permission::AllowedIps).await? {
            items.push(("/security", "Security", t.t("console-tab-security")));
        }
        if holds(Permission::LoginSettings).await? {
            items.push((
                "/login-settings",
                "Login settings",
                t.t("console-tab-login-settings"),
            ));
            items.push(("/federation", "Federation", t.t("console-tab-federation")));
            items.push(("/branding", "Branding", t.t("console-tab-branding")));
        }
        if holds(Permission::Members).await? {
            items.push((
                "/administrators",
                "Administrators",
                t.t("console-tab-administrators"),
            ));
        }
        if holds(Permission::AuditLog).await? {
            items.push(("/audit", "Audit log", t.t("console-tab-audit")));
        }
        let names = org_names(state).await?;
        let crumbs = org
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|id| {
                let (slug, name) = names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| (id.to_owned(), id.to_owned()));
                (slug, name)
            })
            .collect();
        let brand = idp_core::branding::brand_of_org(&state.stores, org).await?;
        Ok(OrgTabs {
            org_ref: org.slug.clone(),
            org_name: org.name.clone(),
            display_name: brand.display_name.clone().filter(|n| *n != org.name),
            logo: brand
                .logo_url()
                .map(|url| (url, format!("{} logo", brand.name()))),
            crumbs,
            items,
            active,
        })
    }
}

/// Where a member action's emails link to, and where members move.
pub fn bulk_links(state: &AppState, move_to: Option<String>) -> idp_core::members::BulkLinks {
    idp_core::members::BulkLinks {
        welcome: state.settings.welcome_links(),
        reset: idp_core::admin::Links {
            base_url: state.settings.issuer().to_owned(),
            ttl: state.settings.reset_link_ttl(),
            upstreams: state.settings.configured_upstreams(),
        },
        move_to,
    }
}

/// The organizations where this administrator holds `area`, each with its name indented
/// by depth, for a drop-down. Names only: the tree's member counts would scan every member.
pub async fn orgs_holding(
    state: &AppState,
    console: &Console,
    area: Permission,
) -> Result<Vec<(Organization, String)>, HttpError> {
    let mut out = Vec::new();
    for org in state.stores.orgs.find_all().await? {
        if console.holds(state, &org, area).await? {
            let depth = org.path.split('/').filter(|s| !s.is_empty()).count() - 1;
            let label = format!("{}{}", "— ".repeat(depth), org.name);
            out.push((org, label));
        }
    }
    Ok(out)
}

/// Organization id → (slug, name).
pub async fn org_names(
    state: &AppState,
) -> Result<std::collections::HashMap<String, (String, String)>, HttpError> {
    Ok(state
        .stores
        .orgs
        .find_all()
        .await?
        .into_iter()
        .map(|o| (o.id.to_string(), (o.slug, o.name)))
        .collect())
}

/// The header of every organization page.
pub struct OrgTabs {
    pub org_ref: String,
    pub org_name: String,
    /// The branding's display name, when set and not the organization's own name.
    pub display_name: Option<String>,
    /// The branding's logo: (URL, alternative text).
    pub logo: Option<(String, String)>,
    /// (slug, name) from the main organization down to this one.
    pub crumbs: Vec<(String, String)>,
    /// (path suffix, name the handlers pass as `active`, label in the reader's language)
    pub items: Vec<(&'static str, &'static str, String)>,
    pub active: &'static str,
}

#[derive(Template)]
#[template(path = "console/message.html")]
struct MessagePage<'a> {
    frame: Frame,
    class: &'a str,
    message: &'a str,
    back: &'a str,
    back_label: &'a str,
}

pub use idp_core::admin::sentence;

/// A time as the reader reads it (their language, their zone), or a dash when there is
/// none.
pub fn when(t: &Tr, at: Option<idp_core::Timestamp>) -> String {
    match at {
        Some(at) => t.datetime(at),
        None => "—".to_owned(),
    }
}

/// Where an organization's page lives.
pub fn org_href(org: &Organization, tab: &str) -> String {
    format!("/admin/orgs/{}{tab}", org.slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    use idp_core::i18n::Language;

    #[test]
    fn times_are_shown_in_the_readers_language_and_zone() {
        let at = idp_core::Timestamp::parse_rfc3339("2026-12-02T14:05:59.123456Z");
        assert_eq!(when(&Tr::default(), at), "Dec 2, 2026, 14:05 UTC");
        let seoul = idp_core::i18n::parse_time_zone("Asia/Seoul").unwrap();
        let ko = Tr::new(Language::Ko).in_zone(seoul);
        assert_eq!(when(&ko, at), "2026년 12월 2일 23:05 KST");
        assert_eq!(when(&ko, None), "—");
    }
}
