//! The administrators' JSON API. A call authenticates with the administrator's browser
//! session (and carries the CSRF token in `X-CSRF-Token`), or with a bearer access
//! token that a service client got from client credentials with `admin:<area>` scopes.
//! Every operation is listed once, in [`OPERATIONS`]: the routes and the OpenAPI
//! description at `/admin/api/openapi.json` both come from that list.

use super::authorize::current_session;
use crate::error::HttpError;
use crate::oauth;
use crate::state::AppState;
use crate::web;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use idp_core::admin::{self, AdminError};
use idp_core::authz::{self, Actor, AuthzError, Permission};
use idp_core::ids::UserId;
use idp_core::mfa::{self, SecondFactorError};
use idp_core::password_policy::{self, LinkKind};
use idp_core::records::{IpListPurpose, User};
use serde::Deserialize;
use serde_json::{Value, json};

/// One operation of the API: its route and how the OpenAPI document describes it.
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// The permission it needs over the organization it touches.
    pub permission: Option<Permission>,
    /// Authenticated by the token of an emailed one-time link instead.
    pub link_token: bool,
    /// Open to anyone who administers something; the answer shows what they may see.
    pub any_area: bool,
    register: fn(&mut aw::ServiceConfig),
}

macro_rules! operation {
    ($method:ident, $path:literal, $handler:path, link_token, $summary:literal) => {
        Operation {
            link_token: true,
            ..operation!($method, $path, $handler, None, $summary)
        }
    };
    ($method:ident, $path:literal, $handler:path, any_area, $summary:literal) => {
        Operation {
            any_area: true,
            ..operation!($method, $path, $handler, None, $summary)
        }
    };
    ($method:ident, $path:literal, $handler:path, $permission:expr, $summary:literal) => {
        Operation {
            method: stringify!($method),
            path: $path,
            summary: $summary,
            permission: $permission,
            link_token: false,
            any_area: false,
            register: |cfg| {
                cfg.route($path, aw::$method().to($handler));
            },
        }
    };
}

