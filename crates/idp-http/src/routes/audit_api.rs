//! Searching and exporting the audit log, for administrators with the audit-log
//! permission over the organization they ask about. Every search and export is itself
//! recorded. Pages are keyset pages (newest first); the CSV export streams those pages,
//! so memory stays flat whatever the number of events.

use super::admin_api::{caller, org_of, require};
use crate::error::HttpError;
use crate::state::AppState;
use crate::web;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse, web as aw};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use idp_core::Timestamp;
use idp_core::audit::{AuditCursor, AuditEvent, AuditFilter, EventKind, FilterText};
use idp_core::audit_export::{CSV_HEADER, Pages, columns, csv_rows};
use idp_core::audit_jobs::{self, ExportFile, ExportFormat, Piece};
use idp_core::authz::{Actor, Permission};
use idp_core::ids::{EventId, UserId};
use idp_core::org::Organization;
use idp_core::ports::Stores;
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
    .map_err(|e| HttpError::BadRequest(e.to_string()))
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
    progress: &dyn Fn() -> bool,
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
        // Nobody waits for the file any more (its job was taken over or failed).
        if !progress() {
            return Err(HttpError::Internal("the export was abandoned".into()));
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
        ExportFormat::Xlsx => write_xlsx(pages, &runtime, &path, &|| true),
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

/// Queues a background export of `f` for `actor` (permission already checked) and sets
/// this node to work on waiting exports; answers the job's id and the address the link
/// goes to. Any node may write it: each picks up waiting exports every
/// `imports.check_secs`.
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
        audit_jobs::request(&state.stores, actor, origin, org, format, f, filter).await?;
    let exports = Exports::of(state);
    tokio::spawn(async move { exports.run_waiting().await });
    Ok((job.id, admin.email.to_string()))
}

/// What running background exports on this node needs.
#[derive(Clone)]
pub(crate) struct Exports {
    stores: Stores,
    base_url: String,
    link_ttl: Duration,
    lease: Duration,
    chunk: usize,
    /// Test-only: a pause before each chunk is stored (`audit.export_test_pause_ms`).
    pause: Duration,
}

impl Exports {
    pub(crate) fn of(state: &AppState) -> Self {
        let audit = &state.settings.audit;
        Self {
            stores: state.stores.clone(),
            base_url: state.settings.issuer().to_owned(),
            link_ttl: state.settings.export_link_ttl(),
            lease: Duration::from_secs(audit.export_lease_secs.max(1)),
            chunk: usize::try_from(audit.export_chunk_kib.max(1))
                .unwrap_or(1024)
                .saturating_mul(1024),
            pause: Duration::from_millis(audit.export_test_pause_ms),
        }
    }

    /// Writes waiting exports (queued, or left by a node that stopped) on this node until
    /// none is left.
    pub(crate) async fn run_waiting(&self) {
        let runner = audit_jobs::Runner {
            owner: crate::state::node_name(),
            lease: self.lease,
            link_ttl: self.link_ttl,
            base_url: &self.base_url,
        };
        let open = |record: &audit_jobs::ExportRecord| self.open(record);
        loop {
            match audit_jobs::run_next(&self.stores, &runner, &open).await {
                Ok(Some(audit_jobs::Ran::Done(r))) => {
                    tracing::info!(export = %r.job.id, attempt = r.attempts, "audit export written and its link mailed");
                }
                Ok(Some(audit_jobs::Ran::Failed(r, why))) => {
                    tracing::warn!(export = %r.job.id, reason = %why, "audit export failed");
                }
                Ok(Some(audit_jobs::Ran::TakenOver(r))) => {
                    tracing::warn!(export = %r.job.id, "audit export taken over by another node after this one's lease ran out");
                }
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "audit export stopped; another attempt starts once its lease runs out");
                    return;
                }
            }
        }
    }

    fn open(
        &self,
        record: &audit_jobs::ExportRecord,
    ) -> Result<Box<dyn ExportFile>, audit_jobs::ExportError> {
        let pages = Pages::new(self.stores.audit.clone(), record.filter.clone());
        let file: Box<dyn ExportFile> = match record.job.format {
            ExportFormat::Csv => Box::new(CsvFile {
                pages,
                header: true,
                buf: Vec::new(),
                chunk: self.chunk,
                done: false,
            }),
            ExportFormat::Xlsx => Box::new(XlsxFile::start(pages, self.chunk)?),
        };
        Ok(if self.pause.is_zero() {
            file
        } else {
            Box::new(Paced {
                inner: file,
                pause: self.pause,
            })
        })
    }
}

