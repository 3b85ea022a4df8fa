//! An organization's Audit log tab: events of the organization and its sub-organizations,
//! newest first in keyset pages, filtered by activity, member (id or email), event,
//! information type and dates, all in the URL; each row names actor and target. Reading
//! is recorded as the API records it. Downloads: CSV or Excel at once for small results,
//! and the background export that emails a one-time link for any size.

use super::members::{open, org_or_respond};
use super::{Console, Frame, OrgTabs};
use crate::error::HttpError;
use crate::routes::audit_api::{
    csv_response, decode_cursor, encode_cursor, start_export, xlsx_response,
};
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::audit::{
    self, ActivityType, ActorKind, AuditFilter, EventKind, FilterText, InfoType,
};
use idp_core::audit_jobs::ExportFormat;
use idp_core::authz::Permission;
use idp_core::email::Email;
use idp_core::i18n::Tr;
use idp_core::ids::UserId;
use idp_core::org::Organization;
use std::collections::HashMap;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/audit", aw::get().to(list))
        .route(
            "/admin/orgs/{org}/audit/export.csv",
            aw::get().to(export_csv),
        )
        .route(
            "/admin/orgs/{org}/audit/export.xlsx",
            aw::get().to(export_xlsx),
        )
        .route(
            "/admin/orgs/{org}/audit/export",
            aw::post().to(export_later),
        );
}

/// Events per page.
const PER_PAGE: u32 = 50;
/// Events a result may hold and still be offered as an immediate download.
const SMALL: u32 = 1000;

/// The filters and page position, as the URL carries them.
#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
struct AuditQuery {
    /// A sub-organization (slug) to narrow the events to, with its own sub-organizations.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    within: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    activity: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    member: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    event: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    info_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    from: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    until: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    after: String,
}

impl AuditQuery {
    fn filters_only(&self) -> AuditQuery {
        AuditQuery {
            after: String::new(),
            ..self.clone()
        }
    }

    fn to_query_string(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }

    /// The filter as the audit log records a reading of it.
    fn recorded(&self, org: &Organization) -> serde_json::Value {
        let opt = |s: &String| (!s.is_empty()).then(|| s.clone());
        serde_json::json!({
            "org": org.slug, "within": opt(&self.within), "member": opt(&self.member), "activity": opt(&self.activity),
            "event": opt(&self.event), "info_type": opt(&self.info_type),
            "from": opt(&self.from), "until": opt(&self.until),
        })
    }
}

/// The filter a query asks for, or a sentence saying what to fix.
async fn filter_for(
    state: &AppState,
    t: &Tr,
    org: &Organization,
    q: &AuditQuery,
) -> Result<Result<AuditFilter, String>, HttpError> {
    let member = q.member.trim();
    let member_id = if member.is_empty() {
        None
    } else if member.contains('@') {
        let Ok(address) = Email::parse(member) else {
            return Ok(Err(t.t1("console-audit-not-a-member", "member", member)));
        };
        let mut found = None;
        for user in state.stores.users.find_all_by_email(&address).await? {
            if let Some(theirs) = state.stores.orgs.find_by_id(&user.org_id).await?
                && org.contains(&theirs)
            {
                found = Some(user.id.to_string());
                break;
            }
        }
        match found {
            Some(id) => Some(id),
            None => {
                return Ok(Err(t.t1("console-audit-no-member", "email", member)));
            }
        }
    } else {
        Some(member.to_owned())
    };
    let mut path = org.path.clone();
    let within = q.within.trim();
    if !within.is_empty() {
        match state.stores.orgs.find_by_slug(within).await? {
            Some(sub) if org.contains(&sub) => path = sub.path,
            _ => {
                return Ok(Err(t.t2(
                    "console-audit-not-under",
                    "within",
                    within,
                    "org",
                    org.name.as_str(),
                )));
            }
        }
    }
    let until = audit::inclusive_until(&q.until);
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let (activity, event, info_type, from, until) = (
        opt(&q.activity),
        opt(&q.event),
        opt(&q.info_type),
        opt(&q.from),
        opt(&until),
    );
    Ok(AuditFilter::parse(
        &path,
        &FilterText {
            member: member_id.as_deref(),
            activity: activity.as_deref(),
            event: event.as_deref(),
            info_type: info_type.as_deref(),
            from: from.as_deref(),
            until: until.as_deref(),
        },
    )
    .map_err(|e| e.message(t)))
}

