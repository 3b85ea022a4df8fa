//! The members page of an organization: search, filters and keyset pages in the URL, and
//! actions on the selected members (or on every member matching) that end on a page
//! listing what happened to each; and the form for a new member.

use super::{Console, Frame, OrgTabs, when};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::admin::{self, AdminError};
use idp_core::authz::Permission;
use idp_core::i18n::Tr;
use idp_core::ids::UserId;
use idp_core::members::{
    self, BULK_LIMIT, BulkAction, MemberQuery, MemberSummary, Outcome, PAGE_SIZES,
};
use idp_core::org::Organization;
use idp_core::records::UserStatus;

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/members", aw::get().to(list))
        .route("/admin/orgs/{org}/members/bulk", aw::post().to(bulk))
        .route("/admin/orgs/{org}/members/new", aw::get().to(new_form))
        .route("/admin/orgs/{org}/members/new", aw::post().to(create));
}

struct Row {
    id: String,
    name: String,
    email: String,
    org: String,
    active: bool,
    status: String,
    badges: Vec<String>,
    email_login: String,
    second_factor: String,
    methods: String,
    last_sign_in: String,
}

pub fn status_label(t: &Tr, s: UserStatus) -> String {
    match s {
        UserStatus::Active => t.t("console-status-active"),
        UserStatus::OnLeave => t.t("console-status-on-leave"),
        UserStatus::Disabled => t.t("console-status-disabled"),
    }
}

