//! Large audit exports as a background job: the request is recorded, the finished file
//! is offered to the requesting administrator through a one-time link sent by email (the
//! token is kept only as a digest, for a limited time), and its download is recorded.
//! Writing the file is the caller's (it streams the same keyset pages as the search).

use crate::audit::{ActorKind, EventKind};
use crate::authz::Actor;
use crate::client::wire_enum;
use crate::crypto::TokenDigest;
use crate::ids::{EventId, OrgId, UserId};
use crate::org::Organization;
use crate::ports::{EphemeralError, MailError, OutgoingMail, StoreError, Stores};
use crate::random::token;
use crate::records::User;
use crate::signin::Origin;
use serde::{Deserialize, Serialize};
use std::time::Duration;

wire_enum!(
    /// The file format of an export.
    ExportFormat, "export format" {
        Csv => "csv",
        Xlsx => "xlsx",
    }
);

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// An export someone asked for: what the file is and who gets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportJob {
    /// Random, so it also names the file on disk.
    pub id: String,
    pub org_id: OrgId,
    pub org_slug: String,
    pub format: ExportFormat,
    /// The administrator the link is sent to.
    pub requested_by: UserId,
}

impl ExportJob {
    /// The file's name, on disk and in the download.
    pub fn file_name(&self) -> String {
        format!("audit-{}.{}", self.id, self.format.as_str())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "a background export is emailed to the administrator who asks for it; a service client has no mailbox (use the streamed export)"
    )]
    NoMailbox,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ephemeral(#[from] EphemeralError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error("stored export is unreadable: {0}")]
    Corrupt(String),
    #[error("this export was asked for by another administrator; only they can download it")]
    NotYours,
}

/// Records a step of an export as an access to the log, by the administrator who asked.
async fn record(
    stores: &Stores,
    job: &ExportJob,
    origin: &Origin,
    kind: EventKind,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    let by = (ActorKind::Administrator, Some(job.requested_by.to_string()));
    crate::audit::record_access(stores, &job.org_id, by, origin, kind, None, detail).await
}

/// Starts an export of `org`'s events for `by` (who must be a member: the link goes to
/// their address), and records the request with its filter. Permission is the caller's
/// to check, as for the streamed export.
pub async fn request(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &Organization,
    format: ExportFormat,
    filter: serde_json::Value,
) -> Result<(ExportJob, User), ExportError> {
    let Actor::Member(admin) = by else {
        return Err(ExportError::NoMailbox);
    };
    let job = ExportJob {
        id: EventId::generate().to_string(),
        org_id: org.id.clone(),
        org_slug: org.slug.clone(),
        format,
        requested_by: admin.id.clone(),
    };
    record(
        stores,
        &job,
        origin,
        EventKind::Create,
        serde_json::json!({"export": job.id, "format": format, "filter": filter}),
    )
    .await?;
    Ok((job, admin.clone()))
}

fn link_key(token: &str) -> String {
    format!("audit-export:{}", TokenDigest::of(token).to_hex())
}

/// Offers a finished export: a one-time link to `base_url`'s download address, valid for
/// `ttl`, sent to the administrator who asked. Only the token's digest is kept.
pub async fn offer(
    stores: &Stores,
    job: &ExportJob,
    to: &User,
    base_url: &str,
    ttl: Duration,
) -> Result<(), ExportError> {
    let t = token(stores.random.as_ref());
    let value = serde_json::to_vec(job).map_err(|e| ExportError::Corrupt(e.to_string()))?;
    stores.ephemeral.put(&link_key(&t), &value, ttl).await?;
    let minutes = ttl.as_secs() / 60;
    stores
        .mailer
        .send(&OutgoingMail {
            to: to.email.clone(),
            subject: "Your audit log export is ready".into(),
            text: format!(
                "The export of the audit log of {org} you asked for is ready.\n\n\
                 Download it within {minutes} minutes (the link works once):\n\
                 {base_url}/admin/api/audit/exports/download?token={t}\n",
                org = job.org_slug,
            ),
        })
        .await?;
    Ok(())
}

/// Uses a download link for the administrator `by`: the export it offers, once, and the
/// download recorded; `None` for an unknown, used or expired link. Another member's
/// attempt leaves the link as it was.
pub async fn take(
    stores: &Stores,
    t: &str,
    by: &UserId,
    origin: &Origin,
) -> Result<Option<ExportJob>, ExportError> {
    let key = link_key(t);
    // Only the administrator who asked uses the link up: a forwarded mail is no key.
    let Some(value) = stores.ephemeral.get(&key).await? else {
        return Ok(None);
    };
    let job: ExportJob =
        serde_json::from_slice(&value).map_err(|e| ExportError::Corrupt(e.to_string()))?;
    if &job.requested_by != by {
        return Err(ExportError::NotYours);
    }
    if stores.ephemeral.take(&key).await?.is_none() {
        return Ok(None);
    }
    record(
        stores,
        &job,
        origin,
        EventKind::Download,
        serde_json::json!({"export": job.id, "format": job.format}),
    )
    .await?;
    Ok(Some(job))
}
