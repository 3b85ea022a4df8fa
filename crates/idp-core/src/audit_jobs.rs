//! Large audit exports as background jobs. A request is recorded together with its job,
//! which waits in the database (its filter with it) with a status and, while a node
//! writes it, that node's lease: any node claims a queued job, or one whose lease ran out
//! (its node stopped), and writes the file again from the start into stored chunks,
//! renewing the lease as it goes. The node that marks it done, while still holding the
//! lease, mails the one-time link (the token is kept only as a digest, for a limited
//! time); a node that lost its lease stops and mails nothing. Producing the file's bytes
//! is the caller's ([`ExportFile`]); when a job may be claimed, what a finished job
//! offers and when a lease is renewed are decided here.

use crate::audit::{ActivityType, ActorKind, AuditFilter, EventKind, InfoType, NewAuditEvent};
use crate::authz::Actor;
use crate::client::wire_enum;
use crate::clock::Timestamp;
use crate::crypto::TokenDigest;
use crate::ids::{EventId, OrgId, UserId};
use crate::org::Organization;
use crate::ports::{Change, EphemeralError, MailError, OutgoingMail, StoreError, Stores};
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

wire_enum!(
    /// Where a background export stands.
    ExportStatus, "export status" {
        Queued => "queued",
        Running => "running",
        Done => "done",
        Failed => "failed",
    }
);

/// An export someone asked for: what the file is and who gets it (what its one-time
/// link carries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportJob {
    /// Random.
    pub id: String,
    pub org_id: OrgId,
    pub org_slug: String,
    pub format: ExportFormat,
    /// The administrator the link is sent to.
    pub requested_by: UserId,
}

/// An export as the database keeps it: the job, the events it covers, and how far it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRecord {
    pub job: ExportJob,
    pub filter: AuditFilter,
    pub status: ExportStatus,
    /// Claims so far: a job whose node keeps dying is given up after [`MAX_ATTEMPTS`].
    pub attempts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

/// Claims of one export at most: a file that stops every node that writes it is not
/// tried forever.
pub const MAX_ATTEMPTS: i64 = 3;

/// How long an export's record is kept, whatever became of it: longer than a link lives
/// (at most 7 days), so a finished job's file always goes with its link first.
pub const RECORDS_KEPT: Duration = Duration::from_secs(8 * 24 * 3600);

impl ExportRecord {
    /// Whether a node may claim it at `now`: queued, or running on a node whose lease ran
    /// out, and not yet claimed [`MAX_ATTEMPTS`] times. The store's claim applies the
    /// same condition (`AuditRepo::claim_export`).
    pub fn claimable(&self, now: Timestamp) -> bool {
        let waiting = match self.status {
            ExportStatus::Queued => true,
            ExportStatus::Running => self.lease_until.is_none_or(|until| until < now),
            ExportStatus::Done | ExportStatus::Failed => false,
        };
        waiting && self.attempts < MAX_ATTEMPTS
    }

    /// Until when a finished job offers its file through the link it mailed: `None`
    /// unless it is done.
    pub fn offered_until(&self, link_ttl: Duration) -> Option<Timestamp> {
        match (self.status, self.finished_at) {
            (ExportStatus::Done, Some(at)) => Some(at.plus(link_ttl)),
            _ => None,
        }
    }
}

/// Whether a lease taken or last renewed at `renewed` should be renewed at `now`: after a
/// third of it, so one slow step does not lose it.
pub fn renewal_due(renewed: Timestamp, now: Timestamp, lease: Duration) -> bool {
    now >= renewed.plus(lease / 3)
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
    /// The file cannot be made (too many rows for a sheet, a write that failed): the job
    /// fails, and trying again would not help.
    #[error("{0}")]
    File(String),
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

/// Queues an export of `org`'s events matching `filter` for `by` (who must be a member:
/// the link goes to their address); the request is recorded, with the filter as asked
/// (`asked`), in the same transaction. Permission is the caller's to check, as for the
/// streamed export.
pub async fn request(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    org: &Organization,
    format: ExportFormat,
    filter: AuditFilter,
    asked: serde_json::Value,
) -> Result<(ExportJob, User), ExportError> {
    let Actor::Member(admin) = by else {
        return Err(ExportError::NoMailbox);
    };
    let now = stores.clock.now();
    let job = ExportJob {
        id: EventId::generate().to_string(),
        org_id: org.id.clone(),
        org_slug: org.slug.clone(),
        format,
        requested_by: admin.id.clone(),
    };
    let record = ExportRecord {
        job: job.clone(),
        filter,
        status: ExportStatus::Queued,
        attempts: 0,
        lease_owner: None,
        lease_until: None,
        created_at: now,
        updated_at: now,
        finished_at: None,
    };
    let event = NewAuditEvent {
        org_id: org.id.clone(),
        occurred_at: now,
        actor_kind: ActorKind::Administrator,
        actor_id: Some(admin.id.to_string()),
        target_user_id: None,
        activity: ActivityType::AuditAccess,
        event: EventKind::Create,
        info_type: InfoType::Other,
        ip: origin.ip.clone(),
        user_agent: origin.user_agent.clone(),
        device_id: None,
        detail: serde_json::json!({"export": job.id, "format": format, "filter": asked}),
    };
    stores
        .audit
        .commit(&[Change::QueueExport(Box::new(record))], &[event])
        .await?;
    Ok((job, admin.clone()))
}

/// A piece of an export's file as its writer makes it.
#[derive(Debug)]
pub enum Piece {
    /// The next bytes of the file, in order.
    Data(Vec<u8>),
    /// Work done that yields no bytes yet (a page of a sheet written locally): a moment
    /// to renew the lease.
    Progress,
}

/// An export's file being made, read a piece at a time.
#[async_trait::async_trait]
pub trait ExportFile: Send {
    /// The next piece; `None` after the last.
    async fn next(&mut self) -> Result<Option<Piece>, ExportError>;
}

/// Starts making a claimed export's file.
pub type OpenFile<'a> =
    dyn Fn(&ExportRecord) -> Result<Box<dyn ExportFile>, ExportError> + Sync + 'a;

/// Who runs exports and what they offer.
pub struct Runner<'a> {
    /// This node, as leases name it.
    pub owner: &'a str,
    pub lease: Duration,
    pub link_ttl: Duration,
    /// The issuer, for the link.
    pub base_url: &'a str,
}

