//! An organization's Security tab: who must prove a second factor (turning it off deletes
//! every second factor, so it is confirmed), which kinds of second factor are allowed
//! (text messages flagged as a restricted authenticator), the allow-list of access addresses with its
//! scope, and the addresses where the second factor is not asked. Each part shows only
//! to an administrator who holds its area (`two_factor`, `allowed_ips`).

use super::members::{open, org_or_respond};
use super::settings::{Chain, refusal_text};
use super::{Console, Frame, OrgTabs};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::admin::{self, AdminError};
use idp_core::authz::Permission;
use idp_core::i18n::Tr;
use idp_core::org::Organization;
use idp_core::policy::{self, FactorKind, TwoFactorScope};
use idp_core::policy_edit::{self, InputError};
use idp_core::records::{CredentialScope, IpListPurpose};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/security", aw::get().to(show))
        .route("/admin/orgs/{org}/security", aw::post().to(save));
}

/// One IP list's part of the page.
struct ListPart {
    on: bool,
    text: String,
    /// Where the list that applies comes from, when this organization has none.
    inherited: Option<String>,
    error: Option<String>,
    /// The administrator's own address would be shut out: ask to confirm.
    ask_lockout: bool,
}

/// One kind of second factor as a checkbox.
struct KindChoice {
    value: &'static str,
    label: String,
    checked: bool,
}

fn kind_label(t: &Tr, k: FactorKind) -> String {
    match k {
        FactorKind::Totp => t.t("console-kind-totp"),
        FactorKind::Passkey => t.t("console-kind-passkey"),
        FactorKind::EmailCode => t.t("console-kind-email-code"),
        FactorKind::SmsCode => t.t("console-kind-sms-code"),
    }
}

struct ClientChoice {
    id: String,
    name: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "console/security.html")]
struct SecurityPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    version: String,
    your_ip: String,
    show_two_factor: bool,
    show_allow: bool,
    is_root: bool,
    scope: String,
    scope_source: String,
    scope_choice: String,
    with_second_factor: u64,
    two_factor_error: Option<String>,
    typed_confirm: String,
    kinds: Vec<KindChoice>,
    kinds_now: String,
    kinds_source: String,
    kinds_inherit: bool,
    kinds_error: Option<String>,
    allow: ListPart,
    super_admin_bound: bool,
    all_clients: bool,
    clients: Vec<ClientChoice>,
    skip: ListPart,
}

fn scope_label(t: &Tr, s: TwoFactorScope) -> String {
    match s {
        TwoFactorScope::Off => t.t("console-two-factor-off"),
        TwoFactorScope::Everybody => t.t("console-two-factor-everybody"),
        TwoFactorScope::Administrators => t.t("console-two-factor-admins"),
    }
}

/// What was typed in the form that was sent, to show it again.
#[derive(Default)]
struct Typed {
    part: String,
    error: Option<String>,
    scope: Option<String>,
    confirm: String,
    on: bool,
    text: String,
    super_admin: bool,
    all_clients: bool,
    clients: Vec<String>,
    ask_lockout: bool,
    inherit_kinds: bool,
    kinds: Vec<String>,
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<super::Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = match security_org(&state, &console, &req, &path).await? {
        Ok(org) => org,
        Err(page) => return Ok(page),
    };
    let notice = query.notice();
    render(&state, &console, &req, &org, StatusCode::OK, notice, None).await
}

/// The organization, when this administrator holds either area of the page there; else
/// the page that says why not.
async fn security_org(
    state: &AppState,
    console: &Console,
    req: &HttpRequest,
    slug: &str,
) -> Result<Result<Organization, HttpResponse>, HttpError> {
    let org = match admin::resolve_org(&state.stores, slug).await {
        Ok(org) => org,
        Err(e) => return console.refusal(e, "/admin/orgs").map(Err),
    };
    if console.holds(state, &org, Permission::TwoFactor).await?
        || console.holds(state, &org, Permission::AllowedIps).await?
    {
        return Ok(Ok(org));
    }
    // Refused, and recorded in the audit log as every console refusal is.
    let refused = idp_core::authz::require(
        &state.stores,
        &console.actor,
        &org,
        Permission::TwoFactor,
        &web::origin(req),
        "console",
    )
    .await
    .err()
    .unwrap_or(idp_core::authz::AuthzError::Forbidden(
        Permission::TwoFactor,
    ));
    console.refusal(refused.into(), "/admin/orgs").map(Err)
}

