//! An organization's Branding tab: the display name, primary colour and support contact
//! its sign-in pages and emails show (each set here or inherited, with a way back to the
//! inherited value), and its logo (uploaded, shown, removed). The rules are
//! `idp_core::branding`'s; the words are `console.ftl`'s.

use super::members::{open, org_or_respond};
use super::settings::{Chain, refusal_text};
use super::{Console, Frame, OrgTabs};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::admin::AdminError;
use idp_core::authz::Permission;
use idp_core::branding::{self, Brand};
use idp_core::i18n::Tr;
use idp_core::org::Organization;
use idp_core::policy::{PolicyError, PolicySettings};
use idp_core::policy_edit::{self, Source};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/branding", aw::get().to(show))
        .route("/admin/orgs/{org}/branding", aw::post().to(save))
        .route("/admin/orgs/{org}/branding/logo", aw::post().to(upload))
        .route(
            "/admin/orgs/{org}/branding/logo/remove",
            aw::post().to(remove),
        );
}

/// One text setting of the form.
struct Field {
    key: &'static str,
    label: String,
    hint: String,
    value: String,
    now: String,
    source: String,
    here: bool,
}

#[derive(Template)]
#[template(path = "console/branding.html")]
struct BrandingPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    error: Option<String>,
    version: String,
    fields: Vec<Field>,
    /// The colour swatch shown (the effective primary colour) and its text colour.
    swatch: Option<(String, String)>,
    logo_url: Option<String>,
    logo_alt: String,
    /// Where the logo shown comes from, in words.
    logo_source: String,
    logo_here: bool,
    max_kb: usize,
}

/// The settings of the form.
const FIELDS: [&str; 3] = [
    "brand_display_name",
    "brand_primary_color",
    "brand_support_contact",
];

/// A setting's label and hint, in the reader's words.
fn words(t: &Tr, key: &str) -> (String, String) {
    match key {
        "brand_display_name" => (
            t.t("console-branding-name"),
            t.t("console-branding-name-hint"),
        ),
        "brand_primary_color" => (
            t.t("console-branding-colour"),
            t.t("console-branding-colour-hint"),
        ),
        _ => (
            t.t("console-branding-support"),
            t.t("console-branding-support-hint"),
        ),
    }
}

fn own_value(p: &PolicySettings, key: &str) -> Option<String> {
    match key {
        "brand_display_name" => p.brand_display_name.clone(),
        "brand_primary_color" => p.brand_primary_color.clone(),
        "brand_support_contact" => p.brand_support_contact.clone(),
        _ => None,
    }
}

fn effective(brand: &Brand, key: &str) -> Option<String> {
    match key {
        "brand_display_name" => brand.display_name.clone(),
        "brand_primary_color" => brand.primary_hex(),
        "brand_support_contact" => brand.support().map(|s| s.text().to_owned()),
        _ => None,
    }
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
    render(&state, &console, &org, StatusCode::OK, notice, None, None).await
}