pub const OPERATIONS: &[Operation] = &[
    operation!(
        get,
        "/admin/api/openapi.json",
        openapi,
        None,
        "This description of the API"
    ),
    operation!(
        get,
        "/admin/api/orgs/{org}/policy",
        get_policy,
        Some(Permission::LoginSettings),
        "An organization's own settings, the effective policy and the IP allow-list"
    ),
    operation!(
        patch,
        "/admin/api/orgs/{org}/policy",
        patch_policy,
        Some(Permission::LoginSettings),
        "Change settings: {\"set\": {key: value or null}, \"confirm\": n}; a change that deletes credentials answers 409 with the number to confirm"
    ),
    operation!(
        get,
        "/admin/api/orgs/{org}/branding",
        super::branding::get_branding,
        Some(Permission::LoginSettings),
        "An organization's branding: the display name, primary colour and support contact it sets, and what its pages show (inherited values and the logo included)"
    ),
    operation!(
        patch,
        "/admin/api/orgs/{org}/branding",
        super::branding::patch_branding,
        Some(Permission::LoginSettings),
        "Change branding: {\"display_name\", \"primary_color\" (#rrggbb), \"support_contact\" (email or https URL)}, each a value or null (inherit); absent keys stay"
    ),
    operation!(
        put,
        "/admin/api/orgs/{org}/logo",
        super::branding::put_logo,
        Some(Permission::LoginSettings),
        "Set the logo: a PNG, JPEG, WebP or GIF of at most 256 KB as the body or as multipart/form-data; its type is read from its bytes (SVG is refused)"
    ),
    operation!(
        delete,
        "/admin/api/orgs/{org}/logo",
        super::branding::delete_logo,
        Some(Permission::LoginSettings),
        "Remove the organization's own logo (an ancestor's shows again)"
    ),
    operation!(
        put,
        "/admin/api/orgs/{org}/allow-list",
        put_allow_list,
        Some(Permission::AllowedIps),
        "Replace the IP allow-list: {\"entries\": [{\"cidr\", \"note\"}], \"confirm_own_address\": bool}"
    ),
    operation!(
        put,
        "/admin/api/orgs/{org}/second-factor-skip-list",
        put_skip_list,
        Some(Permission::TwoFactor),
        "Replace the addresses from which the second factor is not asked: {\"entries\": [{\"cidr\", \"note\"}]}"
    ),
    operation!(
        post,
        "/admin/api/orgs/{org}/email-login",
        post_email_login,
        Some(Permission::Members),
        "Turn email sign-in on (welcome email) or off for members: {\"emails\": [...], \"enabled\": bool}"
    ),
    operation!(
        post,
        "/admin/api/orgs/{org}/admins",
        post_admin,
        Some(Permission::Members),
        "Grant a member administrator permissions over the organization: {\"email\", \"permissions\": [...]}"
    ),
    operation!(
        post,
        "/admin/api/orgs/{org}/admins/revoke",
        post_admin_revoke,
        Some(Permission::Members),
        "Take administrator permissions over the organization away from a member: {\"email\", \"permissions\": [...]}"
    ),
    operation!(
        get,
        "/admin/api/audit/events",
        super::audit_api::search,
        Some(Permission::AuditLog),
        "Search the audit log, newest first: org (required), member, activity, event, info_type, from, until (RFC 3339), limit, cursor; answers events and next_cursor"
    ),
    operation!(
        get,
        "/admin/api/audit/export.csv",
        super::audit_api::export_csv,
        Some(Permission::AuditLog),
        "Download the filtered events as CSV, streamed (the same filters as the search)"
    ),
    operation!(
        get,
        "/admin/api/audit/export.xlsx",
        super::audit_api::export_xlsx,
        Some(Permission::AuditLog),
        "Download the filtered events as an Excel workbook, written in constant memory (the same filters as the search)"
    ),
    operation!(
        get,
        "/admin/api/orgs/{org}/members",
        get_members,
        Some(Permission::Members),
        "List an organization's members (recorded as an access to personal information)"
    ),
    operation!(
        get,
        "/admin/api/members/{id}",
        get_member,
        Some(Permission::Members),
        "A member's details (recorded as an access to their personal information)"
    ),
    operation!(
        post,
        "/admin/api/audit/exports",
        super::audit_api::request_export,
        Some(Permission::AuditLog),
        "Export the filtered events in the background (the same filters as the search, and format: csv or xlsx); answers 202 with job_id, and emails the administrator a one-time download link"
    ),
    operation!(
        get,
        "/admin/api/audit/exports/download",
        super::audit_api::download_export,
        link_token,
        "Download a background export once, with the token of the emailed link (token); 410 when unknown, used or expired"
    ),
    operation!(
        put,
        "/admin/api/members/{id}/status",
        put_status,
        Some(Permission::Members),
        "Set a member's status: {\"status\": \"active\" | \"on_leave\" | \"disabled\"}"
    ),
    operation!(
        post,
        "/admin/api/members/{id}/temporary-password",
        post_temporary_password,
        Some(Permission::Members),
        "Issue a temporary password, returned once or emailed: {\"send_by_email\": bool}"
    ),
    operation!(
        post,
        "/admin/api/members/{id}/password-reset",
        post_password_reset,
        Some(Permission::Members),
        "Email the member a link to set a new password (email sign-in members only)"
    ),
    operation!(
        post,
        "/admin/api/members/{id}/second-factor/reset",
        reset_second_factor,
        Some(Permission::TwoFactor),
        "Remove every second factor of the member and lift a second-factor lock"
    ),
    operation!(
        get,
        "/admin/api/orgs",
        super::directory_api::list_orgs,
        any_area,
        "The organizations you administer (all for a super administrator), in tree order, with direct member and sub-organization counts; q narrows to matching names or slugs and their ancestors"
    ),
    operation!(
        post,
        "/admin/api/orgs",
        super::directory_api::create_org,
        Some(Permission::Members),
        "Create a sub-organization under parent (needs members over the parent)"
    ),
    operation!(
        patch,
        "/admin/api/orgs/{org}",
        super::directory_api::patch_org,
        Some(Permission::Members),
        "Rename an organization and/or move it, with its sub-organizations, under another parent of the same main organization (needs members over both)"
    ),
    operation!(
        delete,
        "/admin/api/orgs/{org}",
        super::directory_api::delete_org,
        Some(Permission::Members),
        "Delete a sub-organization without members, sub-organizations or applications; 409 says what is left"
    ),
    operation!(
        post,
        "/admin/api/orgs/{org}/members",
        super::directory_api::create_member,
        Some(Permission::Members),
        "Create a member without a password; with email_login, the welcome email with a link to set one"
    ),
    operation!(
        get,
        "/admin/api/orgs/{org}/members/search",
        super::directory_api::search_members,
        Some(Permission::Members),
        "Find members with the members page's filters, a keyset page at a time (recorded as an access to personal information); answers the rows, the total matching and next_cursor to pass as after"
    ),
    operation!(
        patch,
        "/admin/api/members/{id}",
        super::directory_api::patch_member,
        Some(Permission::Members),
        "Rename a member or move them to another organization; with expected_updated_at, 409 when they changed meanwhile"
    ),
    operation!(
        delete,
        "/admin/api/members/{id}",
        super::directory_api::delete_member,
        Some(Permission::Members),
        "Delete a member with their credentials, links, sign-in methods and consents; their sessions end and their grants are revoked"
    ),
    operation!(
        get,
        "/admin/api/clients",
        super::client_api::list,
        Some(Permission::Clients),
        "The applications you manage, optionally only one organization's subtree"
    ),
    operation!(
        post,
        "/admin/api/clients",
        super::client_api::create,
        Some(Permission::Clients),
        "Register an application; a confidential one's secret is answered once"
    ),
    operation!(
        patch,
        "/admin/api/clients/{id}",
        super::client_api::update,
        Some(Permission::Clients),
        "Change an application's registration; checked as a new one would be, saved whole or not at all"
    ),
    operation!(
        post,
        "/admin/api/clients/{id}/secret",
        super::client_api::rotate_secret,
        Some(Permission::Clients),
        "Give the application a new secret, answered once; the old one stops working"
    ),
    operation!(
        delete,
        "/admin/api/clients/{id}",
        super::client_api::delete,
        Some(Permission::Clients),
        "Delete an application with its grants, refresh tokens and consents"
    ),
    operation!(
        get,
        "/admin/api/orgs/{org}/registration-tokens",
        super::registration::api_list,
        Some(Permission::Clients),
        "The organization's initial access tokens for dynamic client registration (never their values)"
    ),
    operation!(
        post,
        "/admin/api/orgs/{org}/registration-tokens",
        super::registration::api_create,
        Some(Permission::Clients),
        "Issue an initial access token that registers applications in the organization at /register; the token is answered once"
    ),
    operation!(
        delete,
        "/admin/api/registration-tokens/{id}",
        super::registration::api_revoke,
        Some(Permission::Clients),
        "Revoke an initial access token: it registers nothing more; applications it registered stay"
    ),
    operation!(
        get,
        "/admin/api/orgs/{org}/members/export",
        super::members_io_api::export,
        Some(Permission::Members),
        "Download the members as a workbook or CSV for Excel: format (xlsx, the default, or csv), subtree (true: with the members of sub-organizations; default false); recorded as a download of personal information"
    ),
    operation!(
        post,
        "/admin/api/orgs/{org}/members/import",
        super::members_io_api::import,
        Some(Permission::Members),
        "Preview an import (dry run, nothing changes): the .xlsx or .csv file as the body (file_name in the query) or as multipart/form-data; answers import_id, digest and the report"
    ),
    operation!(
        post,
        "/admin/api/orgs/{org}/members/import/apply",
        super::members_io_api::apply,
        Some(Permission::Members),
        "Apply a previewed import with no errors in the background: {\"import_id\", \"digest\"}; answers 202 with the job"
    ),
    operation!(
        get,
        "/admin/api/import-jobs/{id}",
        super::members_io_api::status,
        Some(Permission::Members),
        "An import's status and progress (processed of total, applied, conflicts) and the rows not applied"
    ),
    operation!(
        get,
        "/admin/api/import-jobs/{id}/report",
        super::members_io_api::report_file,
        Some(Permission::Members),
        "The previewed file with Status and Messages columns added, in its own format"
    ),
];

