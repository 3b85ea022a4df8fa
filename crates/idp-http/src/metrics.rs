//! What `/metrics` exports, in one prometheus-client registry written in the Prometheus
//! text format (0.0.4). Handlers and tasks count through the methods here; the stores
//! report through [`StoreObserver`], which this implements; what only a scrape can
//! read (the pool, the hashing queue, job counts) is read when `/metrics` is asked.
//!
//! Every label value comes from a closed set: route patterns (never raw paths), enum
//! names, port method names. No address, email or client id is ever a label.

use idp_core::client::GrantType;
use idp_core::oidc::backchannel::Outcome;
use idp_core::throttle::Action;
use idp_store::{Database, HashingStats, JobCounts, Operation, StoreObserver};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric as _};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The route label of a request no route matched.
pub const UNMATCHED: &str = "unmatched";

/// Upper bounds of the request histogram's buckets, in seconds.
const REQUEST_BOUNDS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Database operations and waits for a connection.
const DATABASE_BOUNDS: [f64; 13] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
/// Redis round trips: a command deadline is 500 ms by default.
const REDIS_BOUNDS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

fn request_histogram() -> Histogram {
    Histogram::new(REQUEST_BOUNDS)
}
fn database_histogram() -> Histogram {
    Histogram::new(DATABASE_BOUNDS)
}
fn redis_histogram() -> Histogram {
    Histogram::new(REDIS_BOUNDS)
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabel {
    action: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SignInLabels {
    method: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GrantLabel {
    grant: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GrantErrorLabels {
    grant: &'static str,
    error: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabel {
    decision: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    port: &'static str,
    operation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CommandLabel {
    command: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    kind: &'static str,
    state: String,
}

/// How a person signed in, or tried to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    Password,
    Google,
    Entra,
    Totp,
    RecoveryCode,
    EmailCode,
    Passkey,
    SmsCode,
}

impl SignInMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Google => "google",
            Self::Entra => "entra",
            Self::Totp => "totp",
            Self::RecoveryCode => "recovery_code",
            Self::EmailCode => "email_code",
            Self::Passkey => "passkey",
            Self::SmsCode => "sms_code",
        }
    }
}

impl SignInMethod {
    /// A method as a sign-in's `methods` list names it.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Password,
            Self::Google,
            Self::Entra,
            Self::Totp,
            Self::RecoveryCode,
            Self::EmailCode,
            Self::Passkey,
            Self::SmsCode,
        ]
        .into_iter()
        .find(|m| m.as_str() == name)
    }
}

impl From<idp_core::mfa::SecondFactorMethod> for SignInMethod {
    fn from(m: idp_core::mfa::SecondFactorMethod) -> Self {
        use idp_core::mfa::SecondFactorMethod as M;
        match m {
            M::Totp => Self::Totp,
            M::RecoveryCode => Self::RecoveryCode,
            M::EmailCode => Self::EmailCode,
            M::Passkey => Self::Passkey,
            M::SmsCode => Self::SmsCode,
        }
    }
}

impl From<idp_core::federation::Provider> for SignInMethod {
    fn from(p: idp_core::federation::Provider) -> Self {
        match p {
            idp_core::federation::Provider::Google => Self::Google,
            idp_core::federation::Provider::Entra => Self::Entra,
        }
    }
}

/// What became of one sign-in step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInOutcome {
    /// Every factor proven: a session started.
    SignedIn,
    /// The password was right; a second factor (or its enrolment, or a new password)
    /// comes next.
    SecondFactorRequired,
    WrongPassword,
    NoSuchAccount,
    /// Refused because the account, or its second factor, is locked (or this attempt
    /// locked it: `idp_locks_total` counts those).
    Locked,
    Disabled,
    /// Proven, but the organization's policy refuses it (on leave, network, not linked).
    Refused,
    WrongCode,
    /// A rate limit refused it before any check.
    Throttled,
    /// The hashing queue was full.
    Busy,
    /// The upstream provider failed or refused, or the sign-in expired on the way.
    Failed,
}

impl SignInOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedIn => "signed_in",
            Self::SecondFactorRequired => "second_factor_required",
            Self::WrongPassword => "wrong_password",
            Self::NoSuchAccount => "no_such_account",
            Self::Locked => "locked",
            Self::Disabled => "disabled",
            Self::Refused => "refused",
            Self::WrongCode => "wrong_code",
            Self::Throttled => "throttled",
            Self::Busy => "busy",
            Self::Failed => "failed",
        }
    }
}

