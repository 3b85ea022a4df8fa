//! Applying a previewed import as a background job. The job lives in the database with
//! its plan and a lease: any node claims a queued job, or one whose node stopped (its
//! lease ran out), and goes on from the first row not yet done. Each row's change, its
//! audit events and the job's progress are one transaction, so a job is never half done
//! without saying exactly how far it got. A member changed since the preview is reported
//! as a conflict, never overwritten.

use super::plan::{ImportError, Report, Step};
use crate::admin::{self, Links};
use crate::audit::{ActivityType, ActorKind, EventKind, InfoType};
use crate::audit_jobs::ExportFormat;
use crate::authz::{self, Actor, Permission};
use crate::client::wire_enum;
use crate::clock::Timestamp;
use crate::ids::OrgId;
use crate::ports::{Change, StoreError, Stores};
use crate::records::{Credentials, User};
use crate::signin::Origin;
use serde::{Deserialize, Serialize};
use std::time::Duration;

wire_enum!(
    /// Where an import stands.
    JobStatus, "import status" {
        Previewed => "previewed",
        Queued => "queued",
        Running => "running",
        Done => "done",
        Failed => "failed",
    }
);

/// An import, from its dry run to the end of its apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    pub id: String,
    pub org_id: OrgId,
    /// Who previewed it and asked for it, as the audit log names them.
    pub actor_kind: ActorKind,
    pub actor_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub file_name: String,
    pub format: ExportFormat,
    /// SHA-256 of the file, hex.
    pub digest: String,
    pub status: JobStatus,
    /// Steps to apply (rows that change something).
    pub total: i64,
    /// Steps done, applied or not, in order.
    pub processed: i64,
    pub applied: i64,
    pub conflicts: i64,
    pub lease_owner: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub finished_at: Option<Timestamp>,
}

impl ImportJob {
    /// Running on a node that stopped: another node will take it over.
    pub fn interrupted(&self, now: Timestamp) -> bool {
        matches!(self.status, JobStatus::Running | JobStatus::Queued)
            && self.lease_until.is_some_and(|until| until < now)
    }
}

/// What a dry run stored for the apply: its report and steps (JSON) and the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPlan {
    pub report: String,
    pub steps: String,
    pub file: Vec<u8>,
}

impl ImportPlan {
    pub fn report(&self) -> Result<Report, ImportError> {
        serde_json::from_str(&self.report).map_err(|e| ImportError::Corrupt(e.to_string()))
    }

    pub fn steps(&self) -> Result<Vec<Step>, ImportError> {
        serde_json::from_str(&self.steps).map_err(|e| ImportError::Corrupt(e.to_string()))
    }
}

/// One row's outcome worth a line in the results: a conflict, or a welcome email that
/// could not be sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub row: u64,
    pub email: String,
    pub message: String,
}

/// A job with its results, for someone allowed to see them.
#[derive(Clone, Debug)]
pub struct JobView {
    pub job: ImportJob,
    pub interrupted: bool,
    pub outcomes: Vec<Outcome>,
}

async fn load(stores: &Stores, id: &str) -> Result<ImportJob, ImportError> {
    stores
        .members_io
        .find_import(id)
        .await?
        .ok_or_else(|| ImportError::UnknownImport(id.to_owned()))
}

async fn authorized(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    job: &ImportJob,
    action: &str,
) -> Result<(), ImportError> {
    let org = admin::resolve_org(stores, job.org_id.as_str()).await?;
    authz::require(stores, by, &org, Permission::Members, origin, action).await?;
    Ok(())
}

/// Queues a previewed import for apply: only the exact file previewed (`digest`), only
/// when its preview found no error, and only once. Recorded.
pub async fn request_apply(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &str,
    digest: &str,
) -> Result<ImportJob, ImportError> {
    let job = load(stores, id).await?;
    authorized(stores, by, origin, &job, "member_import_apply").await?;
    if !job.digest.eq_ignore_ascii_case(digest.trim()) {
        return Err(ImportError::DigestMismatch);
    }
    if job.status != JobStatus::Previewed {
        return Err(ImportError::NotPreviewed(job.status.to_string()));
    }
    let plan = stores
        .members_io
        .find_import_plan(id)
        .await?
        .ok_or_else(|| ImportError::UnknownImport(id.to_owned()))?;
    let errors = plan.report()?.totals.errors;
    if errors > 0 {
        return Err(ImportError::HasErrors(errors));
    }
    let now = stores.clock.now();
    let mut event = admin::audit_event(
        &job.org_id,
        by.audit(),
        origin,
        ActivityType::MemberChange,
        EventKind::Edit,
        InfoType::Personal,
        stores,
    );
    event.detail = serde_json::json!({"import": job.id, "apply": true, "digest": job.digest,
        "file": job.file_name, "changes": job.total});
    let touched = stores
        .audit
        .commit(
            &[Change::QueueImport {
                id: job.id.clone(),
                now,
            }],
            &[event],
        )
        .await?;
    if touched.first().copied().unwrap_or_default() == 0 {
        return Err(ImportError::NotPreviewed("already applied".into()));
    }
    load(stores, id).await
}

