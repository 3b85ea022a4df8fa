//! The back-channel logout sender: a background task on every node that takes due
//! deliveries under a lease (so one node sends each), POSTs each logout token with a
//! short timeout, and retries a failure a bounded number of times. It never runs on a
//! request's path: ending a session only queues. Also ends sessions that ran out while
//! nobody looked, so their clients are told too.

use crate::state::AppState;
use actix_web::web;
use idp_core::oidc::backchannel::{self, LogoutDelivery, Outcome};
use std::time::Duration;

/// Deliveries one node takes per look.
const BATCH: u32 = 50;
/// Lapsed sessions ended per sweep.
const SWEEP_BATCH: u32 = 500;

/// Starts the sender (and the sweep of lapsed sessions) for this node.
pub fn spawn(state: web::Data<AppState>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let settings = state.settings.backchannel.clone();
        let owner = crate::state::node_name();
        let timeout = Duration::from_millis(settings.timeout_ms.max(1));
        // Longer than every attempt of a batch could take, so a lease never runs out
        // under a node still sending.
        let lease = timeout.saturating_mul(BATCH + 1);
        let http = match reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // Back-Channel Logout 1.0 §2.8: the answer is the client's own; redirects are
            // not followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
        {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "back-channel logout sender could not start");
                return;
            }
        };
        let mut tick = tokio::time::interval(Duration::from_millis(settings.poll_ms.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let sweep_every = Duration::from_secs(settings.sweep_secs);
        let mut last_sweep = tokio::time::Instant::now();
        loop {
            tick.tick().await;
            if settings.sweep_secs > 0 && last_sweep.elapsed() >= sweep_every {
                last_sweep = tokio::time::Instant::now();
                sweep(&state).await;
            }
            let now = state.stores.clock.now();
            let due = match state
                .stores
                .logout_deliveries
                .claim_due(owner, now, now.plus(lease), BATCH)
                .await
            {
                Ok(d) => d,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read back-channel logout deliveries; will try again");
                    continue;
                }
            };
            let sends = due.iter().map(|d| deliver(&state, &http, owner, d));
            futures_util::future::join_all(sends).await;
        }
    })
}

/// Ends sessions idle or past their lifetime that no browser came back to end.
async fn sweep(state: &AppState) {
    let idle = Duration::from_secs(state.settings.session.idle_timeout_secs);
    match state
        .stores
        .sessions
        .end_lapsed(state.stores.clock.now(), idle, SWEEP_BATCH)
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::info!(ended = n, "ended sessions that timed out"),
        Err(e) => tracing::warn!(error = %e, "could not end timed-out sessions; will try again"),
    }
}

/// One attempt of one delivery, its outcome logged, counted and recorded.
async fn deliver(state: &AppState, http: &reqwest::Client, owner: &str, d: &LogoutDelivery) {
    let keys = state.keys.get();
    let prepared = match backchannel::prepare(
        &state.stores,
        keys.as_ref(),
        &state.subjects,
        state.settings.issuer(),
        d,
    )
    .await
    {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, client_id = %d.client_id, "could not prepare a logout token; will try again");
            return;
        }
    };
    let attempt = d.attempts.saturating_add(1);
    let failure = match &prepared {
        None => None,
        Some(p) => {
            let sent = http
                .post(&p.uri)
                .form(&[("logout_token", p.logout_token.as_str())])
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => None,
                Ok(r) => Some(format!("answered {}", r.status())),
                Err(e) if e.is_timeout() => Some("timed out".to_owned()),
                Err(e) if e.is_connect() => Some("could not connect".to_owned()),
                Err(_) => Some("the request failed".to_owned()),
            }
        }
    };
    let now = state.stores.clock.now();
    let (outcome, recorded) = match (&prepared, failure) {
        (None, _) => (
            Outcome::Dropped,
            state.stores.logout_deliveries.finish(&d.id, owner).await,
        ),
        (Some(_), None) => (
            Outcome::Delivered,
            state.stores.logout_deliveries.finish(&d.id, owner).await,
        ),
        (Some(_), Some(why)) => {
            match state
                .settings
                .backchannel
                .retry_policy()
                .next_attempt(attempt, now)
            {
                Some(at) => {
                    tracing::info!(client_id = %d.client_id, attempt, reason = %why, "back-channel logout failed; will retry");
                    (
                        Outcome::Retrying,
                        state
                            .stores
                            .logout_deliveries
                            .retry_at(&d.id, owner, attempt, at)
                            .await,
                    )
                }
                None => {
                    tracing::warn!(client_id = %d.client_id, attempt, reason = %why, "back-channel logout failed; giving up");
                    (
                        Outcome::GaveUp,
                        state.stores.logout_deliveries.finish(&d.id, owner).await,
                    )
                }
            }
        }
    };
    state.metrics.backchannel(outcome);
    match outcome {
        Outcome::Delivered => {
            tracing::info!(client_id = %d.client_id, attempt, "back-channel logout delivered")
        }
        Outcome::Dropped => {
            tracing::info!(client_id = %d.client_id, "back-channel logout dropped: the client no longer takes logout tokens")
        }
        Outcome::Retrying | Outcome::GaveUp => {}
    }
    if let Err(e) = recorded {
        tracing::warn!(error = %e, client_id = %d.client_id, "could not record a back-channel logout outcome; the lease will run out and it is tried again");
    }
}