fn status_options(t: &Tr) -> [(&'static str, String); 3] {
    [
        ("active", status_label(t, UserStatus::Active)),
        ("on_leave", status_label(t, UserStatus::OnLeave)),
        ("disabled", status_label(t, UserStatus::Disabled)),
    ]
}

impl Row {
    fn of(t: &Tr, m: MemberSummary) -> Row {
        let mut badges = Vec::new();
        if m.locked {
            badges.push(t.t("console-badge-locked"));
        }
        if m.temporary_password {
            badges.push(t.t("console-badge-temporary-password"));
        }
        if m.second_factor_locked {
            badges.push(t.t("console-badge-second-factor-locked"));
        }
        let second_factor = match m.second_factor() {
            members::SecondFactorKind::App => t.t("console-second-factor-app"),
            members::SecondFactorKind::EmailCode => t.t("console-second-factor-email"),
            members::SecondFactorKind::SmsCode => t.t("console-second-factor-sms"),
            members::SecondFactorKind::None => t.t("console-second-factor-none"),
        };
        let methods = m
            .sign_in_methods()
            .iter()
            .map(|k| match k {
                members::MethodFilter::Password => t.t("console-method-password"),
                members::MethodFilter::Google => "Google".to_owned(),
                members::MethodFilter::Microsoft => "Microsoft".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ");
        Row {
            id: m.user.id.to_string(),
            name: m.user.name.clone().unwrap_or_default(),
            email: m.user.email.to_string(),
            org: m.org_path.clone(),
            active: m.user.status == UserStatus::Active,
            status: status_label(t, m.user.status),
            badges,
            email_login: if m.email_login_enabled {
                t.t("console-on")
            } else {
                t.t("console-off")
            },
            second_factor,
            methods: if methods.is_empty() {
                "—".into()
            } else {
                methods
            },
            last_sign_in: if m.last_sign_in.is_some() {
                when(t, m.last_sign_in)
            } else {
                t.t("console-never")
            },
        }
    }
}

#[derive(Template)]
#[template(path = "console/members.html")]
struct MembersPage {
    frame: Frame,
    tabs: OrgTabs,
    query: MemberQuery,
    error: Option<String>,
    status_options: [(&'static str, String); 3],
    page_sizes: &'static [u32],
    per_page: u32,
    subtree: bool,
    rows: Vec<Row>,
    total: u64,
    /// More match than were counted.
    more: bool,
    cap: u64,
    next_href: Option<String>,
    first_href: Option<String>,
    /// The filters, carried into the action form for "all matching".
    carried: Vec<(&'static str, String)>,
    /// Where members may be moved: (slug, indented name).
    move_targets: Vec<(String, String)>,
    /// The filters as a query string, for the export links.
    filter_query: String,
}

/// Organizations this administrator manages members of: (slug, indented name).
pub async fn member_orgs(
    state: &AppState,
    console: &Console,
) -> Result<Vec<(String, String)>, HttpError> {
    Ok(super::orgs_holding(state, console, Permission::Members)
        .await?
        .into_iter()
        .map(|(org, label)| (org.slug, label))
        .collect())
}

fn query_string(q: &MemberQuery) -> String {
    serde_urlencoded::to_string(q).unwrap_or_default()
}

/// The filters as hidden fields (everything but the page position).
fn carried(q: &MemberQuery) -> Vec<(&'static str, String)> {
    [
        ("q", &q.q),
        ("status", &q.status),
        ("email_login", &q.email_login),
        ("second_factor", &q.second_factor),
        ("method", &q.method),
        ("signed_in_from", &q.signed_in_from),
        ("signed_in_until", &q.signed_in_until),
        ("signed_in", &q.signed_in),
        ("subtree", &q.subtree),
        ("sort", &q.sort),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect()
}

pub(crate) async fn org_for(
    state: &AppState,
    console: &Console,
    req: &HttpRequest,
    slug: &str,
    area: Permission,
) -> Result<Result<Organization, HttpResponse>, HttpError> {
    let org = match admin::resolve_org(&state.stores, slug).await {
        Ok(org) => org,
        Err(e) => return console.refusal(e, "/admin/orgs").map(Err),
    };
    // A refusal is recorded in the audit log, as the API's are.
    if let Err(e) = idp_core::authz::require(
        &state.stores,
        &console.actor,
        &org,
        area,
        &web::origin(req),
        "console",
    )
    .await
    {
        return console.refusal(e.into(), "/admin/orgs").map(Err);
    }
    Ok(Ok(org))
}

macro_rules! open {
    ($state:expr, $req:expr) => {
        match $crate::console::Console::open(&$state, &$req).await? {
            Ok(c) => c,
            Err(response) => return Ok(response),
        }
    };
}
pub(crate) use open;

macro_rules! org_or_respond {
    ($state:expr, $console:expr, $req:expr, $slug:expr, $area:expr) => {
        match $crate::console::members::org_for(&$state, &$console, &$req, $slug, $area).await? {
            Ok(org) => org,
            Err(response) => return Ok(response),
        }
    };
}
pub(crate) use org_or_respond;

async fn list(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    query: aw::Query<MemberQuery>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::Members);
    let query = query.into_inner();
    let tabs = console.tabs(&state, &org, "Members").await?;
    let base = format!("/admin/orgs/{}/members", org.slug);
    let (rows, total, next_href, error, per_page) = match query.parse(&org) {
        Ok((filter, cursor, per_page)) => {
            let page = members::search(
                &state.stores,
                &console.actor,
                &web::origin(&req),
                &filter,
                cursor.as_ref(),
                per_page,
            )
            .await?;
            let next_href = page.next.map(|c| {
                let mut q = query.clone();
                q.after = c.encode();
                format!("{base}?{}", query_string(&q))
            });
            let rows = page
                .rows
                .into_iter()
                .map(|m| Row::of(&console.t, m))
                .collect();
            (rows, page.total, next_href, None, per_page)
        }
        Err(e) => (
            Vec::new(),
            0,
            None,
            Some(e.message(&console.t)),
            members::DEFAULT_PAGE_SIZE,
        ),
    };
    let first_href = (!query.after.is_empty()).then(|| {
        let mut q = query.clone();
        q.after.clear();
        format!("{base}?{}", query_string(&q))
    });
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let subtree = matches!(query.subtree.as_str(), "1" | "on" | "true" | "yes");
    console.page(
        status,
        &MembersPage {
            frame: console.frame(
                console.t.t1("console-orgs-members-of", "org", &org.name),
                "orgs",
            ),
            tabs,
            carried: carried(&query),
            filter_query: serde_urlencoded::to_string(carried(&query)).unwrap_or_default(),
            move_targets: member_orgs(&state, &console).await?,
            query,
            error,
            status_options: status_options(&console.t),
            page_sizes: PAGE_SIZES,
            per_page,
            subtree,
            rows,
            more: total > members::COUNT_CAP,
            cap: members::COUNT_CAP,
            total,
            next_href,
            first_href,
        },
    )
}

struct ResultRow {
    id: String,
    email: String,
    done: bool,
    message: String,
    password: Option<String>,
}

#[derive(Template)]
#[template(path = "console/bulk_results.html")]
struct ResultsPage {
    frame: Frame,
    tabs: OrgTabs,
    action: String,
    done: usize,
    skipped: usize,
    any_password: bool,
    rows: Vec<ResultRow>,
    back: String,
}

fn action_label(t: &Tr, a: BulkAction) -> String {
    match a {
        BulkAction::EnableEmailLogin => t.t("console-act-enable-email-login"),
        BulkAction::DisableEmailLogin => t.t("console-act-disable-email-login"),
        BulkAction::ResendPasswordReset => t.t("console-act-resend-reset"),
        BulkAction::SetActive => t.t("console-act-set-active"),
        BulkAction::SetOnLeave => t.t("console-act-set-on-leave"),
        BulkAction::SetDisabled => t.t("console-act-set-disabled"),
        BulkAction::ResetSecondFactor => t.t("console-act-reset-second-factor"),
        BulkAction::TemporaryPassword => t.t("console-act-temporary-passwords"),
        BulkAction::TemporaryPasswordByEmail => t.t("console-act-temporary-passwords-email"),
        BulkAction::Move => t.t("console-act-move"),
    }
}

async fn bulk(
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
    let back = format!("/admin/orgs/{}/members", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &field("csrf"), &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::Members);
    let back = format!("/admin/orgs/{}/members", org.slug);
    let Ok(action) = field("action").parse::<BulkAction>() else {
        return console.say(
            StatusCode::BAD_REQUEST,
            "console-choose-action-title",
            "console-choose-action-message",
            "console-back-to-members",
            &back,
        );
    };
    let origin = web::origin(&req);
    let ids: Vec<UserId> = if field("scope") == "all" {
        let query = MemberQuery {
            q: field("q"),
            status: field("status"),
            email_login: field("email_login"),
            second_factor: field("second_factor"),
            method: field("method"),
            signed_in_from: field("signed_in_from"),
            signed_in_until: field("signed_in_until"),
            signed_in: field("signed_in"),
            subtree: field("subtree"),
            sort: field("sort"),
            ..Default::default()
        };
        let filter = match query.parse(&org) {
            Ok((filter, _, _)) => filter,
            Err(e) => {
                return console.message(
                    StatusCode::BAD_REQUEST,
                    &console.t.t("console-refused-unchanged"),
                    &e.message(&console.t),
                    &back,
                    &console.t.t("console-back-to-members"),
                );
            }
        };
        match members::matching_ids(
            &state.stores,
            &console.actor,
            &origin,
            &filter,
            BULK_LIMIT + 1,
        )
        .await
        {
            Ok(ids) => ids,
            Err(e) => return console.refusal(e, &back),
        }
    } else {
        form.iter()
            .filter(|(k, _)| k == "member")
            .map(|(_, v)| UserId::from_string(v.clone()))
            .collect()
    };
    if ids.is_empty() {
        return console.say(
            StatusCode::BAD_REQUEST,
            "console-none-selected-title",
            "console-none-selected-message",
            "console-back-to-members",
            &back,
        );
    }
    let links = super::bulk_links(&state, Some(field("move_to")).filter(|t| !t.is_empty()));
    let results =
        match members::apply_bulk(&state.stores, &console.actor, &origin, &ids, action, &links)
            .await
        {
            Ok(r) => r,
            Err(e) => return console.refusal(e, &back),
        };
    let rows: Vec<ResultRow> = results
        .into_iter()
        .map(|r| {
            let (done, message, password) = match r.outcome {
                Outcome::Done(m) => (true, m.message(&console.t), None),
                Outcome::Skipped(m) => (false, m.message(&console.t), None),
                Outcome::TemporaryPassword(p) => (
                    true,
                    console.t.t("console-temporary-password-issued-once"),
                    Some(p.expose().to_owned()),
                ),
            };
            ResultRow {
                id: r.member_id.to_string(),
                email: r.email,
                done,
                message,
                password,
            }
        })
        .collect();
    let done = rows.iter().filter(|r| r.done).count();
    let tabs = console.tabs(&state, &org, "Members").await?;
    console.page(
        StatusCode::OK,
        &ResultsPage {
            frame: console.frame(action_label(&console.t, action), "orgs"),
            tabs,
            action: action_label(&console.t, action),
            done,
            skipped: rows.len() - done,
            any_password: rows.iter().any(|r| r.password.is_some()),
            rows,
            back,
        },
    )
}

#[derive(Template)]
#[template(path = "console/member_new.html")]
struct NewMemberPage {
    frame: Frame,
    tabs: OrgTabs,
    error: Option<String>,
    email: String,
    name: String,
    email_login: bool,
}

async fn new_form(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = org_or_respond!(state, console, req, &path, Permission::Members);
    let tabs = console.tabs(&state, &org, "Members").await?;
    console.page(
        StatusCode::OK,
        &NewMemberPage {
            frame: console.frame(console.t.t("console-new-member"), "orgs"),
            tabs,
            error: None,
            email: String::new(),
            name: String::new(),
            email_login: true,
        },
    )
}

#[derive(serde::Deserialize)]
struct NewMemberForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email_login: Option<String>,
}

async fn create(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<NewMemberForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let back = format!("/admin/orgs/{}/members/new", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, &back)? {
        return Ok(stale);
    }
    let org = org_or_respond!(state, console, req, &path, Permission::Members);
    let email_login = form.email_login.is_some();
    let origin = web::origin(&req);
    let result = idp_core::member_admin::create_member(
        &state.stores,
        &console.actor,
        &origin,
        org.id.as_str(),
        idp_core::member_admin::NewMemberForm {
            email: form.email.clone(),
            name: Some(form.name.trim().to_owned()).filter(|n| !n.is_empty()),
            email_login,
        },
        &state.settings.welcome_links(),
    )
    .await
    .map(|(user, _)| user);
    match result {
        Ok(user) => Ok(web::see_other(&format!("/admin/members/{}", user.id))),
        Err(e @ (AdminError::Store(_) | AdminError::Ephemeral(_))) => Err(e.into()),
        Err(e) => {
            let tabs = console.tabs(&state, &org, "Members").await?;
            let status = match e {
                AdminError::Authz(_) => StatusCode::FORBIDDEN,
                AdminError::DuplicateEmail { .. } => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            console.page(
                status,
                &NewMemberPage {
                    frame: console.frame(console.t.t("console-new-member"), "orgs"),
                    tabs,
                    error: Some(e.message(&console.t)),
                    email: form.email.clone(),
                    name: form.name.clone(),
                    email_login,
                },
            )
        }
    }
}
