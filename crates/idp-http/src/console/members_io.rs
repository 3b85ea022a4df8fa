//! The members page's export and import: downloads with the page's filters, an upload
//! that answers the dry run's report, apply bound to that preview, and the job's progress.

use super::members::{open, org_for};
use super::{Frame, OrgTabs, sentence};
use crate::error::HttpError;
use crate::routes::members_io_api::{self as api, ExportQuery};
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web as aw};
use askama::Template;
use idp_core::authz::Permission;
use idp_core::i18n::Tr;
use idp_core::members_io::job::{self, JobStatus};
use idp_core::members_io::plan::{Action, DryRun};

pub fn configure(cfg: &mut aw::ServiceConfig) {
    cfg.route("/admin/orgs/{org}/members/export", aw::get().to(export))
        .route("/admin/orgs/{org}/members/import", aw::get().to(form))
        .route("/admin/orgs/{org}/members/import", aw::post().to(upload))
        .route(
            "/admin/orgs/{org}/members/import/apply",
            aw::post().to(apply),
        )
        .route("/admin/import-jobs/{id}", aw::get().to(progress));
}

async fn export(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    q: aw::Query<ExportQuery>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    api::export_for(&state, &req, &console.actor, &path, &q).await
}

#[derive(Template)]
#[template(path = "console/import.html")]
struct ImportPage {
    frame: Frame,
    tabs: OrgTabs,
    error: Option<String>,
    preview: Option<Preview>,
}

struct PreviewRow {
    row: u64,
    email: String,
    action: String,
    changes: String,
    messages: String,
}

struct Preview {
    import_id: String,
    digest: String,
    errors: u64,
    /// What the preview found, in one sentence.
    summary: String,
    notes: Vec<String>,
    impact: Vec<String>,
    rows: Vec<PreviewRow>,
}

