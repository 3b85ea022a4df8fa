//! An organization's Login settings tab: password rules, expiry and history, lockout,
//! idle sign-out and session lifetime, and whether members on leave may sign in. Each
//! setting says whether it is set here or inherited (and from where), with a way back to
//! the inherited value; values are typed in days, hours or minutes.

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
use idp_core::policy::CounterRegression;
use idp_core::policy_edit::{self, NUMBER_SETTINGS, NumberSetting, Source, Unit};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/login-settings", aw::get().to(show))
        .route("/admin/orgs/{org}/login-settings", aw::post().to(save));
}

struct Row {
    key: &'static str,
    label: String,
    unit: String,
    value: String,
    now: String,
    source: String,
    here: bool,
}

#[derive(Template)]
#[template(path = "console/login_settings.html")]
struct LoginSettingsPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    error: Option<String>,
    version: String,
    rows: Vec<Row>,
    is_root: bool,
    leave_choice: String,
    leave_now: String,
    leave_source: String,
    leave_here: bool,
    passkey_choice: String,
    passkey_now: String,
    passkey_source: String,
    passkey_here: bool,
    admins_passkey_choice: String,
    admins_passkey_now: String,
    admins_passkey_source: String,
    admins_passkey_here: bool,
    counter_choice: String,
    counter_now: String,
    counter_source: String,
    counter_here: bool,
    /// The authenticator models, one a line, as typed or as they apply.
    aaguids_text: String,
    aaguids_now: String,
    aaguids_source: String,
    aaguids_here: bool,
    /// The default language: (code, own name) choices, the choice, what holds now.
    languages: Vec<(&'static str, &'static str)>,
    language_choice: String,
    language_now: String,
    language_source: String,
    language_here: bool,
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

/// A number setting's name in the reader's language (idp-core names it in English).
fn label(t: &Tr, s: &NumberSetting) -> String {
    match s.key {
        "password_min_length" => t.t("console-setting-password-min-length"),
        "password_character_classes" => t.t("console-setting-character-classes"),
        "password_expiry_days" => t.t("console-setting-password-expiry"),
        "password_history" => t.t("console-setting-password-history"),
        "lockout_after_failures" => t.t("console-setting-lockout"),
        "idle_timeout_minutes" => t.t("console-setting-idle-timeout"),
        "session_lifetime_hours" => t.t("console-setting-session-lifetime"),
        _ => s.label.to_owned(),
    }
}

/// `n` of a unit, as in "30 days".
fn amount(t: &Tr, unit: Unit, n: u32) -> String {
    match unit {
        Unit::Characters => t.t1("console-amount-characters", "count", n),
        Unit::Classes => t.t1("console-amount-classes", "count", n),
        Unit::Passwords => t.t1("console-amount-passwords", "count", n),
        Unit::Failures => t.t1("console-amount-failures", "count", n),
        Unit::Minutes => t.t1("console-amount-minutes", "count", n),
        Unit::Hours => t.t1("console-amount-hours", "count", n),
        Unit::Days => t.t1("console-amount-days", "count", n),
    }
}

/// A unit's name next to a box holding many of it ("days").
fn unit_name(t: &Tr, unit: Unit) -> String {
    match unit {
        Unit::Characters => t.t("console-unit-characters"),
        Unit::Classes => t.t("console-unit-classes"),
        Unit::Passwords => t.t("console-unit-passwords"),
        Unit::Failures => t.t("console-unit-failures"),
        Unit::Minutes => t.t("console-unit-minutes"),
        Unit::Hours => t.t("console-unit-hours"),
        Unit::Days => t.t("console-unit-days"),
    }
}

