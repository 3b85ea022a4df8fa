//! Member export and import through the admin API: the export streamed as CSV or
//! written in constant memory as a workbook; an upload answered with the dry run's
//! report (and its file with Status and Messages columns); the apply of a previewed
//! import as a background job, and that job's progress. Permission: `members`.

use super::admin_api::caller;
use crate::error::HttpError;
use crate::members_files::{self, BOM};
use crate::state::AppState;
use crate::web;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use futures_util::StreamExt as _;
use idp_core::admin::Links;
use idp_core::audit_jobs::ExportFormat;
use idp_core::members::MemberQuery;
use idp_core::members_io::export::{self, Pages};
use idp_core::members_io::job::{self, ImportJob, JobView};
use idp_core::members_io::plan;
use idp_core::members_io::{FileError, MAX_FILE_BYTES, read};
use idp_core::ports::Stores;
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

/// The export's format and the members page's filters (`subtree` among them).
#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: Option<String>,
    #[serde(flatten)]
    filters: MemberQuery,
}

fn format_of(text: Option<&str>) -> Result<ExportFormat, HttpError> {
    text.unwrap_or("xlsx")
        .parse()
        .map_err(|e: idp_core::client::UnknownValue| HttpError::BadRequest(e.to_string()))
}

fn attachment(name: &str) -> (actix_web::http::header::HeaderName, String) {
    (
        CONTENT_DISPOSITION,
        format!("attachment; filename=\"{name}\""),
    )
}

pub async fn export(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    q: aw::Query<ExportQuery>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    export_for(&state, &req, &actor, &path, &q).await
}

/// The export for `actor` (an API caller, or the console's administrator).
pub async fn export_for(
    state: &AppState,
    req: &HttpRequest,
    actor: &idp_core::authz::Actor,
    path: &str,
    q: &ExportQuery,
) -> Result<HttpResponse, HttpError> {
    let format = format_of(q.format.as_deref())?;
    let scope = export::start(
        &state.stores,
        actor,
        &web::origin(req),
        path,
        &q.filters,
        format,
    )
    .await?;
    let name = format!("members-{}.{}", scope.org.slug, format.as_str());
    let pages = Pages::new(state.stores.clone(), scope);
    match format {
        ExportFormat::Csv => {
            let start = (pages, true);
            let body = futures_util::stream::unfold(start, |(mut pages, first)| async move {
                let chunk = match pages.next().await {
                    Ok(Some(page)) => export::csv_rows(&page, pages.scope(), first)
                        .map(|rows| {
                            let mut out = if first { BOM.to_vec() } else { Vec::new() };
                            out.extend(rows);
                            aw::Bytes::from(out)
                        })
                        .map_err(|e| HttpError::Internal(e.to_string())),
                    Ok(None) if first => export::csv_rows(&[], pages.scope(), true)
                        .map(|rows| aw::Bytes::from([BOM, &rows].concat()))
                        .map_err(|e| HttpError::Internal(e.to_string())),
                    Ok(None) => return None,
                    Err(e) => {
                        tracing::error!(error = %e, "member export stopped");
                        Err(HttpError::from(e))
                    }
                };
                Some((chunk, (pages, false)))
            });
            Ok(HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, format.content_type()))
                .insert_header(attachment(&name))
                .insert_header((CACHE_CONTROL, "no-store"))
                .streaming(body))
        }
        ExportFormat::Xlsx => {
            let file =
                tempfile::NamedTempFile::new().map_err(|e| HttpError::Internal(e.to_string()))?;
            let target = file.path().to_owned();
            let runtime = tokio::runtime::Handle::current();
            tokio::task::spawn_blocking(move || {
                members_files::write_export(format, pages, &runtime, &target)
            })
            .await
            .map_err(|e| HttpError::Internal(e.to_string()))?
            .map_err(|e| match e {
                members_files::FileError::Store(s) => s.into(),
                members_files::FileError::TooManyRows => HttpError::BadRequest(e.to_string()),
                other => HttpError::Internal(other.to_string()),
            })?;
            let bytes = tokio::fs::read(file.path())
                .await
                .map_err(|e| HttpError::Internal(e.to_string()))?;
            Ok(HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, format.content_type()))
                .insert_header(attachment(&name))
                .insert_header((CACHE_CONTROL, "no-store"))
                .body(bytes))
        }
    }
}

