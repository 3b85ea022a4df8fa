//! The organization tree with its counts and a search, and an organization's Overview
//! tab: its sub-organizations, and creating, renaming, moving and deleting them.

use super::members::open;
use super::{Console, Frame, OrgTabs};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::admin::{self, AdminError};
use idp_core::authz::Permission;
use idp_core::org_admin::{self, OrgNode};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs", aw::get().to(tree))
        .route("/admin/orgs/{org}", aw::get().to(overview))
        .route("/admin/orgs/{org}/change", aw::post().to(change));
}

struct TreeRow {
    slug: String,
    name: String,
    depth: usize,
    members: u64,
    sub_orgs: u64,
}

impl From<&OrgNode> for TreeRow {
    fn from(n: &OrgNode) -> Self {
        TreeRow {
            slug: n.org.slug.clone(),
            name: n.org.name.clone(),
            depth: n.depth,
            members: n.members,
            sub_orgs: n.sub_orgs,
        }
    }
}

#[derive(Template)]
#[template(path = "console/orgs.html")]
struct TreePage {
    frame: Frame,
    q: String,
    rows: Vec<TreeRow>,
}

#[derive(serde::Deserialize, Default)]
struct TreeQuery {
    #[serde(default)]
    q: String,
}

async fn tree(
    state: aw::Data<AppState>,
    req: HttpRequest,
    query: aw::Query<TreeQuery>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let q = query.q.trim().to_owned();
    let nodes = org_admin::org_tree(
        &state.stores,
        &console.actor,
        (!q.is_empty()).then_some(q.as_str()),
    )
    .await?;
    console.page(
        StatusCode::OK,
        &TreePage {
            frame: console.frame(console.t.t("console-orgs-title"), "orgs"),
            q,
            rows: nodes.iter().map(TreeRow::from).collect(),
        },
    )
}

#[derive(Template)]
#[template(path = "console/org.html")]
struct OverviewPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    error: Option<String>,
    slug: String,
    is_root: bool,
    members: u64,
    children: Vec<TreeRow>,
    manage: bool,
    empty: bool,
    /// Where it may move: (slug, indented name).
    parents: Vec<(String, String)>,
    typed_name: String,
    typed_child: String,
    typed_slug: String,
}

async fn overview(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<super::Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let notice = query.notice();
    render(&state, &console, &path, notice, None, Default::default()).await
}

#[derive(Default)]
struct Typed {
    name: String,
    child: String,
    slug: String,
}

async fn render(
    state: &AppState,
    console: &Console,
    slug: &str,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
    typed: Typed,
) -> Result<HttpResponse, HttpError> {
    let org = match admin::resolve_org(&state.stores, slug).await {
        Ok(org) => org,
        Err(e) => return console.refusal(e, "/admin/orgs"),
    };
    let nodes = org_admin::org_tree(&state.stores, &console.actor, None).await?;
    let Some(node) = nodes.iter().find(|n| n.org.id == org.id) else {
        return console.refusal(
            AdminError::Authz(idp_core::authz::AuthzError::Forbidden(Permission::Members)),
            "/admin/orgs",
        );
    };
    let tabs = console.tabs(state, &org, "Overview").await?;
    let manage = console.holds(state, &org, Permission::Members).await?;
    let children = nodes
        .iter()
        .filter(|n| n.org.parent_id.as_ref() == Some(&org.id))
        .map(TreeRow::from)
        .collect();
    let mut parents = Vec::new();
    if manage && !org.is_root() {
        for n in &nodes {
            let inside = n.org.path.starts_with(&org.path);
            let same_root = n.org.root_id() == org.root_id();
            let current = org.parent_id.as_ref() == Some(&n.org.id);
            if !inside
                && same_root
                && !current
                && console.holds(state, &n.org, Permission::Members).await?
            {
                parents.push((
                    n.org.slug.clone(),
                    format!("{}{}", "— ".repeat(n.depth), n.org.name),
                ));
            }
        }
    }
    let (status, error) = match error {
        Some((status, e)) => (status, Some(e)),
        None => (StatusCode::OK, None),
    };
    console.page(
        status,
        &OverviewPage {
            frame: console.frame(org.name.clone(), "orgs"),
            tabs,
            notice,
            error,
            slug: org.slug.clone(),
            is_root: org.is_root(),
            members: node.members,
            empty: node.members == 0 && node.sub_orgs == 0,
            children,
            manage,
            parents,
            typed_name: if typed.name.is_empty() {
                org.name.clone()
            } else {
                typed.name
            },
            typed_child: typed.child,
            typed_slug: typed.slug,
        },
    )
}

#[derive(serde::Deserialize)]
struct ChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    child_name: String,
    #[serde(default)]
    child_slug: String,
    #[serde(default)]
    parent: String,
}

async fn change(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<ChangeForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let back = format!("/admin/orgs/{}", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, &back)? {
        return Ok(stale);
    }
    let stores = &state.stores;
    let origin = web::origin(&req);
    let by = &console.actor;
    let slug = path.as_str();
    let done = |to: &str, text: &str| Ok(super::Done::back_to(&format!("/admin/orgs/{to}"), text));
    let result = match form.action.as_str() {
        "rename" => org_admin::rename_org(stores, by, &origin, slug, &form.name)
            .await
            .map(|o| (o.slug, console.t.t1("console-org-renamed", "name", o.name))),
        "create" => {
            let child_slug = form.child_slug.trim();
            org_admin::create_sub_org(
                stores,
                by,
                &origin,
                slug,
                &form.child_name,
                (!child_slug.is_empty()).then_some(child_slug),
            )
            .await
            .map(|o| (o.slug, console.t.t1("console-org-created", "name", o.name)))
        }
        "move" => org_admin::move_org(stores, by, &origin, slug, &form.parent)
            .await
            .map(|o| (o.slug, console.t.t("console-org-moved"))),
        "delete" => {
            let parent = match admin::resolve_org(stores, slug).await {
                Ok(o) => o.parent_id,
                Err(e) => return console.refusal(e, "/admin/orgs"),
            };
            match org_admin::delete_org(stores, by, &origin, slug).await {
                Ok(()) => {
                    let to = match parent {
                        Some(p) => admin::resolve_org(stores, p.as_str())
                            .await
                            .map(|o| format!("/admin/orgs/{}", o.slug))
                            .unwrap_or_else(|_| "/admin/orgs".into()),
                        None => "/admin/orgs".into(),
                    };
                    let text = console.t.t("console-org-deleted");
                    return Ok(super::Done::back_to(&to, &text));
                }
                Err(e) => Err(e),
            }
        }
        _ => {
            return console.say(
                StatusCode::BAD_REQUEST,
                "console-unknown-action-title",
                "console-unknown-action-message",
                "console-back-to-org",
                &back,
            );
        }
    };
    match result {
        Ok((to, text)) => done(&to, &text),
        Err(e @ (AdminError::Store(_) | AdminError::Ephemeral(_))) => Err(e.into()),
        Err(e @ AdminError::Authz(_)) => console.refusal(e, &back),
        Err(e) => {
            let status = match e {
                AdminError::DuplicateSlug(_) => StatusCode::CONFLICT,
                AdminError::UnknownOrganization(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::BAD_REQUEST,
            };
            render(
                &state,
                &console,
                slug,
                None,
                Some((status, e.message(&console.t))),
                Typed {
                    name: form.name.clone(),
                    child: form.child_name.clone(),
                    slug: form.child_slug.clone(),
                },
            )
            .await
        }
    }
}