pub fn configure(cfg: &mut aw::ServiceConfig) {
    for op in OPERATIONS {
        (op.register)(cfg);
    }
}

/// The OpenAPI 3.1 description of [`OPERATIONS`], with the schemas of
/// [`super::openapi`].
pub fn document(issuer: &str) -> Value {
    let error = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let mut paths = serde_json::Map::new();
    for op in OPERATIONS {
        let shape = super::openapi::shape(op.method, op.path);
        let mut params: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| {
                json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"},
                       "description": super::openapi::path_parameter(op.path, name)})
            })
            .collect();
        params.extend(shape.query);
        let mut operation = serde_json::Map::new();
        operation.insert(
            "operationId".into(),
            json!(format!(
                "{}_{}",
                op.method,
                op.path
                    .trim_start_matches("/admin/api/")
                    .replace(['/', '{', '}', '.', '-'], "_")
            )),
        );
        operation.insert("summary".into(), json!(op.summary));
        operation.insert("parameters".into(), json!(params));
        let mut responses = serde_json::Map::new();
        responses.insert(
            shape.status.into(),
            json!({"description": "done", "content": shape.content}),
        );
        for (status, d) in [
            ("400", "bad input; nothing changed"),
            ("401", "no valid session or bearer token"),
            (
                "403",
                "missing permission (recorded in the audit log) or CSRF token",
            ),
            ("404", "no such organization, member or application"),
            (
                "503",
                "the database is unavailable; try again after Retry-After",
            ),
        ] {
            responses.insert(status.into(), error(d));
        }
        responses.insert(
            "409".into(),
            json!({"description": "needs confirmation, conflicts with what is stored, or was changed meanwhile",
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Conflict"}}}}),
        );
        operation.insert("responses".into(), Value::Object(responses));
        let security = match op.permission {
            _ if op.link_token => json!([{"link_token": [], "session": []}]),
            _ if op.any_area => {
                operation.insert("x-permission".into(), json!("any"));
                let scopes: Vec<String> = Permission::ALL.iter().map(|p| p.scope()).collect();
                json!([{"session": [], "csrf": []}, {"bearer": scopes}])
            }
            Some(p) => {
                operation.insert("x-permission".into(), json!(p));
                json!([{"session": [], "csrf": []}, {"bearer": [p.scope()]}])
            }
            None => json!([]),
        };
        operation.insert("security".into(), security);
        if let Some(schema) = shape.request {
            operation.insert(
                "requestBody".into(),
                json!({"required": op.method != "post" || !op.path.ends_with("temporary-password"),
                       "content": {"application/json": {"schema": schema}}}),
            );
        }
        if let Some(content) = shape.upload {
            operation.insert(
                "requestBody".into(),
                json!({"required": true, "content": content}),
            );
        }
        if let Value::Object(methods) = paths.entry(op.path.to_owned()).or_insert_with(|| json!({}))
        {
            methods.insert(op.method.to_owned(), Value::Object(operation));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "idp administration API", "version": env!("CARGO_PKG_VERSION")},
        "servers": [{"url": issuer}],
        "components": {
            "schemas": super::openapi::components(),
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "idp_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "link_token": {"type": "apiKey", "in": "query", "name": "token",
                               "description": "The one-time token from the email; it works only in the session of the administrator it was sent to."},
            },
        },
        "paths": paths,
    })
}

