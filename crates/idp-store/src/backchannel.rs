//! Back-channel logout in the database: which clients each session signed into, the
//! deliveries queued in the very transaction that ends a session, and their leases.

use crate::db::{Database, DbConnection, FromDiesel as _};
use crate::schema::{browser_sessions, clients, logout_deliveries, session_clients};
use async_trait::async_trait;
use diesel::prelude::*;
use idp_core::Timestamp;
use idp_core::ids::{ClientId, SessionId, UserId};
use idp_core::oidc::backchannel::LogoutDelivery;
use idp_core::ports::{LogoutDeliveryRepo, StoreError};
use std::time::Duration;

type QueryResult<T> = Result<T, StoreError>;

fn db_err(e: diesel::result::Error) -> StoreError {
    StoreError::from_diesel(e)
}

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = logout_deliveries)]
struct DeliveryRow {
    id: String,
    client_id: String,
    user_id: String,
    session_id: String,
    created_at: i64,
    attempts: i32,
    next_attempt_at: i64,
    lease_owner: Option<String>,
    lease_until: Option<i64>,
}

impl From<DeliveryRow> for LogoutDelivery {
    fn from(r: DeliveryRow) -> Self {
        Self {
            id: r.id,
            client_id: ClientId::from_string(r.client_id),
            user_id: UserId::from_string(r.user_id),
            session_id: SessionId::from_string(r.session_id),
            created_at: Timestamp::from_micros(r.created_at),
            attempts: u32::try_from(r.attempts).unwrap_or(0),
            next_attempt_at: Timestamp::from_micros(r.next_attempt_at),
        }
    }
}

/// Marks `session` ended unless it already was, and queues its logout deliveries in the
/// same statement sequence (call inside a transaction). True when this ended it.
pub(crate) fn end_session_on(c: &mut DbConnection, id: &str, now: Timestamp) -> QueryResult<bool> {
    let ended = diesel::update(
        browser_sessions::table
            .find(id)
            .filter(browser_sessions::ended_at.is_null()),
    )
    .set(browser_sessions::ended_at.eq(now.as_micros()))
    .execute(c)
    .map_err(db_err)?;
    if ended == 1 {
        enqueue_on(c, id, now)?;
    }
    Ok(ended == 1)
}

/// Queues one delivery for each client `session` signed into that takes logout tokens.
fn enqueue_on(c: &mut DbConnection, session: &str, now: Timestamp) -> QueryResult<()> {
    let targets: Vec<(String, String)> = session_clients::table
        .inner_join(clients::table)
        .inner_join(browser_sessions::table)
        .filter(session_clients::session_id.eq(session))
        .filter(clients::backchannel_logout_uri.is_not_null())
        .select((session_clients::client_id, browser_sessions::user_id))
        .load(c)
        .map_err(db_err)?;
    for (client_id, user_id) in targets {
        let row = DeliveryRow {
            // A session ends once, so this is unique.
            id: format!("{session}:{client_id}"),
            client_id,
            user_id,
            session_id: session.to_owned(),
            created_at: now.as_micros(),
            attempts: 0,
            next_attempt_at: now.as_micros(),
            lease_owner: None,
            lease_until: None,
        };
        diesel::insert_into(logout_deliveries::table)
            .values(&row)
            .execute(c)
            .map_err(db_err)?;
    }
    Ok(())
}

/// Records that a session signed into a client, once (a second code changes nothing).
pub(crate) fn record_client_on(
    c: &mut DbConnection,
    session: &str,
    client: &str,
    now: Timestamp,
) -> QueryResult<()> {
    let row = (
        session_clients::session_id.eq(session),
        session_clients::client_id.eq(client),
        session_clients::created_at.eq(now.as_micros()),
    );
    let insert = diesel::insert_into(session_clients::table).values(row);
    match c {
        DbConnection::Postgres(pg) => insert.on_conflict_do_nothing().execute(pg),
        DbConnection::Sqlite(lite) => insert.on_conflict_do_nothing().execute(lite),
    }
    .map(drop)
    .map_err(db_err)
}