/// What became of a claimed export.
#[derive(Debug)]
pub enum Ran {
    /// Stored, marked done by this node, its link mailed.
    Done(ExportRecord),
    /// Given up: its file cannot be made, or its requester is gone; the reason.
    Failed(ExportRecord, String),
    /// Another node claimed it after this one's lease ran out: that node finishes it.
    TakenOver(ExportRecord),
}

/// Claims one waiting export (queued, or left by a node that stopped) for `runner`,
/// writes its file from the start through `open`, storing each piece while renewing the
/// lease, marks it done and mails the link: once, by the node that marked it done.
/// `None` when none was waiting. A store error leaves the job to be claimed again once
/// its lease runs out.
pub async fn run_next(
    stores: &Stores,
    runner: &Runner<'_>,
    open: &OpenFile<'_>,
) -> Result<Option<Ran>, ExportError> {
    let now = stores.clock.now();
    let Some(record) = stores
        .audit
        .claim_export(runner.owner, now, now.plus(runner.lease), MAX_ATTEMPTS)
        .await?
    else {
        return Ok(None);
    };
    let id = record.job.id.clone();
    let Some(admin) = stores.users.find_by_id(&record.job.requested_by).await? else {
        return give_up(
            stores,
            runner,
            record,
            None,
            "its requester no longer exists",
        )
        .await;
    };
    let mut file = match open(&record) {
        Ok(f) => f,
        Err(ExportError::File(why)) => {
            return give_up(stores, runner, record, Some(&admin), &why).await;
        }
        Err(e) => return Err(e),
    };
    let (mut seq, mut renewed) = (0u32, now);
    loop {
        let piece = match file.next().await {
            Ok(p) => p,
            Err(ExportError::File(why)) => {
                return give_up(stores, runner, record, Some(&admin), &why).await;
            }
            Err(e) => return Err(e),
        };
        let now = stores.clock.now();
        let kept = match piece {
            None => break,
            Some(Piece::Progress) if !renewal_due(renewed, now, runner.lease) => continue,
            Some(Piece::Progress) => {
                stores
                    .audit
                    .renew_export_lease(&id, runner.owner, now.plus(runner.lease))
                    .await?
            }
            Some(Piece::Data(bytes)) => {
                let stored = stores
                    .audit
                    .put_export_chunk(
                        &id,
                        runner.owner,
                        seq,
                        &bytes,
                        now.plus(runner.lease),
                        now.plus(runner.link_ttl),
                    )
                    .await?;
                seq += 1;
                stored
            }
        };
        if !kept {
            return Ok(Some(Ran::TakenOver(record)));
        }
        renewed = now;
    }
    let now = stores.clock.now();
    // An empty file is one empty chunk, so that its download still answers.
    if seq == 0
        && !stores
            .audit
            .put_export_chunk(
                &id,
                runner.owner,
                0,
                &[],
                now.plus(runner.lease),
                now.plus(runner.link_ttl),
            )
            .await?
    {
        return Ok(Some(Ran::TakenOver(record)));
    }
    let finished = stores
        .audit
        .finish_export(
            &id,
            runner.owner,
            ExportStatus::Done,
            now,
            now.plus(runner.link_ttl),
        )
        .await?;
    if !finished {
        return Ok(Some(Ran::TakenOver(record)));
    }
    // Only the node whose `done` was saved gets here: one link, however many wrote.
    offer(
        stores,
        &record.job,
        &admin,
        runner.base_url,
        runner.link_ttl,
    )
    .await?;
    Ok(Some(Ran::Done(record)))
}

