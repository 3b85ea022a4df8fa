//! The periodic clean-up: every node schedules it, one node per interval runs it (the
//! holder of an ephemeral lease that lapses just before the next round). It applies audit
//! retention and removes what has outlived its use: old member imports, expired
//! revocation records, expired export files and old export records.

use crate::ports::{EphemeralError, StoreError, Stores};
use std::time::Duration;

/// The ephemeral key whose holder runs the clean-up this interval.
pub const CLEAN_UP_LEASE: &str = "lease:periodic-clean-up";

/// One part of the clean-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    AuditRetention,
    OldImports,
    ExpiredRevocations,
    ExpiredExportFiles,
    OldExports,
}

impl Task {
    /// What was removed, for the log.
    pub fn removed(self) -> &'static str {
        match self {
            Task::AuditRetention => "audit retention applied",
            Task::OldImports => "old member imports removed",
            Task::ExpiredRevocations => "expired revocation records removed",
            Task::ExpiredExportFiles => "expired audit export chunks removed",
            Task::OldExports => "old audit export records removed",
        }
    }

    /// What failed, for the log.
    pub fn failed(self) -> &'static str {
        match self {
            Task::AuditRetention => "audit retention failed; will try again",
            Task::OldImports => "member import clean-up failed; will try again",
            Task::ExpiredRevocations => "revocation clean-up failed; will try again",
            Task::ExpiredExportFiles => "audit export clean-up failed; will try again",
            Task::OldExports => "audit export record clean-up failed; will try again",
        }
    }
}

/// What a round of the clean-up came to on this node.
#[derive(Debug)]
pub enum Round {
    /// This node held the lease and ran every part: how many each removed, or its error.
    Ran(Vec<(Task, Result<u64, StoreError>)>),
    /// Another node has run it this interval.
    AlreadyRun,
    /// The lease could not be asked for; the next round tries again.
    NoLease(EphemeralError),
}

/// A round of the clean-up, scheduled every `every`: run here if this node takes the
/// lease. One part failing does not stop the others.
pub async fn run_round(stores: &Stores, every: Duration) -> Round {
    let lease = every.mul_f64(0.9);
    match stores.ephemeral.put_new(CLEAN_UP_LEASE, b"1", lease).await {
        Ok(true) => {}
        Ok(false) => return Round::AlreadyRun,
        Err(e) => return Round::NoLease(e),
    }
    Round::Ran(clean_up(stores).await)
}

/// Every part of the clean-up, now (no lease: the caller decided).
pub async fn clean_up(stores: &Stores) -> Vec<(Task, Result<u64, StoreError>)> {
    let now = stores.clock.now();
    vec![
        (
            Task::AuditRetention,
            crate::audit::apply_all_retention(stores).await,
        ),
        (
            Task::OldImports,
            crate::members_io::job::delete_old(stores).await,
        ),
        // Revocation records outlive what they revoke by nothing: past their expiry the
        // token they name is refused as expired anyway.
        (
            Task::ExpiredRevocations,
            stores.revocations.delete_expired_revocations(now).await,
        ),
        (
            Task::ExpiredExportFiles,
            stores.audit.delete_expired_exports(now).await,
        ),
        (
            Task::OldExports,
            crate::audit_jobs::delete_old(stores).await,
        ),
    ]
}
