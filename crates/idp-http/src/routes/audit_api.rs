//! Searching and exporting the audit log, for administrators with the audit-log
//! permission over the organization they ask about. Every search and export is itself
//! recorded. Pages are keyset pages (newest first); the CSV export streams those pages,
//! so memory stays flat whatever the number of events.

use super::admin_api::{caller, org_of, require};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use idp_core::Timestamp;
use idp_core::audit::{AuditCursor, AuditEvent, AuditFilter, EventKind, FilterText};
use idp_core::audit_export::{CSV_HEADER, Pages, columns, csv_rows};
use idp_core::audit_jobs::{self, ExportFormat, ExportJob};
use idp_core::authz::{Actor, Permission};
use idp_core::ids::{EventId, UserId};
use idp_core::org::Organization;
use idp_core::ports::Stores;
use idp_core::records::User;
use serde::Deserialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Events per page of a search, at most.
const MAX_PAGE: u32 = 500;

#[derive(Deserialize, Default)]
pub struct Query {
    #[serde(default)]
    org: String,
    #[serde(default)]
    member: Option<String>,
    #[serde(default)]
    activity: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    info_type: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    until: Option<String>,
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    cursor: Option<String>,
    /// A background export's format: csv (default) or xlsx.
    #[serde(default)]
    format: Option<String>,
}

fn bad(what: &str) -> HttpError {
    HttpError::BadRequest(what.to_owned())
}

/// The filter a query asks for, checked before anything is read.
fn filter(q: &Query, org: &Organization) -> Result<AuditFilter, HttpError> {
    AuditFilter::parse(
        &org.path,
        &FilterText {
            member: q.member.as_deref(),
            activity: q.activity.as_deref(),
            event: q.event.as_deref(),
            info_type: q.info_type.as_deref(),
            from: q.from.as_deref(),
            until: q.until.as_deref(),
        },
    )
    .map_err(HttpError::BadRequest)
}

pub(crate) fn encode_cursor(e: &AuditEvent) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{}", e.event.occurred_at.as_micros(), e.id))
}

pub(crate) fn decode_cursor(text: &str) -> Result<AuditCursor, HttpError> {
    let raw = URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| bad("cursor is not one this API gave out"))?;
    let (micros, id) = raw
        .split_once('.')
        .ok_or_else(|| bad("cursor is not one this API gave out"))?;
    let micros = micros
        .parse::<i64>()
        .map_err(|_| bad("cursor is not one this API gave out"))?;
    Ok(AuditCursor {
        occurred_at: Timestamp::from_micros(micros),
        id: EventId::from_string(id),
    })
}

pub fn event_json(e: &AuditEvent) -> serde_json::Value {
    let n = &e.event;
    json!({
        "id": e.id,
        "seq": e.seq,
        "org_id": n.org_id,
        "occurred_at": n.occurred_at.to_rfc3339(),
        "actor_kind": n.actor_kind,
        "actor_id": n.actor_id,
        "target_user_id": n.target_user_id,
        "activity": n.activity,
        "event": n.event,
        "info_type": n.info_type,
        "ip": n.ip,
        "user_agent": n.user_agent,
        "device_id": n.device_id,
        "detail": n.detail,
    })
}

/// Records that `actor` looked at (or downloaded) the audit log of `org`.
async fn record_access(
    stores: &Stores,
    actor: &Actor,
    req: &HttpRequest,
    org: &Organization,
    kind: EventKind,
    q: &Query,
) -> Result<(), HttpError> {
    idp_core::audit::record_access(
        stores,
        &org.id,
        actor.audit(),
        &web::origin(req),
        kind,
        q.member.as_deref().map(UserId::from_string),
        json!({"filter": filter_json(q, org)}),
    )
    .await?;
    Ok(())
}

/// The filter of a query, as the audit log records it.
fn filter_json(q: &Query, org: &Organization) -> serde_json::Value {
    json!({
        "org": org.slug, "member": q.member, "activity": q.activity, "event": q.event,
        "info_type": q.info_type, "from": q.from, "until": q.until,
    })
}

/// Who asks, about which organization, with which filter: or why not.
async fn prepare(
    state: &AppState,
    req: &HttpRequest,
    q: &Query,
    action: &str,
) -> Result<(Actor, Organization, AuditFilter), HttpError> {
    let actor = caller(state, req).await?;
    if q.org.is_empty() {
        return Err(bad("org is required (an organization id or slug)"));
    }
    let org = org_of(state, &q.org).await?;
    require(state, req, &actor, &org, Permission::AuditLog, action).await?;
    let f = filter(q, &org)?;
    Ok((actor, org, f))
}