/// An import's progress and results, for someone with member management over it.
pub async fn view(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &str,
) -> Result<JobView, ImportError> {
    let job = load(stores, id).await?;
    authorized(stores, by, origin, &job, "member_import_status").await?;
    let outcomes = stores
        .members_io
        .import_outcomes(id)
        .await?
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    Ok(JobView {
        interrupted: job.interrupted(stores.clock.now()),
        job,
        outcomes,
    })
}

/// An import's stored plan (its report and file), for someone with member management.
pub async fn plan_of(
    stores: &Stores,
    by: &Actor,
    origin: &Origin,
    id: &str,
) -> Result<(ImportJob, ImportPlan), ImportError> {
    let job = load(stores, id).await?;
    authorized(stores, by, origin, &job, "member_import_report").await?;
    let plan = stores
        .members_io
        .find_import_plan(id)
        .await?
        .ok_or_else(|| ImportError::UnknownImport(id.to_owned()))?;
    Ok((job, plan))
}

/// How long a preview can be applied; its stored file goes after that.
pub const PREVIEW_KEPT: Duration = Duration::from_secs(24 * 3600);
/// How long a finished import's results (and file) are kept.
pub const RESULTS_KEPT: Duration = Duration::from_secs(30 * 24 * 3600);

/// Removes previews never applied and finished imports past their keeping time.
pub async fn delete_old(stores: &Stores) -> Result<u64, StoreError> {
    let now = stores.clock.now();
    stores
        .members_io
        .delete_old_imports(now.minus(PREVIEW_KEPT), now.minus(RESULTS_KEPT))
        .await
}

/// Steps between lease renewals.
const RENEW_EVERY: usize = 50;

/// Claims one import that is waiting (or whose node stopped) for `owner` (import `only`,
/// when given), holding it for `lease` at a time, and applies what is left of it. `None`
/// when none was waiting.
pub async fn run_next(
    stores: &Stores,
    owner: &str,
    only: Option<&str>,
    lease: Duration,
    links: &Links,
) -> Result<Option<ImportJob>, ImportError> {
    let now = stores.clock.now();
    let Some(job) = stores
        .members_io
        .claim_import(owner, only, now, now.plus(lease))
        .await?
    else {
        return Ok(None);
    };
    let steps = match stores.members_io.find_import_plan(&job.id).await? {
        Some(plan) => plan.steps(),
        None => Err(ImportError::UnknownImport(job.id.clone())),
    };
    let steps = match steps {
        Ok(s) => s,
        Err(e) => {
            let now = stores.clock.now();
            stores
                .members_io
                .finish_import(&job.id, owner, JobStatus::Failed, now)
                .await?;
            return Err(e);
        }
    };
    let origin = Origin {
        ip: job.ip.clone(),
        user_agent: job.user_agent.clone(),
    };
    let start = usize::try_from(job.processed).unwrap_or(usize::MAX);
    for (index, step) in steps.iter().enumerate().skip(start) {
        if (index - start) % RENEW_EVERY == RENEW_EVERY - 1 {
            let until = stores.clock.now().plus(lease);
            if !stores
                .members_io
                .renew_import_lease(&job.id, owner, until)
                .await?
            {
                // Another node took it over (this one was too slow): it goes on from here.
                return Ok(Some(job));
            }
        }
        apply_step(stores, &job, index as i64, step, &origin, links).await?;
    }
    stores
        .members_io
        .finish_import(&job.id, owner, JobStatus::Done, stores.clock.now())
        .await?;
    Ok(Some(load(stores, &job.id).await?))
}

fn outcome_line(row: u64, email: &str, message: &str) -> String {
    serde_json::to_string(&Outcome {
        row,
        email: email.to_owned(),
        message: message.to_owned(),
    })
    .unwrap_or_default()
}