/// Which lock a failed attempt set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    Password,
    SecondFactor,
}

impl LockKind {
    const ALL: [Self; 2] = [Self::Password, Self::SecondFactor];

    fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::SecondFactor => "second_factor",
        }
    }
}

/// A grant type as a label: the short name of a [`GrantType`] `idp` supports
/// (`device_code` for RFC 8628's URN), `unsupported` or `none`.
fn grant_name(grant: GrantType) -> &'static str {
    match grant {
        GrantType::DeviceCode => "device_code",
        other => other.as_str(),
    }
}

/// A request's `grant_type` as a label: one of [`grant_name`]'s, `unsupported` or `none`.
pub fn grant_label(grant_type: Option<&str>) -> &'static str {
    match grant_type.map(str::parse::<GrantType>) {
        None => "none",
        Some(Ok(grant)) => grant_name(grant),
        Some(Err(_)) => "unsupported",
    }
}

/// The actions `idp_throttled_total` counts.
pub const THROTTLED_ACTIONS: [Action; 6] = [
    Action::SignIn,
    Action::SecondFactor,
    Action::PasswordReset,
    Action::EmailCode,
    Action::ClientAuth,
    Action::UserCode,
];

pub struct Metrics {
    registry: Registry,
    http_requests: Counter,
    http_server_errors: Counter,
    http_duration: Histograms<RouteLabels>,
    throttled: Family<ActionLabel, Counter>,
    /// Password checks refused because their address had its share of the queue.
    in_flight_refused: Arc<AtomicU64>,
    backchannel: Family<OutcomeLabel, Counter>,
    sign_ins: Family<SignInLabels, Counter>,
    locks: Family<KindLabel, Counter>,
    tokens_issued: Family<GrantLabel, Counter>,
    token_errors: Family<GrantErrorLabels, Counter>,
    device_decisions: Family<DecisionLabel, Counter>,
    database_duration: Histograms<OperationLabels>,
    database_wait: Histogram,
    database_wait_timeouts: Counter,
    redis_duration: Histograms<CommandLabel>,
    redis_errors: Family<CommandLabel, Counter>,
    jobs: Family<JobLabels, Gauge>,
}