pub async fn search(
    state: aw::Data<AppState>,
    req: HttpRequest,
    q: aw::Query<Query>,
) -> Result<HttpResponse, HttpError> {
    let (actor, org, f) = prepare(&state, &req, &q, "audit_search").await?;
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_PAGE);
    let cursor = q.cursor.as_deref().map(decode_cursor).transpose()?;
    let events = state
        .stores
        .audit
        .search(&f, cursor.as_ref(), limit)
        .await?;
    record_access(&state.stores, &actor, &req, &org, EventKind::View, &q).await?;
    let next = (events.len() == limit as usize)
        .then(|| events.last().map(encode_cursor))
        .flatten();
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(json!({
            "events": events.iter().map(event_json).collect::<Vec<_>>(),
            "next_cursor": next,
        })))
}

pub async fn export_csv(
    state: aw::Data<AppState>,
    req: HttpRequest,
    q: aw::Query<Query>,
) -> Result<HttpResponse, HttpError> {
    let (actor, org, f) = prepare(&state, &req, &q, "audit_export").await?;
    record_access(&state.stores, &actor, &req, &org, EventKind::Download, &q).await?;
    Ok(csv_response(&state, &org, f))
}

/// The filtered events as a streamed CSV download (the caller has checked permission and
/// recorded the download).
pub(crate) fn csv_response(state: &AppState, org: &Organization, f: AuditFilter) -> HttpResponse {
    let start = (Pages::new(state.stores.audit.clone(), f), true);
    let body = futures_util::stream::unfold(start, |(mut pages, header)| async move {
        let chunk = match pages.next().await {
            Ok(Some(page)) => csv_rows(&page, header)
                .map(actix_web::web::Bytes::from)
                .map_err(|e| HttpError::Internal(e.to_string())),
            Ok(None) => return None,
            Err(e) => {
                tracing::error!(error = %e, "audit export stopped");
                Err(HttpError::from(e))
            }
        };
        Some((chunk, (pages, false)))
    });
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, ExportFormat::Csv.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"audit-{}.csv\"", org.slug),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(body)
}

/// Rows an Excel sheet holds, the header included.
const XLSX_MAX_ROWS: u32 = 1_048_576;

/// Writes the filtered events to `path` as CSV, a page at a time (blocking: run it off
/// the async threads).
fn write_csv(
    mut pages: Pages,
    runtime: &tokio::runtime::Handle,
    path: &Path,
) -> Result<(), HttpError> {
    use std::io::Write as _;
    let failed = |e: std::io::Error| HttpError::Internal(format!("csv file: {e}"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(failed)?);
    let mut header = true;
    while let Some(page) = runtime.block_on(pages.next())? {
        let rows = csv_rows(&page, header).map_err(|e| HttpError::Internal(e.to_string()))?;
        file.write_all(&rows).map_err(failed)?;
        header = false;
    }
    file.flush().map_err(failed)
}

/// Writes the filtered events to an Excel file in constant-memory mode (rows go to a
/// temporary file as they are written), a page at a time.
fn write_xlsx(
    mut pages: Pages,
    runtime: &tokio::runtime::Handle,
    path: &std::path::Path,
) -> Result<(), HttpError> {
    let failed = |e: rust_xlsxwriter::XlsxError| HttpError::Internal(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory();
    sheet.set_name("Audit log").map_err(failed)?;
    for (col, name) in (0u16..).zip(CSV_HEADER) {
        sheet.write_string(0, col, name).map_err(failed)?;
    }
    let mut row: u32 = 1;
    while let Some(page) = runtime.block_on(pages.next())? {
        for e in &page {
            if row >= XLSX_MAX_ROWS {
                return Err(HttpError::BadRequest(
                    "more events than an Excel sheet holds; narrow the dates or use the CSV export"
                        .into(),
                ));
            }
            for (col, value) in (0u16..).zip(columns(e)) {
                sheet.write_string(row, col, value).map_err(failed)?;
            }
            row += 1;
        }
    }
    book.save(path).map_err(failed)
}

pub async fn export_xlsx(
    state: aw::Data<AppState>,
    req: HttpRequest,
    q: aw::Query<Query>,
) -> Result<HttpResponse, HttpError> {
    let (actor, org, f) = prepare(&state, &req, &q, "audit_export").await?;
    record_access(&state.stores, &actor, &req, &org, EventKind::Download, &q).await?;
    xlsx_response(&state, &org, f).await
}

/// The filtered events as an Excel download (the caller has checked permission and
/// recorded the download).
pub(crate) async fn xlsx_response(
    state: &AppState,
    org: &Organization,
    f: AuditFilter,
) -> Result<HttpResponse, HttpError> {
    let file = tempfile::NamedTempFile::new().map_err(|e| HttpError::Internal(e.to_string()))?;
    let path = file.path().to_owned();
    let pages = Pages::new(state.stores.audit.clone(), f);
    write_export(ExportFormat::Xlsx, pages, path).await?;
    // The finished file goes out in chunks; it is deleted when the last one is read.
    let reader = file
        .reopen()
        .map_err(|e| HttpError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, ExportFormat::Xlsx.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"audit-{}.xlsx\"", org.slug),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(file_chunks(reader, file)))
}

/// A file read in chunks off the async threads; `keep` (a temporary file's handle) is
/// dropped, deleting it, once the last chunk is read.
fn file_chunks<K: Send + 'static>(
    reader: std::fs::File,
    keep: K,
) -> impl futures_util::Stream<Item = Result<actix_web::web::Bytes, HttpError>> {
    futures_util::stream::unfold(Some((reader, keep)), |state| async move {
        let (mut reader, file) = state?;
        let read = tokio::task::spawn_blocking(move || {
            let mut buf = vec![0u8; 64 * 1024];
            let n = std::io::Read::read(&mut reader, &mut buf);
            (reader, buf, n)
        })
        .await;
        match read {
            Ok((reader, mut buf, Ok(n))) if n > 0 => {
                buf.truncate(n);
                Some((Ok(actix_web::web::Bytes::from(buf)), Some((reader, file))))
            }
            Ok((_, _, Ok(_))) => None,
            Ok((_, _, Err(e))) => Some((Err(HttpError::Internal(e.to_string())), None)),
            Err(e) => Some((Err(HttpError::Internal(e.to_string())), None)),
        }
    })
}