async fn openapi(state: aw::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(document(state.settings.issuer()))
}

/// Who is calling: a service client's bearer token, or an administrator's session with
/// the CSRF header.
pub async fn caller(state: &AppState, req: &HttpRequest) -> Result<Actor, HttpError> {
    if let Some(header) = req.headers().get(AUTHORIZATION) {
        use idp_core::oidc::dpop::{PresentationError, Scheme, check_presentation};
        let text = header.to_str().unwrap_or_default();
        let (scheme, token) = if let Some(t) = text.strip_prefix("Bearer ") {
            (Scheme::Bearer, t.trim())
        } else if let Some(t) = text.strip_prefix("DPoP ") {
            (Scheme::Dpop, t.trim())
        } else {
            return Err(HttpError::Unauthorized("use a Bearer or DPoP token".into()));
        };
        // RFC 9449 §7: a DPoP-bound token only with a proof of its key for this request.
        let proof = match scheme {
            Scheme::Dpop => crate::dpop::check(state, req, req.path(), Some(token))
                .map_err(|e| HttpError::Unauthorized(e.to_string()))?,
            Scheme::Bearer => None,
        };
        let keys = state.keys.get();
        let claims = oauth::issuer(state, &keys)
            .verify_access_token(token)
            .await
            .map_err(|e| HttpError::Unauthorized(e.description))?;
        check_presentation(claims.jkt(), scheme, proof.as_ref()).map_err(|e| match e {
            PresentationError::Token(why) => HttpError::Unauthorized(why.into()),
            PresentationError::Proof(e) => HttpError::Unauthorized(e.to_string()),
        })?;
        crate::dpop::spend(state, proof.as_ref())
            .await
            .map_err(|e| HttpError::Unauthorized(e.to_string()))?;
        // Only a client acting for itself (client credentials) holds admin scopes.
        if claims.sub != claims.client_id.as_str() {
            return Err(HttpError::Unauthorized(
                "administration needs a client credentials token".into(),
            ));
        }
        let client = state
            .clients
            .get(&state.stores, &claims.client_id)
            .await?
            .ok_or_else(|| HttpError::Unauthorized("the client no longer exists".into()))?;
        return Ok(Actor::Service {
            client: (*client).clone(),
            scopes: claims.scopes(),
        });
    }
    let header = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    web::check_csrf(state, req, header)?;
    let session = current_session(state, req)
        .await?
        .ok_or_else(|| HttpError::Unauthorized("sign in first".into()))?;
    state
        .stores
        .users
        .find_by_id(&session.user_id)
        .await?
        .map(Actor::Member)
        .ok_or_else(|| HttpError::Unauthorized("sign in first".into()))
}