/// Reads a request body up to the import limit (and a little for a form's framing).
pub async fn body(mut payload: aw::Payload) -> Result<Vec<u8>, HttpError> {
    let limit = MAX_FILE_BYTES + 64 * 1024;
    let mut out = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| HttpError::BadRequest(format!("the upload broke off: {e}")))?;
        if out.len() + chunk.len() > limit {
            return Err(HttpError::PayloadTooLarge(FileError::TooLarge.to_string()));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The file of a `multipart/form-data` body: the first part that has a file name.
pub fn multipart_file(content_type: &str, body: &[u8]) -> Option<(String, Vec<u8>)> {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()?
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let mut parts = split(body, &delimiter).into_iter().skip(1);
    parts.find_map(|part| {
        let part = part.strip_prefix(b"\r\n")?;
        let end = find(part, b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(part.get(..end)?).into_owned();
        let name = head
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("filename="))
            .next()?
            .lines()
            .next()?
            .trim_matches('"')
            .to_owned();
        let content = part.get(end + 4..)?;
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        Some((name, content.to_vec()))
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn split<'a>(mut hay: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(i) = find(hay, delimiter) {
        out.push(hay.get(..i).unwrap_or_default());
        hay = hay.get(i + delimiter.len()..).unwrap_or_default();
    }
    out.push(hay);
    out
}

#[derive(Deserialize)]
pub struct ImportQuery {
    /// The file's name, for the report and the audit log (a raw body has none).
    #[serde(default)]
    file_name: Option<String>,
}

/// The dry run's answer: the report, and how to apply it.
fn dry_run_json(run: &plan::DryRun) -> Value {
    json!({
        "import_id": run.import_id,
        "digest": run.report.digest,
        "applicable": run.report.totals.errors == 0,
        "report": run.report,
        "report_file": format!("/admin/api/import-jobs/{}/report", run.import_id),
        "status": format!("/admin/api/import-jobs/{}", run.import_id),
    })
}

pub async fn import(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    q: aw::Query<ImportQuery>,
    payload: aw::Payload,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let bytes = body(payload).await?;
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (name, bytes) = if content_type.starts_with("multipart/form-data") {
        multipart_file(&content_type, &bytes).ok_or_else(|| {
            HttpError::BadRequest("the form holds no file; attach the members file".into())
        })?
    } else {
        (
            q.file_name.clone().unwrap_or_else(|| "upload".into()),
            bytes,
        )
    };
    let run = dry_run_for(&state, &req, &actor, &path, &name, bytes).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(dry_run_json(&run)))
}

/// The dry run of an uploaded file for `actor` (an API caller, or the console's
/// administrator).
pub async fn dry_run_for(
    state: &AppState,
    req: &HttpRequest,
    actor: &idp_core::authz::Actor,
    path: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<plan::DryRun, HttpError> {
    let origin = web::origin(req);
    let scope = plan::import_scope(&state.stores, actor, &origin, path).await?;
    let (bytes, sheet) = read_off_thread(bytes).await?;
    Ok(plan::dry_run(
        &state.stores,
        actor,
        &origin,
        &scope,
        name,
        bytes,
        sheet.map_err(plan::ImportError::from)?,
    )
    .await?)
}

/// Reads an uploaded file on the blocking pool: a large workbook is seconds of work.
pub async fn read_off_thread(
    bytes: Vec<u8>,
) -> Result<(Vec<u8>, Result<read::Sheet, FileError>), HttpError> {
    tokio::task::spawn_blocking(move || {
        let sheet = read::read(&bytes);
        (bytes, sheet)
    })
    .await
    .map_err(|e| HttpError::Internal(e.to_string()))
}

#[derive(Deserialize)]
struct ApplyBody {
    import_id: String,
    digest: String,
}

pub async fn apply(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
    body: aw::Bytes,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let body: ApplyBody = serde_json::from_slice(&body)
        .map_err(|e| HttpError::BadRequest(format!("the request body: {e}")))?;
    let queued = job::request_apply(
        &state.stores,
        &actor,
        &web::origin(&req),
        &body.import_id,
        &body.digest,
    )
    .await?;
    let org = super::admin_api::org_of(&state, &path).await?;
    if org.id != queued.org_id {
        tracing::info!(import = %queued.id, "import applied through another organization's path");
    }
    spawn_runner(
        state.stores.clone(),
        state.settings.welcome_links(),
        state.settings.import_lease(),
    );
    Ok(HttpResponse::Accepted()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(
            json!({"import_id": queued.id, "job": job_json(&queued, false, &[]),
                     "status": format!("/admin/api/import-jobs/{}", queued.id)}),
        ))
}

fn job_json(j: &ImportJob, interrupted: bool, outcomes: &[job::Outcome]) -> Value {
    json!({
        "id": j.id,
        "org_id": j.org_id,
        "status": if interrupted { "interrupted" } else { j.status.as_str() },
        "file_name": j.file_name,
        "digest": j.digest,
        "total": j.total,
        "processed": j.processed,
        "applied": j.applied,
        "conflicts": j.conflicts,
        "created_at": j.created_at.to_rfc3339(),
        "finished_at": j.finished_at.map(|t| t.to_rfc3339()),
        "outcomes": outcomes,
    })
}

pub async fn status(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let JobView {
        job,
        interrupted,
        outcomes,
    } = job::view(&state.stores, &actor, &web::origin(&req), &path).await?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(job_json(&job, interrupted, &outcomes)))
}

/// The previewed file with Status and Messages columns, in its own format.
pub async fn report_file(
    state: aw::Data<AppState>,
    req: HttpRequest,
    path: aw::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let actor = caller(&state, &req).await?;
    let (job, stored) = job::plan_of(&state.stores, &actor, &web::origin(&req), &path).await?;
    let report = stored.report()?;
    // Once applied, each row says what became of it.
    let mut results = std::collections::HashMap::new();
    if job.processed > 0 {
        let done = usize::try_from(job.processed).unwrap_or(usize::MAX);
        for step in stored.steps()?.iter().take(done) {
            results.insert(step.row(), ("applied", String::new()));
        }
        let outcomes = state.stores.members_io.import_outcomes(&job.id).await?;
        for o in outcomes
            .lines()
            .filter_map(|l| serde_json::from_str::<job::Outcome>(l).ok())
        {
            let status = if o.message.starts_with("applied") {
                "applied"
            } else {
                "not applied"
            };
            results.insert(o.row, (status, o.message));
        }
    }
    let bytes = tokio::task::spawn_blocking(move || {
        let sheet = read::read(&stored.file).map_err(|e| HttpError::Internal(e.to_string()))?;
        members_files::report_file(&sheet, &report, &results)
            .map_err(|e| HttpError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| HttpError::Internal(e.to_string()))??;
    let stem = job
        .file_name
        .rsplit_once('.')
        .map_or(job.file_name.as_str(), |(s, _)| s)
        .chars()
        // The name came with the upload: only what a header value can carry plainly.
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '/') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>();
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, job.format.content_type()))
        .insert_header(attachment(&format!(
            "{stem}-report.{}",
            job.format.as_str()
        )))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(bytes))
}