/// What a setting's value means now, as `policy_edit::describe` says it in English.
fn describe(t: &Tr, s: &NumberSetting, value: Option<u32>) -> String {
    match value {
        None if s.unset_means.is_some() => match s.key {
            "idle_timeout_minutes" => t.t("console-setting-no-idle-limit"),
            _ => t.t("console-setting-no-limit"),
        },
        None => "—".to_owned(),
        Some(0) if s.zero_means.is_some() => match s.key {
            "password_character_classes" => t.t("console-setting-none-required"),
            "password_expiry_days" => t.t("console-never-expires"),
            "password_history" => t.t("console-setting-any-reused"),
            "lockout_after_failures" => t.t("console-setting-never-locks"),
            _ => policy_edit::describe(s, value),
        },
        Some(n) => amount(t, s.unit, n),
    }
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
    let t = &console.t;
    let typed_value =
        |key: &str| typed.and_then(|t| t.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
    let rows = NUMBER_SETTINGS
        .iter()
        .map(|s| {
            let source = policy_edit::source_of(&chain.settings, s.get);
            let effective = (s.effective)(&chain.effective);
            Row {
                key: s.key,
                label: label(t, s),
                unit: unit_name(t, s.unit),
                value: typed_value(s.key)
                    .unwrap_or_else(|| effective.map(|v| v.to_string()).unwrap_or_default()),
                now: describe(t, s, effective),
                source: chain.source_label(t, source),
                here: source == Source::Here,
            }
        })
        .collect();
    let own = chain.own();
    let leave_source = policy_edit::source_of(&chain.settings, |p| p.leave_of_absence_sign_in);
    let leave_choice = typed_value("leave_of_absence_sign_in").unwrap_or_else(|| {
        match own.leave_of_absence_sign_in {
            Some(true) => "on",
            Some(false) => "off",
            None => "inherit",
        }
        .to_owned()
    });
    let passkey_source = policy_edit::source_of(&chain.settings, |p| p.passkey_sign_in);
    let passkey_choice = typed_value("passkey_sign_in").unwrap_or_else(|| {
        match own.passkey_sign_in {
            Some(true) => "on",
            Some(false) => "off",
            None => "inherit",
        }
        .to_owned()
    });
    let admins_passkey_source =
        policy_edit::source_of(&chain.settings, |p| p.admins_require_passkey);
    let admins_passkey_choice = typed_value("admins_require_passkey").unwrap_or_else(|| {
        match own.admins_require_passkey {
            Some(true) => "on",
            Some(false) => "off",
            None => "inherit",
        }
        .to_owned()
    });
    let counter_source = policy_edit::source_of(&chain.settings, |p| p.passkey_counter_regression);
    let counter_choice = typed_value("passkey_counter_regression").unwrap_or_else(|| {
        own.passkey_counter_regression
            .map_or("inherit", |r| r.as_str())
            .to_owned()
    });
    let aaguids_source = policy_edit::source_of(&chain.settings, |p| p.passkey_aaguids.clone());
    let aaguids_now: Vec<String> = chain
        .effective
        .passkey_aaguids
        .iter()
        .map(ToString::to_string)
        .collect();
    let aaguids_text = typed_value("passkey_aaguids").unwrap_or_else(|| aaguids_now.join("\n"));
    let language_source = policy_edit::source_of(&chain.settings, |p| p.default_language);
    let language_choice = typed_value("default_language").unwrap_or_else(|| {
        own.default_language
            .map_or("inherit", |l| l.as_str())
            .to_owned()
    });
    console.page(
        status,
        &LoginSettingsPage {
            frame: console.frame(t.t1("console-login-settings-of", "org", &org.name), "orgs"),
            tabs: console.tabs(state, org, "Login settings").await?,
            notice,
            error,
            version: chain.version.clone(),
            rows,
            is_root: org.is_root(),
            leave_choice,
            leave_now: if chain.effective.leave_of_absence_sign_in {
                t.t("console-leave-may-now")
            } else {
                t.t("console-leave-may-not-now")
            },
            leave_source: chain.source_label(t, leave_source),
            leave_here: leave_source == Source::Here,
            passkey_choice,
            passkey_now: if chain.effective.passkey_sign_in {
                t.t("console-passkey-sign-in-allowed-now")
            } else {
                t.t("console-passkey-sign-in-not-allowed-now")
            },
            passkey_source: chain.source_label(t, passkey_source),
            passkey_here: passkey_source == Source::Here,
            admins_passkey_choice,
            admins_passkey_now: if chain.effective.admins_require_passkey {
                t.t("console-admins-passkey-required-now")
            } else {
                t.t("console-admins-passkey-not-required-now")
            },
            admins_passkey_source: chain.source_label(t, admins_passkey_source),
            admins_passkey_here: admins_passkey_source == Source::Here,
            counter_choice,
            counter_now: match chain.effective.passkey_counter_regression {
                CounterRegression::Refuse => t.t("console-counter-regression-refuse"),
                CounterRegression::Allow => t.t("console-counter-regression-allow"),
            },
            counter_source: chain.source_label(t, counter_source),
            counter_here: counter_source == Source::Here,
            aaguids_text,
            aaguids_now: if aaguids_now.is_empty() {
                t.t("console-aaguids-any")
            } else {
                aaguids_now.join(", ")
            },
            aaguids_source: chain.source_label(t, aaguids_source),
            aaguids_here: aaguids_source == Source::Here,
            languages: crate::lang::choices(),
            language_choice,
            language_now: chain
                .effective
                .default_language
                .map_or(t.t("console-language-english-default"), |l| {
                    l.native_name().to_owned()
                }),
            language_source: chain.source_label(t, language_source),
            language_here: language_source == Source::Here,
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
    let back = format!("/admin/orgs/{}/login-settings", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &field("csrf"), &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::LoginSettings);
    let chain = idp_core::policy::settings_chain(&state.stores, &org).await?;
    let own = chain.last().cloned().unwrap_or_default();
    let revert = field("revert");
    let changes = if !revert.is_empty() {
        // "Revert to inherited": this organization's own value goes, nothing else changes.
        Ok(vec![(revert.clone(), String::new())])
    } else {
        let typed: Vec<(&'static str, String)> = NUMBER_SETTINGS
            .iter()
            .map(|s| (s.key, field(s.key)))
            .collect();
        policy_edit::number_changes(&chain, &typed, org.is_root()).and_then(|mut changes| {
            changes.extend(policy_edit::switch_change(
                "leave_of_absence_sign_in",
                own.leave_of_absence_sign_in,
                &field("leave_of_absence_sign_in"),
            )?);
            changes.extend(policy_edit::switch_change(
                "passkey_sign_in",
                own.passkey_sign_in,
                &field("passkey_sign_in"),
            )?);
            changes.extend(policy_edit::switch_change(
                "admins_require_passkey",
                own.admins_require_passkey,
                &field("admins_require_passkey"),
            )?);
            changes.extend(policy_edit::counter_regression_change(
                own.passkey_counter_regression,
                &field("passkey_counter_regression"),
            )?);
            let above = idp_core::policy::EffectivePolicy::from_chain(
                chain.split_last().map_or(&[][..], |(_, up)| up),
            );
            let inherited: Vec<String> = above
                .passkey_aaguids
                .iter()
                .map(ToString::to_string)
                .collect();
            changes.extend(policy_edit::list_change(
                "passkey_aaguids",
                own.passkey_aaguids.as_deref(),
                &inherited,
                &field("passkey_aaguids"),
            ));
            changes.extend(policy_edit::language_change(
                own.default_language,
                &field("default_language"),
            )?);
            Ok(changes)
        })
    };
    let t = &console.t;
    let error = match changes {
        Err(e) => Some((StatusCode::BAD_REQUEST, e.message(t))),
        Ok(changes) if changes.is_empty() => {
            let done = t.t("console-nothing-to-change");
            return Ok(super::Done::back_to(&back, &done));
        }
        Ok(changes) => match policy_edit::save_policy(
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
                let done = if revert.is_empty() {
                    t.t("console-login-settings-saved")
                } else {
                    t.t("console-setting-reverted")
                };
                return Ok(super::Done::back_to(&back, &done));
            }
            Err(e) => Some(refusal_text(&console.t, e)?),
        },
    };
    let (status, text) = error.unwrap_or((StatusCode::BAD_REQUEST, String::new()));
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
