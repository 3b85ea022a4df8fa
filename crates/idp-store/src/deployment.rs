//! The deployment's one row: the issuer and master key check every node must agree on
//! (`idp_core::deployment`), recorded once under the first signing keys' lock.

use crate::db::DbConnection;
use crate::repos::{db_err, transaction_with_retry};
use diesel::prelude::*;
use idp_core::Timestamp;
use idp_core::deployment::Identity;
use idp_core::ports::StoreError;

type QueryResult<T> = Result<T, StoreError>;

/// The deployment's one row.
const DEPLOYMENT_ROW: i64 = 1;

pub(crate) fn find_deployment(c: &mut DbConnection) -> QueryResult<Option<Identity>> {
    use crate::schema::deployment;
    deployment::table
        .find(DEPLOYMENT_ROW)
        .select((deployment::issuer, deployment::master_key_check))
        .first::<(String, String)>(c)
        .optional()
        .map(|row| row.map(|(issuer, key_check)| Identity { issuer, key_check }))
        .map_err(db_err)
}

pub(crate) fn record_deployment(
    c: &mut DbConnection,
    mine: &Identity,
    now: Timestamp,
) -> QueryResult<(Identity, bool)> {
    use crate::schema::deployment;
    transaction_with_retry(c, |c| {
        // As for the first signing keys: nodes starting together wait for each other.
        if let DbConnection::Postgres(pg) = c {
            use diesel::connection::SimpleConnection as _;
            pg.batch_execute(&format!(
                "SELECT pg_advisory_xact_lock({})",
                crate::db::SIGNING_KEYS_LOCK
            ))
            .map_err(db_err)?;
        }
        if let Some(recorded) = find_deployment(c)? {
            return Ok((recorded, false));
        }
        diesel::insert_into(deployment::table)
            .values((
                deployment::id.eq(DEPLOYMENT_ROW),
                deployment::issuer.eq(&mine.issuer),
                deployment::master_key_check.eq(&mine.key_check),
                deployment::recorded_at.eq(now.as_micros()),
                deployment::updated_at.eq(now.as_micros()),
            ))
            .execute(c)
            .map_err(db_err)?;
        Ok((mine.clone(), true))
    })
}

pub(crate) fn change_issuer_on(
    c: &mut DbConnection,
    from: &str,
    to: &str,
    now: Timestamp,
) -> QueryResult<u64> {
    use crate::schema::deployment;
    diesel::update(
        deployment::table
            .find(DEPLOYMENT_ROW)
            .filter(deployment::issuer.eq(from)),
    )
    .set((
        deployment::issuer.eq(to),
        deployment::updated_at.eq(now.as_micros()),
    ))
    .execute(c)
    .map(|n| n as u64)
    .map_err(db_err)
}