/// Writes an export's file off the async threads.
async fn write_export(format: ExportFormat, pages: Pages, path: PathBuf) -> Result<(), HttpError> {
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || match format {
        ExportFormat::Csv => write_csv(pages, &runtime, &path),
        ExportFormat::Xlsx => write_xlsx(pages, &runtime, &path),
    })
    .await
    .map_err(|e| HttpError::Internal(e.to_string()))?
}

/// Starts a background export of the filtered events (the same filters and permission as
/// the streamed exports); answers 202 with the job's id. The administrator gets the file
/// through a one-time link by email.
pub async fn request_export(
    state: aw::Data<AppState>,
    req: HttpRequest,
    q: aw::Query<Query>,
) -> Result<HttpResponse, HttpError> {
    let (actor, org, f) = prepare(&state, &req, &q, "audit_export").await?;
    let format: ExportFormat = q
        .format
        .as_deref()
        .unwrap_or("csv")
        .parse()
        .map_err(|e: idp_core::client::UnknownValue| bad(&e.to_string()))?;
    let (id, to) = start_export(
        &state,
        &actor,
        &web::origin(&req),
        &org,
        f,
        filter_json(&q, &org),
        format,
    )
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(json!({"job_id": id, "format": format, "link_sent_to": to})))
}

/// Starts a background export of `f` for `actor` (permission already checked); answers
/// the job's id and the address the link goes to.
pub(crate) async fn start_export(
    state: &AppState,
    actor: &Actor,
    origin: &idp_core::signin::Origin,
    org: &Organization,
    f: AuditFilter,
    filter: serde_json::Value,
    format: ExportFormat,
) -> Result<(String, String), HttpError> {
    let (job, admin) =
        audit_jobs::request(&state.stores, actor, origin, org, format, filter).await?;
    let background = Background {
        stores: state.stores.clone(),
        dir: state.settings.export_dir(),
        base_url: state.settings.issuer().to_owned(),
        ttl: state.settings.export_link_ttl(),
    };
    let pages = Pages::new(state.stores.audit.clone(), f);
    let (id, to) = (job.id.clone(), admin.email.to_string());
    tokio::spawn(async move {
        if let Err(e) = background.run(job, &admin, pages).await {
            tracing::error!(error = %e, "background audit export failed");
        }
    });
    Ok((id, to))
}

/// What a background export needs once its request has been answered.
struct Background {
    stores: Stores,
    dir: PathBuf,
    base_url: String,
    ttl: Duration,
}

/// The size of the pieces an export's file is stored in.
const EXPORT_CHUNK: usize = 1 << 20;

