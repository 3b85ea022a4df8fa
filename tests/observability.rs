//! What an operator runs on: `/metrics` moves by what happened (sign-ins by method and
//! outcome, locks, tokens by grant, store and Redis latency, pool and jobs), every metric
//! the Grafana dashboard and the alert rules in `deploy/` use is exported, and traces
//! reach an OTLP collector when one is configured, without a collector that is down or
//! stuck ever holding up a request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod support;

use prost::Message as _;
use std::collections::BTreeSet;
use support::flow::*;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

const LOCKED_EMAIL: &str = "grace@example.com";
const LOCKED_PASSWORD: &str = "analytical engine notes";
const TESS_EMAIL: &str = "tess@example.com";
const TESS_PASSWORD: &str = "second factor enthusiast";
const TESS_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// One scrape: each sample line's name with its labels, and its value.
struct Scrape {
    text: String,
    samples: HashMap<String, f64>,
}

impl Scrape {
    async fn of(idp: &Idp) -> Scrape {
        let r = reqwest::get(idp.url("/metrics")).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain; version=0.0.4"),
            "{:?}",
            r.headers()["content-type"]
        );
        let text = r.text().await.unwrap();
        let samples = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| {
                let (series, value) = l.rsplit_once(' ').unwrap();
                (series.to_owned(), value.parse::<f64>().unwrap())
            })
            .collect();
        Scrape { text, samples }
    }

    fn value(&self, series: &str) -> f64 {
        self.samples.get(series).copied().unwrap_or(0.0)
    }

    /// Sample names, and the names `# TYPE` declares (a family with no series yet).
    fn names(&self) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = self
            .samples
            .keys()
            .map(|s| s.split('{').next().unwrap().to_owned())
            .collect();
        for line in self.text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').unwrap();
                names.insert(name.to_owned());
                if kind == "histogram" {
                    for part in ["_bucket", "_count", "_sum"] {
                        names.insert(format!("{name}{part}"));
                    }
                }
            }
        }
        names
    }
}

/// How much each series moved between two scrapes.
fn moved(before: &Scrape, after: &Scrape, series: &str) -> f64 {
    after.value(series) - before.value(series)
}

fn sign_ins(method: &str, outcome: &str) -> String {
    format!(r#"idp_sign_ins_total{{method="{method}",outcome="{outcome}"}}"#)
}

/// A code the authenticator app does not show around now.
fn wrong_totp_code() -> String {
    use idp_core::totp::{TotpSecret, code_at_step, step_at};
    let secret = TotpSecret::parse_base32(TESS_SECRET).unwrap();
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    let step = step_at(idp_core::Timestamp::from_micros(
        i64::try_from(micros).unwrap(),
    ));
    (0..1_000_000u32)
        .map(|n| format!("{n:06}"))
        .find(|c| (-3..=3).all(|s| *c != code_at_step(&secret, step + s)))
        .unwrap()
}

/// Every `idp_…` name a file of `deploy/` uses.
fn metric_names_in(path: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(path),
    )
    .unwrap();
    let mut names = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("idp_") {
        // Only a whole identifier: not the tail of a longer word.
        let before = rest[..at].chars().next_back();
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            names.insert(tail[..end].to_owned());
        }
        rest = &tail[end..];
    }
    names
}