fn file_error(e: impl std::fmt::Display) -> audit_jobs::ExportError {
    audit_jobs::ExportError::File(e.to_string())
}

/// A CSV export made page by page, in chunks of `chunk` bytes: nothing on disk.
struct CsvFile {
    pages: Pages,
    header: bool,
    buf: Vec<u8>,
    chunk: usize,
    done: bool,
}

#[async_trait::async_trait]
impl ExportFile for CsvFile {
    async fn next(&mut self) -> Result<Option<Piece>, audit_jobs::ExportError> {
        while self.buf.len() < self.chunk && !self.done {
            match self.pages.next().await? {
                Some(page) => {
                    let rows = csv_rows(&page, self.header).map_err(file_error)?;
                    self.buf.extend_from_slice(&rows);
                    self.header = false;
                }
                None => self.done = true,
            }
        }
        if self.buf.is_empty() {
            return Ok(None);
        }
        let rest = self.buf.split_off(self.buf.len().min(self.chunk));
        Ok(Some(Piece::Data(std::mem::replace(&mut self.buf, rest))))
    }
}

/// What the thread writing a sheet reports.
enum Written {
    Page,
    Finished(Result<(), HttpError>),
}

/// An Excel export: written to a temporary file by a blocking thread (a workbook is a zip
/// whose directory comes last), a progress piece per page, then read back in chunks.
struct XlsxFile {
    file: tempfile::NamedTempFile,
    progress: tokio::sync::mpsc::Receiver<Written>,
    reader: Option<std::fs::File>,
    chunk: usize,
}

impl XlsxFile {
    fn start(pages: Pages, chunk: usize) -> Result<Self, audit_jobs::ExportError> {
        let file = tempfile::NamedTempFile::new().map_err(file_error)?;
        let path = file.path().to_owned();
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let runtime = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let step = || tx.blocking_send(Written::Page).is_ok();
            let result = write_xlsx(pages, &runtime, &path, &step);
            let _ = tx.blocking_send(Written::Finished(result));
        });
        Ok(Self {
            file,
            progress: rx,
            reader: None,
            chunk,
        })
    }
}

#[async_trait::async_trait]
impl ExportFile for XlsxFile {
    async fn next(&mut self) -> Result<Option<Piece>, audit_jobs::ExportError> {
        let Some(reader) = self.reader.take() else {
            return match self.progress.recv().await {
                Some(Written::Page) => Ok(Some(Piece::Progress)),
                Some(Written::Finished(Ok(()))) => {
                    self.reader = Some(self.file.reopen().map_err(file_error)?);
                    Ok(Some(Piece::Progress))
                }
                Some(Written::Finished(Err(e))) => Err(file_error(e)),
                None => Err(file_error("the sheet's writer stopped")),
            };
        };
        let chunk = self.chunk;
        let (reader, read) = tokio::task::spawn_blocking(move || {
            let mut reader = reader;
            let mut buf = Vec::with_capacity(chunk);
            let read = std::io::Read::read_to_end(
                &mut std::io::Read::take(&mut reader, chunk as u64),
                &mut buf,
            )
            .map(|_| buf);
            (reader, read)
        })
        .await
        .map_err(file_error)?;
        let buf = read.map_err(file_error)?;
        if buf.is_empty() {
            return Ok(None);
        }
        self.reader = Some(reader);
        Ok(Some(Piece::Data(buf)))
    }
}

/// Test-only pacing: a pause before each piece of data, so that a test can stop a node
/// in the middle of writing an export.
struct Paced {
    inner: Box<dyn ExportFile>,
    pause: Duration,
}

#[async_trait::async_trait]
impl ExportFile for Paced {
    async fn next(&mut self) -> Result<Option<Piece>, audit_jobs::ExportError> {
        let piece = self.inner.next().await?;
        if matches!(piece, Some(Piece::Data(_))) {
            tokio::time::sleep(self.pause).await;
        }
        Ok(piece)
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
    let gone = || HttpError::keyed(StatusCode::GONE, "export-link-gone");
    let Some(session) = super::authorize::current_session(&state, &req).await? else {
        return Err(HttpError::keyed(
            StatusCode::UNAUTHORIZED,
            "export-sign-in-first",
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