struct Row {
    at: String,
    activity: String,
    event: String,
    info_type: String,
    actor: Person,
    target: Option<Person>,
    ip: String,
    detail: String,
}

struct Person {
    label: String,
    id: String,
    href: Option<String>,
}

/// An activity type as the page names it.
pub(super) fn activity_label(t: &Tr, a: ActivityType) -> String {
    match a {
        ActivityType::SignIn => t.t("console-activity-sign-in"),
        ActivityType::PersonalInfoAccess => t.t("console-activity-personal-info-access"),
        ActivityType::PermissionChange => t.t("console-activity-permission-change"),
        ActivityType::SecuritySettingsChange => t.t("console-activity-security-settings-change"),
        ActivityType::SecondFactorReset => t.t("console-activity-second-factor-reset"),
        ActivityType::TemporaryPassword => t.t("console-activity-temporary-password"),
        ActivityType::PasswordReset => t.t("console-activity-password-reset"),
        ActivityType::AccountLock => t.t("console-activity-account-lock"),
        ActivityType::Consent => t.t("console-activity-consent"),
        ActivityType::TokenRevocation => t.t("console-activity-token-revocation"),
        ActivityType::ClientChange => t.t("console-activity-client-change"),
        ActivityType::OrganizationChange => t.t("console-activity-organization-change"),
        ActivityType::MemberChange => t.t("console-activity-member-change"),
        ActivityType::AuditAccess => t.t("console-activity-audit-access"),
        ActivityType::Retention => t.t("console-activity-retention"),
    }
}

/// An event kind as the page names it.
pub(super) fn event_label(t: &Tr, e: EventKind) -> String {
    match e {
        EventKind::View => t.t("console-event-view"),
        EventKind::Create => t.t("console-event-create"),
        EventKind::Edit => t.t("console-event-edit"),
        EventKind::Delete => t.t("console-event-delete"),
        EventKind::Download => t.t("console-event-download"),
        EventKind::SignIn => t.t("console-activity-sign-in"),
    }
}

/// An information type as the page names it.
fn info_label(t: &Tr, i: InfoType) -> String {
    match i {
        InfoType::AuthenticationToken => t.t("console-info-authentication-token"),
        InfoType::Personal => t.t("console-info-personal"),
        InfoType::Hr => t.t("console-info-hr"),
        InfoType::Contact => t.t("console-info-contact"),
        InfoType::SecuritySettings => t.t("console-info-security-settings"),
        InfoType::Permission => t.t("console-info-permission"),
        InfoType::Other => t.t("console-info-other"),
    }
}