/// Applies waiting imports (or only import `only`) on this node until none is left.
pub async fn run_waiting(stores: &Stores, links: &Links, lease: Duration, only: Option<&str>) {
    loop {
        match job::run_next(stores, crate::state::node_name(), only, lease, links).await {
            Ok(Some(j)) => tracing::info!(import = %j.id, status = %j.status, applied = j.applied,
                conflicts = j.conflicts, "member import ran"),
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "member import stopped; it resumes once its lease runs out");
                return;
            }
        }
    }
}

pub fn spawn_runner(stores: Stores, links: Links, lease: Duration) {
    tokio::spawn(async move { run_waiting(&stores, &links, lease, None).await });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_upload_yields_its_file_and_a_form_without_one_nothing() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m\xc3\xa9mbers.csv\"\r\n\
Content-Type: text/csv\r\n\r\nemail\r\na@b.co\r\n\r\n--XyZ--\r\n";
        let (name, file) = multipart_file("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(name, "mémbers.csv");
        assert_eq!(file, b"email\r\na@b.co\r\n");
        let (_, quoted) = multipart_file("multipart/form-data; boundary=\"XyZ\"", body).unwrap();
        assert_eq!(quoted, file);
        let no_file =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--XyZ--\r\n";
        assert_eq!(
            multipart_file("multipart/form-data; boundary=XyZ", no_file),
            None
        );
        assert_eq!(multipart_file("multipart/form-data", body), None);
        assert_eq!(
            multipart_file("multipart/form-data; boundary=XyZ", b"garbage"),
            None
        );
    }
}
