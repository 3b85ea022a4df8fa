//! The administration API's organizations and members: the tree, creating, renaming,
//! moving and deleting organizations, and finding, creating, changing and deleting
//! members.
//! Routed and described through `admin_api::OPERATIONS`.

use super::admin_api::{admin_error, caller, member_json, parse};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::Timestamp;
use idp_core::ids::UserId;
use idp_core::member_admin::{self, MemberUpdate, NewMemberForm};
use idp_core::members::{self, MemberQuery, MemberSummary};
use idp_core::org::Organization;
use idp_core::org_admin::{self, OrgNode};
use serde::Deserialize;
use serde_json::{Value, json};

/// An organization as the API describes it.
pub fn org_json(o: &Organization) -> Value {
    json!({"id": o.id, "parent_id": o.parent_id, "slug": o.slug, "name": o.name,
           "path": o.path, "created_at": o.created_at.to_rfc3339(),
           "updated_at": o.updated_at.to_rfc3339()})
}

fn node_json(n: &OrgNode) -> Value {
    let mut v = org_json(&n.org);
    if let Value::Object(map) = &mut v {
        map.insert("depth".into(), json!(n.depth));
        map.insert("members".into(), json!(n.members));
        map.insert("sub_orgs".into(), json!(n.sub_orgs));
    }
    v
}

#[derive(Deserialize)]
pub struct TreeQuery {
    #[serde(default)]
    q: Option<String>,
}

pub async fn list_orgs(
    state: aw::Data<AppState>,
    req: HttpRequest,
    q: aw::Query<TreeQuery>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    match org_admin::org_tree(&state.stores, &actor, q.q.as_deref()).await {
        Ok(tree) => Ok(HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json!({"organizations": tree.iter().map(node_json).collect::<Vec<_>>()}))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewOrgBody {
    parent: String,
    name: String,
    #[serde(default)]
    slug: Option<String>,
}

pub async fn create_org(
    state: aw::Data<AppState>,
    req: HttpRequest,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: NewOrgBody = parse(&body)?;
    match org_admin::create_sub_org(
        &state.stores,
        &actor,
        &web::origin(&req),
        &body.parent,
        &body.name,
        body.slug.as_deref().filter(|s| !s.is_empty()),
    )
    .await
    {
        Ok(org) => Ok(HttpResponse::Created().json(org_json(&org))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgPatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    parent: Option<String>,
}

pub async fn patch_org(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: OrgPatch = parse(&body)?;
    if body.name.is_none() && body.parent.is_none() {
        return Err(HttpError::BadRequest(
            "nothing to change: give a name, a parent or both".into(),
        ));
    }
    // Both parts are checked before either is saved.
    if let Some(name) = &body.name {
        idp_core::org::parse_name(name).map_err(|e| HttpError::BadRequest(e.to_string()))?;
    }
    let origin = web::origin(&req);
    let mut org = None;
    if let Some(parent) = &body.parent {
        match org_admin::move_org(&state.stores, &actor, &origin, &path, parent).await {
            Ok(o) => org = Some(o),
            Err(e) => return admin_error(e),
        }
    }
    if let Some(name) = &body.name {
        match org_admin::rename_org(&state.stores, &actor, &origin, &path, name).await {
            Ok(o) => org = Some(o),
            Err(e) => return admin_error(e),
        }
    }
    match org {
        Some(o) => Ok(HttpResponse::Ok().json(org_json(&o))),
        None => Err(HttpError::Internal("no change was made".into())),
    }
}

pub async fn delete_org(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let org = super::admin_api::org_of(&state, &path).await?;
    match org_admin::delete_org(&state.stores, &actor, &web::origin(&req), org.id.as_str()).await {
        Ok(()) => Ok(HttpResponse::Ok().json(json!({"deleted": org.id}))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMemberBody {
    email: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email_login: bool,
}

pub async fn create_member(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: NewMemberBody = parse(&body)?;
    let form = NewMemberForm {
        email: body.email,
        name: body.name,
        email_login: body.email_login,
    };
    match member_admin::create_member(
        &state.stores,
        &actor,
        &web::origin(&req),
        &path,
        form,
        &state.settings.welcome_links(),
    )
    .await
    {
        Ok((member, sent)) => Ok(HttpResponse::Created()
            .json(json!({"member": member_json(&member), "welcome_email_sent": sent}))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberPatch {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    org: Option<String>,
    #[serde(default)]
    expected_updated_at: Option<String>,
}

pub async fn patch_member(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: MemberPatch = parse(&body)?;
    let expected_updated_at = body
        .expected_updated_at
        .as_deref()
        .map(|t| {
            Timestamp::parse_rfc3339(t).ok_or_else(|| {
                HttpError::BadRequest(
                    "expected_updated_at must be an RFC 3339 time, as updated_at reads".into(),
                )
            })
        })
        .transpose()?;
    let change = MemberUpdate {
        name: body.name,
        org: body.org,
        expected_updated_at,
    };
    let id = UserId::from_string(path.into_inner());
    match member_admin::update_member(&state.stores, &actor, &web::origin(&req), &id, change).await
    {
        Ok(member) => Ok(HttpResponse::Ok().json(member_json(&member))),
        Err(e) => admin_error(e),
    }
}

pub async fn delete_member(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let id = UserId::from_string(path.into_inner());
    match member_admin::delete_member(&state.stores, &actor, &web::origin(&req), &id).await {
        Ok(()) => Ok(HttpResponse::Ok().json(json!({"deleted": id}))),
        Err(e) => admin_error(e),
    }
}

/// A row of the member search: the member and what an administrator checks at a glance.
fn summary_json(s: &MemberSummary) -> Value {
    let mut v = member_json(&s.user);
    if let Value::Object(map) = &mut v {
        for (k, val) in [
            ("org_path", json!(s.org_path)),
            ("email_login", json!(s.email_login_enabled)),
            ("has_password", json!(s.has_password)),
            ("temporary_password", json!(s.temporary_password)),
            ("locked", json!(s.locked)),
            ("second_factor_locked", json!(s.second_factor_locked)),
            ("second_factor", json!(s.second_factor())),
            ("sign_in_methods", json!(s.sign_in_methods())),
            (
                "last_sign_in",
                json!(s.last_sign_in.map(Timestamp::to_rfc3339)),
            ),
        ] {
            map.insert(k.into(), val);
        }
    }
    v
}

pub async fn search_members(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    q: aw::Query<MemberQuery>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let org = super::admin_api::org_of(&state, &path).await?;
    let (filter, after, per_page) = q
        .parse(&org)
        .map_err(|e| HttpError::BadRequest(e.to_string()))?;
    match members::search(
        &state.stores,
        &actor,
        &web::origin(&req),
        &filter,
        after.as_ref(),
        per_page,
    )
    .await
    {
        Ok(page) => Ok(HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json!({
                "members": page.rows.iter().map(summary_json).collect::<Vec<_>>(),
                "total": page.total,
                "next_cursor": page.next.map(|c| c.encode()),
            }))),
        Err(e) => admin_error(e),
    }
}
