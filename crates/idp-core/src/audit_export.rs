//! The columns and CSV rows of an audit-log export: one definition for every way out
//! (the admin API's CSV and Excel downloads, the benchmark in `bench/`).

use crate::audit::{AuditCursor, AuditEvent, AuditFilter};
use crate::ports::{AuditRepo, StoreError};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;

/// Events read per step of an export: each step is one keyset page of the search.
pub const EXPORT_PAGE: u32 = 1000;

/// The export's column names, in order.
pub const CSV_HEADER: [&str; 13] = [
    "occurred_at",
    "event_id",
    "org_id",
    "actor_kind",
    "actor_id",
    "target_user_id",
    "activity",
    "event",
    "info_type",
    "ip",
    "user_agent",
    "device_id",
    "detail",
];

/// An event as the export's columns, in [`CSV_HEADER`] order.
pub fn columns(e: &AuditEvent) -> [String; 13] {
    let n = &e.event;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        n.occurred_at.to_rfc3339(),
        e.id.to_string(),
        n.org_id.to_string(),
        n.actor_kind.as_str().to_owned(),
        text(&n.actor_id),
        n.target_user_id
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        n.activity.as_str().to_owned(),
        n.event.as_str().to_owned(),
        n.info_type.as_str().to_owned(),
        text(&n.ip),
        text(&n.user_agent),
        text(&n.device_id),
        n.detail.to_string(),
    ]
}

/// One page of events as CSV text, preceded by the header line when `header` is set.
pub fn csv_rows(events: &[AuditEvent], header: bool) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(events.len() * 256));
    if header {
        w.write_record(CSV_HEADER)?;
    }
    for e in events {
        w.write_record(columns(e))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// Where the page after `page` starts, or `None` when `page` was the last: a page
/// shorter than [`EXPORT_PAGE`] ends the export.
pub fn next_cursor(page: &[AuditEvent]) -> Option<AuditCursor> {
    if page.len() < EXPORT_PAGE as usize {
        return None;
    }
    page.last().map(|e| AuditCursor {
        occurred_at: e.event.occurred_at,
        id: e.id.clone(),
    })
}

type PageRead = Pin<Box<dyn Future<Output = Result<Vec<AuditEvent>, StoreError>> + Send>>;

/// The filtered events, newest first, a keyset page at a time: what every export reads,
/// so memory stays flat whatever the number of events. While the caller writes one
/// page, the next one is already being read.
pub struct Pages {
    audit: Arc<dyn AuditRepo>,
    filter: Arc<AuditFilter>,
    ahead: Option<PageRead>,
    started: bool,
}

impl Pages {
    pub fn new(audit: Arc<dyn AuditRepo>, filter: AuditFilter) -> Self {
        Self {
            audit,
            filter: Arc::new(filter),
            ahead: None,
            started: false,
        }
    }

    fn read(&self, cursor: Option<AuditCursor>) -> PageRead {
        let (audit, filter) = (self.audit.clone(), self.filter.clone());
        Box::pin(async move { audit.search(&filter, cursor.as_ref(), EXPORT_PAGE).await })
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Result<Option<Vec<AuditEvent>>, StoreError> {
        let current = match self.ahead.take() {
            Some(read) => read,
            None if !self.started => self.read(None),
            None => return Ok(None),
        };
        self.started = true;
        let page = current.await?;
        if let Some(cursor) = next_cursor(&page) {
            let mut ahead = self.read(Some(cursor));
            // One poll sets the read going (the store runs it on its own thread), so the
            // database works on the next page while the caller writes this one.
            let first = std::future::poll_fn(|cx| Poll::Ready(ahead.as_mut().poll(cx))).await;
            if let Poll::Ready(done) = first {
                ahead = Box::pin(std::future::ready(done));
            }
            self.ahead = Some(ahead);
        }
        Ok(Some(page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{ActivityType, ActorKind, EventKind, InfoType, NewAuditEvent};
    use crate::clock::Timestamp;
    use crate::ids::OrgId;

    fn event(detail: serde_json::Value) -> AuditEvent {
        AuditEvent::chained(
            NewAuditEvent {
                org_id: OrgId::from_string("org-1"),
                occurred_at: Timestamp::from_secs(1_700_000_000),
                actor_kind: ActorKind::Administrator,
                actor_id: Some("admin-1".into()),
                target_user_id: None,
                activity: ActivityType::MemberChange,
                event: EventKind::Edit,
                info_type: InfoType::Personal,
                ip: Some("203.0.113.9".into()),
                user_agent: Some("Agent, with a comma".into()),
                device_id: None,
                detail,
            },
            None,
        )
    }

    #[test]
    fn rows_quote_what_needs_quoting() {
        let e = event(serde_json::json!({"before": "a", "after": "b"}));
        let text = String::from_utf8(csv_rows(std::slice::from_ref(&e), true).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next().unwrap(), CSV_HEADER.join(","));
        let row = lines.next().unwrap();
        assert!(row.starts_with("2023-11-14T22:13:20Z,"), "{row}");
        assert!(row.contains(",\"Agent, with a comma\","), "{row}");
        assert!(
            row.ends_with(r#","{""after"":""b"",""before"":""a""}""#),
            "{row}"
        );
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn only_a_full_page_has_a_next_one() {
        let e = event(serde_json::json!({}));
        assert_eq!(next_cursor(std::slice::from_ref(&e)), None);
        let full = vec![e.clone(); EXPORT_PAGE as usize];
        assert_eq!(
            next_cursor(&full),
            Some(AuditCursor {
                occurred_at: e.event.occurred_at,
                id: e.id.clone()
            })
        );
    }
}