/// Marks a claimed export failed (its chunks go) and tells its requester why.
async fn give_up(
    stores: &Stores,
    runner: &Runner<'_>,
    record: ExportRecord,
    to: Option<&User>,
    why: &str,
) -> Result<Option<Ran>, ExportError> {
    let now = stores.clock.now();
    let failed = stores
        .audit
        .finish_export(&record.job.id, runner.owner, ExportStatus::Failed, now, now)
        .await?;
    if !failed {
        return Ok(Some(Ran::TakenOver(record)));
    }
    if let Some(admin) = to {
        let tr = crate::i18n::member_tr(stores, admin).await?;
        stores
            .mailer
            .send(&OutgoingMail {
                to: admin.email.clone(),
                subject: tr.t("email-export-failed-subject"),
                text: format!(
                    "{}\n",
                    tr.t2(
                        "email-export-failed",
                        "org",
                        record.job.org_slug.as_str(),
                        "why",
                        why
                    ),
                ),
            })
            .await?;
    }
    Ok(Some(Ran::Failed(record, why.to_owned())))
}

/// Removes export records (with any file left) older than [`RECORDS_KEPT`]; how many.
pub async fn delete_old(stores: &Stores) -> Result<u64, StoreError> {
    let before = stores.clock.now().minus(RECORDS_KEPT);
    stores.audit.delete_old_exports(before).await
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
    let tr = crate::i18n::member_tr(stores, to).await?;
    stores
        .mailer
        .send(&OutgoingMail {
            to: to.email.clone(),
            subject: tr.t("email-export-ready-subject"),
            text: format!(
                "{}\n\n{}\n{base_url}/admin/api/audit/exports/download?token={t}\n",
                tr.t1("email-export-ready-intro", "org", job.org_slug.as_str()),
                tr.t1("email-export-ready-open", "duration", tr.duration(ttl)),
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

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_secs(1_000);

    fn record(status: ExportStatus, lease_until: Option<Timestamp>, attempts: i64) -> ExportRecord {
        ExportRecord {
            job: ExportJob {
                id: "e1".into(),
                org_id: OrgId::from_string("o1"),
                org_slug: "acme".into(),
                format: ExportFormat::Csv,
                requested_by: UserId::from_string("u1"),
            },
            filter: AuditFilter::default(),
            status,
            attempts,
            lease_owner: lease_until.map(|_| "node-a".to_owned()),
            lease_until,
            created_at: T0,
            updated_at: T0,
            finished_at: matches!(status, ExportStatus::Done | ExportStatus::Failed).then_some(T0),
        }
    }

    #[test]
    fn a_queued_export_is_claimable_and_a_running_one_only_once_its_lease_ran_out() {
        let lease_end = T0.plus(Duration::from_secs(30));
        assert!(record(ExportStatus::Queued, None, 0).claimable(T0));
        let running = record(ExportStatus::Running, Some(lease_end), 1);
        assert!(!running.claimable(T0));
        assert!(
            !running.claimable(lease_end),
            "the lease holds to its last instant"
        );
        assert!(running.claimable(lease_end.plus(Duration::from_micros(1))));
        // A running job with no lease (never the store's doing) is nobody's: claimable.
        assert!(record(ExportStatus::Running, None, 1).claimable(T0));
    }

    #[test]
    fn a_finished_export_is_never_claimed_again_nor_one_tried_too_often() {
        let later = T0.plus(Duration::from_secs(3600));
        assert!(!record(ExportStatus::Done, None, 1).claimable(later));
        assert!(!record(ExportStatus::Failed, None, 1).claimable(later));
        let stale = Some(T0);
        assert!(record(ExportStatus::Running, stale, MAX_ATTEMPTS - 1).claimable(later));
        assert!(!record(ExportStatus::Running, stale, MAX_ATTEMPTS).claimable(later));
        assert!(!record(ExportStatus::Queued, None, MAX_ATTEMPTS).claimable(later));
    }

    #[test]
    fn only_a_done_export_offers_its_file_for_the_link_s_lifetime() {
        let ttl = Duration::from_secs(600);
        assert_eq!(
            record(ExportStatus::Done, None, 1).offered_until(ttl),
            Some(T0.plus(ttl))
        );
        for status in [
            ExportStatus::Queued,
            ExportStatus::Running,
            ExportStatus::Failed,
        ] {
            assert_eq!(record(status, None, 1).offered_until(ttl), None, "{status}");
        }
    }

    #[test]
    fn a_lease_is_renewed_after_a_third_of_it() {
        let lease = Duration::from_secs(30);
        assert!(!renewal_due(T0, T0, lease));
        assert!(!renewal_due(T0, T0.plus(Duration::from_secs(9)), lease));
        assert!(renewal_due(T0, T0.plus(Duration::from_secs(10)), lease));
        assert!(renewal_due(T0, T0.plus(Duration::from_secs(31)), lease));
    }

    #[test]
    fn a_stored_filter_reads_back_as_it_was() {
        let filter = AuditFilter {
            org_path: Some("/o1/".into()),
            target_user_id: Some(UserId::from_string("u9")),
            activity: Some(ActivityType::AuditAccess),
            event: Some(EventKind::Download),
            info_type: Some(InfoType::Other),
            from: Some(T0),
            until: Some(T0.plus(Duration::from_secs(5))),
        };
        let text = serde_json::to_string(&filter).unwrap();
        assert_eq!(serde_json::from_str::<AuditFilter>(&text).unwrap(), filter);
    }
}
