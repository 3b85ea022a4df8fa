//! The HTTP server: takes a bound listener and a shutdown future, so the binary and the
//! tests start it the same way.

use crate::routes;
use crate::state::AppState;
use actix_web::dev::Service as _;
use actix_web::middleware::{DefaultHeaders, ErrorHandlers};
use actix_web::{App, HttpServer, web};
use idp_core::maintenance::Round;
use std::future::Future;
use std::net::TcpListener;
use std::sync::atomic::Ordering;
use tracing_actix_web::TracingLogger;

/// Serves until `shutdown` resolves; then reports not ready for `server.drain_secs`
/// while still serving, so that a load balancer stops sending; then stops accepting
/// and lets in-flight requests finish (up to `server.shutdown_timeout_secs`).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    notices: Option<idp_store::Notices>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let settings = state.settings.clone();
    let data = web::Data::new(state);
    // What other nodes change, applied here within a round trip of Redis.
    let listener_task = notices.map(|notices| {
        let state = data.clone();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        // The subscription calls back synchronously; applying may reload the keys.
        let subscription = tokio::spawn(notices.listen(move |heard| {
            let _ = tx.send(heard);
        }));
        let applier = tokio::spawn(async move {
            while let Some(heard) = rx.recv().await {
                let subscribed = heard == idp_store::Heard::Subscribed;
                state.hear(heard).await;
                if subscribed {
                    let state = state.clone();
                    tokio::spawn(async move { state.read_blocks().await });
                }
            }
        });
        (subscription, applier)
    });
    let app_data = data.clone();
    let hsts = settings.hsts();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(app_data.clone())
            .app_data(web::FormConfig::default().limit(64 * 1024))
            // Innermost, so the page it substitutes still gets the headers below.
            .wrap(ErrorHandlers::new().default_handler(crate::pages::error_page))
            .wrap(actix_web::middleware::from_fn(crate::cors::cors))
            .wrap(security_headers(hsts.as_deref()))
            .wrap_fn(|req, srv| {
                let metrics = req.app_data::<web::Data<AppState>>().cloned();
                let started = std::time::Instant::now();
                let fut = srv.call(req);
                async move {
                    let res = fut.await?;
                    if let Some(state) = metrics {
                        // The router has matched by now: the resource pattern, or none.
                        state.metrics.request(
                            res.request().match_pattern().as_deref(),
                            res.status().as_u16(),
                            started.elapsed(),
                        );
                    }
                    Ok(res)
                }
            })
            .wrap(TracingLogger::default())
            .configure(routes::configure)
            .default_service(web::to(crate::pages::not_found))
    })
    .disable_signals()
    .shutdown_timeout(settings.server.shutdown_timeout_secs);
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    let server = server.listen(listener)?.run();
    let reloader = data.clone();
    let reload_every = std::time::Duration::from_secs(settings.keys.reload_secs.max(1));
    let key_reload = tokio::spawn(async move {
        let mut tick = tokio::time::interval(reload_every);
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = reloader
                .keys
                .reload(&reloader.stores, &reloader.master_key)
                .await
            {
                tracing::warn!(error = %e, "could not reload signing keys; keeping the ones loaded");
            }
        }
    });
    let retention = (settings.audit.retention_check_secs > 0).then(|| {
        let state = data.clone();
        let every = std::time::Duration::from_secs(settings.audit.retention_check_secs);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                // One node of a cluster does the clean-up per interval: the first to
                // take the lease, which lapses just before the next round.
                match idp_core::maintenance::run_round(&state.stores, every).await {
                    Round::Ran(parts) => {
                        tracing::debug!("periodic clean-up: running it");
                        for (task, result) in parts {
                            match result {
                                Ok(0) => {}
                                Ok(n) => tracing::info!(removed = n, "{}", task.removed()),
                                Err(e) => tracing::warn!(error = %e, "{}", task.failed()),
                            }
                        }
                    }
                    Round::AlreadyRun => {
                        tracing::debug!("periodic clean-up: already run this interval");
                    }
                    Round::NoLease(e) => {
                        tracing::warn!(error = %e, "periodic clean-up: no lease; will try again");
                    }
                }
            }
        })
    });
    // Imports waiting to be applied, or left by a node that stopped, are taken up here.
    let imports = {
        let state = data.clone();
        tokio::spawn(async move {
            let every = std::time::Duration::from_secs(state.settings.imports.check_secs.max(1));
            let mut tick = tokio::time::interval(every);
            let (links, lease) = (
                state.settings.welcome_links(),
                state.settings.import_lease(),
            );
            loop {
                tick.tick().await;
                routes::members_io_api::run_waiting(&state.stores, &links, lease, None).await;
            }
        })
    };
    // Background audit exports waiting to be written, or left by a node that stopped.
    let exports = {
        let exports = routes::audit_api::Exports::of(&data);
        let every = std::time::Duration::from_secs(settings.imports.check_secs.max(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                exports.run_waiting().await;
            }
        })
    };
    // Logout tokens queued when sessions ended, sent off the request path.
    let logouts = crate::backchannel::spawn(data.clone());
    let handle = server.handle();
    let draining = data.clone();
    tokio::spawn(async move {
        shutdown.await;
        let drain = draining.settings.server.drain_secs;
        if drain > 0 {
            draining.draining.store(true, Ordering::Relaxed);
            tracing::info!(
                drain_secs = drain,
                "shutting down: reporting not ready while the balancer takes this node out"
            );
            tokio::time::sleep(std::time::Duration::from_secs(drain)).await;
        }
        tracing::info!("shutting down: finishing in-flight requests");
        handle.stop(true).await;
    });
    let result = server.await;
    key_reload.abort();
    if let Some((subscription, applier)) = listener_task {
        subscription.abort();
        applier.abort();
    }
    imports.abort();
    exports.abort();
    logouts.abort();
    if let Some(r) = retention {
        r.abort();
    }
    result
}

/// The headers every answer carries (pages, JSON and errors alike).
fn security_headers(hsts: Option<&str>) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
        ));
    match hsts {
        // RFC 6797 §7.2: only over https, which the issuer says the public side is.
        Some(value) => headers.add(("Strict-Transport-Security", value.to_owned())),
        None => headers,
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "cannot listen for SIGTERM; stopping on Ctrl-C only");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => tracing::info!("received SIGTERM"),
        _ = tokio::signal::ctrl_c() => tracing::info!("received SIGINT"),
    }
}