async fn render(
    state: &AppState,
    console: &Console,
    org: &Organization,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    typed: Option<&[(String, String)]>,
) -> Result<HttpResponse, HttpError> {
    let t = &console.t;
    let chain = Chain::load(state, org).await?;
    let brand = branding::brand_of_org(&state.stores, org).await?;
    let typed_value =
        |key: &str| typed.and_then(|t| t.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
    let fields = FIELDS
        .iter()
        .map(|key| {
            let (label, hint) = words(t, key);
            let source = policy_edit::source_of(&chain.settings, |p| own_value(p, key));
            let now = effective(&brand, key);
            Field {
                key,
                label,
                hint,
                value: typed_value(key)
                    .or_else(|| own_value(&chain.own(), key))
                    .unwrap_or_default(),
                now: now.unwrap_or_else(|| match *key {
                    "brand_display_name" => {
                        t.t1("console-branding-no-name", "org", org.name.as_str())
                    }
                    "brand_primary_color" => t.t("console-branding-no-colour"),
                    _ => t.t("console-branding-none"),
                }),
                source: chain.source_label(t, source),
                here: source == Source::Here,
            }
        })
        .collect();
    let logo_here = brand.logo.as_ref().is_some_and(|l| l.org_id == org.id);
    let logo_source = match &brand.logo {
        None => t.t("console-branding-no-logo"),
        Some(_) if logo_here => t.t("console-branding-logo-here"),
        Some(l) => {
            let names = super::org_names(state).await?;
            match names.get(l.org_id.as_str()) {
                Some((_, name)) => t.t1("console-source-inherited", "org", name.as_str()),
                None => t.t("console-source-inherited-parent"),
            }
        }
    };
    console.page(
        status,
        &BrandingPage {
            frame: console.frame(
                t.t1("console-branding-title", "org", org.name.as_str()),
                "orgs",
            ),
            tabs: console.tabs(state, org, "Branding").await?,
            notice,
            error,
            version: chain.version.clone(),
            fields,
            swatch: brand.primary_hex().zip(brand.on_primary_hex()),
            logo_url: brand.logo_url(),
            logo_alt: t.t1("brand-logo-alt", "org", brand.name()),
            logo_source,
            logo_here,
            max_kb: branding::MAX_LOGO_BYTES / 1024,
        },
    )
}

/// A refusal in the form's words: branding rules say their own sentence.
fn refusal(t: &Tr, e: AdminError) -> Result<(StatusCode, String), HttpError> {
    match e {
        AdminError::Policy(PolicyError::Brand(b)) => Ok((StatusCode::BAD_REQUEST, b.message(t))),
        other => refusal_text(t, other),
    }
}

async fn save(
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
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let back = format!("/admin/orgs/{}/branding", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &field("csrf"), &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::LoginSettings);
    let chain = idp_core::policy::settings_chain(&state.stores, &org).await?;
    let own = chain.last().cloned().unwrap_or_default();
    let revert = field("revert");
    let changes: Vec<(String, String)> = if !revert.is_empty() {
        vec![(revert.clone(), String::new())]
    } else {
        FIELDS
            .iter()
            .filter_map(|key| {
                let typed = field(key);
                let mine = own_value(&own, key);
                if typed.is_empty() {
                    // Empty: inherit again (if it was set here).
                    return mine.map(|_| ((*key).to_owned(), String::new()));
                }
                (mine.as_deref() != Some(typed.as_str())).then(|| {
                    (
                        (*key).to_owned(),
                        serde_json::Value::from(typed).to_string(),
                    )
                })
            })
            .collect()
    };
    if changes.is_empty() {
        return Ok(super::Done::back_to(
            &back,
            &console.t.t("console-branding-nothing"),
        ));
    }
    match policy_edit::save_policy(
        &state.stores,
        &console.actor,
        &web::origin(&req),
        &org,
        &field("version"),
        &changes,
        None,
        &state.settings.welcome_links(),
    )
    .await
    {
        Ok(_) if revert.is_empty() => Ok(super::Done::back_to(
            &back,
            &console.t.t("console-branding-saved"),
        )),
        Ok(_) => Ok(super::Done::back_to(
            &back,
            &console.t.t("console-setting-reverted"),
        )),
        Err(e) => {
            let (status, text) = refusal(&console.t, e)?;
            render(
                &state,
                &console,
                &org,
                status,
                None,
                Some(text),
                Some(&form),
            )
            .await
        }
    }
}

async fn upload(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    payload: aw::Payload,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::LoginSettings);
    let back = format!("/admin/orgs/{}/branding", org.slug);
    let (st, con, o) = (&state, &console, &org);
    let refuse = |status, text: String| async move {
        render(st, con, o, status, None, Some(text), None).await
    };
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = match crate::routes::branding::read_body(payload).await {
        Ok(b) => b,
        Err(e) if !matches!(e, HttpError::PayloadTooLarge(_)) => return Err(e),
        Err(_) => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                console.t.t("console-branding-logo-too-large"),
            )
            .await;
        }
    };
    // The CSRF token travels as a form field before the file.
    let csrf = super::members_io::form_field(&content_type, &body, "csrf").unwrap_or_default();
    if let Some(stale) = console.stale_form(&state, &req, &csrf, &back)? {
        return Ok(stale);
    }
    let Some((_, bytes)) = crate::routes::members_io_api::multipart_file(&content_type, &body)
        .filter(|f| !f.1.is_empty())
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            console.t.t("console-branding-choose-file"),
        )
        .await;
    };
    match branding::set_logo(
        &state.stores,
        &console.actor,
        &web::origin(&req),
        org.id.as_str(),
        bytes,
    )
    .await
    {
        Ok(_) => Ok(super::Done::back_to(
            &back,
            &console.t.t("console-branding-logo-saved"),
        )),
        Err(e) => {
            let (status, text) = refusal(&console.t, e)?;
            refuse(status, text).await
        }
    }
}

#[derive(serde::Deserialize)]
struct RemoveForm {
    #[serde(default)]
    csrf: String,
}

async fn remove(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<RemoveForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let back = format!("/admin/orgs/{}/branding", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::LoginSettings);
    match branding::remove_logo(
        &state.stores,
        &console.actor,
        &web::origin(&req),
        org.id.as_str(),
    )
    .await
    {
        Ok(true) => Ok(super::Done::back_to(
            &back,
            &console.t.t("console-branding-logo-removed"),
        )),
        Ok(false) => Ok(super::Done::back_to(
            &back,
            &console.t.t("console-branding-no-own-logo"),
        )),
        Err(e) => {
            let (status, text) = refusal(&console.t, e)?;
            render(&state, &console, &org, status, None, Some(text), None).await
        }
    }
}