/// The sessions not yet marked ended that have lapsed at `now`: past their absolute
/// lifetime, or idle longer than their own timeout (`default_idle` when none).
pub(crate) fn lapsed_on(
    c: &mut DbConnection,
    now: Timestamp,
    default_idle: Duration,
    limit: u32,
) -> QueryResult<Vec<String>> {
    let now_us = now.as_micros();
    let default_secs = i64::try_from(default_idle.as_secs()).unwrap_or(i64::MAX / 2_000_000);
    // Portable SQL: an expression over two columns with a fallback.
    let idle_over =
        diesel::dsl::sql::<diesel::sql_types::Bool>("last_seen_at + COALESCE(idle_timeout_secs, ")
            .bind::<diesel::sql_types::BigInt, _>(default_secs)
            .sql(") * 1000000 <= ")
            .bind::<diesel::sql_types::BigInt, _>(now_us);
    browser_sessions::table
        .filter(browser_sessions::ended_at.is_null())
        .filter(browser_sessions::expires_at.le(now_us).or(idle_over))
        .select(browser_sessions::id)
        .limit(i64::from(limit))
        .load(c)
        .map_err(db_err)
}

#[async_trait]
impl LogoutDeliveryRepo for Database {
    async fn claim_due(
        &self,
        owner: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> QueryResult<Vec<LogoutDelivery>> {
        let owner = owner.to_owned();
        self.run(move |c| {
            let now_us = now.as_micros();
            let free = || {
                logout_deliveries::lease_until
                    .is_null()
                    .or(logout_deliveries::lease_until.lt(now_us))
            };
            let due: Vec<String> = logout_deliveries::table
                .filter(logout_deliveries::next_attempt_at.le(now_us))
                .filter(free())
                .order(logout_deliveries::next_attempt_at.asc())
                .select(logout_deliveries::id)
                .limit(i64::from(limit))
                .load(c)
                .map_err(db_err)?;
            let mut taken = Vec::with_capacity(due.len());
            for id in due {
                // Taken only if still free: of two nodes, one updates the row.
                let n = diesel::update(logout_deliveries::table.find(&id).filter(free()))
                    .set((
                        logout_deliveries::lease_owner.eq(&owner),
                        logout_deliveries::lease_until.eq(lease_until.as_micros()),
                    ))
                    .execute(c)
                    .map_err(db_err)?;
                if n == 1 {
                    let row: DeliveryRow = logout_deliveries::table
                        .find(&id)
                        .select(DeliveryRow::as_select())
                        .first(c)
                        .map_err(db_err)?;
                    taken.push(row.into());
                }
            }
            Ok(taken)
        })
        .await
    }

    async fn finish(&self, id: &str, owner: &str) -> QueryResult<bool> {
        let (id, owner) = (id.to_owned(), owner.to_owned());
        self.run(move |c| {
            diesel::delete(
                logout_deliveries::table
                    .find(id)
                    .filter(logout_deliveries::lease_owner.eq(owner)),
            )
            .execute(c)
            .map(|n| n == 1)
            .map_err(db_err)
        })
        .await
    }

    async fn retry_at(
        &self,
        id: &str,
        owner: &str,
        attempts: u32,
        at: Timestamp,
    ) -> QueryResult<bool> {
        let (id, owner) = (id.to_owned(), owner.to_owned());
        self.run(move |c| {
            diesel::update(
                logout_deliveries::table
                    .find(id)
                    .filter(logout_deliveries::lease_owner.eq(owner)),
            )
            .set((
                logout_deliveries::attempts.eq(i32::try_from(attempts).unwrap_or(i32::MAX)),
                logout_deliveries::next_attempt_at.eq(at.as_micros()),
                logout_deliveries::lease_owner.eq(None::<String>),
                logout_deliveries::lease_until.eq(None::<i64>),
            ))
            .execute(c)
            .map(|n| n == 1)
            .map_err(db_err)
        })
        .await
    }
}