impl Preview {
    fn of(t: &Tr, run: &DryRun, file_name: &str) -> Preview {
        let r = &run.report;
        Preview {
            import_id: run.import_id.clone(),
            digest: r.digest.clone(),
            errors: r.totals.errors,
            summary: t.message(
                "console-import-summary",
                &[
                    ("file", &file_name),
                    ("create", &r.totals.create),
                    ("update", &r.totals.update),
                    ("unchanged", &r.totals.unchanged),
                    ("warnings", &r.totals.warnings),
                    ("errors", &r.totals.errors),
                ],
            ),
            // The plan's notes, impact and row messages are idp-core's, in English.
            notes: r.notes.clone(),
            impact: r.impact.clone(),
            rows: r
                .rows
                .iter()
                .filter(|row| row.action != Action::Unchanged || !row.messages.is_empty())
                .map(|row| PreviewRow {
                    row: row.row,
                    email: row.email.clone(),
                    action: match row.action {
                        Action::Create => t.t("console-import-create"),
                        Action::Update => t.t("console-import-update"),
                        Action::Unchanged => t.t("console-import-unchanged"),
                        Action::Error => t.t("console-import-error"),
                    },
                    changes: row
                        .changes
                        .iter()
                        .map(|c| {
                            t.message(
                                "console-import-change",
                                &[
                                    ("field", &c.field),
                                    (
                                        "old",
                                        &c.old
                                            .clone()
                                            .unwrap_or_else(|| t.t("console-import-none")),
                                    ),
                                    ("new", &c.new),
                                ],
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    messages: row.messages_text(),
                })
                .collect(),
        }
    }
}

async fn form(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = match org_for(&state, &console, &req, &path, Permission::Members).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let tabs = console.tabs(&state, &org, "Members").await?;
    console.page(
        StatusCode::OK,
        &ImportPage {
            frame: console.frame(console.t.t("console-import-members"), "orgs"),
            tabs,
            error: None,
            preview: None,
        },
    )
}

async fn upload(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    payload: aw::Payload,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let org = match org_for(&state, &console, &req, &path, Permission::Members).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let tabs = console.tabs(&state, &org, "Members").await?;
    let refuse = |tabs, text: String| {
        console.page(
            StatusCode::BAD_REQUEST,
            &ImportPage {
                frame: console.frame(console.t.t("console-import-members"), "orgs"),
                tabs,
                error: Some(text),
                preview: None,
            },
        )
    };
    let body = match api::body(payload).await {
        Ok(b) => b,
        Err(e) => return refuse(tabs, sentence(&e.to_string())),
    };
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // The CSRF token travels as a form field before the file.
    let csrf = form_field(&content_type, &body, "csrf").unwrap_or_default();
    let back = format!("/admin/orgs/{}/members/import", org.slug);
    if let Some(stale) = console.stale_form(&state, &req, &csrf, &back)? {
        return Ok(stale);
    }
    let Some((name, bytes)) = api::multipart_file(&content_type, &body).filter(|f| !f.1.is_empty())
    else {
        return refuse(tabs, console.t.t("console-import-choose-file"));
    };
    match api::dry_run_for(
        &state,
        &req,
        &console.actor,
        org.slug.as_str(),
        &name,
        bytes,
    )
    .await
    {
        Ok(run) => console.page(
            StatusCode::OK,
            &ImportPage {
                frame: console.frame(console.t.t("console-import-preview-title"), "orgs"),
                tabs,
                error: None,
                preview: Some(Preview::of(&console.t, &run, &name)),
            },
        ),
        Err(e @ (HttpError::Unavailable(_) | HttpError::Internal(_))) => Err(e),
        Err(e) => refuse(tabs, sentence(&e.to_string())),
    }
}

/// A plain field of a `multipart/form-data` body.
pub(crate) fn form_field(content_type: &str, body: &[u8], name: &str) -> Option<String> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()?
        .trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let marker = format!("name=\"{name}\"\r\n\r\n");
    let start = text.find(&marker)? + marker.len();
    let rest = text.get(start..)?;
    let end = rest.find(&format!("\r\n--{boundary}"))?;
    Some(rest.get(..end)?.to_owned())
}

#[derive(serde::Deserialize)]
struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    import_id: String,
    #[serde(default)]
    digest: String,
}

async fn apply(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    form: aw::Form<ApplyForm>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let back = format!("/admin/orgs/{}/members/import", path.as_str());
    if let Some(stale) = console.stale_form(&state, &req, &form.csrf, &back)? {
        return Ok(stale);
    }
    match job::request_apply(
        &state.stores,
        &console.actor,
        &web::origin(&req),
        &form.import_id,
        &form.digest,
    )
    .await
    {
        Ok(queued) => {
            api::spawn_runner(
                state.stores.clone(),
                state.settings.welcome_links(),
                state.settings.import_lease(),
            );
            Ok(web::see_other(&format!("/admin/import-jobs/{}", queued.id)))
        }
        Err(e) => {
            let e = HttpError::from(e);
            if matches!(e, HttpError::Unavailable(_) | HttpError::Internal(_)) {
                return Err(e);
            }
            console.message(
                StatusCode::CONFLICT,
                &console.t.t("console-import-not-applied"),
                &sentence(&e.to_string()),
                &back,
                &console.t.t("console-back-to-import"),
            )
        }
    }
}

#[derive(Template)]
#[template(path = "console/import_job.html")]
struct JobPage {
    frame: Frame,
    running: bool,
    /// How far the import got, in one sentence.
    summary: String,
    file_name: String,
    back: String,
}

async fn progress(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let console = open!(state, req);
    let view = match job::view(&state.stores, &console.actor, &web::origin(&req), &path).await {
        Ok(v) => v,
        Err(e) => {
            let e = HttpError::from(e);
            if matches!(e, HttpError::Unavailable(_) | HttpError::Internal(_)) {
                return Err(e);
            }
            return console.message(
                StatusCode::NOT_FOUND,
                &console.t.t("console-import-unknown"),
                &sentence(&e.to_string()),
                "/admin/orgs",
                &console.t.t("console-back-to-orgs"),
            );
        }
    };
    let j = &view.job;
    let t = &console.t;
    let status = if view.interrupted {
        t.t("console-import-interrupted")
    } else {
        match j.status {
            JobStatus::Previewed => t.t("console-import-previewed"),
            JobStatus::Queued => t.t("console-import-queued"),
            JobStatus::Running => t.t("console-import-running"),
            JobStatus::Done => t.t("console-import-done"),
            JobStatus::Failed => t.t("console-import-failed"),
        }
    };
    let running = !view.interrupted && j.finished_at.is_none();
    let org = idp_core::admin::resolve_org(&state.stores, j.org_id.as_str()).await?;
    console.page(
        StatusCode::OK,
        &JobPage {
            frame: console.frame(t.t("console-import-job-title"), "orgs"),
            running,
            summary: t.message(
                "console-import-progress",
                &[
                    ("status", &status),
                    ("processed", &j.processed),
                    ("total", &j.total),
                    ("applied", &j.applied),
                    ("conflicts", &j.conflicts),
                ],
            ),
            file_name: j.file_name.clone(),
            back: format!("/admin/orgs/{}/members", org.slug),
        },
    )
}