/// Reads a JSON body once the caller is known, so a stranger learns nothing from it.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, HttpError> {
    serde_json::from_slice(body)
        .map_err(|e| HttpError::BadRequest(format!("the request body: {e}")))
}

/// An administration error as JSON: 409s say what to confirm, or who changed it when.
pub(crate) fn admin_error(e: AdminError) -> Result<HttpResponse, HttpError> {
    match e {
        AdminError::Stale { ref by, at } => Ok(HttpResponse::Conflict().json(
            json!({"error": e.to_string(), "updated_at": at.to_rfc3339(), "updated_by": by}),
        )),
        AdminError::ConfirmationRequired { affected, .. } => {
            Ok(HttpResponse::Conflict().json(json!({"error": e.to_string(), "confirm": affected})))
        }
        AdminError::WouldLockYouOut(ref ip) => Ok(HttpResponse::Conflict().json(
            json!({"error": e.to_string(), "your_address": ip, "confirm_own_address": true}),
        )),
        other => Err(other.into()),
    }
}

pub async fn org_of(
    state: &AppState,
    id_or_slug: &str,
) -> Result<idp_core::org::Organization, HttpError> {
    Ok(admin::resolve_org(&state.stores, id_or_slug).await?)
}

pub async fn require(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    org: &idp_core::org::Organization,
    permission: Permission,
    action: &str,
) -> Result<(), HttpError> {
    authz::require(
        &state.stores,
        actor,
        org,
        permission,
        &web::origin(req),
        action,
    )
    .await
    .map_err(HttpError::from)
}

async fn get_policy(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let org = org_of(&state, &path).await?;
    require(
        &state,
        &req,
        &actor,
        &org,
        Permission::LoginSettings,
        "view_policy",
    )
    .await?;
    let own = state
        .stores
        .policies
        .find_policy(&org.id)
        .await?
        .map(|p| p.settings)
        .unwrap_or_else(|| json!({}));
    let effective = idp_core::policy::effective_policy(&state.stores, &org).await?;
    let list: Vec<Value> = state
        .stores
        .policies
        .find_ip_list(&org.id, IpListPurpose::AllowSignIn)
        .await?
        .into_iter()
        .map(|e| json!({"cidr": e.cidr, "note": e.note}))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "organization": {"id": org.id, "slug": org.slug, "name": org.name},
        "settings": own,
        "effective": admin::effective_json(&effective),
        "allow_list": list,
    })))
}

