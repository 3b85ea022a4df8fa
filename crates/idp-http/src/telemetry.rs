//! Logs through `tracing`: human-readable by default, JSON when configured; and, when
//! `telemetry.otlp_endpoint` names a collector, the same spans exported as OpenTelemetry
//! traces over OTLP/HTTP (protobuf).
//!
//! Export never holds up a request: spans go into the SDK's bounded batch queue (full:
//! dropped) and are posted from the batch processor's own thread, with reqwest's
//! blocking client under `telemetry.otlp_timeout_ms`. A collector that is down costs a
//! warning per batch, nothing more.

use crate::settings::{LogFormat, LogSettings, TelemetrySettings};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Flushes and stops the trace export when dropped (at the end of `main`).
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.traces.take()
            && let Err(e) = provider.shutdown_with_timeout(Duration::from_secs(3))
        {
            tracing::warn!(error = %e, "trace export did not finish at shutdown");
        }
    }
}

/// Starts logging, and trace export when `export` is true and an endpoint is set.
pub fn init(log: &LogSettings, telemetry: &TelemetrySettings, export: bool) -> Telemetry {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&log.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    use std::io::IsTerminal as _;
    let ansi = std::io::stderr().is_terminal();
    let (traces, traces_error) = match telemetry.traces_url().filter(|_| export) {
        Some(url) => match provider(telemetry, &url) {
            Ok(p) => (Some(p), None),
            Err(e) => (None, Some(e)),
        },
        None => (None, None),
    };
    let otel = traces.as_ref().map(|p| {
        tracing_opentelemetry::layer().with_tracer(p.tracer(telemetry.service_name.clone()))
    });
    let registry = tracing_subscriber::registry().with(filter).with(otel);
    // A second initialisation (tests) is harmless; the first subscriber stays.
    let _ = match log.format {
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_writer(std::io::stderr),
            )
            .try_init(),
        LogFormat::Human => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_ansi(ansi),
            )
            .try_init(),
    };
    if let Some(e) = traces_error {
        tracing::error!(error = %e, "trace export is off: the exporter could not be built");
    } else if traces.is_some() {
        tracing::info!(
            endpoint = telemetry.otlp_endpoint.as_deref().unwrap_or_default(),
            service = %telemetry.service_name,
            "exporting traces over OTLP"
        );
    }
    Telemetry { traces }
}

fn provider(telemetry: &TelemetrySettings, url: &str) -> Result<SdkTracerProvider, String> {
    let timeout = Duration::from_millis(telemetry.otlp_timeout_ms.max(1));
    // Built before the async runtime starts (reqwest's blocking client must not be made
    // or dropped on one of its threads).
    let client = reqwest::blocking::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(Blocking(client))
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .with_endpoint(url)
        .with_timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(telemetry.service_name.clone())
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// The OTLP exporter's HTTP client: this crate's reqwest (TLS included), blocking, since
/// the batch processor drives exports on its own thread without an async runtime.
#[derive(Debug)]
struct Blocking(reqwest::blocking::Client);

#[async_trait::async_trait]
impl HttpClient for Blocking {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let request = reqwest::blocking::Request::try_from(request)?;
        let response = self.0.execute(request)?;
        let status = response.status();
        let headers = response.headers().clone();
        // The collector's answer is small (a partial-success note at most); bounded anyway.
        let body = response.bytes()?;
        let body = body.slice(..body.len().min(64 * 1024));
        let mut answer = Response::builder().status(status);
        if let Some(h) = answer.headers_mut() {
            *h = headers;
        }
        Ok(answer.body(body)?)
    }
}
