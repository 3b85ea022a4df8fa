//! One member's page: profile, a card per sign-in method, second factor and password,
//! sessions, linked accounts, consents, administrator roles and their audit events; and
//! the actions on them. Opening it is recorded as a personal-information view.

use super::members::{open, status_label};
use super::{Console, Frame, OrgTabs};
use crate::error::HttpError;
use crate::routes::account::describe_user_agent;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::admin::{self, AdminError};
use idp_core::audit::AuditFilter;
use idp_core::authz::Permission;
use idp_core::ids::{ClientId, SessionId, UserId};
use idp_core::members::{self, BulkAction, Outcome};
use idp_core::records::{LoginMethodKind, User};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/members/{id}", aw::get().to(show))
        .route("/admin/members/{id}/action", aw::post().to(act));
}

struct MethodCard {
    title: String,
    facts: Vec<(String, String)>,
    unlink: Option<(String, String)>,
}

struct SessionRow {
    id: String,
    device: String,
    ip: String,
    started: String,
    last_active: String,
}

struct ConsentRow {
    client_id: String,
    client: String,
    scopes: String,
    granted: String,
}

struct EventRow {
    at: String,
    activity: String,
    event: String,
    actor: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "console/member.html")]
struct MemberPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    password_shown: Option<String>,
    id: String,
    name: String,
    email: String,
    org: String,
    /// The member's status as the form's value (`set_active`, ...).
    status_action: &'static str,
    status: String,
    created: String,
    never_signed_in: bool,
    email_login: bool,
    cards: Vec<MethodCard>,
    second_factor: Vec<(String, String)>,
    second_factor_locked: bool,
    password: Vec<(String, String)>,
    password_locked: bool,
    can_reset_second_factor: bool,
    sessions: Vec<SessionRow>,
    consents: Vec<ConsentRow>,
    roles: Vec<(String, String)>,
    events: Vec<EventRow>,
    audit_href: Option<String>,
    /// The member's version when the page was read, for the profile form's check.
    version: i64,
    org_slug: String,
    move_targets: Vec<(String, String)>,
}

async fn member_of(
    state: &AppState,
    console: &Console,
    req: &HttpRequest,
    id: &str,
) -> Result<Result<User, HttpResponse>, HttpError> {
    match admin::view_member(
        &state.stores,
        &console.actor,
        &web::origin(req),
        &UserId::from_string(id),
    )
    .await
    {
        Ok(m) => Ok(Ok(m)),
        Err(e) => console.refusal(e, "/admin/orgs").map(Err),
    }
}

async fn show(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<super::Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let member = match member_of(&state, &console, &req, &path).await? {
        Ok(m) => m,
        Err(response) => return Ok(response),
    };
    let notice = query.notice();
    render(&state, &console, member, notice, None).await
}

