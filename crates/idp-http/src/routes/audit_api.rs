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
use idp_core::audit_export::{CSV_HEADER, EXPORT_PAGE, columns, csv_rows, next_cursor};
use idp_core::authz::{Actor, Permission};
use idp_core::ids::{EventId, UserId};
use idp_core::org::Organization;
use idp_core::ports::Stores;
use serde::Deserialize;
use serde_json::json;

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

fn encode_cursor(e: &AuditEvent) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{}", e.event.occurred_at.as_micros(), e.id))
}

fn decode_cursor(text: &str) -> Result<AuditCursor, HttpError> {
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
        json!({"filter": {
            "org": org.slug, "member": q.member, "activity": q.activity, "event": q.event,
            "info_type": q.info_type, "from": q.from, "until": q.until,
        }}),
    )
    .await?;
    Ok(())
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

/// Where a streamed export is: the page to read next, if any.
struct Export {
    stores: Stores,
    filter: AuditFilter,
    cursor: Option<AuditCursor>,
    header: bool,
    done: bool,
}

pub async fn export_csv(
    state: aw::Data<AppState>,
    req: HttpRequest,
    q: aw::Query<Query>,
) -> Result<HttpResponse, HttpError> {
    let (actor, org, f) = prepare(&state, &req, &q, "audit_export").await?;
    record_access(&state.stores, &actor, &req, &org, EventKind::Download, &q).await?;
    let start = Export {
        stores: state.stores.clone(),
        filter: f,
        cursor: None,
        header: true,
        done: false,
    };
    let body = futures_util::stream::unfold(start, |mut ex| async move {
        if ex.done {
            return None;
        }
        let page = match ex
            .stores
            .audit
            .search(&ex.filter, ex.cursor.as_ref(), EXPORT_PAGE)
            .await
        {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "audit export stopped");
                ex.done = true;
                return Some((Err(HttpError::from(e)), ex));
            }
        };
        ex.cursor = next_cursor(&page);
        ex.done = ex.cursor.is_none();
        let chunk = csv_rows(&page, ex.header)
            .map(actix_web::web::Bytes::from)
            .map_err(|e| HttpError::Internal(e.to_string()));
        ex.header = false;
        Some((chunk, ex))
    });
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"audit-{}.csv\"", org.slug),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(body))
}

/// Rows an Excel sheet holds, the header included.
const XLSX_MAX_ROWS: u32 = 1_048_576;

/// Writes the filtered events to an Excel file in constant-memory mode (rows go to a
/// temporary file as they are written), a page at a time.
fn write_xlsx(
    stores: &Stores,
    filter: &AuditFilter,
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
    let mut cursor: Option<AuditCursor> = None;
    loop {
        let page = runtime.block_on(stores.audit.search(filter, cursor.as_ref(), EXPORT_PAGE))?;
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
        cursor = next_cursor(&page);
        if cursor.is_none() {
            break;
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
    let file = tempfile::NamedTempFile::new().map_err(|e| HttpError::Internal(e.to_string()))?;
    let path = file.path().to_owned();
    let stores = state.stores.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || write_xlsx(&stores, &f, &runtime, &path))
        .await
        .map_err(|e| HttpError::Internal(e.to_string()))??;
    // The finished file goes out in chunks; it is deleted when the last one is read.
    let reader = file
        .reopen()
        .map_err(|e| HttpError::Internal(e.to_string()))?;
    let body = futures_util::stream::unfold(Some((reader, file)), |state| async move {
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
    });
    Ok(HttpResponse::Ok()
        .insert_header((
            CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"audit-{}.xlsx\"", org.slug),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(body))
}
