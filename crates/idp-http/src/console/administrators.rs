//! An organization's Administrators tab: who holds which areas over it, here or inherited
//! from an organization above; granting and revoking areas, never more than the granter
//! holds (the checkboxes offered are the granter's own areas; `authz` enforces it too).

use super::members::{open, org_or_respond};
use super::{Console, Frame, OrgTabs, sentence};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::authz::{self, AuthzError, Permission};
use idp_core::email::Email;
use idp_core::i18n::Tr;
use idp_core::ids::UserId;
use idp_core::org::Organization;
use idp_core::policy;
use idp_core::policy_edit;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/administrators", aw::get().to(show))
        .route("/admin/orgs/{org}/administrators", aw::post().to(change));
}

/// What an area is called on the page.
pub fn area_label(t: &Tr, p: Permission) -> String {
    match p {
        Permission::TwoFactor => t.t("console-two-factor-heading"),
        Permission::AllowedIps => t.t("console-area-allowed-ips"),
        Permission::LoginSettings => t.t("console-tab-login-settings"),
        Permission::Members => t.t("console-tab-members"),
        Permission::AuditLog => t.t("console-tab-audit"),
        Permission::Clients => t.t("console-nav-clients"),
    }
}

struct HolderRow {
    id: String,
    /// Their member page, for an administrator who may open it.
    href: Option<String>,
    name: String,
    email: String,
    areas: Vec<String>,
    over: String,
    inherited: bool,
    /// (area, label) this administrator may revoke here.
    revocable: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "console/administrators.html")]
struct AdministratorsPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    error: Option<String>,
    rows: Vec<HolderRow>,
    /// (area, label, ticked) the signed-in administrator may grant here.
    grantable: Vec<(&'static str, String, bool)>,
    email: String,
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<super::Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::Members);
    let notice = query.notice();
    render(
        &state,
        &console,
        &org,
        StatusCode::OK,
        notice,
        None,
        String::new(),
        Vec::new(),
    )
    .await
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's state and what was typed"
)]
async fn render(
    state: &AppState,
    console: &Console,
    org: &Organization,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    email: String,
    checked: Vec<String>,
) -> Result<HttpResponse, HttpError> {
    let chain = policy::ancestry(org);
    let assignments = state.stores.policies.find_admin_by_orgs(&chain).await?;
    let names = super::org_names(state).await?;
    let t = &console.t;
    let mut grantable = Vec::new();
    for p in Permission::ALL {
        if console.holds(state, org, *p).await? {
            let ticked = checked.iter().any(|c| c == p.as_str());
            grantable.push((p.as_str(), area_label(t, *p), ticked));
        }
    }
    let mut rows = Vec::new();
    for h in policy_edit::holders(&chain, &assignments) {
        let Some(user) = state.stores.users.find_by_id(&h.user_id).await? else {
            continue;
        };
        let revocable = if h.inherited {
            Vec::new()
        } else {
            h.areas
                .iter()
                .filter(|a| grantable.iter().any(|(g, _, _)| *g == a.as_str()))
                .map(|a| (a.as_str(), area_label(t, *a)))
                .collect()
        };
        let may_open = match state.stores.orgs.find_by_id(&user.org_id).await? {
            Some(theirs) => console.holds(state, &theirs, Permission::Members).await?,
            None => false,
        };
        rows.push(HolderRow {
            href: may_open.then(|| format!("/admin/members/{}", user.id)),
            id: user.id.to_string(),
            name: user.name.clone().unwrap_or_default(),
            email: user.email.to_string(),
            areas: h.areas.iter().map(|a| area_label(t, *a)).collect(),
            over: names
                .get(h.over.as_str())
                .map_or(h.over.to_string(), |n| n.1.clone()),
            inherited: h.inherited,
            revocable,
        });
    }
    console.page(
        status,
        &AdministratorsPage {
            frame: console.frame(t.t1("console-administrators-of", "org", &org.name), "orgs"),
            tabs: console.tabs(state, org, "Administrators").await?,
            notice,
            error,
            rows,
            grantable,
            email,
        },
    )
}

async fn change(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let form = form.into_inner();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let back = format!("/admin/orgs/{}/administrators", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &field("csrf"), &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::Members);
    let grant = field("action") == "grant";
    let areas: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "area")
        .map(|(_, v)| v.clone())
        .collect();
    let email = field("email");
    let t = &console.t;
    // `text` is a whole sentence already.
    let refuse = |text: String| {
        let (email, areas) = (email.clone(), areas.clone());
        let (state, console, org) = (&state, &console, &org);
        async move {
            render(
                state,
                console,
                org,
                StatusCode::BAD_REQUEST,
                None,
                Some(text),
                email,
                areas,
            )
            .await
        }
    };
    let permissions = match areas
        .iter()
        .map(|a| a.parse::<Permission>())
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(p) if !p.is_empty() => p,
        Ok(_) => return refuse(t.t("console-admins-choose-area")).await,
        // The parse error is idp-core's, in English.
        Err(e) => return refuse(sentence(&e.to_string())).await,
    };
    let member = if grant {
        match member_in_tree(&state, t, &org, &email).await? {
            Ok(m) => m,
            Err(text) => return refuse(text).await,
        }
    } else {
        match state
            .stores
            .users
            .find_by_id(&UserId::from_string(field("member")))
            .await?
        {
            Some(m) => m,
            None => return refuse(t.t("console-admins-gone")).await,
        }
    };
    match authz::change_permissions(
        &state.stores,
        &console.actor,
        &org,
        &member,
        &permissions,
        &web::origin(&req),
        grant,
    )
    .await
    {
        Ok(_) => {
            let areas = permissions
                .iter()
                .map(|p| area_label(t, *p))
                .collect::<Vec<_>>()
                .join(", ");
            let email = member.email.to_string();
            let done = if grant {
                t.t2("console-admins-granted", "email", email, "areas", areas)
            } else {
                t.t2("console-admins-revoked", "email", email, "areas", areas)
            };
            Ok(super::Done::back_to(&back, &done))
        }
        Err(AuthzError::Forbidden(p)) => {
            refuse(t.t1("console-admins-not-held", "area", area_label(t, p))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The member with this address in the same organization tree as `org` (administrators
/// over a sub-organization are often members of the main one).
async fn member_in_tree(
    state: &AppState,
    t: &Tr,
    org: &Organization,
    email: &str,
) -> Result<Result<idp_core::records::User, String>, HttpError> {
    let Ok(address) = Email::parse(email) else {
        return Ok(Err(t.t1("console-admins-not-an-address", "email", email)));
    };
    let root = org.root_id();
    for user in state.stores.users.find_all_by_email(&address).await? {
        if let Some(theirs) = state.stores.orgs.find_by_id(&user.org_id).await?
            && theirs.root_id() == root
        {
            return Ok(Ok(user));
        }
    }
    Ok(Err(t.t1("console-admins-no-member", "email", email)))
}
