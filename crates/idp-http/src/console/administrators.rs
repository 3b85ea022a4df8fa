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
use idp_core::ids::UserId;
use idp_core::org::Organization;
use idp_core::policy;
use idp_core::policy_edit;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/administrators", aw::get().to(show))
        .route("/admin/orgs/{org}/administrators", aw::post().to(change));
}

/// What an area is called on the page.
pub fn area_label(p: Permission) -> &'static str {
    match p {
        Permission::TwoFactor => "Two-factor authentication",
        Permission::AllowedIps => "Allowed IPs",
        Permission::LoginSettings => "Login settings",
        Permission::Members => "Members",
        Permission::AuditLog => "Audit log",
        Permission::Clients => "Applications",
    }
}

struct HolderRow {
    id: String,
    /// Their member page, for an administrator who may open it.
    href: Option<String>,
    name: String,
    email: String,
    areas: Vec<&'static str>,
    over: String,
    inherited: bool,
    /// (area, label) this administrator may revoke here.
    revocable: Vec<(&'static str, &'static str)>,
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
    grantable: Vec<(&'static str, &'static str, bool)>,
    email: String,
}

#[derive(serde::Deserialize, Default)]
struct ShowQuery {
    #[serde(default)]
    done: String,
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<ShowQuery>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::Members);
    let notice = (!query.done.is_empty()).then(|| query.done.clone());
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
    let mut grantable = Vec::new();
    for p in Permission::ALL {
        if console.holds(state, org, *p).await? {
            let ticked = checked.iter().any(|c| c == p.as_str());
            grantable.push((p.as_str(), area_label(*p), ticked));
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
                .map(|a| (a.as_str(), area_label(*a)))
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
            areas: h.areas.iter().map(|a| area_label(*a)).collect(),
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
            frame: console.frame(format!("Administrators of {}", org.name), "orgs"),
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
                Some(sentence(&text)),
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
        Ok(_) => return refuse("choose at least one area".into()).await,
        Err(e) => return refuse(e.to_string()).await,
    };
    let member = if grant {
        match member_in_tree(&state, &org, &email).await? {
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
            None => return refuse("that administrator no longer exists".into()).await,
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
            let done = format!(
                "{} {}: {}.",
                if grant { "Granted to" } else { "Revoked from" },
                member.email,
                permissions
                    .iter()
                    .map(|p| area_label(*p))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(web::see_other(&format!(
                "{back}?done={}",
                url::form_urlencoded::byte_serialize(done.as_bytes()).collect::<String>()
            )))
        }
        Err(AuthzError::Forbidden(p)) => {
            refuse(format!(
                "you do not hold {} over this organization, so you cannot grant or revoke it",
                area_label(p)
            ))
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The member with this address in the same organization tree as `org` (administrators
/// over a sub-organization are often members of the main one).
async fn member_in_tree(
    state: &AppState,
    org: &Organization,
    email: &str,
) -> Result<Result<idp_core::records::User, String>, HttpError> {
    let Ok(address) = Email::parse(email) else {
        return Ok(Err(format!("{email:?} is not an email address")));
    };
    let root = org.root_id();
    for user in state.stores.users.find_all_by_email(&address).await? {
        if let Some(theirs) = state.stores.orgs.find_by_id(&user.org_id).await?
            && theirs.root_id() == root
        {
            return Ok(Ok(user));
        }
    }
    Ok(Err(format!(
        "no member with address {email} in this organization tree; add them as a member first"
    )))
}
