//! Applies `idp_core::throttle` to a request: who is asking (the address the existing
//! trusted-proxy logic gives), the log line and metric of a refusal, and the
//! `Retry-After` header on the answer.

use crate::error::HttpError;
use crate::state::AppState;
use actix_web::HttpResponse;
use actix_web::http::header::{HeaderValue, RETRY_AFTER};
use idp_core::throttle::{Action, InFlightSlot, Refused, Subjects, ThrottleError};
use std::time::Duration;

/// What a refused password check asks the client to wait when the pool is busy.
pub const BUSY_RETRY: Duration = Duration::from_secs(1);

/// Counts an attempt at `action` by `address` on `account`; `Some` when it is over a
/// limit (logged and counted).
pub async fn attempt(
    state: &AppState,
    action: Action,
    address: Option<&str>,
    account: Option<&str>,
) -> Result<Option<Refused>, HttpError> {
    let result = state
        .throttle
        .attempt(
            state.stores.ephemeral.as_ref(),
            state.stores.clock.now(),
            action,
            Subjects { address, account },
        )
        .await;
    refused(state, address, result)
}

/// Whether `address` (or `account`) has used up its failures at `action`.
pub async fn check_failures(
    state: &AppState,
    action: Action,
    address: Option<&str>,
    account: Option<&str>,
) -> Result<Option<Refused>, HttpError> {
    let result = state
        .throttle
        .check_failures(
            state.stores.ephemeral.as_ref(),
            state.stores.clock.now(),
            action,
            Subjects { address, account },
        )
        .await;
    refused(state, address, result)
}

/// Counts a failure; a store that cannot count is logged, not fatal to the answer.
pub async fn record_failure(
    state: &AppState,
    action: Action,
    address: Option<&str>,
    account: Option<&str>,
) {
    if let Err(e) = state
        .throttle
        .record_failure(
            state.stores.ephemeral.as_ref(),
            state.stores.clock.now(),
            action,
            Subjects { address, account },
        )
        .await
    {
        tracing::warn!(error = %e, action = action.as_str(), "could not count a failure");
    }
}

fn refused(
    state: &AppState,
    address: Option<&str>,
    result: Result<(), ThrottleError>,
) -> Result<Option<Refused>, HttpError> {
    match result {
        Ok(()) => Ok(None),
        Err(ThrottleError::Refused(r)) => {
            tracing::warn!(
                action = r.action.as_str(),
                scope = r.scope.as_str(),
                address = address.unwrap_or("unknown"),
                retry_after_secs = r.retry_after.as_secs(),
                "throttled"
            );
            state.metrics.throttled(r.action);
            Ok(Some(r))
        }
        Err(ThrottleError::Ephemeral(e)) => Err(e.into()),
    }
}

/// A place in the hashing queue for `address`; `None` (logged and counted) when the
/// address already holds its share.
pub fn hashing_slot(state: &AppState, address: Option<&str>) -> Option<InFlightSlot> {
    let slot = state.in_flight.enter(address);
    if slot.is_none() {
        tracing::warn!(
            address = address.unwrap_or("unknown"),
            "throttled: too many password checks in flight from one address"
        );
        state.metrics.hashing_in_flight_refused();
    }
    slot
}

/// Adds `Retry-After` in whole seconds (RFC 9110 §10.2.3), at least one.
pub fn with_retry_after(mut response: HttpResponse, wait: Duration) -> HttpResponse {
    response
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
    response
}

/// What a person reads when refused, in their language.
pub fn message(t: &idp_core::i18n::Tr, wait: Duration) -> String {
    let secs = wait.as_secs().max(1);
    if secs < 120 {
        t.t1("throttled-seconds", "count", secs)
    } else {
        t.t1("throttled-minutes", "count", secs.div_ceil(60))
    }
}