impl Metrics {
    /// Registers every series; `db` and `hashing` are read at each scrape.
    pub fn new(db: Database, hashing: Arc<HashingStats>) -> Self {
        let mut registry = Registry::default();
        registry.register(
            "idp_build",
            "Version of the running idp",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        let m = Self {
            http_requests: Counter::default(),
            http_server_errors: Counter::default(),
            http_duration: Family::new_with_constructor(request_histogram),
            throttled: Family::default(),
            in_flight_refused: Arc::new(AtomicU64::new(0)),
            backchannel: Family::default(),
            sign_ins: Family::default(),
            locks: Family::default(),
            tokens_issued: Family::default(),
            token_errors: Family::default(),
            device_decisions: Family::default(),
            database_duration: Family::new_with_constructor(database_histogram),
            database_wait: database_histogram(),
            database_wait_timeouts: Counter::default(),
            redis_duration: Family::new_with_constructor(redis_histogram),
            redis_errors: Family::default(),
            jobs: Family::default(),
            registry: Registry::default(),
        };
        // Series an alert or a test reads exist from the start, at zero.
        for action in THROTTLED_ACTIONS {
            let _ = m.throttled.get_or_create(&ActionLabel {
                action: action.as_str(),
            });
        }
        for outcome in Outcome::ALL {
            let _ = m.backchannel.get_or_create(&OutcomeLabel {
                outcome: outcome.as_str(),
            });
        }
        for kind in LockKind::ALL {
            let _ = m.locks.get_or_create(&KindLabel {
                kind: kind.as_str(),
            });
        }
        for grant in GrantType::ALL {
            let _ = m.tokens_issued.get_or_create(&GrantLabel {
                grant: grant_name(*grant),
            });
        }
        for decision in ["approved", "denied"] {
            let _ = m
                .device_decisions
                .get_or_create(&DecisionLabel { decision });
        }
        let r = &mut registry;
        r.register(
            "idp_http_requests",
            "HTTP requests answered",
            m.http_requests.clone(),
        );
        r.register(
            "idp_http_server_errors",
            "HTTP requests answered with a 5xx status",
            m.http_server_errors.clone(),
        );
        r.register(
            "idp_http_request_duration_seconds",
            "Time from a request's arrival to its answer, by route pattern and status",
            m.http_duration.clone(),
        );
        r.register(
            "idp_throttled",
            "Requests refused by a rate limit, by action",
            m.throttled.clone(),
        );
        r.register(
            "idp_backchannel_logout",
            "Back-channel logout deliveries attempted, by outcome",
            m.backchannel.clone(),
        );
        r.register(
            "idp_sign_ins",
            "Sign-in steps by method (password, google, entra, totp, recovery_code, email_code) and outcome",
            m.sign_ins.clone(),
        );
        r.register(
            "idp_locks",
            "Locks set after repeated failures, by kind (password, second_factor)",
            m.locks.clone(),
        );
        r.register(
            "idp_tokens_issued",
            "Token responses issued at /token, by grant type",
            m.tokens_issued.clone(),
        );
        r.register(
            "idp_token_errors",
            "Token requests refused at /token, by grant type and OAuth error",
            m.token_errors.clone(),
        );
        r.register(
            "idp_device_decisions",
            "Device authorizations a person answered at /device, by decision",
            m.device_decisions.clone(),
        );
        r.register(
            "idp_database_operation_duration_seconds",
            "Database operations from asking for a connection to the answer, by port and operation",
            m.database_duration.clone(),
        );
        r.register(
            "idp_database_connection_wait_seconds",
            "Time database calls waited for a connection (a pool permit, a blocking thread, the checkout)",
            m.database_wait.clone(),
        );
        r.register(
            "idp_database_connection_wait_timeouts",
            "Database calls that gave up waiting for a connection (answered 503)",
            m.database_wait_timeouts.clone(),
        );
        r.register(
            "idp_redis_command_duration_seconds",
            "Redis round trips, by ephemeral-store command",
            m.redis_duration.clone(),
        );
        r.register(
            "idp_redis_command_errors",
            "Redis commands that failed or timed out, by command",
            m.redis_errors.clone(),
        );
        r.register(
            "idp_jobs",
            "Background jobs in the database by kind and state (the same on every node)",
            m.jobs.clone(),
        );
        r.register_collector(Box::new(Scraped {
            db,
            hashing,
            in_flight_refused: m.in_flight_refused.clone(),
        }));
        Self { registry, ..m }
    }

    /// Redis is in use: its error series exist from the start, at zero.
    pub fn expect_redis(&self) {
        for command in idp_store::ObservedEphemeral::COMMANDS {
            let _ = self.redis_errors.get_or_create(&CommandLabel { command });
        }
    }

    /// One answered request.
    pub fn request(&self, route: Option<&str>, status: u16, elapsed: Duration) {
        self.http_requests.inc();
        if (500..600).contains(&status) {
            self.http_server_errors.inc();
        }
        self.http_duration
            .get_or_create(&RouteLabels {
                route: route.unwrap_or(UNMATCHED).to_owned(),
                status,
            })
            .observe(elapsed.as_secs_f64());
    }

    pub fn throttled(&self, action: Action) {
        self.throttled
            .get_or_create(&ActionLabel {
                action: action.as_str(),
            })
            .inc();
    }

    pub fn hashing_in_flight_refused(&self) {
        self.in_flight_refused.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one back-channel logout attempt's outcome.
    pub fn backchannel(&self, outcome: Outcome) {
        self.backchannel
            .get_or_create(&OutcomeLabel {
                outcome: outcome.as_str(),
            })
            .inc();
    }

    pub fn sign_in(&self, method: SignInMethod, outcome: SignInOutcome) {
        self.sign_ins
            .get_or_create(&SignInLabels {
                method: method.as_str(),
                outcome: outcome.as_str(),
            })
            .inc();
    }

    pub fn lock_set(&self, kind: LockKind) {
        self.locks
            .get_or_create(&KindLabel {
                kind: kind.as_str(),
            })
            .inc();
    }

    /// A token response, or the OAuth error that refused it.
    pub fn token(&self, grant: &'static str, result: Result<(), &'static str>) {
        match result {
            Ok(()) => self
                .tokens_issued
                .get_or_create(&GrantLabel { grant })
                .inc(),
            Err(error) => self
                .token_errors
                .get_or_create(&GrantErrorLabels { grant, error })
                .inc(),
        };
    }

    pub fn device_decision(&self, approved: bool) {
        let decision = if approved { "approved" } else { "denied" };
        self.device_decisions
            .get_or_create(&DecisionLabel { decision })
            .inc();
    }

    /// Sets the job gauges from a count; states not in it read zero.
    pub fn set_jobs(&self, counts: &JobCounts) {
        use idp_core::audit_jobs::ExportStatus;
        use idp_core::members_io::job::JobStatus;
        let of = |counted: &[(String, u64)], status: &str| {
            counted
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n)
        };
        for status in JobStatus::ALL {
            let n = of(&counts.member_imports, status.as_str());
            self.job("member_import", status.as_str(), n);
        }
        for status in ExportStatus::ALL {
            let n = of(&counts.audit_exports, status.as_str());
            self.job("audit_export", status.as_str(), n);
        }
        self.job("logout_delivery", "due", counts.logout_deliveries_due);
        self.job(
            "logout_delivery",
            "retrying",
            counts.logout_deliveries_retrying,
        );
        self.job("logout_delivery", "leased", counts.logout_deliveries_leased);
    }

    fn job(&self, kind: &'static str, state: &str, n: u64) {
        self.jobs
            .get_or_create(&JobLabels {
                kind,
                state: state.to_owned(),
            })
            .set(i64::try_from(n).unwrap_or(i64::MAX));
    }

    /// The whole registry in the Prometheus text format (which ends each help with a
    /// full stop of its own).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
        {
            tracing::error!(error = %e, "could not write the metrics");
        }
        out
    }
}

