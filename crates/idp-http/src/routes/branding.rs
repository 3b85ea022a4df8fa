//! Organization branding over HTTP: the logo every page shows at `/branding/{org}/logo`
//! (an organization that has none shows its nearest ancestor's), and the administration
//! API's branding operations, routed and described through `admin_api::OPERATIONS`.

use super::admin_api::{admin_error, caller, parse, require};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use futures_util::StreamExt as _;
use idp_core::admin::{self, AdminError};
use idp_core::authz::Permission;
use idp_core::branding::{self, Brand, LogoInfo, MAX_LOGO_BYTES};
use idp_core::ids::OrgId;
use idp_core::policy::PolicyError;
use serde::Deserialize;
use serde_json::{Value, json};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/branding/{org}/logo", aw::get().to(logo));
}

/// The logo shown for an organization, with the type read from its bytes when it was
/// uploaded. Browsers must not guess another type, and may keep it for five minutes and
/// then ask again with its `ETag` (pages link it under a URL that changes with it).
async fn logo(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let Some(logo) = branding::logo_for(&state.stores, &OrgId::from_string(path.as_str())).await?
    else {
        return Err(HttpError::NotFound("this organization has no logo".into()));
    };
    let etag = format!("\"{}\"", logo.digest);
    let cache = (CACHE_CONTROL, "public, max-age=300");
    let nosniff = ("X-Content-Type-Options", "nosniff");
    let matches = req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok(HttpResponse::NotModified()
            .insert_header((ETAG, etag))
            .insert_header(cache)
            .insert_header(nosniff)
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, logo.image_type.mime()))
        .insert_header((ETAG, etag))
        .insert_header(cache)
        .insert_header(nosniff)
        .insert_header(("Content-Disposition", "inline"))
        .body(logo.bytes))
}

/// How much of an upload is read: enough past the limit that an oversized logo is
/// answered with its size in a sentence, not cut off.
const UPLOAD_READ_LIMIT: usize = 4 * MAX_LOGO_BYTES;

/// Reads an upload's body, refusing one far past the logo limit.
pub async fn read_body(mut payload: aw::Payload) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| HttpError::BadRequest(format!("the upload broke off: {e}")))?;
        if body.len() + chunk.len() > UPLOAD_READ_LIMIT {
            return Err(HttpError::PayloadTooLarge(
                "the logo is over 1 MB; a logo may be at most 256 KB".into(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads an uploaded logo: the file of a `multipart/form-data` body, or the raw body.
/// The type is never taken from the file name or `Content-Type`.
pub async fn upload(req: &HttpRequest, payload: aw::Payload) -> Result<Vec<u8>, HttpError> {
    let body = read_body(payload).await?;
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        return super::members_io_api::multipart_file(content_type, &body)
            .map(|(_, bytes)| bytes)
            .ok_or_else(|| {
                HttpError::BadRequest("the form holds no file; attach the logo".into())
            });
    }
    Ok(body)
}

fn logo_json(l: &LogoInfo) -> Value {
    json!({"org_id": l.org_id, "type": l.image_type.mime(), "bytes": l.size,
           "sha256": l.digest, "updated_at": l.updated_at.to_rfc3339()})
}

/// An organization's branding as the API describes it: what it sets itself and what
/// its pages show.
pub fn brand_json(brand: &Brand, own: &idp_core::policy::PolicySettings) -> Value {
    json!({
        "settings": {
            "display_name": own.brand_display_name,
            "primary_color": own.brand_primary_color,
            "support_contact": own.brand_support_contact,
        },
        "effective": {
            "name": brand.name(),
            "display_name": brand.display_name,
            "primary_color": brand.primary_hex(),
            "text_color": brand.on_primary_hex(),
            "support_contact": brand.support().map(|s| s.text().to_owned()),
            "logo_url": brand.logo_url(),
            "logo": brand.logo.as_ref().map(logo_json),
        },
    })
}

async fn own_settings(
    state: &AppState,
    org: &OrgId,
) -> Result<idp_core::policy::PolicySettings, HttpError> {
    Ok(state
        .stores
        .policies
        .find_policy(org)
        .await?
        .map(|p| idp_core::policy::PolicySettings::from_stored(&p.settings))
        .unwrap_or_default())
}

pub async fn get_branding(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let org = super::admin_api::org_of(&state, &path).await?;
    require(
        &state,
        &req,
        &actor,
        &org,
        Permission::LoginSettings,
        "view_branding",
    )
    .await?;
    let brand = branding::brand_of_org(&state.stores, &org).await?;
    let own = own_settings(&state, &org.id).await?;
    let mut body = brand_json(&brand, &own);
    if let Value::Object(m) = &mut body {
        m.insert(
            "organization".into(),
            json!({"id": org.id, "slug": org.slug, "name": org.name}),
        );
    }
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(body))
}

/// The branding settings a PATCH changes: a value sets it, null leaves it to the
/// organizations above, absent keeps it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandingPatch {
    #[serde(default, with = "patch")]
    display_name: Option<Option<String>>,
    #[serde(default, with = "patch")]
    primary_color: Option<Option<String>>,
    #[serde(default, with = "patch")]
    support_contact: Option<Option<String>>,
}

/// Absent (`None`) apart from null (`Some(None)`).
mod patch {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

pub async fn patch_branding(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: BrandingPatch = parse(&body)?;
    let mut changes = Vec::new();
    for (key, value) in [
        ("brand_display_name", body.display_name),
        ("brand_primary_color", body.primary_color),
        ("brand_support_contact", body.support_contact),
    ] {
        if let Some(value) = value {
            // Stored as JSON strings whatever they look like ("123" stays a name).
            let value = value
                .map(|v| Value::from(v).to_string())
                .unwrap_or_default();
            changes.push((key.to_owned(), value));
        }
    }
    let origin = web::origin(&req);
    if let Err(e) = admin::update_policy(
        &state.stores,
        &actor,
        &origin,
        &path,
        &changes,
        None,
        &state.settings.welcome_links(),
    )
    .await
    {
        return match e {
            AdminError::Policy(PolicyError::Brand(e)) => {
                Err(HttpError::BadRequest(admin::sentence(&e.to_string())))
            }
            e => admin_error(e),
        };
    }
    let org = super::admin_api::org_of(&state, &path).await?;
    let brand = branding::brand_of_org(&state.stores, &org).await?;
    let own = own_settings(&state, &org.id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(brand_json(&brand, &own)))
}

pub async fn put_logo(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    payload: aw::Payload,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let bytes = upload(&req, payload).await?;
    match branding::set_logo(&state.stores, &actor, &web::origin(&req), &path, bytes).await {
        Ok(info) => {
            let org = super::admin_api::org_of(&state, &path).await?;
            let brand = branding::brand_of_org(&state.stores, &org).await?;
            Ok(HttpResponse::Ok()
                .insert_header((CACHE_CONTROL, "no-store"))
                .json(json!({"logo": logo_json(&info), "logo_url": brand.logo_url()})))
        }
        Err(AdminError::Policy(PolicyError::Brand(e))) => {
            Err(HttpError::BadRequest(admin::sentence(&e.to_string())))
        }
        Err(e) => admin_error(e),
    }
}

pub async fn delete_logo(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    match branding::remove_logo(&state.stores, &actor, &web::origin(&req), &path).await {
        Ok(removed) => Ok(HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json!({"removed": removed}))),
        Err(e) => admin_error(e),
    }
}