/// The list of `purpose` this organization holds, or the one it inherits (and from whom).
async fn list_part(
    t: &Tr,
    state: &AppState,
    org: &Organization,
    chain: &Chain,
    purpose: IpListPurpose,
) -> Result<ListPart, HttpError> {
    let own = state.stores.policies.find_ip_list(&org.id, purpose).await?;
    let mut inherited = None;
    if own.is_empty() {
        let ids = policy::ancestry(org);
        for (i, id) in ids.iter().enumerate().rev().skip(1) {
            if !state
                .stores
                .policies
                .find_ip_list(id, purpose)
                .await?
                .is_empty()
            {
                inherited = Some(match chain.orgs.get(i) {
                    Some(o) => t.t1("console-list-inherited", "org", o.0.as_str()),
                    None => t.t("console-list-inherited-parent"),
                });
                break;
            }
        }
    }
    Ok(ListPart {
        on: !own.is_empty(),
        text: policy_edit::ip_lines(&own),
        inherited,
        error: None,
        ask_lockout: false,
    })
}

async fn render(
    state: &AppState,
    console: &Console,
    req: &HttpRequest,
    org: &Organization,
    status: StatusCode,
    notice: Option<String>,
    typed: Option<Typed>,
) -> Result<HttpResponse, HttpError> {
    let chain = Chain::load(state, org).await?;
    let own = chain.own();
    let show_two_factor = console.holds(state, org, Permission::TwoFactor).await?;
    let show_allow = console.holds(state, org, Permission::AllowedIps).await?;
    let t = &console.t;
    let mut allow = list_part(t, state, org, &chain, IpListPurpose::AllowSignIn).await?;
    let mut skip = list_part(t, state, org, &chain, IpListPurpose::SkipSecondFactor).await?;
    let mut all_clients = chain.effective.ip_allow_list_clients.is_empty();
    let mut chosen = chain.effective.ip_allow_list_clients.clone();
    let mut super_admin_bound = chain.effective.ip_allow_list_super_admin;
    let scope_source = chain.source_label(
        t,
        policy_edit::source_of(&chain.settings, |p| p.two_factor_scope),
    );
    let mut scope_choice = own
        .two_factor_scope
        .map_or("inherit".to_owned(), |s| s.as_str().to_owned());
    if org.is_root() && scope_choice == "inherit" {
        scope_choice = chain.effective.two_factor_scope.as_str().to_owned();
    }
    let mut two_factor_error = None;
    let mut typed_confirm = String::new();
    let mut kinds_error = None;
    let mut kinds_inherit = !org.is_root() && own.allowed_second_factors.is_none();
    let mut checked: Vec<String> = chain
        .effective
        .allowed_second_factors
        .iter()
        .map(|k| k.as_str().to_owned())
        .collect();
    if let Some(t) = typed {
        match t.part.as_str() {
            "kinds" => {
                kinds_error = t.error;
                kinds_inherit = t.inherit_kinds;
                checked = t.kinds;
            }
            "two_factor" => {
                two_factor_error = t.error;
                typed_confirm = t.confirm;
                if let Some(s) = t.scope {
                    scope_choice = s;
                }
            }
            "allow" => {
                allow.on = t.on;
                allow.text = t.text;
                allow.error = t.error;
                allow.ask_lockout = t.ask_lockout;
                super_admin_bound = t.super_admin;
                all_clients = t.all_clients;
                chosen = t.clients;
            }
            _ => {
                skip.on = t.on;
                skip.text = t.text;
                skip.error = t.error;
            }
        }
    }
    let mut clients = Vec::new();
    for id in policy::ancestry(org) {
        for c in state.stores.clients.find_by_org(&id).await? {
            clients.push(ClientChoice {
                chosen: chosen.iter().any(|x| x == c.id.as_str()),
                id: c.id.to_string(),
                name: c.name.clone(),
            });
        }
    }
    let with_second_factor = state
        .stores
        .credentials
        .count_in_subtree(&org.path, CredentialScope::SecondFactors)
        .await?;
    let kinds = FactorKind::ALL
        .iter()
        .map(|k| KindChoice {
            value: k.as_str(),
            label: kind_label(t, *k),
            checked: checked.iter().any(|c| c == k.as_str()),
        })
        .collect();
    let kinds_now = chain
        .effective
        .allowed_second_factors
        .iter()
        .map(|k| kind_label(t, *k))
        .collect::<Vec<_>>()
        .join(", ");
    let kinds_source = chain.source_label(
        t,
        policy_edit::source_of(&chain.settings, |p| p.allowed_second_factors.clone()),
    );
    console.page(
        status,
        &SecurityPage {
            frame: console.frame(t.t1("console-security-of", "org", &org.name), "orgs"),
            tabs: console.tabs(state, org, "Security").await?,
            notice,
            version: chain.version.clone(),
            your_ip: web::origin(req)
                .ip
                .unwrap_or_else(|| t.t("console-unknown-address")),
            show_two_factor,
            show_allow,
            is_root: org.is_root(),
            scope: scope_label(t, chain.effective.two_factor_scope),
            scope_source,
            scope_choice,
            with_second_factor,
            two_factor_error,
            typed_confirm,
            kinds,
            kinds_now,
            kinds_source,
            kinds_inherit,
            kinds_error,
            allow,
            super_admin_bound,
            all_clients,
            clients,
            skip,
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
    let back = format!("/admin/orgs/{}/security", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &field("csrf"), &back)? {
        return Ok(stale);
    }
    let part = field("part");
    let area = match part.as_str() {
        "allow" => Permission::AllowedIps,
        _ => Permission::TwoFactor,
    };
    let org = org_or_respond!(state, console, req, &path, area);
    let origin = web::origin(&req);
    let version = field("version");
    let mut typed = Typed {
        part: part.clone(),
        scope: Some(field("scope")).filter(|s| !s.is_empty()),
        confirm: field("confirm"),
        on: field("enabled") == "on",
        text: field("entries"),
        super_admin: !field("super_admin").is_empty(),
        all_clients: field("client_scope") != "chosen",
        clients: form
            .iter()
            .filter(|(k, _)| k == "client")
            .map(|(_, v)| v.clone())
            .collect(),
        inherit_kinds: !field("inherit").is_empty(),
        kinds: form
            .iter()
            .filter(|(k, _)| k == "kind")
            .map(|(_, v)| v.clone())
            .collect(),
        ..Default::default()
    };
    // "+ Add current access IP": the form comes back with the address added, unsaved.
    if !field("add_current").is_empty() {
        let ip = origin.ip.clone().unwrap_or_default();
        typed.text = policy_edit::with_address(
            &typed.text,
            &ip,
            &console.t.t("console-current-address-note"),
        );
        typed.on = true;
        let notice = console.t.t1("console-address-added", "ip", ip.as_str());
        return render(
            &state,
            &console,
            &req,
            &org,
            StatusCode::OK,
            Some(notice),
            Some(typed),
        )
        .await;
    }
    let result: Result<String, Refusal> = match part.as_str() {
        "two_factor" => {
            let affected = state
                .stores
                .credentials
                .count_in_subtree(&org.path, CredentialScope::SecondFactors)
                .await?;
            let scope = typed.scope.clone().unwrap_or_default();
            let value = if scope == "inherit" {
                String::new()
            } else {
                scope
            };
            policy_edit::save_policy(
                &state.stores,
                &console.actor,
                &origin,
                &org,
                &version,
                &[("two_factor_scope".to_owned(), value)],
                policy_edit::typed_confirmation(&typed.confirm, &org.name, affected),
                &state.settings.welcome_links(),
            )
            .await
            .map(|u| {
                if u.cleared > 0 {
                    console
                        .t
                        .t1("console-two-factor-saved-cleared", "count", u.cleared)
                } else {
                    console.t.t("console-two-factor-saved")
                }
            })
            .map_err(Refusal::Admin)
        }
        "kinds" => save_kinds(&state, &console, &origin, &org, &version, &typed).await,
        "allow" => {
            save_allow_list(
                &state,
                &console,
                &origin,
                &org,
                &version,
                &typed,
                &field("confirm_lockout"),
            )
            .await
        }
        _ => match policy_edit::ip_list_entries(typed.on, &typed.text) {
            Ok(entries) => policy_edit::save_ip_list(
                &state.stores,
                &console.actor,
                &origin,
                &org,
                &version,
                IpListPurpose::SkipSecondFactor,
                &entries,
                false,
            )
            .await
            .map(|n| console.t.t1("console-exempt-saved", "count", n))
            .map_err(Refusal::Admin),
            Err(e) => Err(Refusal::Input(e)),
        },
    };
    match result {
        Ok(done) => Ok(super::Done::back_to(&back, &done)),
        Err(refusal) => {
            let (status, text) = match refusal {
                Refusal::Input(e) => (StatusCode::BAD_REQUEST, e.message(&console.t)),
                Refusal::Admin(e) => {
                    typed.ask_lockout = matches!(e, AdminError::WouldLockYouOut(_));
                    refusal_text(&console.t, e)?
                }
            };
            typed.error = Some(text);
            render(&state, &console, &req, &org, status, None, Some(typed)).await
        }
    }
}

enum Refusal {
    Input(InputError),
    Admin(AdminError),
}

/// Saves which kinds of second factor are allowed; refused whole (nothing saved) when
/// none is left.
async fn save_kinds(
    state: &AppState,
    console: &Console,
    origin: &idp_core::signin::Origin,
    org: &Organization,
    version: &str,
    typed: &Typed,
) -> Result<String, Refusal> {
    let chain = policy::settings_chain(&state.stores, org)
        .await
        .map_err(|e| Refusal::Admin(e.into()))?;
    let own = chain.last().cloned().unwrap_or_default();
    let inherit = typed.inherit_kinds && !org.is_root();
    let change =
        policy_edit::kinds_change(own.allowed_second_factors.as_deref(), inherit, &typed.kinds)
            .map_err(Refusal::Input)?;
    if let Some(change) = change {
        policy_edit::save_policy(
            &state.stores,
            &console.actor,
            origin,
            org,
            version,
            &[change],
            None,
            &state.settings.welcome_links(),
        )
        .await
        .map_err(Refusal::Admin)?;
    }
    Ok(console.t.t("console-kinds-saved"))
}

/// Saves the allow-list and its scope (super administrator, applications) through
/// `policy_edit::save_allow_list`, which checks everything before it saves anything.
async fn save_allow_list(
    state: &AppState,
    console: &Console,
    origin: &idp_core::signin::Origin,
    org: &Organization,
    version: &str,
    typed: &Typed,
    confirm_lockout: &str,
) -> Result<String, Refusal> {
    let entries = policy_edit::ip_list_entries(typed.on, &typed.text).map_err(Refusal::Input)?;
    let chain = policy::settings_chain(&state.stores, org)
        .await
        .map_err(|e| Refusal::Admin(e.into()))?;
    let own = chain.last().cloned().unwrap_or_default();
    let effective = policy::EffectivePolicy::from_chain(&chain);
    let scope = if typed.all_clients { "all" } else { "chosen" };
    let mut changes: Vec<(String, String)> = policy_edit::client_scope_change(
        own.ip_allow_list_clients.as_deref(),
        scope,
        &typed.clients,
    )
    .map_err(Refusal::Input)?
    .into_iter()
    .collect();
    changes.extend(policy_edit::checkbox_change(
        "ip_allow_list_super_admin",
        own.ip_allow_list_super_admin,
        effective.ip_allow_list_super_admin,
        typed.super_admin,
    ));
    let n = policy_edit::save_allow_list(
        &state.stores,
        &console.actor,
        origin,
        org,
        version,
        &entries,
        &changes,
        !confirm_lockout.is_empty(),
        &state.settings.welcome_links(),
    )
    .await
    .map_err(Refusal::Admin)?;
    Ok(if typed.on {
        console.t.t1("console-allow-saved", "count", n)
    } else {
        console.t.t("console-allow-off")
    })
}