#[tokio::test]
async fn metrics_follow_sign_ins_locks_tokens_and_stores_and_cover_the_dashboard() {
    let test = "metrics_follow_sign_ins_locks_tokens_and_stores_and_cover_the_dashboard";
    let Some((idp, _db)) = Idp::on_postgres(test, &[]).await else {
        return;
    };
    idp.member("acme", LOCKED_EMAIL, LOCKED_PASSWORD, &[]);
    idp.member(
        "acme",
        TESS_EMAIL,
        TESS_PASSWORD,
        &["--totp-secret", TESS_SECRET],
    );
    idp.set_policy("lockout_after_failures=2");
    let reg = idp.web_app();
    let rp = idp.rp(&reg).await;
    let before = Scrape::of(&idp).await;

    // A sign-in for an application, its code exchanged, the refresh token used, and a
    // refresh token nobody issued refused.
    let browser = idp.browser();
    let request = rp.request(&[], &[]);
    let tokens = rp.tokens(&browser, &request).await;
    let refreshed = rp.refresh(tokens.refresh_token().unwrap()).await;
    assert!(refreshed.is_ok(), "{refreshed:?}");
    let forged = rp
        .refresh(&RefreshToken::new("not-a-refresh-token".into()))
        .await;
    assert_eq!(error_code(forged), "invalid_grant");

    // A wrong password, and an address nobody has.
    let b = idp.browser();
    let page = b.go("/login").await.sign_in_page();
    let r = b.submit_sign_in(&page, EMAIL, "not the password").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = b
        .submit_sign_in(&page, "nobody@example.com", "whatever")
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Grace's password locks at the second failure; the third is refused as locked.
    for _ in 0..3 {
        let r = b
            .submit_sign_in(&page, LOCKED_EMAIL, "not grace's password")
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }

    // Tess's password asks for her second factor; ten wrong codes lock it.
    let t = idp.browser();
    let page = t.go("/login").await.sign_in_page();
    let page = match t.sign_in(&page, TESS_EMAIL, TESS_PASSWORD).await {
        Step::Page(StatusCode::OK, at, _, html) if at.path() == "/login/second-factor" => html,
        other => panic!("expected the second-factor page, got {other:?}"),
    };
    let csrf = hidden(&page, "csrf");
    let wrong = wrong_totp_code();
    for n in 1..=10 {
        let r = t
            .post(
                "/login/second-factor",
                &[("csrf", &csrf), ("method", "totp"), ("code", &wrong)],
            )
            .await;
        let expected = if n < 10 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(r.status(), expected, "code {n}");
    }

    let after = Scrape::of(&idp).await;
    let expect = [
        (sign_ins("password", "signed_in"), 1.0),
        (sign_ins("password", "wrong_password"), 2.0),
        (sign_ins("password", "no_such_account"), 1.0),
        (sign_ins("password", "locked"), 2.0),
        (sign_ins("password", "second_factor_required"), 1.0),
        (sign_ins("totp", "wrong_code"), 9.0),
        (sign_ins("totp", "locked"), 1.0),
        (sign_ins("totp", "signed_in"), 0.0),
        (r#"idp_locks_total{kind="password"}"#.to_owned(), 1.0),
        (r#"idp_locks_total{kind="second_factor"}"#.to_owned(), 1.0),
        (
            r#"idp_tokens_issued_total{grant="authorization_code"}"#.to_owned(),
            1.0,
        ),
        (
            r#"idp_tokens_issued_total{grant="refresh_token"}"#.to_owned(),
            1.0,
        ),
        (
            r#"idp_tokens_issued_total{grant="client_credentials"}"#.to_owned(),
            0.0,
        ),
        (
            r#"idp_token_errors_total{grant="refresh_token",error="invalid_grant"}"#.to_owned(),
            1.0,
        ),
        (
            r#"idp_http_request_duration_seconds_count{route="/token",status="200"}"#.to_owned(),
            2.0,
        ),
    ];
    for (series, n) in &expect {
        assert_eq!(
            moved(&before, &after, series),
            *n,
            "{series} moved by {}, not {n}; scrape:\n{}",
            moved(&before, &after, series),
            after.text
        );
    }

    // The stores: PostgreSQL operations named by port and method (the password check's
    // admission among them), Redis round trips by command (rate limits, sign-in state).
    for series in [
        r#"idp_database_operation_duration_seconds_count{port="CredentialRepo",operation="admit_password_attempt"}"#,
        r#"idp_database_operation_duration_seconds_count{port="GrantRepo",operation="use_refresh_token"}"#,
        r#"idp_redis_command_duration_seconds_count{command="get"}"#,
        r#"idp_redis_command_duration_seconds_count{command="incr_each"}"#,
    ] {
        assert!(
            moved(&before, &after, series) >= 1.0,
            "{series} did not move; scrape:\n{}",
            after.text
        );
    }
    assert!(after.value("idp_database_connection_wait_seconds_count") >= 1.0);
    assert_eq!(after.value("idp_database_connections_max"), 8.0);
    assert!(after.value("idp_database_connections_open") >= 1.0);
    assert_eq!(after.value("idp_database_calls_waiting"), 0.0);
    assert_eq!(after.value("idp_password_hash_queue_depth"), 0.0);
    assert!(after.value("idp_password_hash_threads") >= 1.0);
    assert_eq!(
        after.value(r#"idp_jobs{kind="member_import",state="queued"}"#),
        0.0
    );
    assert!(
        after
            .samples
            .contains_key(r#"idp_jobs{kind="logout_delivery",state="due"}"#),
        "{}",
        after.text
    );

    // No label carries an address, an email or a client id.
    for series in after.samples.keys() {
        for secretish in ["@example.com", reg.id.as_str(), "127.0.0.1"] {
            assert!(!series.contains(secretish), "{series}");
        }
    }

    // The dashboard and the alert rules use only what the code exports.
    let exported = after.names();
    for file in [
        "deploy/grafana/idp-dashboard.json",
        "deploy/prometheus/alerts.yaml",
    ] {
        let used = metric_names_in(file);
        assert!(used.len() >= 10, "{file} names only {used:?}");
        let missing: Vec<&String> = used.difference(&exported).collect();
        assert!(
            missing.is_empty(),
            "{file} uses {missing:?}, which /metrics does not export:\n{}",
            after.text
        );
    }
    let dashboard: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../deploy/grafana/idp-dashboard.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let panels = dashboard["panels"].as_array().unwrap();
    let queries = panels
        .iter()
        .flat_map(|p| p["targets"].as_array().into_iter().flatten())
        .filter(|t| t["expr"].as_str().is_some_and(|e| e.contains("idp_")))
        .count();
    assert!(queries >= 20, "{queries} queries");
}

/// What the stand-in collector received: each POST's path and body.
type Received = Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

/// A stand-in OTLP/HTTP collector on loopback: records each POST and answers 200, or
/// (`stuck`) reads it and never answers.
async fn collector(stuck: bool) -> (u16, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received: Received = Arc::default();
    let sink = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let sink = sink.clone();
            tokio::spawn(async move {
                loop {
                    let Some((path, body)) = read_request(&mut socket).await else {
                        return;
                    };
                    sink.lock().unwrap().push((path, body));
                    if stuck {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        return;
                    }
                    let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
                    if socket.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, received)
}

/// One HTTP/1.1 request with a `content-length` body: its path and body.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let path = head.split(' ').nth(1)?.to_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some((path, body))
}

/// The span names and `service.name`s of the trace exports received so far.
fn exported_spans(received: &Received) -> (Vec<String>, Vec<String>) {
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
    let (mut spans, mut services) = (Vec::new(), Vec::new());
    for (path, body) in received.lock().unwrap().iter() {
        assert_eq!(path, "/v1/traces");
        let export = ExportTraceServiceRequest::decode(body.as_slice()).unwrap();
        for resource in export.resource_spans {
            for attribute in resource.resource.iter().flat_map(|r| r.attributes.iter()) {
                if attribute.key == "service.name"
                    && let Some(Any::StringValue(s)) =
                        attribute.value.as_ref().and_then(|v| v.value.clone())
                {
                    services.push(s);
                }
            }
            for scope in resource.scope_spans {
                spans.extend(scope.spans.into_iter().map(|s| s.name));
            }
        }
    }
    (spans, services)
}

#[tokio::test]
async fn traces_reach_an_otlp_collector_and_a_dead_or_stuck_one_holds_up_nothing() {
    let (port, received) = collector(false).await;
    let endpoint = format!("http://127.0.0.1:{port}");
    let idp = Idp::start_with(&[
        ("IDP_TELEMETRY__OTLP_ENDPOINT", endpoint.as_str()),
        ("IDP_TELEMETRY__SERVICE_NAME", "idp-observed"),
        // The batch goes out within a fifth of a second instead of five.
        ("OTEL_BSP_SCHEDULE_DELAY", "200"),
    ])
    .await;
    let r = reqwest::get(idp.url("/.well-known/openid-configuration"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let wanted = "GET /.well-known/openid-configuration";
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (spans, services) = exported_spans(&received);
        if spans.iter().any(|s| s == wanted) {
            assert!(
                services.iter().all(|s| s == "idp-observed") && !services.is_empty(),
                "{services:?}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no span {wanted:?} exported; spans {spans:?}; log:\n{}",
            idp.server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(idp);

    // Off by default: no endpoint, no export (and nothing listens for one).
    let plain = Idp::start().await;
    assert!(!plain.server.log().contains("exporting traces"));
    drop(plain);

    // A collector that is not there, and one that takes the batch and never answers:
    // every request is answered as usual, and the stuck collector did get the export.
    let nobody = format!("http://127.0.0.1:{}", support::free_port());
    let (stuck_port, stuck_received) = collector(true).await;
    let stuck = format!("http://127.0.0.1:{stuck_port}");
    for endpoint in [nobody, stuck] {
        let idp = Idp::start_with(&[
            ("IDP_TELEMETRY__OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "50"),
            ("IDP_TELEMETRY__OTLP_TIMEOUT_MS", "60000"),
        ])
        .await;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        for n in 0..50 {
            let r = client
                .get(idp.url("/.well-known/openid-configuration"))
                .send()
                .await
                .unwrap_or_else(|e| panic!("request {n} to {endpoint}: {e}"));
            assert_eq!(r.status(), StatusCode::OK, "request {n}");
            if n % 10 == 0 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let browser = idp.browser();
        browser.sign_in_directly().await;
    }
    assert!(
        !stuck_received.lock().unwrap().is_empty(),
        "the stuck collector was sent a batch"
    );
}
