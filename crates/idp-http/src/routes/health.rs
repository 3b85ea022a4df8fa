//! Operations endpoints: liveness, readiness (database and Redis reachable) and metrics.
//!
//! Liveness restarts only a node that cannot recover by itself: it fails when the pool
//! has handed out no working connection for `database.liveness_failure_secs` while a
//! fresh connection to the same database works. When the database itself is down, that
//! fresh connection fails too and liveness stays ok: restarting every node during an
//! outage would only add a reconnection storm to it. Readiness says 503 meanwhile.

use crate::state::{AppState, THROTTLED_ACTIONS};
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use std::sync::atomic::Ordering;
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
    let m = &state.metrics;
    let db = state.db.health();
    let mut body = format!(
        "# HELP idp_build_info Version of the running idp.\n# TYPE idp_build_info gauge\nidp_build_info{{version=\"{}\"}} 1\n\
         # HELP idp_http_requests_total HTTP requests answered.\n# TYPE idp_http_requests_total counter\nidp_http_requests_total {}\n\
         # HELP idp_http_server_errors_total HTTP requests answered with a 5xx status.\n# TYPE idp_http_server_errors_total counter\nidp_http_server_errors_total {}\n\
         # HELP idp_store_unavailable_total Database operations that failed because the database could not be reached.\n# TYPE idp_store_unavailable_total counter\nidp_store_unavailable_total {}\n\
         # HELP idp_database_failing_seconds How long the database pool has been failing (0: it works).\n# TYPE idp_database_failing_seconds gauge\nidp_database_failing_seconds {}\n",
        env!("CARGO_PKG_VERSION"),
        m.requests.load(Ordering::Relaxed),
        m.server_errors.load(Ordering::Relaxed),
        db.unavailable_total,
        db.failing_for.map_or(0.0, |f| f.as_secs_f64()),
    );
    body.push_str("# HELP idp_throttled_total Requests refused by a rate limit.\n# TYPE idp_throttled_total counter\n");
    for (action, n) in THROTTLED_ACTIONS.iter().zip(&m.throttled) {
        body.push_str(&format!(
            "idp_throttled_total{{action=\"{}\"}} {}\n",
            action.as_str(),
            n.load(Ordering::Relaxed)
        ));
    }
    body.push_str(&format!(
        "# HELP idp_password_checks_refused_total Password checks refused before hashing: the address had its share of the queue (in_flight) or the queue was full (busy).\n# TYPE idp_password_checks_refused_total counter\nidp_password_checks_refused_total{{reason=\"in_flight\"}} {}\nidp_password_checks_refused_total{{reason=\"busy\"}} {}\n",
        m.hashing_in_flight_refused.load(Ordering::Relaxed),
        m.hashing_refused.load(Ordering::Relaxed),
    ));
    body.push_str("# HELP idp_backchannel_logout_total Back-channel logout deliveries attempted, by outcome.\n# TYPE idp_backchannel_logout_total counter\n");
    for (outcome, n) in idp_core::oidc::backchannel::Outcome::ALL
        .iter()
        .zip(&m.backchannel)
    {
        body.push_str(&format!(
            "idp_backchannel_logout_total{{outcome=\"{}\"}} {}\n",
            outcome.as_str(),
            n.load(Ordering::Relaxed)
        ));
    }
    m.timings.render(&mut body);
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/plain; version=0.0.4"))
        .body(body)
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