#[derive(Deserialize)]
struct PolicyPatch {
    #[serde(default)]
    set: serde_json::Map<String, Value>,
    #[serde(default)]
    confirm: Option<u64>,
}

async fn patch_policy(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: PolicyPatch = parse(&body)?;
    let changes: Vec<(String, String)> = body
        .set
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, v)
        })
        .collect();
    match admin::update_policy(
        &state.stores,
        &actor,
        &web::origin(&req),
        &path,
        &changes,
        body.confirm,
        &state.settings.welcome_links(),
    )
    .await
    {
        Ok(u) => Ok(HttpResponse::Ok().json(json!({
            "settings": u.settings,
            "effective": admin::effective_json(&u.effective),
            "members_whose_credentials_were_deleted": u.cleared,
            "members_sent_a_password_link": u.invited,
        }))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
struct AllowListEntry {
    cidr: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct AllowListBody {
    entries: Vec<AllowListEntry>,
    #[serde(default)]
    confirm_own_address: bool,
}

async fn put_allow_list(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    put_ip_list(&state, &req, &path, &body, IpListPurpose::AllowSignIn).await
}

async fn put_skip_list(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    put_ip_list(&state, &req, &path, &body, IpListPurpose::SkipSecondFactor).await
}

async fn put_ip_list(
    state: &AppState,
    req: &HttpRequest,
    org: &str,
    body: &[u8],
    purpose: IpListPurpose,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(state, req).await?;
    let body: AllowListBody = parse(body)?;
    let entries: Vec<(String, Option<String>)> =
        body.entries.into_iter().map(|e| (e.cidr, e.note)).collect();
    match admin::set_ip_list(
        &state.stores,
        &actor,
        &web::origin(req),
        org,
        purpose,
        &entries,
        body.confirm_own_address,
    )
    .await
    {
        Ok(n) => Ok(HttpResponse::Ok().json(json!({"entries": n}))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
struct EmailLoginBody {
    emails: Vec<String>,
    enabled: bool,
}

async fn post_email_login(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: EmailLoginBody = parse(&body)?;
    match admin::set_member_email_login(
        &state.stores,
        &actor,
        &web::origin(&req),
        &path,
        &body.emails,
        body.enabled,
        &state.settings.welcome_links(),
    )
    .await
    {
        Ok(members) => Ok(HttpResponse::Ok().json(json!({
            "enabled": body.enabled,
            "members": members.iter().map(|m| m.id.to_string()).collect::<Vec<_>>(),
        }))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
struct GrantBody {
    email: String,
    permissions: Vec<String>,
}

async fn post_admin(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    change_admin(&state, &req, &path, &body, true).await
}

async fn post_admin_revoke(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    change_admin(&state, &req, &path, &body, false).await
}

/// Grants (`grant`) or revokes a member's permissions over the organization at `path`.
async fn change_admin(
    state: &AppState,
    req: &HttpRequest,
    path: &str,
    body: &[u8],
    grant: bool,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(state, req).await?;
    let body: GrantBody = parse(body)?;
    let org = org_of(state, path).await?;
    let permissions = body
        .permissions
        .iter()
        .map(|p| p.parse::<Permission>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| HttpError::BadRequest(e.to_string()))?;
    let member = match admin::resolve_member(&state.stores, path, &body.email).await {
        Ok(m) => m,
        Err(e) => return admin_error(e),
    };
    match authz::change_permissions(
        &state.stores,
        &actor,
        &org,
        &member,
        &permissions,
        &web::origin(req),
        grant,
    )
    .await
    {
        Ok(a) => {
            Ok(HttpResponse::Ok()
                .json(json!({"member_id": member.id, "permissions": a.permissions})))
        }
        Err(e) => Err(e.into()),
    }
}

/// The member a path names, and their organization, once the caller may act on them.
async fn target(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    id: &str,
    permission: Permission,
    action: &str,
) -> Result<(User, idp_core::org::Organization), HttpError> {
    let member = state
        .stores
        .users
        .find_by_id(&UserId::from_string(id))
        .await?
        .ok_or_else(|| HttpError::NotFound("no such member".into()))?;
    let org = state
        .stores
        .orgs
        .find_by_id(&member.org_id)
        .await?
        .ok_or_else(|| HttpError::NotFound("no such member".into()))?;
    require(state, req, actor, &org, permission, action).await?;
    Ok((member, org))
}

/// A member as administrators read them.
pub(crate) fn member_json(u: &User) -> Value {
    json!({"id": u.id, "org_id": u.org_id, "email": u.email, "email_verified": u.email_verified,
           "name": u.name, "locale": u.locale, "status": u.status.as_str(), "super_admin": u.super_admin,
           "created_at": u.created_at.to_rfc3339(), "updated_at": u.updated_at.to_rfc3339()})
}

async fn get_members(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    match admin::list_members(&state.stores, &actor, &web::origin(&req), &path).await {
        Ok(members) => Ok(HttpResponse::Ok()
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .json(json!({"members": members.iter().map(member_json).collect::<Vec<_>>()}))),
        Err(e) => admin_error(e),
    }
}

async fn get_member(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let id = UserId::from_string(path.into_inner());
    match admin::view_member(&state.stores, &actor, &web::origin(&req), &id).await {
        Ok(member) => Ok(HttpResponse::Ok()
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .json(member_json(&member))),
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize)]
struct StatusBody {
    status: String,
}

async fn put_status(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: StatusBody = parse(&body)?;
    let (member, org) = target(
        &state,
        &req,
        &actor,
        &path,
        Permission::Members,
        "set_status",
    )
    .await?;
    match admin::set_status(
        &state.stores,
        &actor,
        &web::origin(&req),
        org.id.as_str(),
        member.email.as_str(),
        &body.status,
    )
    .await
    {
        Ok((before, after)) => {
            Ok(HttpResponse::Ok().json(json!({"before": before, "after": after})))
        }
        Err(e) => admin_error(e),
    }
}

#[derive(Deserialize, Default)]
struct TemporaryBody {
    #[serde(default)]
    send_by_email: bool,
}

async fn post_temporary_password(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: TemporaryBody = if body.is_empty() {
        TemporaryBody::default()
    } else {
        parse(&body)?
    };
    let (member, _) = target(
        &state,
        &req,
        &actor,
        &path,
        Permission::Members,
        "temporary_password",
    )
    .await?;
    let by_email = body.send_by_email;
    let password = password_policy::issue_temporary_password(
        &state.stores,
        &member,
        actor.audit(),
        &web::origin(&req),
    )
    .await?;
    if by_email {
        password_policy::email_temporary_password(&state.stores, &member, &password).await?;
        return Ok(HttpResponse::Ok().json(json!({"member_id": member.id, "sent_by_email": true})));
    }
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(json!({"member_id": member.id, "temporary_password": password.expose()})))
}

async fn post_password_reset(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let (member, _) = target(
        &state,
        &req,
        &actor,
        &path,
        Permission::Members,
        "password_reset",
    )
    .await?;
    password_policy::send_link(
        &state.stores,
        &member,
        LinkKind::Reset,
        state.settings.issuer(),
        state.settings.reset_link_ttl(),
        actor.audit(),
        &web::origin(&req),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({"member_id": member.id, "sent": true})))
}

async fn reset_second_factor(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let target = state
        .stores
        .users
        .find_by_id(&UserId::from_string(path.into_inner()))
        .await?
        .ok_or_else(|| HttpError::NotFound("no such member".into()))?;
    match mfa::reset_by_admin(&state.stores, &actor, &target, &web::origin(&req)).await {
        Ok(()) => Ok(HttpResponse::Ok().json(json!({
            "member_id": target.id,
            "second_factor": "reset",
        }))),
        Err(SecondFactorError::Forbidden) => Err(HttpError::Forbidden(
            AuthzError::Forbidden(Permission::TwoFactor).to_string(),
        )),
        Err(e) => Err(e.into()),
    }
}