/// Who acted, when no member did.
pub(super) fn actor_label(t: &Tr, a: ActorKind) -> String {
    match a {
        ActorKind::Member => t.t("console-actor-member"),
        ActorKind::Administrator => t.t("console-col-administrator"),
        ActorKind::Client => t.t("console-col-application"),
        ActorKind::System => t.t("console-actor-system"),
    }
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    frame: Frame,
    tabs: OrgTabs,
    notice: Option<String>,
    error: Option<String>,
    query: AuditQuery,
    /// (slug, name) of the organizations under this one.
    subs: Vec<(String, String)>,
    activities: Vec<(&'static str, String)>,
    events: Vec<(&'static str, String)>,
    info_types: Vec<(&'static str, String)>,
    rows: Vec<Row>,
    next_href: Option<String>,
    first_href: Option<String>,
    retention_days: u64,
    small: bool,
    csv_href: String,
    xlsx_href: String,
    carried: Vec<(&'static str, String)>,
    me: String,
}

#[derive(serde::Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn list(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<AuditQuery>,
    done: aw::Query<Done>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::AuditLog);
    let query = query.into_inner();
    let base = format!("/admin/orgs/{}/audit", org.slug);
    let stores = &state.stores;
    let mut rows = Vec::new();
    let mut next_href = None;
    let mut small = false;
    let t = &console.t;
    let filter = filter_for(&state, t, &org, &query).await?;
    let cursor = if query.after.is_empty() {
        Ok(None)
    } else {
        decode_cursor(&query.after)
            .map(Some)
            .map_err(|_| console.t.t("console-audit-bad-cursor"))
    };
    let error = match (filter, cursor) {
        (Ok(filter), Ok(cursor)) => {
            let events = stores
                .audit
                .search(&filter, cursor.as_ref(), PER_PAGE)
                .await?;
            small = cursor.is_none() && events.len() < PER_PAGE as usize
                || stores.audit.search(&filter, None, SMALL + 1).await?.len() <= SMALL as usize;
            let target = filter.target_user_id.clone();
            idp_core::audit::record_access(
                stores,
                &org.id,
                console.actor.audit(),
                &web::origin(&req),
                EventKind::View,
                target,
                serde_json::json!({"filter": query.recorded(&org)}),
            )
            .await?;
            if events.len() == PER_PAGE as usize
                && let Some(last) = events.last()
            {
                let mut q = query.clone();
                q.after = encode_cursor(last);
                next_href = Some(format!("{base}?{}", q.to_query_string()));
            }
            let mut people: Seen = HashMap::new();
            for e in &events {
                let n = &e.event;
                let actor = match &n.actor_id {
                    Some(id) => person(&state, &console, &mut people, id).await?,
                    None => Person {
                        label: actor_label(t, n.actor_kind),
                        id: String::new(),
                        href: None,
                    },
                };
                let target = match &n.target_user_id {
                    Some(id) => Some(person(&state, &console, &mut people, id.as_str()).await?),
                    None => None,
                };
                rows.push(Row {
                    at: console.when(Some(n.occurred_at)),
                    activity: activity_label(t, n.activity),
                    event: event_label(t, n.event),
                    info_type: info_label(t, n.info_type),
                    actor,
                    target,
                    ip: n.ip.clone().unwrap_or_else(|| "—".into()),
                    detail: if n.detail.is_null() {
                        String::new()
                    } else {
                        n.detail.to_string()
                    },
                });
            }
            None
        }
        (Err(e), _) | (_, Err(e)) => Some(e),
    };
    let first_href = (!query.after.is_empty())
        .then(|| format!("{base}?{}", query.filters_only().to_query_string()));
    let filters = query.filters_only().to_query_string();
    let policy = idp_core::policy::effective_policy(stores, &org).await?;
    let subs = stores
        .orgs
        .find_subtree(&org.path)
        .await?
        .into_iter()
        .filter(|o| o.id != org.id)
        .map(|o| (o.slug, o.name))
        .collect();
    let carried = [
        ("within", &query.within),
        ("activity", &query.activity),
        ("member", &query.member),
        ("event", &query.event),
        ("info_type", &query.info_type),
        ("from", &query.from),
        ("until", &query.until),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    console.page(
        status,
        &AuditPage {
            frame: console.frame(t.t1("console-audit-of", "org", &org.name), "orgs"),
            tabs: console.tabs(&state, &org, "Audit log").await?,
            notice: (!done.done.is_empty()).then(|| done.done.clone()),
            error,
            subs,
            activities: ActivityType::ALL
                .iter()
                .map(|a| (a.as_str(), activity_label(t, *a)))
                .collect(),
            events: EventKind::ALL
                .iter()
                .map(|e| (e.as_str(), event_label(t, *e)))
                .collect(),
            info_types: InfoType::ALL
                .iter()
                .map(|i| (i.as_str(), info_label(t, *i)))
                .collect(),
            query,
            rows,
            next_href,
            first_href,
            retention_days: policy.audit_retention.as_secs() / 86_400,
            small,
            csv_href: format!("{base}/export.csv?{filters}"),
            xlsx_href: format!("{base}/export.xlsx?{filters}"),
            carried,
            me: console.user.email.to_string(),
        },
    )
}

/// A member named in an event, looked up once per page: (label, whether this
/// administrator may open their page).
type Seen = HashMap<String, Option<(String, bool)>>;

/// A member named in an event, linked to their page only for an administrator who may
/// open it.
async fn person(
    state: &AppState,
    console: &Console,
    seen: &mut Seen,
    id: &str,
) -> Result<Person, HttpError> {
    if !seen.contains_key(id) {
        let found = match state
            .stores
            .users
            .find_by_id(&UserId::from_string(id))
            .await?
        {
            Some(u) => {
                let label = match &u.name {
                    Some(name) if !name.is_empty() => format!("{name} <{}>", u.email),
                    _ => u.email.to_string(),
                };
                let may_open = match state.stores.orgs.find_by_id(&u.org_id).await? {
                    Some(org) => console.holds(state, &org, Permission::Members).await?,
                    None => false,
                };
                Some((label, may_open))
            }
            None => None,
        };
        seen.insert(id.to_owned(), found);
    }
    Ok(match seen.get(id).cloned().flatten() {
        Some((label, may_open)) => Person {
            label,
            id: id.to_owned(),
            href: may_open.then(|| format!("/admin/members/{id}")),
        },
        // A client, or a member since deleted.
        None => Person {
            label: id.to_owned(),
            id: id.to_owned(),
            href: None,
        },
    })
}

/// The organization and filter of a download, or the page that says what is wrong.
async fn download_filter(
    state: &AppState,
    console: &Console,
    req: &HttpRequest,
    org: &Organization,
    query: &AuditQuery,
) -> Result<Result<AuditFilter, HttpResponse>, HttpError> {
    let back = format!("/admin/orgs/{}/audit", org.slug);
    match filter_for(state, &console.t, org, query).await? {
        Ok(filter) => {
            idp_core::audit::record_access(
                &state.stores,
                &org.id,
                console.actor.audit(),
                &web::origin(req),
                EventKind::Download,
                filter.target_user_id.clone(),
                serde_json::json!({"filter": query.recorded(org)}),
            )
            .await?;
            Ok(Ok(filter))
        }
        Err(text) => console
            .message(
                StatusCode::BAD_REQUEST,
                &console.t.t("console-audit-not-downloaded"),
                &text,
                &back,
                &console.t.t("console-back-to-audit"),
            )
            .map(Err),
    }
}

async fn export_csv(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<AuditQuery>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::AuditLog);
    match download_filter(&state, &console, &req, &org, &query).await? {
        Ok(filter) => Ok(csv_response(&state, &org, filter)),
        Err(page) => Ok(page),
    }
}

async fn export_xlsx(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<AuditQuery>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::AuditLog);
    match download_filter(&state, &console, &req, &org, &query).await? {
        Ok(filter) => xlsx_response(&state, &org, filter).await,
        Err(page) => Ok(page),
    }
}

#[derive(serde::Deserialize)]
struct ExportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    format: String,
    #[serde(flatten)]
    query: AuditQuery,
}

