//! An organization's Federation tab: sign-in with Google and with Microsoft Entra ID on
//! or off, the Google domains and Entra tenants accepted, just-in-time provisioning, and
//! the admin-consent link a customer's Entra administrator opens to grant `idp`
//! organization-wide consent.

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
use idp_core::i18n::Tr;
use idp_core::org::Organization;
use idp_core::policy::PolicySettings;
use idp_core::policy_edit;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/federation", aw::get().to(show))
        .route("/admin/orgs/{org}/federation", aw::post().to(save));
}

/// A yes/no setting of the page.
struct Switch {
    key: &'static str,
    label: String,
    choice: String,
    now: bool,
    source: String,
}

/// A list setting of the page.
struct List {
    key: &'static str,
    label: String,
    hint: String,
    text: String,
    source: String,
}

#[derive(Template)]
#[template(path = "console/federation.html")]
struct FederationPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    error: Option<String>,
    version: String,
    is_root: bool,
    switches: Vec<Switch>,
    lists: Vec<List>,
    /// (tenant, link) for each accepted tenant, then any tenant's.
    consent_links: Vec<(String, String)>,
    entra_configured: bool,
}

type BoolGet = fn(&PolicySettings) -> Option<bool>;
type ListGet = fn(&PolicySettings) -> Option<Vec<String>>;
/// A text of the page in the reader's language.
type Text = fn(&Tr) -> String;

const SWITCHES: [(&str, Text, BoolGet); 3] = [
    (
        "google_sign_in",
        |t| t.t("console-fed-google"),
        |p| p.google_sign_in,
    ),
    (
        "entra_sign_in",
        |t| t.t("console-fed-entra"),
        |p| p.entra_sign_in,
    ),
    (
        "just_in_time_provisioning",
        |t| t.t("console-fed-jit"),
        |p| p.just_in_time_provisioning,
    ),
];

const LISTS: [(&str, Text, Text, ListGet); 2] = [
    (
        "google_hosted_domains",
        |t| t.t("console-fed-domains"),
        |t| t.t("console-fed-domains-hint"),
        |p| p.google_hosted_domains.clone(),
    ),
    (
        "entra_allowed_tenants",
        |t| t.t("console-fed-tenants"),
        |t| t.t("console-fed-tenants-hint"),
        |p| p.entra_allowed_tenants.clone(),
    ),
];

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
    let chain = Chain::load(state, org).await?;
    let own = chain.own();
    let typed_value =
        |key: &str| typed.and_then(|t| t.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
    let e = &chain.effective;
    let t = &console.t;
    let switches = SWITCHES
        .iter()
        .map(|(key, label, get)| Switch {
            key,
            label: label(t),
            choice: typed_value(key).unwrap_or_else(|| {
                match get(&own) {
                    Some(true) => "on",
                    Some(false) => "off",
                    None => "inherit",
                }
                .to_owned()
            }),
            now: match *key {
                "google_sign_in" => e.google_sign_in,
                "entra_sign_in" => e.entra_sign_in,
                _ => e.just_in_time_provisioning,
            },
            source: chain.source_label(t, policy_edit::source_of(&chain.settings, get)),
        })
        .collect();
    let lists = LISTS
        .iter()
        .map(|(key, label, hint, get)| List {
            key,
            label: label(t),
            hint: hint(t),
            text: typed_value(key).unwrap_or_else(|| {
                match *key {
                    "google_hosted_domains" => &e.google_hosted_domains,
                    _ => &e.entra_allowed_tenants,
                }
                .join("\n")
            }),
            source: chain.source_label(t, policy_edit::source_of(&chain.settings, get)),
        })
        .collect();
    let entra = state.settings.federation.entra.as_ref();
    let mut consent_links = Vec::new();
    if let Some(entra) = entra {
        let issuer = state.settings.issuer();
        for tenant in &e.entra_allowed_tenants {
            consent_links.push((
                t.t1("console-fed-tenant", "tenant", tenant.as_str()),
                policy_edit::entra_admin_consent_url(Some(tenant), &entra.client_id, issuer),
            ));
        }
        consent_links.push((
            t.t("console-fed-any-tenant"),
            policy_edit::entra_admin_consent_url(None, &entra.client_id, issuer),
        ));
    }
    console.page(
        status,
        &FederationPage {
            frame: console.frame(t.t1("console-federation-of", "org", &org.name), "orgs"),
            tabs: console.tabs(state, org, "Federation").await?,
            notice,
            error,
            version: chain.version.clone(),
            is_root: org.is_root(),
            switches,
            lists,
            consent_links,
            entra_configured: entra.is_some(),
        },
    )
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
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let back = format!("/admin/orgs/{}/federation", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &field("csrf"), &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::LoginSettings);
    let chain = idp_core::policy::settings_chain(&state.stores, &org).await?;
    let own = chain.last().cloned().unwrap_or_default();
    let above = idp_core::policy::EffectivePolicy::from_chain(
        chain.split_last().map_or(&[][..], |(_, up)| up),
    );
    let mut changes = Vec::new();
    let mut refusal = None;
    for (key, _, get) in SWITCHES {
        match policy_edit::switch_change(key, get(&own), &field(key)) {
            Ok(c) => changes.extend(c),
            Err(e) => refusal = Some(e),
        }
    }
    for (key, _, _, get) in LISTS {
        let inherited = match key {
            "google_hosted_domains" => &above.google_hosted_domains,
            _ => &above.entra_allowed_tenants,
        };
        changes.extend(policy_edit::list_change(
            key,
            get(&own).as_deref(),
            inherited,
            &field(key),
        ));
    }
    let done = |text: String| super::Done::back_to(&back, &text);
    let error = if let Some(e) = refusal {
        (StatusCode::BAD_REQUEST, e.message(&console.t))
    } else if changes.is_empty() {
        return Ok(done(console.t.t("console-nothing-to-change")));
    } else {
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
            Ok(_) => {
                return Ok(done(console.t.t("console-federation-saved")));
            }
            Err(e) => refusal_text(&console.t, e)?,
        }
    };
    render(
        &state,
        &console,
        &org,
        error.0,
        None,
        Some(error.1),
        Some(&form),
    )
    .await
}