/// Applies step `index` of `job`, or records why not; then moves the job on, in the
/// same transaction as the change.
async fn apply_step(
    stores: &Stores,
    job: &ImportJob,
    index: i64,
    step: &Step,
    origin: &Origin,
    links: &Links,
) -> Result<(), ImportError> {
    let who = (job.actor_kind, job.actor_id.clone());
    let now = stores.clock.now();
    let advance = |applied: bool, outcome: Option<String>| Change::AdvanceImport {
        id: job.id.clone(),
        from: index,
        applied,
        outcome,
        now,
    };
    let (changes, events, welcome, email) = match step {
        Step::Update {
            user_id,
            email,
            seen,
            name,
            org_id,
            status,
            email_login,
            ..
        } => {
            let user = stores.users.find_by_id(user_id).await?;
            let creds = stores.credentials.find_by_user(user_id).await?;
            let unchanged = user.as_ref().is_some_and(|u| {
                u.updated_at == seen.updated_at
                    && u.name == seen.name
                    && u.org_id == seen.org_id
                    && u.status == seen.status
            }) && creds.as_ref().is_some_and(|c| c.email_login_enabled)
                == seen.email_login;
            let Some(user) = user.filter(|_| unchanged) else {
                let line = outcome_line(
                    step.row(),
                    email.as_str(),
                    "the member changed since the preview; not overwritten",
                );
                stores
                    .audit
                    .commit(&[advance(false, Some(line))], &[])
                    .await?;
                return Ok(());
            };
            let mut changes = Vec::new();
            let mut events = Vec::new();
            // Strictly later, so the version check sees every change.
            let stamp = now.max(user.updated_at.plus(Duration::from_micros(1)));
            let after = User {
                name: name.clone().or_else(|| user.name.clone()),
                org_id: org_id.clone().unwrap_or_else(|| user.org_id.clone()),
                updated_at: stamp,
                ..user.clone()
            };
            // Saved only if the member is still as previewed (compare and swap); the
            // status follows in the same transaction.
            changes.push(Change::UpdateUser {
                user: after.clone(),
                read_at: seen.updated_at,
            });
            if name.is_some() || org_id.is_some() {
                let mut event = admin::audit_event(
                    &after.org_id,
                    who.clone(),
                    origin,
                    ActivityType::MemberChange,
                    EventKind::Edit,
                    InfoType::Personal,
                    stores,
                );
                event.target_user_id = Some(user.id.clone());
                // As the console's member edit records it, with the import named.
                event.detail = serde_json::json!({
                    "before": {"name": user.name, "org_id": user.org_id},
                    "after": {"name": after.name, "org_id": after.org_id},
                    "import": job.id,
                });
                events.push(event);
            }
            if let Some(s) = status {
                let (c, mut e) = admin::status_change(stores, &after, *s, who.clone(), origin);
                e.detail = serde_json::json!({"status": {"before": user.status, "after": s},
                    "import": job.id});
                changes.push(c);
                events.push(e);
            }
            if let Some(on) = email_login {
                let (c, mut e) =
                    admin::email_login_change(stores, &after, creds, *on, now, who.clone(), origin);
                if let Some(d) = e.detail.as_object_mut() {
                    d.insert("import".into(), serde_json::json!(job.id));
                }
                changes.extend(c);
                events.push(e);
            }
            changes.push(advance(true, None));
            let welcome = (*email_login == Some(true)).then_some(after);
            (changes, events, welcome, email)
        }
        Step::Create {
            org_id,
            email,
            name,
            status,
            email_login,
            ..
        } => {
            if stores.users.find_by_email(org_id, email).await?.is_some() {
                let line = outcome_line(
                    step.row(),
                    email.as_str(),
                    "a member with this address was added since the preview",
                );
                stores
                    .audit
                    .commit(&[advance(false, Some(line))], &[])
                    .await?;
                return Ok(());
            }
            let mut user = admin::new_user(org_id, email, name.as_deref(), now);
            user.status = *status;
            let mut creds = Credentials::empty(user.id.clone(), now);
            creds.email_login_enabled = *email_login;
            let mut event = admin::audit_event(
                org_id,
                who.clone(),
                origin,
                ActivityType::MemberChange,
                EventKind::Create,
                InfoType::Personal,
                stores,
            );
            event.target_user_id = Some(user.id.clone());
            event.detail = serde_json::json!({"after": {"name": user.name, "status": user.status,
                "email_login": email_login}, "import": job.id});
            let changes = vec![Change::InsertUser(user.clone(), creds), advance(true, None)];
            let welcome = email_login.then_some(user);
            (changes, vec![event], welcome, email)
        }
    };
    match stores.audit.commit(&changes, &events).await {
        Ok(_) => {}
        Err(StoreError::Changed(_) | StoreError::Conflict { .. }) => {
            let line = outcome_line(
                step.row(),
                email.as_str(),
                "the member changed since the preview; not overwritten",
            );
            // The job may have moved on meanwhile (another node): then this changes nothing.
            match stores
                .audit
                .commit(&[advance(false, Some(line))], &[])
                .await
            {
                Ok(_) | Err(StoreError::Changed(_)) => {}
                Err(e) => return Err(e.into()),
            }
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(member) = welcome
        && let Err(e) = admin::send_welcome(stores, &member, links, who, origin).await
    {
        let line = outcome_line(
            step.row(),
            member.email.as_str(),
            &format!("applied, but the welcome email was not sent: {e}"),
        );
        stores.members_io.note_import(&job.id, &line).await?;
    }
    Ok(())
}
