//! Operations endpoints: liveness, readiness (database and Redis reachable) and metrics
//! (`crate::metrics`).
//!
//! Liveness restarts only a node that cannot recover by itself: it fails when the pool
//! has handed out no working connection for `database.liveness_failure_secs` while a
//! fresh connection to the same database works. When the database itself is down, that
//! fresh connection fails too and liveness stays ok: restarting every node during an
//! outage would only add a reconnection storm to it. Readiness says 503 meanwhile.

use crate::state::AppState;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use std::time::Duration;

/// How long a readiness probe waits for each dependency.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics));
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let limit = state.settings.database.liveness_failure_secs;
    let failing_for = state.db.health().failing_for;
    let stuck = overdue(failing_for, limit) && pool_is_stuck(&state).await;
    if stuck {
        tracing::error!(
            failing_secs = failing_for.map_or(0, |f| f.as_secs()),
            "liveness: the database answers but this node's pool has not for too long"
        );
        return HttpResponse::ServiceUnavailable()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({"status": "stuck", "database": "reachable, pool failing"}));
    }
    HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({"status": "ok"}))
}

/// Whether the pool has failed for longer than `limit_secs` (0: never).
fn overdue(failing_for: Option<Duration>, limit_secs: u64) -> bool {
    limit_secs > 0 && failing_for.is_some_and(|f| f >= Duration::from_secs(limit_secs))
}

/// The pool still fails (a request through it) while a direct connection works.
async fn pool_is_stuck(state: &AppState) -> bool {
    if matches!(
        tokio::time::timeout(PROBE_TIMEOUT, state.db.ping()).await,
        Ok(Ok(()))
    ) {
        return false;
    }
    state.db.probe_directly(PROBE_TIMEOUT).await.is_ok()
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        return HttpResponse::ServiceUnavailable()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({"status": "draining"}));
    }
    let mut checks = serde_json::Map::new();
    let mut down = Vec::new();
    let database = tokio::time::timeout(PROBE_TIMEOUT, state.db.ping()).await;
    match database {
        Ok(Ok(())) => {
            checks.insert("database".into(), "ok".into());
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database is down");
            checks.insert("database".into(), "down".into());
            down.push("database");
        }
        Err(_) => {
            tracing::warn!("readiness: database did not answer in time");
            checks.insert("database".into(), "down".into());
            down.push("database");
        }
    }
    if state.redis {
        match tokio::time::timeout(PROBE_TIMEOUT, state.stores.ephemeral.ping()).await {
            Ok(Ok(())) => {
                checks.insert("redis".into(), "ok".into());
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: redis is down");
                checks.insert("redis".into(), "down".into());
                down.push("redis");
            }
            Err(_) => {
                tracing::warn!("readiness: redis did not answer in time");
                checks.insert("redis".into(), "down".into());
                down.push("redis");
            }
        }
    }
    let body = if down.is_empty() {
        serde_json::json!({"status": "ready", "checks": checks})
    } else {
        serde_json::json!({"status": "unavailable", "down": down, "checks": checks})
    };
    let mut response = if down.is_empty() {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    response
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(body)
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    // Job counts come from the database: bounded, and left as they were when it is slow
    // or down, so a scrape still answers at once.
    let now = state.stores.clock.now();
    match tokio::time::timeout(PROBE_TIMEOUT, state.db.job_counts(now)).await {
        Ok(Ok(counts)) => state.metrics.set_jobs(&counts),
        Ok(Err(e)) => tracing::debug!(error = %e, "metrics: no job counts"),
        Err(_) => tracing::debug!("metrics: the job counts took too long"),
    }
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, crate::metrics::CONTENT_TYPE))
        .body(state.metrics.render())
}

#[cfg(test)]
mod tests {
    use super::overdue;
    use std::time::Duration;

    #[test]
    fn only_a_long_failure_is_worth_probing() {
        assert!(!overdue(None, 120), "a working pool");
        assert!(
            !overdue(Some(Duration::from_secs(30)), 120),
            "a short outage"
        );
        assert!(overdue(Some(Duration::from_secs(120)), 120));
        assert!(!overdue(Some(Duration::from_secs(9999)), 0), "turned off");
    }
}
