//! Background audit exports on both backends: the job rows and their leases. A claim
//! takes the oldest claimable export with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
//! nodes claiming together each get a different one (or none) without waiting on each
//! other; SQLite has one writer at a time. Either way the update is conditional on the
//! job still being claimable, and every later step on the lease still being the
//! claimer's.

use crate::db::DbConnection;
use crate::repos::{db_err, transaction_with_retry};
use crate::rows::ExportRow;
use crate::schema::{audit_export_chunks, audit_exports};
use diesel::prelude::*;
use idp_core::Timestamp;
use idp_core::audit_jobs::{ExportRecord, ExportStatus};
use idp_core::ports::StoreError;

type QueryResult<T> = Result<T, StoreError>;

/// `ExportRecord::claimable` in SQL.
macro_rules! claimable {
    ($now:expr, $max:expr) => {
        audit_exports::status
            .eq(ExportStatus::Queued.as_str())
            .or(audit_exports::status
                .eq(ExportStatus::Running.as_str())
                .and(
                    audit_exports::lease_until
                        .is_null()
                        .or(audit_exports::lease_until.lt($now)),
                ))
            .and(audit_exports::attempts.lt($max))
    };
}

/// Held by `owner` and running.
macro_rules! held_by {
    ($owner:expr) => {
        audit_exports::lease_owner
            .eq($owner)
            .and(audit_exports::status.eq(ExportStatus::Running.as_str()))
    };
}

pub(crate) fn insert_on(c: &mut DbConnection, record: &ExportRecord) -> QueryResult<u64> {
    diesel::insert_into(audit_exports::table)
        .values(ExportRow::from(record))
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
}

pub(crate) fn claim(
    c: &mut DbConnection,
    owner: &str,
    now: Timestamp,
    lease_until: Timestamp,
    max_attempts: i64,
) -> QueryResult<Option<ExportRecord>> {
    let now_us = now.as_micros();
    transaction_with_retry(c, |c| {
        let oldest = audit_exports::table
            .filter(claimable!(now_us, max_attempts))
            .order(audit_exports::created_at.asc())
            .select(audit_exports::id);
        let id = match c {
            // Rows another node is claiming right now are skipped, not waited for.
            DbConnection::Postgres(pg) => oldest
                .for_update()
                .skip_locked()
                .first::<String>(pg)
                .optional(),
            DbConnection::Sqlite(lite) => oldest.first::<String>(lite).optional(),
        }
        .map_err(db_err)?;
        let Some(id) = id else {
            return Ok(None);
        };
        let taken = diesel::update(
            audit_exports::table
                .find(&id)
                .filter(claimable!(now_us, max_attempts)),
        )
        .set((
            audit_exports::status.eq(ExportStatus::Running.as_str()),
            audit_exports::lease_owner.eq(owner),
            audit_exports::lease_until.eq(lease_until.as_micros()),
            audit_exports::attempts.eq(audit_exports::attempts + 1),
            audit_exports::updated_at.eq(now_us),
        ))
        .execute(c)
        .map_err(db_err)?;
        if taken == 0 {
            return Ok(None);
        }
        // Written again from the start: what an earlier attempt stored goes.
        diesel::delete(audit_export_chunks::table.filter(audit_export_chunks::job_id.eq(&id)))
            .execute(c)
            .map_err(db_err)?;
        find(c, &id)
    })
}

pub(crate) fn find(c: &mut DbConnection, id: &str) -> QueryResult<Option<ExportRecord>> {
    audit_exports::table
        .find(id)
        .select(ExportRow::as_select())
        .first(c)
        .optional()
        .map_err(db_err)?
        .map(ExportRecord::try_from)
        .transpose()
}

pub(crate) fn renew(
    c: &mut DbConnection,
    id: &str,
    owner: &str,
    lease_until: Timestamp,
) -> QueryResult<bool> {
    diesel::update(audit_exports::table.find(id).filter(held_by!(owner)))
        .set(audit_exports::lease_until.eq(lease_until.as_micros()))
        .execute(c)
        .map(|n| n > 0)
        .map_err(db_err)
}

pub(crate) fn put_chunk(
    c: &mut DbConnection,
    id: &str,
    owner: &str,
    seq: u32,
    data: &[u8],
    lease_until: Timestamp,
    expires_at: Timestamp,
) -> QueryResult<bool> {
    transaction_with_retry(c, |c| {
        // The renewal locks the job's row: a claim by another node waits or skips it.
        if !renew(c, id, owner, lease_until)? {
            return Ok(false);
        }
        diesel::insert_into(audit_export_chunks::table)
            .values((
                audit_export_chunks::job_id.eq(id),
                audit_export_chunks::seq.eq(i64::from(seq)),
                audit_export_chunks::data.eq(data),
                audit_export_chunks::expires_at.eq(expires_at.as_micros()),
            ))
            .execute(c)
            .map_err(db_err)?;
        Ok(true)
    })
}

pub(crate) fn finish(
    c: &mut DbConnection,
    id: &str,
    owner: &str,
    status: ExportStatus,
    now: Timestamp,
    expires_at: Timestamp,
) -> QueryResult<bool> {
    transaction_with_retry(c, |c| {
        let ended = diesel::update(audit_exports::table.find(id).filter(held_by!(owner)))
            .set((
                audit_exports::status.eq(status.as_str()),
                audit_exports::lease_owner.eq(None::<String>),
                audit_exports::lease_until.eq(None::<i64>),
                audit_exports::finished_at.eq(Some(now.as_micros())),
                audit_exports::updated_at.eq(now.as_micros()),
            ))
            .execute(c)
            .map_err(db_err)?;
        if ended == 0 {
            return Ok(false);
        }
        let chunks = audit_export_chunks::table.filter(audit_export_chunks::job_id.eq(id));
        if status == ExportStatus::Done {
            // The link's lifetime counts from now.
            diesel::update(chunks)
                .set(audit_export_chunks::expires_at.eq(expires_at.as_micros()))
                .execute(c)
                .map_err(db_err)?;
        } else {
            diesel::delete(chunks).execute(c).map_err(db_err)?;
        }
        Ok(true)
    })
}

pub(crate) fn delete_old(c: &mut DbConnection, before: Timestamp) -> QueryResult<u64> {
    transaction_with_retry(c, |c| {
        let old = audit_exports::table
            .filter(audit_exports::created_at.lt(before.as_micros()))
            .select(audit_exports::id);
        diesel::delete(audit_export_chunks::table.filter(audit_export_chunks::job_id.eq_any(old)))
            .execute(c)
            .map_err(db_err)?;
        diesel::delete(
            audit_exports::table.filter(audit_exports::created_at.lt(before.as_micros())),
        )
        .execute(c)
        .map(|n| n as u64)
        .map_err(db_err)
    })
}