async fn render(
    state: &AppState,
    console: &Console,
    member: User,
    notice: Option<String>,
    password_shown: Option<String>,
) -> Result<HttpResponse, HttpError> {
    let stores = &state.stores;
    let now = stores.clock.now();
    let org = admin::resolve_org(stores, member.org_id.as_str()).await?;
    let tabs = console.tabs(state, &org, "Members").await?;
    let names = super::org_names(state).await?;
    let org_path: String = org
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|id| format!("/{}", names.get(id).map_or(id, |n| n.1.as_str())))
        .collect();
    let creds = stores.credentials.find_by_user(&member.id).await?;
    let methods = stores.login_methods.find_by_user(&member.id).await?;
    let policy = idp_core::policy::effective_policy(stores, &org).await?;
    let never_signed_in = methods.iter().all(|m| m.last_sign_in_at.is_none());
    let t = &console.t;
    let when = |at| console.when(at);
    let usage = |m: &idp_core::records::LoginMethod| {
        vec![
            (t.t("console-col-last-sign-in"), when(m.last_sign_in_at)),
            (t.t("console-sign-ins"), m.sign_in_count.to_string()),
            (
                t.t("console-last-ip"),
                m.last_ip.clone().unwrap_or_else(|| "—".into()),
            ),
        ]
    };
    let mut cards = Vec::new();
    for m in methods.iter().filter(|m| m.kind == LoginMethodKind::Entra) {
        let mut facts = vec![
            (
                t.t("console-position"),
                member.job_title.clone().unwrap_or_else(|| "—".into()),
            ),
            (
                t.t("console-phone"),
                member.phone.clone().unwrap_or_else(|| "—".into()),
            ),
        ];
        facts.extend(usage(m));
        cards.push(MethodCard {
            title: "Microsoft Entra ID".into(),
            facts,
            unlink: Some(("entra".into(), m.upstream_subject.clone())),
        });
    }
    for m in methods.iter().filter(|m| m.kind == LoginMethodKind::Google) {
        cards.push(MethodCard {
            title: "Google".into(),
            facts: usage(m),
            unlink: Some(("google".into(), m.upstream_subject.clone())),
        });
    }
    let native = methods.iter().find(|m| m.kind == LoginMethodKind::Native);
    let email_login = creds.as_ref().is_some_and(|c| c.email_login_enabled);
    if email_login || native.is_some() {
        cards.push(MethodCard {
            title: t.t("console-email-and-password"),
            facts: native.map(usage).unwrap_or_else(|| {
                vec![
                    (t.t("console-col-last-sign-in"), t.t("console-never")),
                    (t.t("console-sign-ins"), "0".into()),
                    (t.t("console-last-ip"), "—".into()),
                ]
            }),
            unlink: None,
        });
    }
    let recovery_left = stores
        .credentials
        .count_unused_recovery_codes(&member.id)
        .await?;
    let passkeys = idp_core::passkeys::list(stores, &member.id).await?;
    let (second_factor, second_factor_locked, password, password_locked) = match &creds {
        Some(c) => {
            let mut sf = Vec::new();
            let last_used = |at: Option<idp_core::Timestamp>| match at {
                Some(at) => when(Some(at)),
                None => t.t("console-never-used"),
            };
            sf.push((
                t.t("console-second-factor-app"),
                match c.totp_enrolled_at {
                    Some(at) => t.t2(
                        "console-app-added",
                        "added",
                        when(Some(at)),
                        "used",
                        last_used(c.totp_last_used_at),
                    ),
                    None => t.t("console-not-set-up"),
                },
            ));
            sf.push((
                t.t("console-emailed-codes"),
                if c.email_otp_enabled {
                    t.t2(
                        "console-emailed-codes-on",
                        "since",
                        when(c.email_otp_enabled_at),
                        "used",
                        last_used(c.email_otp_last_used_at),
                    )
                } else {
                    t.t("console-off")
                },
            ));
            if passkeys.is_empty() {
                sf.push((t.t("console-passkeys"), t.t("console-not-set-up")));
            }
            for p in &passkeys {
                sf.push((
                    t.t1("console-passkey-named", "name", &p.name),
                    t.t2(
                        "console-app-added",
                        "added",
                        when(Some(p.created_at)),
                        "used",
                        last_used(p.last_used_at),
                    ),
                ));
            }
            sf.push((
                t.t("console-phone"),
                match (&c.phone_number, c.phone_verified_at) {
                    (Some(number), Some(at)) => t.message(
                        "console-phone-verified",
                        &[
                            ("number", &number.masked()),
                            ("since", &when(Some(at))),
                            ("used", &last_used(c.sms_last_used_at)),
                        ],
                    ),
                    (Some(number), None) => {
                        t.t1("console-phone-unverified", "number", number.masked())
                    }
                    (None, _) => t.t("console-not-set-up"),
                },
            ));
            sf.push((
                t.t("console-recovery-codes-left"),
                recovery_left.to_string(),
            ));
            let locked_until = c.second_factor_lock.locked_until(now);
            sf.push((
                t.t("console-lock"),
                locked_until.map_or(t.t("console-not-locked"), |at| {
                    t.t1("console-locked-until", "until", when(Some(at)))
                }),
            ));
            let expiry = match (policy.password_expiry, c.password_changed_at) {
                (Some(d), Some(at)) => when(Some(at.plus(d))),
                (None, _) => t.t("console-never-expires"),
                (Some(_), None) => "—".into(),
            };
            let pw = vec![
                (
                    t.t("console-method-password"),
                    if c.password_hash.is_some() {
                        if c.password_must_change {
                            t.t("console-password-temporary")
                        } else {
                            t.t("console-password-set")
                        }
                    } else {
                        t.t("console-password-not-set")
                    },
                ),
                (t.t("console-last-changed"), when(c.password_changed_at)),
                (t.t("console-expires"), expiry),
                (
                    t.t("console-failed-sign-ins"),
                    c.failed_sign_ins.to_string(),
                ),
                (
                    t.t("console-lock"),
                    c.locked_at.map_or(t.t("console-not-locked"), |at| {
                        t.t1("console-locked-since", "since", when(Some(at)))
                    }),
                ),
            ];
            (sf, locked_until.is_some(), pw, c.locked_at.is_some())
        }
        None => (Vec::new(), false, Vec::new(), false),
    };
    let sessions = stores
        .sessions
        .find_live_by_user(&member.id, now)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            id: s.id.to_string(),
            device: describe_user_agent(t, s.user_agent.as_deref()),
            ip: s.ip.unwrap_or_else(|| "—".into()),
            started: when(Some(s.created_at)),
            last_active: when(Some(s.last_seen_at)),
        })
        .collect();
    let mut consents = Vec::new();
    for c in stores.consents.find_by_user(&member.id).await? {
        let client = state
            .clients
            .get(stores, &c.client_id)
            .await?
            .map(|client| client.name.clone())
            .unwrap_or_else(|| c.client_id.to_string());
        consents.push(ConsentRow {
            client_id: c.client_id.to_string(),
            client,
            scopes: c.scopes.join(" "),
            granted: when(Some(c.granted_at)),
        });
    }
    let mut roles: Vec<(String, String)> = stores
        .policies
        .find_admin_by_user(&member.id)
        .await?
        .into_iter()
        .filter(|a| !a.permissions.is_empty())
        .map(|a| {
            let org = names
                .get(a.org_id.as_str())
                .map_or(a.org_id.to_string(), |n| n.1.clone());
            (org, a.permissions.join(", "))
        })
        .collect();
    if member.super_admin {
        roles.insert(
            0,
            (
                t.t("console-everything"),
                t.t("console-super-administrator"),
            ),
        );
    }
    let can_audit = console.holds(state, &org, Permission::AuditLog).await?;
    let events = if can_audit {
        let filter = AuditFilter {
            org_path: Some(org.path.clone()),
            target_user_id: Some(member.id.clone()),
            ..Default::default()
        };
        stores
            .audit
            .search(&filter, None, 20)
            .await?
            .into_iter()
            .map(|e| EventRow {
                at: when(Some(e.event.occurred_at)),
                activity: super::audit::activity_label(t, e.event.activity),
                event: super::audit::event_label(t, e.event.event),
                actor: e
                    .event
                    .actor_id
                    .clone()
                    .unwrap_or_else(|| super::audit::actor_label(t, e.event.actor_kind)),
                detail: e.event.detail.to_string(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let can_reset_second_factor = console.holds(state, &org, Permission::TwoFactor).await?;
    console.page(
        StatusCode::OK,
        &MemberPage {
            frame: console.frame(member.email.to_string(), "orgs"),
            tabs,
            notice,
            password_shown,
            id: member.id.to_string(),
            name: member.name.clone().unwrap_or_default(),
            email: member.email.to_string(),
            org: org_path,
            status_action: match member.status {
                idp_core::records::UserStatus::Active => "set_active",
                idp_core::records::UserStatus::OnLeave => "set_on_leave",
                idp_core::records::UserStatus::Disabled => "set_disabled",
            },
            status: status_label(t, member.status),
            created: when(Some(member.created_at)),
            never_signed_in,
            email_login,
            cards,
            second_factor,
            second_factor_locked,
            password,
            password_locked,
            can_reset_second_factor,
            sessions,
            consents,
            roles,
            events,
            version: member.updated_at.as_micros(),
            org_slug: org.slug.clone(),
            move_targets: super::members::member_orgs(state, console).await?,
            audit_href: can_audit
                .then(|| format!("/admin/orgs/{}/audit?member={}", org.slug, member.id)),
        },
    )
}

#[derive(serde::Deserialize)]
struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    session: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    version: String,
}

async fn act(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<ActionForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let back = format!("/admin/members/{}", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, &back)? {
        return Ok(stale);
    }
    let stores = &state.stores;
    let origin = web::origin(&req);
    let Some(member) = stores
        .users
        .find_by_id(&UserId::from_string(path.as_str()))
        .await?
    else {
        return console.refusal(
            AdminError::UnknownMemberId(path.into_inner()),
            "/admin/orgs",
        );
    };
    let by = &console.actor;
    let t = &console.t;
    let done = |text: &str| Ok(super::Done::back_to(&back, text));
    let result = match form.action.as_str() {
        "unlock" => members::unlock_password(stores, by, &origin, &member)
            .await
            .map(|was| {
                if was {
                    t.t("console-member-unlocked")
                } else {
                    t.t("console-member-was-not-locked")
                }
            }),
        "end_session" => members::end_sessions(
            stores,
            by,
            &origin,
            &member,
            Some(&SessionId::from_string(form.session.clone())),
        )
        .await
        .map(|_| t.t("console-member-session-ended")),
        "end_all_sessions" => members::end_sessions(stores, by, &origin, &member, None)
            .await
            .map(|_| t.t("console-member-sessions-ended")),
        "withdraw_consent" => members::withdraw_consent(
            stores,
            by,
            &origin,
            &member,
            &ClientId::from_string(form.client.clone()),
        )
        .await
        .map(|_| t.t("console-member-consent-withdrawn")),
        "save_profile" => {
            let change = idp_core::member_admin::MemberUpdate {
                name: Some(form.name.clone()),
                org: Some(form.org.clone()).filter(|o| !o.is_empty()),
                expected_updated_at: form
                    .version
                    .parse()
                    .ok()
                    .map(idp_core::Timestamp::from_micros),
            };
            idp_core::member_admin::update_member(stores, by, &origin, &member.id, change)
                .await
                .map(|_| t.t("console-member-profile-saved"))
        }
        "unlink" => match form.kind.parse::<LoginMethodKind>() {
            Ok(kind) => members::unlink_account(stores, by, &origin, &member, kind, &form.subject)
                .await
                .map(|_| t.t("console-member-unlinked")),
            Err(e) => Err(AdminError::Unknown(e)),
        },
        other => {
            let Ok(action) = other.parse::<BulkAction>() else {
                return console.say(
                    StatusCode::BAD_REQUEST,
                    "console-unknown-action-title",
                    "console-unknown-action-message",
                    "console-back-to-member",
                    &back,
                );
            };
            let links = super::bulk_links(&state, None);
            let results = match members::apply_bulk(
                stores,
                by,
                &origin,
                std::slice::from_ref(&member.id),
                action,
                &links,
            )
            .await
            {
                Ok(r) => r,
                Err(e) => return console.refusal(e, &back),
            };
            return match results.into_iter().next().map(|r| r.outcome) {
                Some(Outcome::TemporaryPassword(p)) => {
                    let member = stores.users.find_by_id(&member.id).await?.unwrap_or(member);
                    render(
                        &state,
                        &console,
                        member,
                        Some(t.t("console-temporary-password-issued")),
                        Some(p.expose().to_owned()),
                    )
                    .await
                }
                Some(Outcome::Done(m)) => done(&m.message(t)),
                Some(Outcome::Skipped(m)) => console.message(
                    StatusCode::CONFLICT,
                    &t.t("console-refused-unchanged"),
                    &m.message(t),
                    &back,
                    &t.t("console-back-to-member"),
                ),
                None => done(&t.t("console-nothing-to-do")),
            };
        }
    };
    match result {
        Ok(text) => done(&text),
        Err(e) => console.refusal(e, &back),
    }
}