async fn export_later(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<ExportForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let form = form.into_inner();
    let back = format!("/admin/orgs/{}/audit", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::AuditLog);
    let back = format!(
        "/admin/orgs/{}/audit?{}",
        org.slug,
        form.query.filters_only().to_query_string()
    );
    let format: ExportFormat = match form.format.parse() {
        Ok(f) => f,
        Err(_) => {
            return console.say(
                StatusCode::BAD_REQUEST,
                "console-audit-choose-format",
                "console-audit-choose-format-message",
                "console-back-to-audit",
                &back,
            );
        }
    };
    let filter = match filter_for(&state, &console.t, &org, &form.query).await? {
        Ok(f) => f,
        Err(text) => {
            return console.message(
                StatusCode::BAD_REQUEST,
                &console.t.t("console-audit-not-started"),
                &text,
                &back,
                &console.t.t("console-back-to-audit"),
            );
        }
    };
    let (_, to) = start_export(
        &state,
        &console.actor,
        &web::origin(&req),
        &org,
        filter,
        form.query.recorded(&org),
        format,
    )
    .await?;
    let done = console
        .t
        .t1("console-audit-export-started", "email", to.to_string());
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(web::see_other(&format!(
        "{back}{sep}done={}",
        url::form_urlencoded::byte_serialize(done.as_bytes()).collect::<String>()
    )))
}