pub use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

impl StoreObserver for Metrics {
    fn database_operation(&self, operation: Operation, elapsed: Duration) {
        self.database_duration
            .get_or_create(&OperationLabels {
                port: operation.port,
                operation: operation.method,
            })
            .observe(elapsed.as_secs_f64());
    }

    fn database_wait(&self, elapsed: Duration, timed_out: bool) {
        self.database_wait.observe(elapsed.as_secs_f64());
        if timed_out {
            self.database_wait_timeouts.inc();
        }
    }

    fn ephemeral_command(&self, command: &'static str, elapsed: Duration, failed: bool) {
        let label = CommandLabel { command };
        self.redis_duration
            .get_or_create(&label)
            .observe(elapsed.as_secs_f64());
        if failed {
            self.redis_errors.get_or_create(&label).inc();
        }
    }
}

/// What is read, not counted: the database's health and pool, the hashing queue.
#[derive(Debug)]
struct Scraped {
    db: Database,
    hashing: Arc<HashingStats>,
    in_flight_refused: Arc<AtomicU64>,
}

impl Collector for Scraped {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let health = self.db.health();
        let pool = self.db.pool_state();
        let counter = |encoder: &mut DescriptorEncoder, name: &str, help: &str, v: u64| {
            let metric = ConstCounter::new(v);
            metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
        };
        let gauge = |encoder: &mut DescriptorEncoder, name: &str, help: &str, v: u64| {
            let metric = ConstGauge::new(i64::try_from(v).unwrap_or(i64::MAX));
            metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
        };
        counter(
            &mut encoder,
            "idp_store_unavailable",
            "Database operations that failed because the database could not be reached",
            health.unavailable_total,
        )?;
        let failing = ConstGauge::new(health.failing_for.map_or(0.0, |f| f.as_secs_f64()));
        failing.encode(encoder.encode_descriptor(
            "idp_database_failing_seconds",
            "How long the database pool has been failing (0: it works)",
            None,
            MetricType::Gauge,
        )?)?;
        gauge(
            &mut encoder,
            "idp_database_connections_max",
            "Database calls that may hold a connection at once (database.max_connections)",
            pool.max.into(),
        )?;
        gauge(
            &mut encoder,
            "idp_database_connections_in_use",
            "Database calls holding a connection now",
            pool.in_use.into(),
        )?;
        gauge(
            &mut encoder,
            "idp_database_connections_open",
            "Connections the pool has open, idle ones included",
            pool.open.into(),
        )?;
        gauge(
            &mut encoder,
            "idp_database_connections_idle",
            "Open connections no call holds",
            pool.idle.into(),
        )?;
        gauge(
            &mut encoder,
            "idp_database_calls_waiting",
            "Database calls waiting for a connection now",
            pool.waiting,
        )?;
        gauge(
            &mut encoder,
            "idp_password_hash_queue_depth",
            "Password hashes waiting for a hashing thread",
            self.hashing.queued.load(Ordering::Relaxed),
        )?;
        gauge(
            &mut encoder,
            "idp_password_hash_queue_capacity",
            "Password hashes that may wait; one more is answered busy",
            self.hashing.capacity,
        )?;
        gauge(
            &mut encoder,
            "idp_password_hash_threads",
            "Threads that compute password hashes",
            self.hashing.threads,
        )?;
        gauge(
            &mut encoder,
            "idp_password_hashes_running",
            "Password hashes being computed now",
            self.hashing.running.load(Ordering::Relaxed),
        )?;
        let refused = encoder.encode_descriptor(
            "idp_password_checks_refused",
            "Password checks refused before hashing: the address had its share of the queue (in_flight) or the queue was full (busy)",
            None,
            MetricType::Counter,
        )?;
        let mut refused = refused;
        for (reason, n) in [
            ("in_flight", self.in_flight_refused.load(Ordering::Relaxed)),
            ("busy", self.hashing.refused.load(Ordering::Relaxed)),
        ] {
            ConstCounter::new(n).encode(refused.encode_family(&[("reason", reason)])?)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> (Metrics, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let target =
            idp_store::DbTarget::parse(&format!("sqlite://{}/m.db", dir.path().display())).unwrap();
        let db = Database::connect(&target, &idp_store::DbOptions::default()).unwrap();
        (Metrics::new(db, Arc::default()), dir)
    }

    fn has(text: &str, line: &str) -> bool {
        text.lines().any(|l| l == line)
    }

    #[test]
    fn request_buckets_are_cumulative_per_route_and_status() {
        let (m, _dir) = metrics();
        m.request(Some("/token"), 200, Duration::from_micros(800));
        m.request(Some("/token"), 200, Duration::from_millis(7));
        m.request(Some("/token"), 200, Duration::from_secs(30));
        m.request(Some("/token"), 503, Duration::from_millis(2));
        m.request(None, 404, Duration::from_micros(100));
        let text = m.render();
        let ok = r#"route="/token",status="200""#;
        for (le, n) in [
            ("0.001", 1),
            ("0.005", 1),
            ("0.01", 2),
            ("10", 2),
            ("+Inf", 3),
        ] {
            let line = format!("idp_http_request_duration_seconds_bucket{{{ok},le=\"{le}\"}} {n}");
            assert!(has(&text, &line), "{line} in\n{text}");
        }
        assert!(has(
            &text,
            r#"idp_http_request_duration_seconds_count{route="unmatched",status="404"} 1"#
        ));
        assert!(has(&text, "idp_http_requests_total 5"));
        assert!(has(&text, "idp_http_server_errors_total 1"));
    }

    #[test]
    fn series_alerts_read_exist_before_anything_happens() {
        let (m, _dir) = metrics();
        m.expect_redis();
        let text = m.render();
        for line in [
            r#"idp_throttled_total{action="sign_in"} 0"#,
            r#"idp_locks_total{kind="password"} 0"#,
            r#"idp_locks_total{kind="second_factor"} 0"#,
            r#"idp_tokens_issued_total{grant="device_code"} 0"#,
            r#"idp_backchannel_logout_total{outcome="gave_up"} 0"#,
            r#"idp_redis_command_errors_total{command="take"} 0"#,
            r#"idp_password_checks_refused_total{reason="busy"} 0"#,
            "idp_store_unavailable_total 0",
            "idp_database_connections_max 8",
        ] {
            assert!(has(&text, line), "{line} in\n{text}");
        }
    }

    #[test]
    fn grant_labels_are_a_closed_set() {
        assert_eq!(grant_label(Some("refresh_token")), "refresh_token");
        assert_eq!(
            grant_label(Some(idp_core::oidc::device::GRANT_TYPE)),
            "device_code"
        );
        assert_eq!(grant_label(Some("password")), "unsupported");
        assert_eq!(grant_label(Some("x\"}")), "unsupported");
        assert_eq!(grant_label(None), "none");
    }
}