impl Background {
    /// Writes the file under the data directory, stores it in the database (so every
    /// node can serve the download, after a restart too), and emails the link. The
    /// stored file goes with its download or, once the link expired, with the periodic
    /// clean-up.
    async fn run(self, job: ExportJob, admin: &User, pages: Pages) -> Result<(), HttpError> {
        let io = |e: std::io::Error| HttpError::Internal(format!("{}: {e}", self.dir.display()));
        tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
        self.sweep().await;
        let path = self.dir.join(job.file_name());
        let expires_at = self.stores.clock.now().plus(self.ttl);
        let written = async {
            write_export(job.format, pages, path.clone()).await?;
            store_file(&self.stores, &job.id, &path, expires_at).await?;
            remove_quietly(&path).await;
            audit_jobs::offer(&self.stores, &job, admin, &self.base_url, self.ttl).await?;
            Ok::<_, HttpError>(())
        }
        .await;
        if written.is_err() {
            remove_quietly(&path).await;
            if let Err(e) = self.stores.audit.delete_export(&job.id).await {
                tracing::warn!(error = %e, "could not remove a failed audit export");
            }
        }
        written
    }

    /// Removes files older than a link lives, which a restart left behind.
    async fn sweep(&self) {
        let Ok(mut entries) = tokio::fs::read_dir(&self.dir).await else {
            return;
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            let old = entry
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > self.ttl);
            if old {
                remove_quietly(&entry.path()).await;
            }
        }
    }
}

/// Copies the written file into the database, a chunk at a time.
async fn store_file(
    stores: &Stores,
    job: &str,
    path: &Path,
    expires_at: Timestamp,
) -> Result<(), HttpError> {
    use tokio::io::AsyncReadExt as _;
    let io = |e: std::io::Error| HttpError::Internal(format!("{}: {e}", path.display()));
    let mut file = tokio::fs::File::open(path).await.map_err(io)?;
    let mut seq = 0u32;
    loop {
        let mut chunk = Vec::with_capacity(EXPORT_CHUNK);
        let read = (&mut file)
            .take(EXPORT_CHUNK as u64)
            .read_to_end(&mut chunk)
            .await
            .map_err(io)?;
        // An empty file is one empty chunk, so that its download still answers.
        if read > 0 || seq == 0 {
            stores
                .audit
                .put_export_chunk(job, seq, &chunk, expires_at)
                .await?;
            seq += 1;
        }
        if read < EXPORT_CHUNK {
            return Ok(());
        }
    }
}

async fn remove_quietly(path: &Path) {
    if let Err(e) = tokio::fs::remove_file(path).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, path = %path.display(), "could not delete an audit export");
    }
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    token: String,
}

/// Serves a background export once, through the link that was emailed, and deletes it.
pub async fn download_export(
    state: aw::Data<AppState>,
    req: HttpRequest,
    q: aw::Query<DownloadQuery>,
) -> Result<HttpResponse, HttpError> {
    let gone = || HttpError::Gone("This download link is unknown, used or expired.".into());
    let Some(session) = super::authorize::current_session(&state, &req).await? else {
        return Err(HttpError::Unauthorized(
            "Sign in as the administrator who asked for this export, then open the link again."
                .into(),
        ));
    };
    let job = audit_jobs::take(
        &state.stores,
        &q.token,
        &session.user_id,
        &web::origin(&req),
    )
    .await?
    .ok_or_else(gone)?;
    let now = state.stores.clock.now();
    let Some(first) = state.stores.audit.export_chunk(&job.id, 0, now).await? else {
        tracing::warn!(export = %job.id, "audit export file missing");
        return Err(gone());
    };
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, job.format.content_type()))
        .insert_header((
            CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"audit-{}.{}\"",
                job.org_slug,
                job.format.as_str()
            ),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(stored_chunks(state.stores.clone(), job.id, first, now)))
}

/// An export's stored chunks in order, starting with `first`, read one at a time; the
/// file is removed once the last one is sent (the link was used up already). A read
/// that fails ends the download.
fn stored_chunks(
    stores: Stores,
    job: String,
    first: Vec<u8>,
    now: Timestamp,
) -> impl futures_util::Stream<Item = Result<aw::Bytes, std::io::Error>> {
    futures_util::stream::try_unfold(
        (stores, job, Some(first), 1u32),
        move |(stores, job, pending, seq)| async move {
            let (bytes, next) = match pending {
                Some(bytes) => (bytes, seq),
                None => match stores.audit.export_chunk(&job, seq, now).await {
                    Ok(Some(bytes)) => (bytes, seq + 1),
                    Ok(None) => {
                        if let Err(e) = stores.audit.delete_export(&job).await {
                            tracing::warn!(error = %e, export = %job, "could not remove a downloaded audit export");
                        }
                        return Ok(None);
                    }
                    Err(e) => return Err(std::io::Error::other(e.to_string())),
                },
            };
            Ok(Some((aw::Bytes::from(bytes), (stores, job, None, next))))
        },
    )
}
